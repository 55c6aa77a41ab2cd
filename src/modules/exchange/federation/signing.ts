import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BadPublicKey } from './errors.ts';

/** Largest difference allowed between a request's Date and this node's clock. */
export const MAX_SKEW_MS = 5 * 60_000;

/** The signed parts of a federation request (HTTP Message Signatures style, fixed components). */
export interface SignedParts {
  method: string;
  path: string;
  date: string;
  /** `sha-256=:<base64>:` of the body (RFC 9530 Content-Digest). */
  digest: string;
  node: string;
  packetId: string;
  idempotencyKey: string;
  recipients: string;
}

/** Header names carrying the parts, in the order they are signed. */
export const H = {
  node: 'x-lienthong-node',
  packet: 'x-lienthong-packet',
  recipients: 'x-lienthong-recipients',
  idempotency: 'idempotency-key',
  digest: 'content-digest',
  date: 'date',
  signatureInput: 'signature-input',
  signature: 'signature',
} as const;

export const COMPONENTS = `("@method" "@path" "date" "content-digest" "${H.node}" "${H.packet}" "${H.idempotency}" "${H.recipients}")`;

export const contentDigest = (body: Buffer): string =>
  `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;

/** The signature base: one line per component, as RFC 9421 §2.5 lays them out. */
export function signatureBase(p: SignedParts): Buffer {
  return Buffer.from(
    [
      `"@method": ${p.method.toUpperCase()}`,
      `"@path": ${p.path}`,
      `"date": ${p.date}`,
      `"content-digest": ${p.digest}`,
      `"${H.node}": ${p.node}`,
      `"${H.packet}": ${p.packetId}`,
      `"${H.idempotency}": ${p.idempotencyKey}`,
      `"${H.recipients}": ${p.recipients}`,
      `"@signature-params": ${COMPONENTS};keyid="${p.node}"`,
    ].join('\n'),
    'utf8',
  );
}

const algorithmOf = (key: KeyObject) => (key.asymmetricKeyType === 'ed25519' ? null : 'sha256');

/** This node's signing key: an Ed25519 pair in DATA_DIR/federation (created on first use, 0600). */
export interface NodeKey {
  publicKeyPem: string;
  sign(parts: SignedParts): string;
}

export function loadNodeKey(dataDir: string): NodeKey {
  const dir = path.join(dataDir, 'federation');
  const file = path.join(dir, 'node-key.pem');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const privatePem = readFileSync(file, 'utf8');
  const publicKeyPem = createPublicKey(privatePem).export({ format: 'pem', type: 'spki' }).toString();
  const privateKey = { key: privatePem, format: 'pem' as const };
  const keyObject = createPublicKey(privatePem);
  return {
    publicKeyPem,
    sign: (parts) =>
      `fed=:${sign(algorithmOf(keyObject), signatureBase(parts), privateKey).toString('base64')}:`,
  };
}

/** Parses a peer's PEM public key (Ed25519 or RSA ≥ 2048 bits), or throws FEDERATION_BAD_PUBLIC_KEY. */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw BadPublicKey();
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType === 'ed25519' || (key.asymmetricKeyType === 'rsa' && bits >= 2048)) return key;
  throw BadPublicKey();
}

/** True when `signature` (`fed=:<base64>:`) signs `parts` with `publicKeyPem`. */
export function verifySignature(publicKeyPem: string, parts: SignedParts, signature: string): boolean {
  const m = /^fed=:([A-Za-z0-9+/=]{1,1400}):$/.exec(signature.trim());
  if (!m?.[1]) return false;
  try {
    const key = createPublicKey(publicKeyPem);
    return verify(algorithmOf(key), signatureBase(parts), key, Buffer.from(m[1], 'base64'));
  } catch {
    return false;
  }
}
