/**
 * A national public service portal adapter (Cổng DVCQG) on loopback that speaks PROTOCOL.md, for
 * development (`lienthong start` without a configured portal) and tests. It checks every item as
 * the protocol says, records each accepted item once and in order (an item id seen before is
 * acknowledged again without being recorded), expires sessions, can be told to fail the next N
 * calls or to go down, and holds dossiers "filed on the national portal" for the inbound pull.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  LIST_PAGE,
  dossierItemSchema,
  filedItemSchema,
  portalCodes,
  portalServices,
  progressItemSchema,
  type DossierItem,
  type FiledItem,
  type ProgressItem,
} from './protocol.ts';

/** An item the portal accepted, in the order it arrived. */
export type ReceivedItem =
  | { service: 'DongBoHoSoMC'; madonvi: string; isUpdating: boolean; item: DossierItem; at: Date }
  | { service: 'CapNhatTienDoHoSoMC'; madonvi: string; item: ProgressItem; at: Date };

/**
 * How the next calls fail: HTTP 503, an answer with code 99 (busy), a dropped connection, or a
 * refusal of the item (code 01, as for invalid data).
 */
export type FailureMode = 'http' | 'busy' | 'drop' | 'refuse';

export interface FakeNationalPortal {
  /** Base URL for NATIONAL_PORTAL_URL (`/auth` and `/integration` below it). */
  url: string;
  username: string;
  password: string;
  /** madonvi of our instance at the portal. */
  agency: string;
  /** Every accepted DongBoHoSoMC / CapNhatTienDoHoSoMC item, once each, in arrival order. */
  received: ReceivedItem[];
  /** Items sent again with an id already recorded (acknowledged, not recorded twice). */
  duplicates: string[];
  /** Every call with the answer given (auth included), for tests. */
  calls: { service: string; code: string }[];
  /** The TrangThaiHoSo codes the portal received for one dossier, in order. */
  statusesOf(maHoSo: string): string[];
  /** Files a dossier "on the national portal"; the inbound pull lists it. */
  fileDossier(item: FiledItem): void;
  /** The next `n` integration calls fail in `mode` (auth calls are not counted). */
  failNext(n: number, mode?: FailureMode): void;
  /** While down, every connection is dropped. */
  setDown(down: boolean): void;
  /** Forgets every session: the next call answers code 02. */
  expireSessions(): void;
  /** Waits until `count` items were received. */
  waitForItems(count: number, timeoutMs?: number): Promise<ReceivedItem[]>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage, limit = 2 * 1024 * 1024): Promise<string> {
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

/** Starts the fake portal on `port` (0 for a free one) of 127.0.0.1. */
export async function startFakeNationalPortal(
  o: {
    port?: number;
    username?: string;
    password?: string;
    agency?: string;
    /** How long a session lives (default 30 minutes). */
    sessionTtlMs?: number;
    now?: () => Date;
  } = {},
): Promise<FakeNationalPortal> {
  const now = o.now ?? (() => new Date());
  const username = o.username ?? 'lienthong';
  const password = o.password ?? randomBytes(12).toString('hex');
  const agency = o.agency ?? '000.00.00.H41';
  const ttl = o.sessionTtlMs ?? 30 * 60_000;
  const sessions = new Map<string, number>();
  const received: ReceivedItem[] = [];
  const duplicates: string[] = [];
  const calls: { service: string; code: string }[] = [];
  const seenIds = new Set<string>();
  const known = new Map<string, DossierItem>();
  const filed: FiledItem[] = [];
  let failures = 0;
  let failureMode: FailureMode = 'http';
  let down = false;

  // A dossier the portal holds: announced by DongBoHoSoMC, or filed on the portal itself.
  const isKnown = (maHoSo: string) => known.has(maHoSo) || filed.some((f) => f.MaHoSo === maHoSo);

  const answer = (service: string, code: string, extra: Record<string, unknown> = {}) => {
    calls.push({ service, code });
    return { error_code: code, message: code === portalCodes.ok ? 'Thành công' : 'Lỗi', ...extra };
  };

  function auth(body: Record<string, unknown>) {
    if (body['username'] !== username || body['password'] !== password) {
      calls.push({ service: 'auth', code: '1' });
      return { error_code: 1, message: 'Sai tên đăng nhập hoặc mật khẩu' };
    }
    const session = randomBytes(18).toString('hex');
    sessions.set(session, now().getTime() + ttl);
    calls.push({ service: 'auth', code: '0' });
    return { session, error_code: 0 };
  }

  function integration(body: Record<string, unknown>) {
    const service = str(body['service']);
    const expires = sessions.get(str(body['session']));
    if (expires === undefined || expires < now().getTime()) return answer(service, portalCodes.session);
    if (body['madonvi'] !== agency) return answer(service, portalCodes.invalid);
    const data = Array.isArray(body['data']) ? (body['data'] as unknown[]) : [];
    switch (service) {
      case portalServices.push: {
        const isUpdating = body['isUpdating'];
        if ((isUpdating !== 'True' && isUpdating !== 'False') || data.length === 0 || data.length > 100)
          return answer(service, portalCodes.invalid);
        const items = data.map((d) => dossierItemSchema.safeParse(d));
        if (items.some((p) => !p.success)) return answer(service, portalCodes.invalid);
        for (const p of items) {
          const item = p.data as DossierItem;
          if (seenIds.has(item.MaDongBo)) {
            duplicates.push(item.MaDongBo);
            continue;
          }
          // A new dossier is announced with isUpdating "False", every later snapshot with "True".
          if ((isUpdating === 'True') !== isKnown(item.MaHoSo)) return answer(service, portalCodes.invalid);
          seenIds.add(item.MaDongBo);
          known.set(item.MaHoSo, item);
          received.push({ service, madonvi: agency, isUpdating: isUpdating === 'True', item, at: now() });
        }
        return answer(service, portalCodes.ok);
      }
      case portalServices.progress: {
        if (data.length === 0 || data.length > 100) return answer(service, portalCodes.invalid);
        const items = data.map((d) => progressItemSchema.safeParse(d));
        if (items.some((p) => !p.success || !isKnown(p.data.MaHoSo)))
          return answer(service, portalCodes.invalid);
        for (const p of items) {
          const item = p.data as ProgressItem;
          if (seenIds.has(item.MaDongBo)) {
            duplicates.push(item.MaDongBo);
            continue;
          }
          seenIds.add(item.MaDongBo);
          received.push({ service, madonvi: agency, item, at: now() });
        }
        return answer(service, portalCodes.ok);
      }
      case portalServices.lookup: {
        const item = known.get(str(body['MaHoSo']));
        return item ? answer(service, portalCodes.ok, { data: item }) : answer(service, portalCodes.notFound);
      }
      case portalServices.list: {
        const from = str(body['TuNgay']);
        const after = str(body['MaHoSoSau']);
        if (!/^\d{14}$/.test(from)) return answer(service, portalCodes.invalid);
        const page = filed
          .filter((f) => f.NgayNop > from || (f.NgayNop === from && f.MaHoSo > after))
          .sort((a, b) =>
            a.NgayNop === b.NgayNop ? (a.MaHoSo < b.MaHoSo ? -1 : 1) : a.NgayNop < b.NgayNop ? -1 : 1,
          )
          .slice(0, LIST_PAGE);
        return answer(service, portalCodes.ok, { data: page });
      }
      default:
        return answer(service, portalCodes.unknownService);
    }
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(value));
      };
      try {
        // Controls for a portal run out of process (development): what arrived, and filing.
        if (request.method === 'GET' && url.pathname === '/_control/received') return json(200, received);
        if (request.method === 'POST' && url.pathname === '/_control/filed') {
          const item = filedItemSchema.parse(JSON.parse(await readBody(request)));
          filed.push(item);
          return json(201, item);
        }
        if (down) return request.socket.destroy();
        if (request.method !== 'POST') return json(404, { error_code: '404' });
        const body = JSON.parse(await readBody(request)) as Record<string, unknown>;
        if (url.pathname === '/auth') return json(200, auth(body));
        if (url.pathname !== '/integration') return json(404, { error_code: '404' });
        if (failures > 0) {
          failures -= 1;
          calls.push({ service: str(body['service']), code: `fail:${failureMode}` });
          if (failureMode === 'drop') return request.socket.destroy();
          if (failureMode === 'http') return json(503, { error_code: portalCodes.busy });
          if (failureMode === 'refuse')
            return json(200, { error_code: portalCodes.invalid, message: 'Dữ liệu không hợp lệ' });
          return json(200, { error_code: portalCodes.busy, message: 'Hệ thống bận' });
        }
        return json(200, integration(body));
      } catch {
        if (!response.headersSent) json(400, { error_code: portalCodes.invalid, message: 'bad request' });
        else response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    username,
    password,
    agency,
    received,
    duplicates,
    calls,
    statusesOf: (maHoSo) =>
      received.flatMap((r) =>
        r.service === portalServices.push && r.item.MaHoSo === maHoSo ? [r.item.TrangThaiHoSo] : [],
      ),
    fileDossier(item) {
      filed.push(filedItemSchema.parse(item));
    },
    failNext(n, mode = 'http') {
      failures = n;
      failureMode = mode;
    },
    setDown(value) {
      down = value;
    },
    expireSessions() {
      sessions.clear();
    },
    async waitForItems(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`fake national portal: ${received.length} items, ${count} expected`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
