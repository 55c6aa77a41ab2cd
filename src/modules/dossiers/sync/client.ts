/**
 * Our side of the national portal's adapter protocol (PROTOCOL.md): authenticate once, keep the
 * session, authenticate again when the portal says it expired (code 02) and repeat the call once.
 */
import { z } from 'zod';
import {
  LIST_PAGE,
  answerSchema,
  authAnswerSchema,
  filedItemSchema,
  portalCodes,
  portalServices,
  type DossierItem,
  type FiledItem,
  type PortalAnswer,
  type ProgressItem,
} from './protocol.ts';

export interface PortalSettings {
  /** Base URL of the adapter; `/auth` and `/integration` are below it. */
  url: string;
  username: string;
  password: string;
  /** madonvi: our unit code at the portal. */
  agency: string;
}

/** The portal did not answer, answered something unreadable, or is busy: try again later. */
export class PortalUnavailable extends Error {
  constructor(reason: string) {
    super(`national portal: ${reason}`);
    this.name = 'PortalUnavailable';
  }
}

/** The portal refused the request (a code other than 00, 02 and 99): sending it again will not help. */
export class PortalRejected extends Error {
  readonly code: string;
  constructor(service: string, code: string, message: string | undefined) {
    super(`national portal refused ${service}: ${code}${message ? ` ${message.slice(0, 200)}` : ''}`);
    this.name = 'PortalRejected';
    this.code = code;
  }
}

/** One page of the inbound listing: readable items, how many were not, and the page's last key. */
export interface FiledPage {
  items: FiledItem[];
  skipped: number;
  /** The keyset cursor after this page (null when the page is empty). */
  last: { NgayNop: string; MaHoSo: string } | null;
  /** A full page: there may be more. */
  full: boolean;
}

const cursorSchema = z.object({ NgayNop: z.string().regex(/^\d{14}$/), MaHoSo: z.string().min(1).max(100) });

export interface PortalClient {
  settings: PortalSettings;
  /** DongBoHoSoMC with one item. */
  pushDossier(item: DossierItem, isUpdating: boolean): Promise<void>;
  /** CapNhatTienDoHoSoMC with one item. */
  pushProgress(item: ProgressItem): Promise<void>;
  /** TraCuuHoSo: the portal's last snapshot of a dossier, or null. */
  lookup(maHoSo: string): Promise<unknown>;
  /** LayDanhSachHoSoMC: one page of dossiers filed after (`from`, `after`), oldest first. */
  listFiled(from: string, after: string): Promise<FiledPage>;
}

export function createPortalClient(settings: PortalSettings, o: { timeoutMs?: number } = {}): PortalClient {
  const base = settings.url.replace(/\/$/, '');
  const timeoutMs = o.timeoutMs ?? 15_000;
  let session: string | null = null;

  async function post(path: string, body: unknown, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new PortalUnavailable(`${what} failed: ${(error as Error).name}`);
    }
    if (response.status !== 200) throw new PortalUnavailable(`${what} answered HTTP ${response.status}`);
    const json: unknown = await response.json().catch(() => null);
    if (!json || typeof json !== 'object') throw new PortalUnavailable(`${what} answered no JSON`);
    return json;
  }

  async function login(): Promise<string> {
    const parsed = authAnswerSchema.safeParse(
      await post('/auth', { username: settings.username, password: settings.password }, 'auth'),
    );
    if (!parsed.success) throw new PortalUnavailable('auth answered an unreadable answer');
    if (String(parsed.data.error_code) !== '0' || !parsed.data.session)
      // Wrong credentials are an operator's problem, but the queue keeps retrying until fixed.
      throw new PortalUnavailable(`auth refused (${String(parsed.data.error_code)})`);
    return parsed.data.session;
  }

  async function call(service: string, fields: Record<string, unknown>): Promise<PortalAnswer> {
    for (let attempt = 0; attempt < 2; attempt++) {
      session ??= await login();
      const raw = await post(
        '/integration',
        { session, madonvi: settings.agency, service, ...fields },
        service,
      );
      const parsed = answerSchema.safeParse(raw);
      if (!parsed.success) throw new PortalUnavailable(`${service} answered an unreadable answer`);
      const code = parsed.data.error_code;
      if (code === portalCodes.ok) return parsed.data;
      if (code === portalCodes.session) {
        session = null;
        continue;
      }
      if (code === portalCodes.busy) throw new PortalUnavailable(`${service} answered ${code}`);
      throw new PortalRejected(service, code, parsed.data.message);
    }
    throw new PortalUnavailable(`${service}: session refused twice`);
  }

  return {
    settings,
    async pushDossier(item, isUpdating) {
      await call(portalServices.push, { isUpdating: isUpdating ? 'True' : 'False', data: [item] });
    },
    async pushProgress(item) {
      await call(portalServices.progress, { data: [item] });
    },
    async lookup(maHoSo) {
      try {
        return (await call(portalServices.lookup, { MaHoSo: maHoSo })).data ?? null;
      } catch (error) {
        if (error instanceof PortalRejected && error.code === portalCodes.notFound) return null;
        throw error;
      }
    },
    async listFiled(from, after) {
      const answer = await call(portalServices.list, { TuNgay: from, MaHoSoSau: after });
      // Items are read one by one: one malformed item must not hide the others.
      const rows = z
        .array(z.unknown())
        .max(LIST_PAGE)
        .safeParse(answer.data ?? []);
      if (!rows.success) throw new PortalUnavailable('listing answered an unreadable list');
      const items: FiledItem[] = [];
      let skipped = 0;
      let last: FiledPage['last'] = null;
      for (const r of rows.data) {
        const key = cursorSchema.safeParse(r);
        if (key.success) last = { NgayNop: key.data.NgayNop, MaHoSo: key.data.MaHoSo };
        const item = filedItemSchema.safeParse(r);
        if (item.success) items.push(item.data);
        else skipped += 1;
      }
      return { items, skipped, last, full: rows.data.length >= LIST_PAGE };
    },
  };
}
