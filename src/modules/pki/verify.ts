import { runVerification } from './verify-pool.ts';
import type { VerifyResult } from './verify-worker.ts';

export interface VerifyEdxmlOptions {
  /** The anchors to trust (replaces the default, which is none outside the pki service). */
  trustAnchorsPem?: string[];
  /** Anchors added to the others for this call (e.g. `lienthong edxml inspect --trust CA.pem`). */
  extraTrustAnchorsPem?: string[];
  /** CRLs (PEM or base64 DER) of the anchors' CAs. */
  crls?: string[];
  /** The moment the signature is judged at; default now. */
  at?: Date;
}

/**
 * Verifies the XML-DSig signature of received edXML bytes on the worker pool: `valid` (intact
 * and chaining to a trusted CA, in period, not revoked), `untrusted` (intact, no trusted chain),
 * `invalid` (digest or signature mismatch, malformed, DOCTYPE) or `none` (no Signature).
 * Inside the platform use the pki service's `verifyEdxml`, which passes its trust list and CRLs.
 */
export async function verifyEdxmlSignature(
  xmlBytes: Buffer,
  options: VerifyEdxmlOptions = {},
): Promise<VerifyResult> {
  return runVerification({
    bytes: new Uint8Array(xmlBytes.buffer, xmlBytes.byteOffset, xmlBytes.byteLength),
    anchorsPem: [...(options.trustAnchorsPem ?? []), ...(options.extraTrustAnchorsPem ?? [])],
    crls: options.crls ?? [],
    at: (options.at ?? new Date()).getTime(),
  });
}
