/**
 * Factories for exchange tests: the platform with the exchange module, agencies with codes,
 * edXML packets built with the codec's builders, and a helper that runs pending deliveries.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { systemContext, type RequestContext } from '../../src/platform/context.ts';
import { createFileBlobStore, type BlobStore } from '../../src/platform/blobs/index.ts';
import {
  buildNewEdoc,
  buildStatus,
  createExchangeModule,
  writeEdxml,
  type EdocInput,
  type ExchangeModule,
} from '../../src/modules/exchange/index.ts';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { renderErrorPage } from '../../src/platform/pages/home.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { unique } from '../support/auth.ts';

export interface ExchangeTestApp extends TestApp {
  exchange: ExchangeModule;
  blobs: BlobStore;
  blobDir: string;
  /** Where the exchange API is served: the platform itself once main.ts wires the module. */
  apiUrl: string;
}

/** The platform on a fresh database, with the exchange module (the wired one when main.ts has it). */
export async function startExchangeApp(env: Record<string, string> = {}): Promise<ExchangeTestApp> {
  const t = await startTestApp(env);
  const blobDir = path.join(t.config.dataDir, 'blobs');
  const wired = (t.platform as unknown as { exchange?: ExchangeModule }).exchange;
  const blobs = createFileBlobStore(blobDir);
  const exchange =
    wired ??
    createExchangeModule({
      db: t.database.db,
      logger: t.platform.app.log as never,
      config: t.config,
      directory: t.platform.directory.service,
      pki: t.platform.pki.service,
      blobs,
      sweep: false,
    });
  if (wired) return { ...t, exchange, blobs, blobDir, apiUrl: t.baseUrl };
  // Until the composition root wires the module: the same kernel server with this module only,
  // resolving actors (bearer tokens) through the platform's identity module.
  const side = await createHttpServer({
    config: t.config,
    logger: createLogger(t.config.logLevel),
    resolveActor: t.platform.identity.resolveActor,
    isReady: () => Promise.resolve(true),
    renderErrorPage,
    modules: [exchange.http],
  });
  await side.listen({ port: 0, host: '127.0.0.1' });
  const address = side.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    ...t,
    exchange,
    blobs,
    blobDir,
    apiUrl: `http://127.0.0.1:${port}`,
    async close() {
      await side.close();
      await t.close();
    },
  };
}

export const ctxSystem: RequestContext = systemContext('test');

/** An agency's own document software (a machine client of the axis). */
export const clientCtx = (agencyId: string): RequestContext => ({
  actor: { kind: 'client', clientId: 'test-client', agencyId, scopes: [] },
  requestId: 'test',
  ip: null,
  locale: 'vi',
});

/** A unique QĐ20 code whose level-1 group is `letter` + 2 digits. */
export function uniqueCode(letter = 'H'): string {
  const n = unique();
  return `${String(100 + (n % 900)).padStart(3, '0')}.${String(n % 100).padStart(2, '0')}.${String(Math.floor(n / 100) % 100).padStart(2, '0')}.${letter}${String(10 + (n % 89)).padStart(2, '0')}`;
}

/** An agency with one QĐ20 code (and optional more codes, e.g. a SHORT alias). */
export async function agencyWithCodes(
  t: TestApp,
  o: { name?: string; codes?: { scheme: 'QD20' | 'SHORT'; code: string }[] } = {},
): Promise<AgencySummary & { code: string }> {
  const code = uniqueCode();
  const codes = o.codes ?? [{ scheme: 'QD20' as const, code }];
  const agency = await t.platform.directory.service.createAgency(ctxSystem, {
    name: o.name ?? `Sở thử nghiệm ${unique()}`,
    kind: 'department',
    validFrom: '2020-01-01',
    codes: codes.map((c) => ({ ...c, validFrom: '2020-01-01' })),
  });
  return { ...agency, code: codes[0]?.code ?? code };
}

/** A one-page PDF of about `size` bytes. */
export function pdfBytes(size = 100 * 1024): Buffer {
  const head = Buffer.from('%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\n% ');
  const tail = Buffer.from('\n%%EOF\n');
  const filler = Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x41);
  return Buffer.concat([head, filler, tail]);
}

/** A new edoc from `from` to `to` as edXML bytes; a unique number unless given. */
export function edoc(
  from: string,
  to: string[],
  o: Partial<EdocInput> & { number?: string; attachment?: Buffer | null } = {},
): { xml: Buffer; documentId: string; number: string } {
  const number = o.number ?? String(unique());
  const packet = buildNewEdoc({
    from: { organId: from, organName: 'Cơ quan gửi' },
    to: to.map((organId) => ({ organId, organName: 'Cơ quan nhận' })),
    code: { number, notation: 'SNV-VP' },
    promulgationDate: o.promulgationDate ?? '2026-03-02',
    documentType: { typeName: 'Công văn', type: '1' },
    subject: o.subject ?? `V/v thử nghiệm gửi văn bản số ${number}`,
    attachments:
      o.attachment === null
        ? []
        : [
            {
              name: `${number}.pdf`,
              content: o.attachment ?? pdfBytes(2048),
              contentType: 'application/pdf',
            },
          ],
    ...o,
  });
  return { xml: Buffer.from(writeEdxml(packet)), documentId: packet.header?.documentId ?? '', number };
}

/** A status packet from `from` about `documentId` (sent by `senderCode`). */
export function statusXml(
  from: string,
  code: string,
  target: { documentId: string; senderCode: string; number: string },
  o: { description?: string; at?: Date } = {},
): Buffer {
  return Buffer.from(
    writeEdxml(
      buildStatus({
        code,
        from: { organId: from, organName: 'Cơ quan nhận' },
        responseFor: {
          organId: target.senderCode,
          code: `${target.number}/SNV-VP`,
          promulgationDate: '2026-03-02',
          documentId: target.documentId,
        },
        description: o.description ?? null,
        ...(o.at ? { at: o.at } : {}),
      }),
    ),
  );
}

/** Runs every pending delivery now (what the worker does); returns how many were delivered. */
export async function deliverPending(t: ExchangeTestApp): Promise<number> {
  const rows = await sql<{
    id: string;
  }>`SELECT id FROM exchange_deliveries WHERE state = 'pending' ORDER BY created_at`.execute(t.database.db);
  let n = 0;
  for (const r of rows.rows) if ((await t.exchange.service.deliverNow(r.id)) === 'delivered') n++;
  return n;
}

/** Row counts of the exchange tables (to show that a refused packet stored nothing). */
export async function exchangeCounts(
  t: TestApp,
): Promise<{ packets: number; deliveries: number; jobs: number }> {
  const r = await sql<{ packets: string; deliveries: string; jobs: string }>`SELECT
    (SELECT count(*) FROM exchange_packets) AS packets,
    (SELECT count(*) FROM exchange_deliveries) AS deliveries,
    (SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'exchange.deliver') AS jobs`.execute(
    t.database.db,
  );
  const row = r.rows[0];
  return { packets: Number(row?.packets), deliveries: Number(row?.deliveries), jobs: Number(row?.jobs) };
}
