import { createHmac, hkdfSync } from 'node:crypto';
import { decryptSecret, encryptSecret } from './crypto.ts';

/**
 * Keys for personal data at rest. The personal identification number is encrypted with
 * AES-256-GCM under a versioned key (the key id travels with the ciphertext, so a new version
 * can be added and old rows still read), and found through HMAC-SHA256 under a separate key:
 * an official's lookup by number hashes the number and never decrypts the table.
 */
export interface PersonalDataKeys {
  currentKeyId: string;
  encryption: ReadonlyMap<string, Buffer>;
  lookup: Buffer;
  /** Encrypts the OIDC provider's signing keys and the relying parties' secrets. */
  oidc: Buffer;
}

const derive = (secret: string, info: string) =>
  Buffer.from(hkdfSync('sha256', secret, 'lienthong-identity-pii', info, 32));

/** Derives the personal-data keys from SESSION_SECRET (encryption) and TOKEN_SECRET (lookup). */
export function derivePersonalDataKeys(secrets: { session: string; token: string }): PersonalDataKeys {
  return {
    currentKeyId: 'k1',
    encryption: new Map([['k1', derive(secrets.session, 'personal-id-encryption-k1')]]),
    lookup: derive(secrets.token, 'personal-id-lookup'),
    oidc: derive(secrets.session, 'oidc-provider-storage'),
  };
}

/** `k1:iv.tag.ciphertext` */
export function sealPersonalId(value: string, keys: PersonalDataKeys): string {
  const key = keys.encryption.get(keys.currentKeyId);
  if (!key) throw new Error('personal data key missing');
  return `${keys.currentKeyId}:${encryptSecret(value, key)}`;
}

export function openPersonalId(sealed: string, keys: PersonalDataKeys): string {
  const colon = sealed.indexOf(':');
  const key = keys.encryption.get(sealed.slice(0, colon));
  if (colon < 0 || !key) throw new Error('unknown personal data key id');
  return decryptSecret(sealed.slice(colon + 1), key);
}

/** The keyed hash a number is found by. */
export function personalIdHash(value: string, keys: PersonalDataKeys): Buffer {
  return createHmac('sha256', keys.lookup).update(`personal-id:${value}`).digest();
}

/** Shows the first 3 and last 3 digits only: `001•••••••789`. */
export function maskPersonalId(value: string): string {
  return `${value.slice(0, 3)}${'•'.repeat(Math.max(0, value.length - 6))}${value.slice(-3)}`;
}
