// The pki module's public door: certificate authority, trust list, XML-DSig sign and verify.
export { verifyEdxmlSignature, type VerifyEdxmlOptions } from './verify.ts';
export type { VerifyResult as EdxmlSignatureResult } from './verify-worker.ts';
export { closeVerifyPool } from './verify-pool.ts';
