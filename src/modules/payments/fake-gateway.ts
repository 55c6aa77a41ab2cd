/**
 * A payment gateway on loopback that speaks PROTOCOL.md, for development (`lienthong start`
 * without a configured gateway) and tests. It shows a plain HTML page where a tester picks
 * "Thanh toán thành công" or "Hủy", redirects the browser to the merchant's return URL with a
 * signed result, and notifies the merchant's IPN URL server-to-server. A switch makes the IPN
 * late, doubled, corrupted, held, lost or carry a wrong amount, to test the merchant's side.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PROTOCOL_VERSION,
  apiCodes,
  gatewayDate,
  gatewayTime,
  parseAmount,
  parseGatewayTime,
  resultCodes,
  signMessage,
  signedQuery,
  transactionStatuses,
  verifyMessage,
  type GatewayMessage,
} from './protocol.ts';

export type IpnMode = 'normal' | 'delay' | 'duplicate' | 'corrupt' | 'wrong-amount' | 'hold' | 'none';

export interface FakeTransaction {
  txnRef: string;
  transactionNo: string;
  amount: number;
  refundedAmount: number;
  status: 'success' | 'cancelled';
  payDate: Date;
  orderInfo: string;
  returnUrl: string;
}

export interface IpnDelivery {
  txnRef: string;
  mode: IpnMode;
  httpStatus: number | null;
  rspCode: string | null;
}

export interface FakeGateway {
  /** Base URL for PAYMENT_GATEWAY_URL. */
  url: string;
  merchantCode: string;
  secret: string;
  /** Transactions by our reference (MaThamChieu); tests may alter one to plant a mismatch. */
  transactions: Map<string, FakeTransaction>;
  /** Every IPN sent with the merchant's answer. */
  ipnDeliveries: IpnDelivery[];
  setIpnMode(mode: IpnMode, o?: { delayMs?: number }): void;
  /** Sends the IPNs held in 'hold' mode; resolves when they are answered. */
  releaseHeld(): Promise<void>;
  /** Acts as a tester in a browser: opens the pay URL and chooses; returns the return-URL redirect. */
  pay(payUrl: string, choice: 'success' | 'cancel'): Promise<string>;
  waitForIpns(count: number, timeoutMs?: number): Promise<IpnDelivery[]>;
  /** The signed result of a finished transaction as the gateway sends it (IPN or return URL query). */
  resultQuery(txnRef: string): string;
  close(): Promise<void>;
}

interface PaySession {
  txnRef: string;
  amount: number;
  orderInfo: string;
  returnUrl: string;
  locale: string;
}

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} — Cổng thanh toán thử nghiệm</title><style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}button{font-size:1rem;padding:.6rem 1.2rem;margin-right:1rem;border:2px solid #1b1b1b;background:#fff;color:#1b1b1b}button.pay{background:#00703c;color:#fff;border-color:#00703c}button:focus{outline:3px solid #fd0}dt{font-weight:bold}</style></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

async function readBody(request: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const vnd = (amount: number) => `${new Intl.NumberFormat('vi-VN').format(amount)} đ`;

/** Starts the fake gateway on `port` (0 for a free one) of 127.0.0.1. */
export async function startFakeGateway(o: {
  port?: number;
  secret: string;
  merchantCode: string;
  /** Where IPNs go; by default the return URL's origin + /api/v1/payments/gateway/ipn. */
  ipnUrl?: string;
  now?: () => Date;
}): Promise<FakeGateway> {
  const now = o.now ?? (() => new Date());
  const transactions = new Map<string, FakeTransaction>();
  const sessions = new Map<string, PaySession>();
  const ipnDeliveries: IpnDelivery[] = [];
  const held: (() => Promise<void>)[] = [];
  let mode: IpnMode = 'normal';
  let delayMs = 200;
  let sequence = 14_000_000 + Math.floor(Math.random() * 100_000);

  const resultOf = (t: FakeTransaction): GatewayMessage => ({
    gw_MerchantCode: o.merchantCode,
    gw_TxnRef: t.txnRef,
    gw_Amount: String(t.amount),
    gw_OrderInfo: t.orderInfo,
    gw_ResponseCode: t.status === 'success' ? resultCodes.success : resultCodes.cancelled,
    gw_TransactionStatus: t.status === 'success' ? transactionStatuses.success : transactionStatuses.failed,
    gw_TransactionNo: t.transactionNo,
    gw_BankCode: 'NCB',
    gw_PayDate: gatewayTime(t.payDate),
  });

  async function sendIpn(t: FakeTransaction, as: IpnMode): Promise<void> {
    let message: GatewayMessage = signMessage(resultOf(t), o.secret);
    if (as === 'corrupt') message = { ...message, gw_Amount: String(t.amount + 1) };
    if (as === 'wrong-amount')
      message = signMessage({ ...resultOf(t), gw_Amount: String(t.amount + 1000) }, o.secret);
    const target = o.ipnUrl ?? `${new URL(t.returnUrl).origin}/api/v1/payments/gateway/ipn`;
    const query = new URLSearchParams(
      Object.entries(message).map(([k, v]) => [k, String(v)] as [string, string]),
    ).toString();
    // Retries a few times when the merchant is unreachable or answers 99, like a real gateway.
    for (let attempt = 0; attempt < 3; attempt++) {
      const delivery: IpnDelivery = { txnRef: t.txnRef, mode: as, httpStatus: null, rspCode: null };
      try {
        const response = await fetch(`${target}?${query}`, { signal: AbortSignal.timeout(10_000) });
        delivery.httpStatus = response.status;
        const body = (await response.json().catch(() => null)) as { RspCode?: unknown } | null;
        delivery.rspCode = typeof body?.RspCode === 'string' ? body.RspCode : null;
      } catch {
        // unreachable: retry
      }
      ipnDeliveries.push(delivery);
      if (delivery.rspCode !== null && delivery.rspCode !== '99') return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function notify(t: FakeTransaction): Promise<void> {
    switch (mode) {
      case 'normal':
      case 'corrupt':
      case 'wrong-amount':
        return sendIpn(t, mode);
      case 'duplicate':
        await sendIpn(t, 'normal');
        return sendIpn(t, 'duplicate');
      case 'delay':
        setTimeout(() => void sendIpn(t, 'delay'), delayMs);
        return;
      case 'hold':
        held.push(() => sendIpn(t, 'hold'));
        return;
      case 'none':
        return;
    }
  }

  function payPage(query: URLSearchParams, response: ServerResponse): void {
    const message: GatewayMessage = Object.fromEntries(query.entries());
    const send = (status: number, title: string, body: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page(title, body));
    };
    if (!verifyMessage(message, o.secret) || message['gw_MerchantCode'] !== o.merchantCode)
      return send(400, 'Chữ ký không hợp lệ', '<p>Yêu cầu thanh toán không có chữ ký hợp lệ (mã 97).</p>');
    const amount = parseAmount(message['gw_Amount']);
    const expires = parseGatewayTime(str(message['gw_ExpireDate']));
    const txnRef = str(message['gw_TxnRef']);
    const returnUrl = str(message['gw_ReturnUrl']);
    if (amount === null || !expires || !/^[A-Z0-9]{8,34}$/.test(txnRef) || !/^https?:\/\//.test(returnUrl))
      return send(400, 'Yêu cầu không hợp lệ', '<p>Thiếu hoặc sai tham số (mã 03).</p>');
    if (expires.getTime() < now().getTime())
      return send(400, 'Giao dịch đã hết hạn', '<p>Yêu cầu thanh toán đã quá thời hạn (mã 11).</p>');
    if (transactions.get(txnRef)?.status === 'success')
      return send(409, 'Giao dịch đã được thanh toán', '<p>Mã tham chiếu này đã được thanh toán.</p>');
    const session = randomBytes(16).toString('hex');
    const orderInfo = str(message['gw_OrderInfo']);
    sessions.set(session, { txnRef, amount, orderInfo, returnUrl, locale: String(message['gw_Locale']) });
    send(
      200,
      'Thanh toán trực tuyến',
      `<p>Cổng thanh toán thử nghiệm — không có tiền thật được chuyển.</p>
      <dl><dt>Nội dung</dt><dd>${escape(orderInfo)}</dd><dt>Mã tham chiếu</dt><dd>${escape(txnRef)}</dd>
      <dt>Số tiền</dt><dd>${escape(vnd(amount))}</dd></dl>
      <form method="post" action="/pay/confirm">
        <input type="hidden" name="session" value="${session}">
        <button class="pay" type="submit" name="choice" value="success">Thanh toán thành công</button>
        <button type="submit" name="choice" value="cancel">Hủy</button>
      </form>`,
    );
  }

  async function confirm(body: URLSearchParams, response: ServerResponse): Promise<void> {
    const session = sessions.get(body.get('session') ?? '');
    const choice = body.get('choice');
    if (!session || (choice !== 'success' && choice !== 'cancel')) {
      response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page('Phiên thanh toán không hợp lệ', '<p>Hãy bắt đầu lại từ trang của bên bán.</p>'));
      return;
    }
    sessions.delete(body.get('session') ?? '');
    sequence += 1;
    const t: FakeTransaction = {
      txnRef: session.txnRef,
      transactionNo: String(sequence),
      amount: session.amount,
      refundedAmount: 0,
      status: choice === 'success' ? 'success' : 'cancelled',
      payDate: now(),
      orderInfo: session.orderInfo,
      returnUrl: session.returnUrl,
    };
    transactions.set(t.txnRef, t);
    await notify(t);
    const separator = session.returnUrl.includes('?') ? '&' : '?';
    response.writeHead(302, {
      location: `${session.returnUrl}${separator}${signedQuery(resultOf(t), o.secret)}`,
    });
    response.end();
  }

  function api(message: GatewayMessage): GatewayMessage {
    const base = {
      gw_ResponseId: randomBytes(8).toString('hex'),
      gw_RequestId: typeof message['gw_RequestId'] === 'string' ? message['gw_RequestId'] : '',
      gw_Command: typeof message['gw_Command'] === 'string' ? message['gw_Command'] : '',
      gw_MerchantCode: o.merchantCode,
      gw_Version: PROTOCOL_VERSION,
    };
    const answer = (code: string, text: string, extra: GatewayMessage = {}) =>
      signMessage({ ...base, gw_ResponseCode: code, gw_Message: text, ...extra }, o.secret);
    if (!verifyMessage(message, o.secret) || message['gw_MerchantCode'] !== o.merchantCode)
      return answer(apiCodes.invalidSignature, 'Invalid signature');
    const t = transactions.get(str(message['gw_TxnRef']));
    switch (message['gw_Command']) {
      case 'querydr':
        if (!t) return answer(apiCodes.notFound, 'Transaction not found');
        return answer(apiCodes.ok, 'Success', {
          ...resultOf(t),
          gw_RefundedAmount: String(t.refundedAmount),
        });
      case 'refund': {
        if (!t) return answer(apiCodes.notFound, 'Transaction not found');
        if (t.status !== 'success') return answer(apiCodes.notPaid, 'Transaction not paid');
        const amount = parseAmount(message['gw_Amount']);
        if (amount === null || message['gw_TransactionNo'] !== t.transactionNo)
          return answer(apiCodes.invalidRequest, 'Invalid request');
        if (amount > t.amount - t.refundedAmount) return answer(apiCodes.refundRefused, 'Amount exceeds');
        t.refundedAmount += amount;
        sequence += 1;
        return answer(apiCodes.ok, 'Success', { gw_TxnRef: t.txnRef, gw_RefundNo: `R${sequence}` });
      }
      case 'list': {
        const date = str(message['gw_Date']);
        const list = [...transactions.values()]
          .filter((x) => x.status === 'success' && gatewayDate(x.payDate) === date)
          .map((x) => ({
            gw_TxnRef: x.txnRef,
            gw_TransactionNo: x.transactionNo,
            gw_Amount: String(x.amount),
            gw_RefundedAmount: String(x.refundedAmount),
            gw_PayDate: gatewayTime(x.payDate),
          }));
        return answer(apiCodes.ok, 'Success', { gw_Date: date, gw_Transactions: list });
      }
      default:
        return answer(apiCodes.invalidRequest, 'Unknown command');
    }
  }

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      try {
        if (request.method === 'GET' && url.pathname === '/pay') return payPage(url.searchParams, response);
        if (request.method === 'POST' && url.pathname === '/pay/confirm')
          return await confirm(new URLSearchParams(await readBody(request)), response);
        if (request.method === 'POST' && url.pathname === '/api/transaction') {
          const message = JSON.parse(await readBody(request)) as GatewayMessage;
          response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          return response.end(JSON.stringify(api(message)));
        }
        if (request.method === 'POST' && url.pathname === '/_control/ipn') {
          const body = JSON.parse(await readBody(request)) as { mode?: IpnMode; delayMs?: number };
          if (body.mode) mode = body.mode;
          if (typeof body.delayMs === 'number') delayMs = body.delayMs;
          response.writeHead(204);
          return response.end();
        }
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('not found');
      } catch {
        if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('bad request');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    merchantCode: o.merchantCode,
    secret: o.secret,
    transactions,
    ipnDeliveries,
    setIpnMode(next, opts = {}) {
      mode = next;
      if (opts.delayMs !== undefined) delayMs = opts.delayMs;
    },
    async releaseHeld() {
      const jobs = held.splice(0);
      for (const job of jobs) await job();
    },
    async pay(payUrl, choice) {
      const opened = await fetch(payUrl, { redirect: 'manual' });
      const html = await opened.text();
      const session = /name="session" value="([0-9a-f]+)"/.exec(html)?.[1];
      if (!session) throw new Error(`fake gateway: no payment form (${opened.status})`);
      const confirmed = await fetch(`${url}/pay/confirm`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session, choice }).toString(),
      });
      const location = confirmed.headers.get('location');
      if (confirmed.status !== 302 || !location) throw new Error(`fake gateway: confirm ${confirmed.status}`);
      return location;
    },
    async waitForIpns(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (ipnDeliveries.length < count) {
        if (Date.now() > deadline)
          throw new Error(`fake gateway: ${ipnDeliveries.length} IPNs, ${count} expected`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return ipnDeliveries;
    },
    resultQuery(txnRef) {
      const t = transactions.get(txnRef);
      if (!t) throw new Error(`fake gateway: no transaction ${txnRef}`);
      return signedQuery(resultOf(t), o.secret);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
