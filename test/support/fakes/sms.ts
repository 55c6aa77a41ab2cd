/**
 * A loopback SMS brandname gateway speaking the protocol of src/modules/notify/README.md:
 * POST / with header `x-api-key` and JSON `{ phone, message, brandname, requestId }`, answering
 * `{ code: "00", messageId }` when accepted. For tests and for development without a gateway.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedSms {
  phone: string;
  message: string;
  brandname: string;
  requestId: string;
  messageId: string;
}

export interface FakeSmsProvider {
  /** The send endpoint, for SMS_PROVIDER_URL. */
  url: string;
  apiKey: string;
  messages: CapturedSms[];
  /** Requests received, accepted or not. */
  requests: number;
  /** Answer every request with this HTTP status (e.g. 500) or gateway code (e.g. "01"); null recovers. */
  failWith(failure: { status: number } | { code: string } | null): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<CapturedSms[]>;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
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

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`fake SMS provider: ${what()} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts the fake gateway on a free loopback port (or `port`). */
export async function startFakeSmsProvider(
  o: { apiKey?: string; port?: number } = {},
): Promise<FakeSmsProvider> {
  const apiKey = o.apiKey ?? `fake-sms-key-${randomUUID()}`;
  const messages: CapturedSms[] = [];
  let failure: { status: number } | { code: string } | null = null;
  let requests = 0;
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    void (async () => {
      requests += 1;
      if (request.method !== 'POST') return answer(405, { code: '405', message: 'POST only' });
      if (request.headers['x-api-key'] !== apiKey) return answer(401, { code: '401', message: 'bad key' });
      let body: Partial<Record<keyof CapturedSms, unknown>>;
      try {
        body = JSON.parse(await readBody(request)) as typeof body;
      } catch {
        return answer(400, { code: '400', message: 'invalid JSON' });
      }
      if (failure && 'status' in failure) return answer(failure.status, { code: '99', message: 'failure' });
      if (failure) return answer(200, { code: failure.code, message: 'refused' });
      const { phone, message, brandname, requestId } = body;
      if (typeof phone !== 'string' || !/^84\d{9}$/.test(phone))
        return answer(200, { code: '01', message: 'invalid phone' });
      if (typeof message !== 'string' || message.length === 0 || typeof brandname !== 'string')
        return answer(200, { code: '02', message: 'invalid message' });
      const messageId = randomUUID();
      messages.push({
        phone,
        message,
        brandname,
        requestId: typeof requestId === 'string' ? requestId : '',
        messageId,
      });
      return answer(200, { code: '00', messageId });
    })().catch(() => answer(500, { code: '99', message: 'error' }));
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    apiKey,
    messages,
    get requests() {
      return requests;
    },
    failWith(f) {
      failure = f;
    },
    async waitForMessages(count, timeoutMs = 15_000) {
      await until(
        () => messages.length >= count,
        timeoutMs,
        () => `${messages.length} message(s), ${count} expected`,
      );
      return messages;
    },
    waitForRequests(count, timeoutMs = 15_000) {
      return until(
        () => requests >= count,
        timeoutMs,
        () => `${requests} request(s), ${count} expected`,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
