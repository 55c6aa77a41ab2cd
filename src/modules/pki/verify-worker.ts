/**
 * The verification worker (run by piscina off the request thread): integrity of the received
 * bytes, then trust of the signer. Input and output are plain, cloneable values.
 */
import { checkIntegrity } from './xmldsig.ts';
import { evaluateTrust, subjectLine } from './trust.ts';

export interface VerifyTask {
  bytes: Uint8Array;
  anchorsPem: string[];
  /** CRLs as PEM or base64 DER. */
  crls: string[];
  /** Epoch milliseconds of the moment the signature is judged at. */
  at: number;
}

export interface VerifyResult {
  result: 'valid' | 'untrusted' | 'invalid' | 'none';
  algorithm: string | null;
  signerSubject: string | null;
  reason?: string;
}

function subjectOf(pem: string | null): string | null {
  if (!pem) return null;
  try {
    return subjectLine(pem);
  } catch {
    return null;
  }
}

/** Verifies one packet; never throws for a bad packet (the answer says why). */
export async function verifyTask(task: VerifyTask): Promise<VerifyResult> {
  const integrity = checkIntegrity(task.bytes);
  switch (integrity.state) {
    case 'none':
      return { result: 'none', algorithm: null, signerSubject: null };
    case 'invalid':
      return {
        result: 'invalid',
        algorithm: integrity.algorithm,
        signerSubject: subjectOf(integrity.signerPem),
        reason: integrity.reason,
      };
    case 'intact': {
      const signerSubject = subjectOf(integrity.certificatesPem[0] ?? null);
      const trust = await evaluateTrust({
        certificatesPem: integrity.certificatesPem,
        anchorsPem: task.anchorsPem,
        crls: task.crls,
        at: new Date(task.at),
      });
      return trust.trusted
        ? { result: 'valid', algorithm: integrity.algorithm, signerSubject }
        : { result: 'untrusted', algorithm: integrity.algorithm, signerSubject, reason: trust.reason };
    }
  }
}

export default verifyTask;
