/**
 * The payment gateway protocol of PROTOCOL.md, shared by our client and the fake gateway:
 * parameter names, the canonical string, HMAC-SHA512 signatures and the gateway's time format.
 * Pure functions only; no I/O.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../../platform/audit/index.ts';

export const PROTOCOL_VERSION = '1.0';
export const HASH_FIELD = 'gw_SecureHash';

/** A message of the protocol: flat string fields, plus `gw_Transactions` in a list answer. */
export type GatewayMessage = Record<string, unknown>;

/** Result codes the gateway puts in `gw_ResponseCode` of a payment result (return URL and IPN). */
export const resultCodes = {
  success: '00',
  cancelled: '24',
  expired: '11',
  failed: '99',
} as const;

/** Codes of `gw_TransactionStatus`. */
export const transactionStatuses = { success: '00', pending: '01', failed: '02' } as const;

/** Codes the merchant answers an IPN with, in `{ RspCode, Message }`. */
export const ipnAnswers = {
  confirmed: { RspCode: '00', Message: 'Confirm Success' },
  notFound: { RspCode: '01', Message: 'Order not found' },
  alreadyConfirmed: { RspCode: '02', Message: 'Order already confirmed' },
  invalidAmount: { RspCode: '04', Message: 'Invalid amount' },
  expired: { RspCode: '06', Message: 'Order expired' },
  invalidSignature: { RspCode: '97', Message: 'Invalid signature' },
  unknownError: { RspCode: '99', Message: 'Unknown error' },
} as const;
export type IpnAnswer = (typeof ipnAnswers)[keyof typeof ipnAnswers];

/** Codes of `gw_ResponseCode` in answers to querydr, refund and list. */
export const apiCodes = {
  ok: '00',
  invalidRequest: '03',
  notFound: '91',
  refundRefused: '94',
  notPaid: '95',
  invalidSignature: '97',
  error: '99',
} as const;

/** RFC 3986 percent-encoding of UTF-8: everything except A–Z a–z 0–9 - _ . ~ is encoded. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function fieldValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return canonicalJson(value);
}

/**
 * The string that is signed: every `gw_` field except `gw_SecureHash` whose value is not empty
 * (other parameters, such as a page's `lang`, are not part of the message),
 * sorted by name (code-unit order), as `name=value` pairs percent-encoded and joined by `&`.
 * A list or object value is written as canonical JSON (keys sorted, no spaces).
 */
export function canonicalString(message: GatewayMessage): string {
  return Object.keys(message)
    .filter((k) => k.startsWith('gw_') && k !== HASH_FIELD)
    .map((k) => [k, fieldValue(message[k])] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== null && pair[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
}

/** HMAC-SHA512 of the canonical string with the merchant secret, lowercase hex. */
export function signature(message: GatewayMessage, secret: string): string {
  return createHmac('sha512', secret).update(canonicalString(message), 'utf8').digest('hex');
}

/** The message with its `gw_SecureHash`. */
export function signMessage<T extends GatewayMessage>(
  message: T,
  secret: string,
): T & { gw_SecureHash: string } {
  return { ...message, gw_SecureHash: signature(message, secret) };
}

/** True when `gw_SecureHash` is the signature of the other fields (hex, any case; constant time). */
export function verifyMessage(message: GatewayMessage, secret: string): boolean {
  const given = message[HASH_FIELD];
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{128}$/.test(given)) return false;
  const expected = Buffer.from(signature(message, secret), 'hex');
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), expected);
}

/** A signed query string: the canonical pairs followed by `gw_SecureHash`. */
export function signedQuery(message: GatewayMessage, secret: string): string {
  return `${canonicalString(message)}&${HASH_FIELD}=${signature(message, secret)}`;
}

const VN_OFFSET_MS = 7 * 3600 * 1000;

/** A time as `yyyyMMddHHmmss` in Vietnam's time (GMT+7), the protocol's format. */
export function gatewayTime(date: Date): string {
  return new Date(date.getTime() + VN_OFFSET_MS).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Parses `yyyyMMddHHmmss` (GMT+7); null when malformed. */
export function parseGatewayTime(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}+07:00`);
  return Number.isNaN(date.getTime()) || gatewayTime(date) !== value ? null : date;
}

/** The Vietnamese calendar day (`yyyyMMdd`) of a time. */
export function gatewayDate(date: Date): string {
  return gatewayTime(date).slice(0, 8);
}

/** Parses a whole VND amount written as decimal digits; null otherwise. */
export function parseAmount(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,11}$/.test(value)) return null;
  return Number(value);
}
