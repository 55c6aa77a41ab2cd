/**
 * Our side of the gateway protocol (PROTOCOL.md): the signed redirect URL, checking the signed
 * results the gateway sends back, and the server-to-server calls querydr, refund and list.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  PROTOCOL_VERSION,
  apiCodes,
  gatewayTime,
  parseAmount,
  parseGatewayTime,
  signMessage,
  signedQuery,
  verifyMessage,
  type GatewayMessage,
} from './protocol.ts';

export interface GatewaySettings {
  /** Base URL of the gateway, e.g. https://pay.example.vn (no trailing slash needed). */
  url: string;
  merchantCode: string;
  secret: string;
}

/** A payment result the gateway signed (return URL or IPN), already checked and parsed. */
export interface GatewayResult {
  txnRef: string;
  amount: number;
  responseCode: string;
  transactionStatus: string;
  transactionNo: string | null;
  bankCode: string | null;
  payDate: Date | null;
}

export interface QueryAnswer {
  found: boolean;
  result: GatewayResult | null;
  refundedAmount: number;
}

export interface RefundAnswer {
  ok: boolean;
  code: string;
  refundNo: string | null;
}

export interface GatewayTransaction {
  txnRef: string;
  transactionNo: string;
  amount: number;
  refundedAmount: number;
  payDate: Date;
}

/** The gateway did not answer, answered something unreadable, or signed it wrongly. */
export class GatewayUnavailable extends Error {
  constructor(reason: string) {
    super(`payment gateway: ${reason}`);
    this.name = 'GatewayUnavailable';
  }
}

const field = z.string().max(255);
const resultSchema = z.object({
  gw_MerchantCode: field,
  gw_TxnRef: field,
  gw_Amount: field,
  gw_ResponseCode: z.string().max(10),
  gw_TransactionStatus: z.string().max(10),
  gw_TransactionNo: field.optional(),
  gw_BankCode: field.optional(),
  gw_PayDate: field.optional(),
});

function requestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

export interface GatewayClient {
  settings: GatewaySettings;
  /** The signed URL that sends the payer's browser to the gateway. */
  payUrl(o: {
    txnRef: string;
    amount: number;
    orderInfo: string;
    locale: 'vi' | 'en';
    returnUrl: string;
    ipAddr: string;
    createdAt: Date;
    expiresAt: Date;
  }): string;
  /** Parses a result the gateway signed; `signatureValid` false means: change nothing. */
  readResult(message: GatewayMessage): { signatureValid: boolean; result: GatewayResult | null };
  query(o: { txnRef: string; createdAt: Date; ipAddr: string }): Promise<QueryAnswer>;
  refund(o: {
    txnRef: string;
    transactionNo: string;
    amount: number;
    full: boolean;
    createdBy: string;
    reason: string;
    requestRef: string;
    ipAddr: string;
  }): Promise<RefundAnswer>;
  list(date: string): Promise<GatewayTransaction[]>;
}

/** Builds the client for one merchant account at one gateway. */
export function createGatewayClient(
  settings: GatewaySettings,
  o: { timeoutMs?: number } = {},
): GatewayClient {
  const base = settings.url.replace(/\/$/, '');
  const timeoutMs = o.timeoutMs ?? 10_000;

  function parseResult(message: GatewayMessage): GatewayResult | null {
    const parsed = resultSchema.safeParse(message);
    if (!parsed.success) return null;
    const m = parsed.data;
    const amount = parseAmount(m.gw_Amount);
    if (m.gw_MerchantCode !== settings.merchantCode || amount === null) return null;
    return {
      txnRef: m.gw_TxnRef,
      amount,
      responseCode: m.gw_ResponseCode,
      transactionStatus: m.gw_TransactionStatus,
      transactionNo: m.gw_TransactionNo || null,
      bankCode: m.gw_BankCode || null,
      payDate: m.gw_PayDate ? parseGatewayTime(m.gw_PayDate) : null,
    };
  }

  async function call(command: string, fields: Record<string, string>, ipAddr: string) {
    const body = signMessage(
      {
        gw_RequestId: requestId(),
        gw_Version: PROTOCOL_VERSION,
        gw_Command: command,
        gw_MerchantCode: settings.merchantCode,
        gw_CreateDate: gatewayTime(new Date()),
        gw_IpAddr: ipAddr,
        ...fields,
      },
      settings.secret,
    );
    let response: Response;
    try {
      response = await fetch(`${base}/api/transaction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new GatewayUnavailable(`${command} failed: ${(error as Error).name}`);
    }
    if (response.status !== 200) throw new GatewayUnavailable(`${command} answered HTTP ${response.status}`);
    const answer = (await response.json().catch(() => null)) as GatewayMessage | null;
    if (!answer || typeof answer !== 'object') throw new GatewayUnavailable(`${command} answered no JSON`);
    if (!verifyMessage(answer, settings.secret)) throw new GatewayUnavailable(`${command} answer not signed`);
    if (answer['gw_RequestId'] !== body.gw_RequestId)
      throw new GatewayUnavailable(`${command} answered another request`);
    return answer;
  }

  return {
    settings,
    payUrl(p) {
      const message = {
        gw_Version: PROTOCOL_VERSION,
        gw_Command: 'pay',
        gw_MerchantCode: settings.merchantCode,
        gw_TxnRef: p.txnRef,
        gw_Amount: String(p.amount),
        gw_CurrCode: 'VND',
        gw_OrderInfo: p.orderInfo,
        gw_Locale: p.locale === 'en' ? 'en' : 'vn',
        gw_ReturnUrl: p.returnUrl,
        gw_IpAddr: p.ipAddr,
        gw_CreateDate: gatewayTime(p.createdAt),
        gw_ExpireDate: gatewayTime(p.expiresAt),
      };
      return `${base}/pay?${signedQuery(message, settings.secret)}`;
    },
    readResult(message) {
      if (!verifyMessage(message, settings.secret)) return { signatureValid: false, result: null };
      return { signatureValid: true, result: parseResult(message) };
    },
    async query(p) {
      const answer = await call(
        'querydr',
        { gw_TxnRef: p.txnRef, gw_TransactionDate: gatewayTime(p.createdAt) },
        p.ipAddr,
      );
      if (answer['gw_ResponseCode'] === apiCodes.notFound)
        return { found: false, result: null, refundedAmount: 0 };
      if (answer['gw_ResponseCode'] !== apiCodes.ok)
        throw new GatewayUnavailable(`querydr answered ${String(answer['gw_ResponseCode'])}`);
      const result = parseResult(answer);
      if (!result || result.txnRef !== p.txnRef)
        throw new GatewayUnavailable('querydr answered another order');
      return { found: true, result, refundedAmount: parseAmount(answer['gw_RefundedAmount']) ?? 0 };
    },
    async refund(p) {
      const answer = await call(
        'refund',
        {
          gw_TransactionType: p.full ? '02' : '03',
          gw_TxnRef: p.txnRef,
          gw_TransactionNo: p.transactionNo,
          gw_Amount: String(p.amount),
          gw_RefundRef: p.requestRef,
          gw_CreateBy: p.createdBy,
          gw_OrderInfo: p.reason,
        },
        p.ipAddr,
      );
      const code = typeof answer['gw_ResponseCode'] === 'string' ? answer['gw_ResponseCode'] : apiCodes.error;
      const refundNo = typeof answer['gw_RefundNo'] === 'string' ? answer['gw_RefundNo'] : null;
      return { ok: code === apiCodes.ok, code, refundNo };
    },
    async list(date) {
      const answer = await call('list', { gw_Date: date }, '127.0.0.1');
      if (answer['gw_ResponseCode'] !== apiCodes.ok)
        throw new GatewayUnavailable(`list answered ${String(answer['gw_ResponseCode'])}`);
      const rows = z
        .array(
          z.object({
            gw_TxnRef: field,
            gw_TransactionNo: field,
            gw_Amount: field,
            gw_RefundedAmount: field,
            gw_PayDate: field,
          }),
        )
        .max(100_000)
        .safeParse(answer['gw_Transactions']);
      if (!rows.success) throw new GatewayUnavailable('list answered an unreadable transaction list');
      return rows.data.map((r) => {
        const amount = parseAmount(r.gw_Amount);
        const payDate = parseGatewayTime(r.gw_PayDate);
        if (amount === null || !payDate)
          throw new GatewayUnavailable('list answered an unreadable transaction');
        return {
          txnRef: r.gw_TxnRef,
          transactionNo: r.gw_TransactionNo,
          amount,
          refundedAmount: r.gw_RefundedAmount === '0' ? 0 : (parseAmount(r.gw_RefundedAmount) ?? 0),
          payDate,
        };
      });
    },
  };
}
