import { randomUUID, X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';
import { recordAudit } from '../../platform/audit/index.ts';
import { systemContext, type RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { Forbidden } from '../../platform/errors.ts';
import {
  createCrl,
  createRootCertificate,
  issueCertificate,
  newRsaKeyPair,
  type RevocationReason,
  type SubjectParts,
} from './ca.ts';
import {
  CertificateAlreadyRevoked,
  CertificateNotFound,
  NoSigningCertificate,
  PacketNotSignable,
  TrustAnchorDuplicate,
  TrustAnchorInvalid,
  TrustAnchorNotFound,
} from './errors.ts';
import { createKeystore } from './keystore.ts';
import { canAdministerPki, canSeeAgencyCertificates, canSignAs } from './policies.ts';
import { pkiRepo, type AuthorityRow, type CertificateInfo, type TrustAnchorRow } from './repo.ts';
import { subjectLine } from './trust.ts';
import { verifyEdxmlSignature, type VerifyEdxmlOptions } from './verify.ts';
import type { VerifyResult } from './verify-worker.ts';
import { signXml, type Canonicalization, type SignatureAlgorithm } from './xmldsig.ts';

export interface IssueInput {
  holderKind: 'agency' | 'official';
  agencyId: string;
  agencyCode: string;
  agencyName: string;
  organizationInCharge?: string | undefined;
  accountId?: string | undefined;
  fullName?: string | undefined;
  validDays: number;
}

/** A certificate as the module shows it: never its key. */
export interface CertificateView {
  id: string;
  holderKind: 'agency' | 'official';
  agencyId: string;
  agencyCode: string;
  accountId: string | null;
  subject: string;
  serialNumber: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  status: 'active' | 'revoked' | 'expired';
  revokedAt: string | null;
  revocationReason: string | null;
  certificatePem: string;
}

export interface TrustAnchorView {
  id: string;
  name: string;
  kind: 'internal' | 'external';
  subject: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  certificatePem: string;
}

function certificateView(row: CertificateInfo, now = new Date()): CertificateView {
  return {
    id: row.id,
    holderKind: row.holder_kind,
    agencyId: row.agency_id,
    agencyCode: row.agency_code,
    accountId: row.account_id,
    subject: row.subject,
    serialNumber: row.serial_number,
    fingerprintSha256: row.fingerprint_sha256,
    notBefore: row.not_before.toISOString(),
    notAfter: row.not_after.toISOString(),
    status: row.revoked_at ? 'revoked' : row.not_after <= now ? 'expired' : 'active',
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revocationReason: row.revocation_reason,
    certificatePem: row.certificate_pem,
  };
}

function anchorView(
  row: TrustAnchorRow | Omit<AuthorityRow, 'private_key_enc'>,
  kind: 'internal' | 'external',
) {
  return {
    id: row.id,
    name: row.name,
    kind,
    subject: row.subject,
    fingerprintSha256: row.fingerprint_sha256,
    notBefore: row.not_before.toISOString(),
    notAfter: row.not_after.toISOString(),
    certificatePem: row.certificate_pem,
  } satisfies TrustAnchorView;
}

const TRUST_CACHE_MS = 30_000;
const CRL_REFRESH_MS = 24 * 3_600_000;

export type PkiService = ReturnType<typeof createPkiService>;

/** The rules of the PKI: one internal root CA, issued certificates, revocation, trust list, sign and verify. */
export function createPkiService(deps: { db: Db; logger: Logger; keySecret: string }) {
  const { db, logger } = deps;
  const keystore = createKeystore(deps.keySecret);
  let trustCache: { at: number; anchorsPem: string[]; crls: string[] } | null = null;

  function requireAdmin(ctx: RequestContext): void {
    if (!canAdministerPki(ctx.actor)) throw Forbidden();
  }

  /** The current internal CA, created on first use (RSA 3072, SHA-256, 20 years). */
  async function authority(): Promise<AuthorityRow> {
    const existing = await pkiRepo.currentAuthority(db);
    if (existing) return existing;
    const keys = await newRsaKeyPair(3072);
    const name = 'Liên thông Root CA';
    const cert = await createRootCertificate({
      keys,
      subject: [
        { type: 'CN', value: name },
        { type: 'O', value: 'Liên thông' },
        { type: 'C', value: 'VN' },
      ],
    });
    const row = {
      id: randomUUID(),
      name,
      subject: subjectLine(cert.pem),
      serial_number: cert.serialNumber,
      fingerprint_sha256: cert.fingerprintSha256,
      certificate_pem: cert.pem,
      private_key_enc: keystore.seal(keys.privateKey),
      not_before: cert.notBefore,
      not_after: cert.notAfter,
      crl_der: null,
      crl_this_update: null,
      current: true,
      created_at: new Date(),
    };
    await db.transaction().execute(async (trx) => {
      if (await pkiRepo.insertAuthority(trx, row)) {
        await recordAudit(trx, systemContext('pki'), {
          action: 'pki.authority.create',
          subjectType: 'pki_authority',
          subjectIds: [row.id],
          agencyId: null,
          details: { fingerprint: row.fingerprint_sha256 },
        });
      }
    });
    logger.info({ action: 'pki.authority.create', authorityId: row.id }, 'internal CA ready');
    trustCache = null;
    const current = await pkiRepo.currentAuthority(db);
    if (!current) throw new Error('internal CA missing after creation');
    return current;
  }

  function issuerOf(ca: AuthorityRow) {
    const privateKey = keystore.open(ca.private_key_enc);
    return {
      pem: ca.certificate_pem,
      keys: { privateKey, publicKey: new X509Certificate(ca.certificate_pem).publicKey },
    };
  }

  /** Signs a fresh CRL of the internal CA and stores it. */
  async function publishCrl(ca: AuthorityRow): Promise<Buffer> {
    const revoked = await pkiRepo.revokedOf(db, ca.id);
    const crl = await createCrl({
      issuer: issuerOf(ca),
      entries: revoked.map((r) => ({
        serialNumber: r.serial_number,
        revokedAt: r.revoked_at ?? new Date(),
        reason: (r.revocation_reason ?? 'unspecified') as RevocationReason,
      })),
    });
    await pkiRepo.storeCrl(db, ca.id, crl.der, crl.thisUpdate);
    trustCache = null;
    logger.info({ action: 'pki.crl.publish', authorityId: ca.id, entries: revoked.length }, 'CRL published');
    return crl.der;
  }

  async function trustMaterial(): Promise<{ anchorsPem: string[]; crls: string[] }> {
    if (trustCache && Date.now() - trustCache.at < TRUST_CACHE_MS) return trustCache;
    const ca = await authority();
    if (!ca.crl_der) await publishCrl(ca);
    const [authorities, anchors] = await Promise.all([pkiRepo.authorities(db), pkiRepo.trustAnchors(db)]);
    const material = {
      at: Date.now(),
      anchorsPem: [...authorities.map((a) => a.certificate_pem), ...anchors.map((a) => a.certificate_pem)],
      crls: [...authorities, ...anchors].flatMap((a) => (a.crl_der ? [a.crl_der.toString('base64')] : [])),
    };
    trustCache = material;
    return material;
  }

  return {
    /** The internal CA's certificate (PEM), for relying parties to install. */
    async caCertificatePem(): Promise<string> {
      return (await authority()).certificate_pem;
    },

    /** The internal CA's current CRL (DER); refreshed daily and on every revocation. */
    async crlDer(): Promise<Buffer> {
      const ca = await authority();
      const fresh =
        ca.crl_der && ca.crl_this_update && Date.now() - ca.crl_this_update.getTime() < CRL_REFRESH_MS;
      return fresh && ca.crl_der ? ca.crl_der : publishCrl(ca);
    },

    /** Issues a certificate to an agency or an official (platform administrators). */
    async issue(ctx: RequestContext, input: IssueInput): Promise<CertificateView> {
      requireAdmin(ctx);
      const ca = await authority();
      const holder = await newRsaKeyPair(2048);
      const org = input.organizationInCharge ?? input.agencyName;
      const subject: SubjectParts =
        input.holderKind === 'agency'
          ? [
              { type: 'CN', value: input.agencyName },
              { type: 'O', value: org },
              { type: 'UID', value: input.agencyCode },
              { type: 'C', value: 'VN' },
            ]
          : [
              { type: 'CN', value: input.fullName ?? '' },
              { type: 'OU', value: input.agencyName },
              { type: 'O', value: org },
              { type: 'UID', value: input.agencyCode },
              { type: 'C', value: 'VN' },
            ];
      const notAfter = new Date(Math.min(Date.now() + input.validDays * 86_400_000, ca.not_after.getTime()));
      const cert = await issueCertificate({
        issuer: issuerOf(ca),
        holderPublicKey: holder.publicKey,
        subject,
        notAfter,
      });
      const row = {
        id: randomUUID(),
        authority_id: ca.id,
        holder_kind: input.holderKind,
        agency_id: input.agencyId,
        agency_code: input.agencyCode,
        account_id: input.accountId ?? null,
        subject: subjectLine(cert.pem),
        serial_number: cert.serialNumber,
        fingerprint_sha256: cert.fingerprintSha256,
        certificate_pem: cert.pem,
        private_key_enc: keystore.seal(holder.privateKey),
        not_before: cert.notBefore,
        not_after: cert.notAfter,
        revoked_at: null,
        revocation_reason: null,
      };
      await db.transaction().execute(async (trx) => {
        await pkiRepo.insertCertificate(trx, row);
        await recordAudit(trx, ctx, {
          action: 'pki.certificate.issue',
          subjectType: 'pki_certificate',
          subjectIds: [row.id],
          agencyId: input.agencyId,
          details: {
            holderKind: input.holderKind,
            serialNumber: row.serial_number,
            notAfter: row.not_after.toISOString(),
          },
        });
      });
      logger.info(
        { action: 'pki.certificate.issue', certificateId: row.id, agencyId: input.agencyId },
        'certificate issued',
      );
      return certificateView({ ...row, created_at: new Date() });
    },

    /** Certificates the actor may see, newest first. */
    async list(
      ctx: RequestContext,
      o: { agencyId?: string | undefined; limit: number },
    ): Promise<CertificateView[]> {
      const agencyId = o.agencyId;
      if (!canAdministerPki(ctx.actor)) {
        if (!agencyId || !canSeeAgencyCertificates(ctx.actor, agencyId)) throw Forbidden();
      }
      return (await pkiRepo.listCertificates(db, { agencyId, limit: o.limit })).map((r) =>
        certificateView(r),
      );
    },

    /** One certificate; another agency's answers 404. */
    async get(ctx: RequestContext, id: string): Promise<CertificateView> {
      const row = await pkiRepo.certificate(db, id);
      if (!row || !canSeeAgencyCertificates(ctx.actor, row.agency_id)) throw CertificateNotFound();
      return certificateView(row);
    },

    /** Revokes a certificate with a reason and publishes a new CRL (platform administrators). */
    async revoke(ctx: RequestContext, id: string, reason: RevocationReason): Promise<CertificateView> {
      requireAdmin(ctx);
      const row = await pkiRepo.certificate(db, id);
      if (!row) throw CertificateNotFound();
      await db.transaction().execute(async (trx) => {
        if (!(await pkiRepo.revoke(trx, id, reason, new Date()))) throw CertificateAlreadyRevoked();
        await recordAudit(trx, ctx, {
          action: 'pki.certificate.revoke',
          subjectType: 'pki_certificate',
          subjectIds: [id],
          agencyId: row.agency_id,
          details: { reason, serialNumber: row.serial_number },
        });
      });
      await publishCrl(await authority());
      return this.get(ctx, id);
    },

    /** The trust list: the internal CA first, then the external anchors. */
    async trustList(ctx: RequestContext): Promise<TrustAnchorView[]> {
      requireAdmin(ctx);
      await authority();
      const [authorities, anchors] = await Promise.all([pkiRepo.authorities(db), pkiRepo.trustAnchors(db)]);
      return [
        ...authorities.map((a) => anchorView(a, 'internal')),
        ...anchors.map((a) => anchorView(a, 'external')),
      ];
    },

    /** Adds an external CA (PEM) to the trust list, optionally with its CRL (PEM or DER base64). */
    async addTrustAnchor(
      ctx: RequestContext,
      input: { name: string; certificatePem: string },
    ): Promise<TrustAnchorView> {
      requireAdmin(ctx);
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(input.certificatePem);
      } catch {
        throw TrustAnchorInvalid();
      }
      if (!cert.ca) throw TrustAnchorInvalid();
      const row = {
        id: randomUUID(),
        name: input.name,
        subject: subjectLine(cert.toString()),
        fingerprint_sha256: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
        certificate_pem: cert.toString(),
        not_before: cert.validFromDate,
        not_after: cert.validToDate,
        crl_der: null,
      };
      await db.transaction().execute(async (trx) => {
        if (!(await pkiRepo.insertTrustAnchor(trx, row))) throw TrustAnchorDuplicate();
        await recordAudit(trx, ctx, {
          action: 'pki.trust_anchor.add',
          subjectType: 'pki_trust_anchor',
          subjectIds: [row.id],
          agencyId: null,
          details: { fingerprint: row.fingerprint_sha256 },
        });
      });
      trustCache = null;
      return anchorView({ ...row, created_at: new Date() }, 'external');
    },

    /** Removes an external CA from the trust list (the internal CA cannot be removed). */
    async removeTrustAnchor(ctx: RequestContext, id: string): Promise<void> {
      requireAdmin(ctx);
      await db.transaction().execute(async (trx) => {
        if (!(await pkiRepo.deleteTrustAnchor(trx, id))) throw TrustAnchorNotFound();
        await recordAudit(trx, ctx, {
          action: 'pki.trust_anchor.remove',
          subjectType: 'pki_trust_anchor',
          subjectIds: [id],
          agencyId: null,
        });
      });
      trustCache = null;
    },

    /** Verifies received edXML bytes against this instance's trust list and CRLs (on the worker pool). */
    async verifyEdxml(
      xmlBytes: Buffer,
      o: Omit<VerifyEdxmlOptions, 'trustAnchorsPem' | 'crls'> = {},
    ): Promise<VerifyResult> {
      const trust = await trustMaterial();
      return verifyEdxmlSignature(xmlBytes, { ...o, trustAnchorsPem: trust.anchorsPem, crls: trust.crls });
    },

    /**
     * Whether the actor may sign for the agency now: the policy allows it and the agency holds a
     * current, unrevoked certificate. Tells nothing else about the certificate.
     */
    async canSign(ctx: RequestContext, agencyId: string): Promise<boolean> {
      if (!canSignAs(ctx.actor, agencyId)) return false;
      return (await pkiRepo.signingCertificate(db, agencyId, new Date())) !== undefined;
    },

    /**
     * Signs an edXML packet with the agency's current certificate; the key is opened here and
     * never leaves the module. Answers 404 when the actor may not sign for that agency.
     */
    async signEdxml(
      ctx: RequestContext,
      agencyId: string,
      xmlBytes: Buffer,
      o: { algorithm?: SignatureAlgorithm; canonicalization?: Canonicalization } = {},
    ): Promise<Buffer> {
      if (!canSignAs(ctx.actor, agencyId)) throw NoSigningCertificate();
      const row = await pkiRepo.signingCertificate(db, agencyId, new Date());
      if (!row) throw NoSigningCertificate();
      try {
        const signed = signXml(xmlBytes, {
          privateKey: keystore.open(row.private_key_enc),
          certificatePem: row.certificate_pem,
          ...o,
        });
        logger.info({ action: 'pki.sign', certificateId: row.id, agencyId }, 'packet signed');
        return signed;
      } catch (error) {
        if (error instanceof Error && error.name === 'XmlRefused') throw PacketNotSignable();
        throw error;
      }
    },
  };
}
