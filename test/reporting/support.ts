/**
 * A reporting test bench on a fresh database: directory, pki and reporting built like the
 * composition root does, a settable clock, and small factories for agencies and actors.
 */
import { randomInt, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { systemContext, type Actor, type RequestContext, type Role } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import {
  createDirectoryModule,
  type AgencyKind,
  type DirectoryModule,
} from '../../src/modules/directory/index.ts';
import { createPkiModule, type PkiModule } from '../../src/modules/pki/index.ts';
import {
  createNotifyModule,
  createNotifyTransports,
  notifyConfigFromEnv,
  type NotifyModule,
} from '../../src/modules/notify/index.ts';
import { createReportingModule, type ReportingModule } from '../../src/modules/reporting/index.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import type { App } from '../../src/platform/http/types.ts';
import { renderErrorPage } from '../../src/platform/pages/home.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { testConfig } from '../support/config.ts';

export interface Bench {
  db: TestDatabase;
  directory: DirectoryModule;
  pki: PkiModule;
  notify: NotifyModule;
  reporting: ReportingModule;
  clock: { now: Date };
  close(): Promise<void>;
}

export async function startBench(): Promise<Bench> {
  const db = await createTestDatabase();
  const logger = createLogger('silent');
  const config = testConfig({
    DATABASE_URL: db.url,
    DATA_DIR: '/tmp',
  });
  const directory = createDirectoryModule({ db: db.database.db, logger });
  const pki = createPkiModule({ db: db.database.db, logger, config });
  const clock = { now: new Date('2025-12-10T03:00:00Z') };
  const notify = createNotifyModule({
    db: db.database.db,
    logger,
    config,
    transports: createNotifyTransports({
      db: db.database.db,
      logger,
      config: notifyConfigFromEnv({}, 'test'),
      env: 'test',
    }),
  });
  const reporting = createReportingModule({
    db: db.database.db,
    logger,
    directory: directory.service,
    pki: pki.service,
    notify: notify.service,
    now: () => clock.now,
  });
  return { db, directory, pki, notify, reporting, clock, close: () => db.drop() };
}

let n = randomInt(100, 900);

/** An agency with a unique QĐ20 code, valid from 01/07/2025 unless told otherwise. */
export async function agency(
  b: Bench,
  o: { kind: AgencyKind; parentId?: string; name?: string; validFrom?: string },
): Promise<string> {
  n += 1;
  const code = `${String(n).padStart(3, '0')}.${String(randomInt(10, 99))}.${String(randomInt(10, 99))}.H${String(randomInt(10, 63))}`;
  const a = await b.directory.service.createAgency(systemContext('test'), {
    name: o.name ?? `Đơn vị ${n}`,
    kind: o.kind,
    parentId: o.parentId ?? null,
    validFrom: o.validFrom ?? '2025-07-01',
    codes: [{ scheme: 'QD20', code }],
  });
  return a.id;
}

/** A request context for an official of `agencyId` with `roles`. */
export function official(agencyId: string, roles: Role[] = ['reporting_officer']): RequestContext {
  const actor: Actor = { kind: 'official', accountId: randomUUID(), agencyId, roles, sessionId: null };
  return { actor, requestId: randomUUID(), ip: null, locale: 'vi' };
}

export const system = systemContext('test');

/** The quarterly regime on settling administrative procedures used by the tests. */
export function proceduresRegime(code: string, recipientAgencyId: string, agencyIds: string[]) {
  return {
    code,
    recipientAgencyId,
    title: 'Báo cáo kết quả giải quyết thủ tục hành chính',
    reporterScope: { kind: 'explicit' as const, agencyIds },
    frequency: 'quarterly' as const,
    deadlineDays: 3,
    lockDays: 10,
    indicators: [
      {
        code: 'received',
        name: 'Số hồ sơ tiếp nhận',
        unit: 'hồ sơ',
        type: 'number' as const,
        required: true,
        min: 0,
      },
      {
        code: 'on_time',
        name: 'Số hồ sơ đúng hạn',
        unit: 'hồ sơ',
        type: 'number' as const,
        required: true,
        min: 0,
      },
      { code: 'late', name: 'Số hồ sơ trễ hạn', unit: 'hồ sơ', type: 'number' as const, min: 0 },
      {
        code: 'longest_days',
        name: 'Thời gian dài nhất',
        unit: 'ngày',
        type: 'number' as const,
        aggregation: 'max' as const,
      },
      {
        code: 'satisfaction',
        name: 'Mức độ hài lòng',
        unit: '%',
        type: 'percentage' as const,
        aggregation: 'weighted_average' as const,
        weightCode: 'received',
      },
      { code: 'note', name: 'Ghi chú', type: 'text' as const, aggregation: 'none' as const },
    ],
    rules: [
      {
        expression: 'on_time + late <= received',
        message: 'Đúng hạn cộng trễ hạn không vượt quá tiếp nhận.',
      },
    ],
  };
}

/**
 * The usual small hierarchy of the tests: a national recipient, a province and two communes of
 * it, and a procedures regime `code` assigned to both communes from 01/07/2025 (published).
 */
export async function nationWithTwoCommunes(b: Bench, code: string) {
  const nation = await agency(b, { kind: 'ministry_level', name: 'Văn phòng Chính phủ (thử)' });
  const province = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Thử Nghiệm' });
  const c1 = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Một' });
  const c2 = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Hai' });
  const r = b.reporting.service.regimes;
  await r.createRegime(system, proceduresRegime(code, nation, [c1, c2]));
  await r.publish(system, code);
  await r.assign(system, code, { validFrom: '2025-07-01' });
  return { nation, province, c1, c2 };
}

/**
 * The reporting module alone behind the platform's HTTP server on a free loopback port, as the
 * test's own composition root: a request names its actor in the `x-test-actor` header (a key
 * of `actors`, which the test may fill later); no header is an anonymous visitor.
 */
export async function serveReporting(
  b: Bench,
  actors: Record<string, Actor>,
): Promise<{ app: App; baseUrl: string }> {
  const config = testConfig({
    DATABASE_URL: b.db.url,
    DATA_DIR: '/tmp',
  });
  const app = await createHttpServer({
    config,
    logger: createLogger('silent'),
    resolveActor: (request) => {
      const who = request.headers['x-test-actor'];
      return Promise.resolve((typeof who === 'string' && actors[who]) || { kind: 'anonymous' });
    },
    isReady: () => Promise.resolve(true),
    renderErrorPage,
    modules: [b.reporting.http],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** Opens an Excel template, sets the value cells given by indicator code, and saves it again. */
export async function fillTemplate(
  template: Buffer,
  values: Record<string, number | string | null>,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('BaoCao')!;
  ws.eachRow((row) => {
    const code = row.getCell(1).value;
    if (typeof code === 'string' && Object.hasOwn(values, code)) row.getCell(3).value = values[code] ?? null;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
