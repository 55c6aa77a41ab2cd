import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';

/** Argon2id cost. The default (OWASP: 46 MiB, 1 pass) takes about 60 ms on one core here. */
export interface PasswordHashing {
  memoryCost: number;
  timeCost: number;
}
// `Algorithm.Argon2id` of @node-rs/argon2 is a const enum, which verbatimModuleSyntax cannot import.
const ARGON2ID = 2;

export const defaultPasswordHashing: PasswordHashing = { memoryCost: 47_104, timeCost: 1 };

/** Hashes a password with argon2id; the parameters travel inside the PHC string. */
export function hashPassword(password: string, cost: PasswordHashing): Promise<string> {
  return argonHash(password, {
    algorithm: ARGON2ID,
    memoryCost: cost.memoryCost,
    timeCost: cost.timeCost,
    parallelism: 1,
  });
}

/** True when `password` matches `phc`; false for a malformed hash rather than an exception. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await argonVerify(phc, password);
  } catch {
    return false;
  }
}

/** A random token for cookies and client secrets (base64url, 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A password people can type once: 4 groups of 4 letters and digits without look-alikes. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY23456789';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length] ?? 'x');
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** Separate keys for separate purposes, derived from the configured secrets. */
export interface IdentityKeys {
  accessToken: Buffer;
  loginChallenge: Buffer;
  clientSecretPepper: Buffer;
  totpEncryption: Buffer;
}

export function deriveKeys(secrets: { session: string; token: string }): IdentityKeys {
  const derive = (secret: string, info: string) =>
    Buffer.from(hkdfSync('sha256', secret, 'lienthong-identity', info, 32));
  return {
    accessToken: derive(secrets.token, 'access-token'),
    clientSecretPepper: derive(secrets.token, 'client-secret'),
    loginChallenge: derive(secrets.session, 'login-challenge'),
    totpEncryption: derive(secrets.session, 'totp-encryption'),
  };
}

// An HMAC keyed with a Buffer makes a key object on every call (about 11 µs here); one made once
// per key takes 2 µs. Every machine request verifies its token, so the keys are kept as objects.
const keyObjects = new WeakMap<Buffer, KeyObject>();
function hmacKey(key: Buffer): KeyObject {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = createSecretKey(key)));
  return k;
}

/** HMAC-SHA256 of a client secret with the pepper: secrets are random, so a slow hash adds nothing. */
export function hashClientSecret(secret: string, pepper: Buffer): Buffer {
  return createHmac('sha256', hmacKey(pepper)).update(secret).digest();
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const jwtHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** A compact JWT signed with HS256. */
export function signJwt(payload: Record<string, unknown>, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createHmac('sha256', hmacKey(key)).update(`${jwtHeader}.${body}`).digest('base64url');
  return `${jwtHeader}.${body}.${signature}`;
}

/** The payload of a JWT we signed, if the signature holds and it has not expired; else null. */
export function verifyJwt(token: string, key: Buffer, nowSeconds: number): Record<string, unknown> | null {
  if (token.length > 4096) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== jwtHeader) return null;
  const [, body = '', signature = ''] = parts;
  const expected = createHmac('sha256', hmacKey(key)).update(`${jwtHeader}.${body}`).digest();
  if (!sameBytes(Buffer.from(signature, 'base64url'), expected)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const exp = (payload as Record<string, unknown>)['exp'];
  if (typeof exp !== 'number' || exp <= nowSeconds) return null;
  return payload as Record<string, unknown>;
}

/** Encrypts a small secret (a TOTP seed) with AES-256-GCM: iv.tag.ciphertext in base64url. */
export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

export function decryptSecret(sealed: string, key: Buffer): string {
  const [iv = '', tag = '', data = ''] = sealed.split('.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

const TOTP_PERIOD = 30;

/** A new TOTP seed in base32 (160 bits, as RFC 4226 recommends). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Liên thông',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The otpauth:// URI an authenticator app reads. */
export function totpUri(secretBase32: string, label: string): string {
  return totp(secretBase32, label).toString();
}

/** The current code (for tests and for people checking their app). */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32, 'x').generate({ timestamp: at.getTime() });
}

/**
 * The time step a code belongs to (one step either side is accepted for clock drift),
 * or null when the code is wrong.
 */
export function totpStep(secretBase32: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secretBase32, 'x').validate({ token: code, timestamp: at.getTime(), window: 1 });
  if (delta === null) return null;
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD) + delta;
}
