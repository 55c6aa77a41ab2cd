/**
 * Signing a submission: a canonical JSON of what was reported, its SHA-256, and an XML-DSig
 * signature by the unit's agency certificate through pki (which signs XML documents only, so the
 * canonical content travels base64-encoded inside a small XML envelope). When the agency has no
 * certificate the hash and the signer are recorded ("hash_only").
 */
import { createHash, X509Certificate } from 'node:crypto';
import { canonicalJson } from '../../platform/audit/index.ts';
import { systemContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { ReportingSigner } from './deps.ts';

export interface SignedContent {
  contentHash: string;
  state: 'signed' | 'hash_only';
  signedXml: string | null;
  certificateSerial: string | null;
}

/** The bytes a signature covers: regime, period, unit, version and values, keys sorted. */
export function canonicalContent(o: {
  regime: string;
  regimeVersion: number;
  period: string;
  unit: string;
  version: number;
  values: ReadonlyMap<string, number | string>;
}): string {
  return canonicalJson({ ...o, values: Object.fromEntries(o.values) });
}

export function envelope(canonical: string, hash: string): string {
  const b64 = Buffer.from(canonical, 'utf8').toString('base64');
  return `<?xml version="1.0" encoding="UTF-8"?><ReportSubmission xmlns="urn:lienthong:reporting:1"><ContentHash algorithm="sha256">${hash}</ContentHash><Content encoding="base64">${b64}</Content></ReportSubmission>`;
}

/** Hashes and, when the agency holds a certificate, signs the canonical content. */
export async function signContent(
  pki: ReportingSigner | null,
  agencyId: string,
  canonical: string,
): Promise<SignedContent> {
  const contentHash = createHash('sha256').update(canonical, 'utf8').digest('hex');
  if (!pki) return { contentHash, state: 'hash_only', signedXml: null, certificateSerial: null };
  try {
    // The service has already checked that the actor reports for this unit; pki signs as the agency.
    const signed = await pki.signEdxml(
      systemContext('reporting'),
      agencyId,
      Buffer.from(envelope(canonical, contentHash)),
    );
    const xml = signed.toString('utf8');
    const certB64 = /<(?:\w+:)?X509Certificate>([^<]+)</.exec(xml)?.[1];
    const serial = certB64
      ? new X509Certificate(Buffer.from(certB64.replace(/\s/g, ''), 'base64')).serialNumber
      : null;
    return { contentHash, state: 'signed', signedXml: xml, certificateSerial: serial };
  } catch (error) {
    if (error instanceof AppError && error.code === 'NO_SIGNING_CERTIFICATE')
      return { contentHash, state: 'hash_only', signedXml: null, certificateSerial: null };
    throw error;
  }
}

/** Checks a stored signature: the envelope's hash must match the content, and pki must find it valid. */
export async function verifyContent(
  pki: ReportingSigner | null,
  canonical: string,
  stored: { contentHash: string | null; signedXml: string | null },
): Promise<{ hashMatches: boolean; signature: string }> {
  const hash = createHash('sha256').update(canonical, 'utf8').digest('hex');
  const hashMatches = hash === stored.contentHash;
  if (!stored.signedXml || !pki) return { hashMatches, signature: 'none' };
  const inEnvelope = /<ContentHash[^>]*>([0-9a-f]{64})</.exec(stored.signedXml)?.[1];
  const r = await pki.verifyEdxml(Buffer.from(stored.signedXml, 'utf8'));
  return { hashMatches: hashMatches && inEnvelope === hash, signature: r.result };
}
