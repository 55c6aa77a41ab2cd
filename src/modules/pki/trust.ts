/**
 * Trust decisions on a signer certificate: a chain to one of the given anchors, every
 * certificate within its validity period at `at`, and none listed in a CRL of its issuer.
 */
import { X509Certificate } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { UID_OID } from './ca.ts';

x509.cryptoProvider.set(globalThis.crypto);

export type TrustOutcome = { trusted: true } | { trusted: false; reason: string };

const parsed = new Map<string, X509Certificate>();
/** Anchors and CRLs repeat from call to call: parse each once per thread (bounded). */
function certificate(pem: string): X509Certificate {
  let cert = parsed.get(pem);
  if (!cert) {
    cert = new X509Certificate(pem);
    if (parsed.size > 500) parsed.clear();
    parsed.set(pem, cert);
  }
  return cert;
}

const crlCache = new Map<string, x509.X509Crl>();
function crlOf(encoded: string): x509.X509Crl {
  let crl = crlCache.get(encoded);
  if (!crl) {
    crl = new x509.X509Crl(encoded);
    if (crlCache.size > 100) crlCache.clear();
    crlCache.set(encoded, crl);
  }
  return crl;
}

const subjects = new Map<string, string>();
/** The subject as one line, `UID=` for the agency code attribute (signers repeat: parsed once per thread). */
export function subjectLine(pem: string): string {
  let subject = subjects.get(pem);
  if (subject === undefined) {
    subject = new x509.X509Certificate(pem).subject.replaceAll(`${UID_OID}=`, 'UID=');
    if (subjects.size > 500) subjects.clear();
    subjects.set(pem, subject);
  }
  return subject;
}

/** Whether a CRL is the issuer's and signed by it: checked once per CRL and issuer per thread. */
const crlSigned = new Map<string, boolean>();
async function crlOfIssuer(crl: x509.X509Crl, encoded: string, issuer: X509Certificate): Promise<boolean> {
  const key = `${issuer.fingerprint256}|${encoded}`;
  let ok = crlSigned.get(key);
  if (ok === undefined) {
    const issuerPeculiar = new x509.X509Certificate(issuer.raw);
    ok = crl.issuer === issuerPeculiar.subject && (await crl.verify({ publicKey: issuerPeculiar }));
    if (crlSigned.size > 100) crlSigned.clear();
    crlSigned.set(key, ok);
  }
  return ok;
}

function period(cert: X509Certificate, at: Date): string | null {
  if (at < cert.validFromDate) return 'certificate not yet valid';
  if (at > cert.validToDate) return 'certificate expired';
  return null;
}

async function revoked(
  cert: X509Certificate,
  issuer: X509Certificate,
  crls: string[],
  at: Date,
): Promise<string | null> {
  const serial = cert.serialNumber.toLowerCase().replace(/^0+/, '');
  for (const encoded of crls) {
    let crl: x509.X509Crl;
    try {
      crl = crlOf(encoded);
    } catch {
      continue;
    }
    if (!(await crlOfIssuer(crl, encoded, issuer))) continue;
    const entry = crl.entries.find((e) => e.serialNumber.toLowerCase().replace(/^0+/, '') === serial);
    if (entry && entry.revocationDate <= at) {
      const reason = entry.reason === undefined ? 'unspecified' : x509.X509CrlReason[entry.reason];
      return `certificate revoked (${reason})`;
    }
  }
  return null;
}

/**
 * Walks from the signer up through the carried certificates to an anchor. The first problem
 * found on a chain that reaches an anchor is the reason; no chain at all says so.
 */
export async function evaluateTrust(o: {
  certificatesPem: string[];
  anchorsPem: string[];
  crls: string[];
  at: Date;
}): Promise<TrustOutcome> {
  const anchors = o.anchorsPem.flatMap((p) => {
    try {
      return [certificate(p)];
    } catch {
      return [];
    }
  });
  const carried = o.certificatesPem.map((p) => new X509Certificate(p));
  let current = carried[0];
  if (!current) return { trusted: false, reason: 'no signer certificate' };
  for (let depth = 0; depth < 6; depth++) {
    const problem = period(current, o.at);
    if (problem) return { trusted: false, reason: problem };
    const self = anchors.find((a) => a.fingerprint256 === current?.fingerprint256);
    if (self) return { trusted: true };
    const cert: X509Certificate = current;
    const anchor = anchors.find((a) => a.ca && cert.checkIssued(a) && cert.verify(a.publicKey));
    const issuer =
      anchor ?? carried.find((c) => c !== cert && c.ca && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!issuer) return { trusted: false, reason: 'no chain to a trusted certification authority' };
    const revocation = await revoked(cert, issuer, o.crls, o.at);
    if (revocation) return { trusted: false, reason: revocation };
    if (anchor) {
      const anchorProblem = period(anchor, o.at);
      return anchorProblem ? { trusted: false, reason: `trust anchor: ${anchorProblem}` } : { trusted: true };
    }
    current = issuer;
  }
  return { trusted: false, reason: 'certificate chain too long' };
}
