/**
 * The platform's certificate authority: key pairs, a self-signed root, certificates for
 * agencies and officials, and CRLs. Pure functions over keys; storage is the service's job.
 */
import { generateKeyPair, type KeyObject, randomBytes, type webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

const generateRsa = promisify(generateKeyPair);
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** OID of the LDAP `UID` attribute: carries the agency's identifier code in the subject. */
export const UID_OID = '0.9.2342.19200300.100.1.1';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A new RSA key pair (2048 bits for holders, 3072 for the root by default). */
export async function newRsaKeyPair(bits: 2048 | 3072 = 2048): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
  });
  return { privateKey, publicKey };
}

function cryptoKeys(pair: KeyPair): { signing: webcrypto.CryptoKey; public: webcrypto.CryptoKey } {
  return {
    signing: pair.privateKey.toCryptoKey(RSA_SHA256, false, ['sign']),
    public: pair.publicKey.toCryptoKey(RSA_SHA256, true, ['verify']),
  };
}

function serial(): string {
  // Positive 16-byte serial (the high bit cleared keeps the DER integer positive).
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** A name of one attribute per line, in display order. */
export type SubjectParts = { type: 'CN' | 'O' | 'OU' | 'C' | 'L' | 'UID'; value: string }[];

function toName(parts: SubjectParts): x509.JsonName {
  return parts.map((p) => ({ [p.type === 'UID' ? UID_OID : p.type]: [p.value] }));
}

export interface IssuedCertificate {
  pem: string;
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
}

async function describe(cert: x509.X509Certificate): Promise<IssuedCertificate> {
  const thumb = Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex');
  return {
    pem: cert.toString('pem'),
    serialNumber: cert.serialNumber,
    subject: cert.subject,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprintSha256: thumb,
  };
}

/** A self-signed root CA certificate. */
export async function createRootCertificate(o: {
  keys: KeyPair;
  subject: SubjectParts;
  notBefore?: Date;
  notAfter?: Date;
}): Promise<IssuedCertificate> {
  const keys = cryptoKeys(o.keys);
  const notBefore = o.notBefore ?? new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: toName(o.subject),
    issuer: toName(o.subject),
    notBefore,
    notAfter: o.notAfter ?? new Date(notBefore.getTime() + 20 * 365 * 86_400_000),
    signingAlgorithm: RSA_SHA256,
    publicKey: keys.public,
    signingKey: keys.signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.public),
    ],
  });
  return describe(cert);
}

/** An end-entity certificate for signing documents, issued by `issuer`. */
export async function issueCertificate(o: {
  issuer: { pem: string; keys: KeyPair };
  holderPublicKey: KeyObject;
  subject: SubjectParts;
  notBefore?: Date;
  notAfter: Date;
}): Promise<IssuedCertificate> {
  const issuerCert = new x509.X509Certificate(o.issuer.pem);
  const issuerKeys = cryptoKeys(o.issuer.keys);
  const holderKey = o.holderPublicKey.toCryptoKey(RSA_SHA256, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: toName(o.subject),
    issuer: issuerCert.subjectName,
    notBefore: o.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: o.notAfter,
    signingAlgorithm: RSA_SHA256,
    publicKey: holderKey,
    signingKey: issuerKeys.signing,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(holderKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuerCert),
    ],
  });
  return describe(cert);
}

export const revocationReasons = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof revocationReasons)[number];

/** A CRL of `issuer` listing the revoked serials; valid for `hours` (default 7 days). */
export async function createCrl(o: {
  issuer: { pem: string; keys: KeyPair };
  entries: { serialNumber: string; revokedAt: Date; reason: RevocationReason }[];
  thisUpdate?: Date;
  hours?: number;
}): Promise<{ der: Buffer; pem: string; thisUpdate: Date; nextUpdate: Date }> {
  const issuerCert = new x509.X509Certificate(o.issuer.pem);
  const keys = cryptoKeys(o.issuer.keys);
  const thisUpdate = o.thisUpdate ?? new Date();
  const nextUpdate = new Date(thisUpdate.getTime() + (o.hours ?? 168) * 3_600_000);
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuerCert.subjectName,
    thisUpdate,
    nextUpdate,
    signingAlgorithm: RSA_SHA256,
    signingKey: keys.signing,
    entries: o.entries.map((e) => ({
      serialNumber: e.serialNumber,
      revocationDate: e.revokedAt,
      reason: x509.X509CrlReason[e.reason],
    })),
  });
  return { der: Buffer.from(crl.rawData), pem: crl.toString('pem'), thisUpdate, nextUpdate };
}
