/**
 * Factories for records tests: the platform with its records desk, two agencies with clerks, an agency certificate, and a helper that runs pending
 * deliveries of the exchange (what its worker does).
 */
import { sql } from 'kysely';
import { systemContext, type RequestContext, type Role } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRecordsModule, type RecordsModule } from '../../src/modules/records/index.ts';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, unique } from '../support/auth.ts';

export interface RecordsTestApp extends TestApp {
  records: RecordsModule;
}

/**
 * The platform on a fresh database with its records desk; with a test clock or other limits, a
 * records module of its own on the same database (for service tests: its pages are not served).
 */
export async function startRecordsApp(
  o: { now?: () => Date; maxAttachmentBytes?: number } = {},
): Promise<RecordsTestApp> {
  const t = await startTestApp();
  if (!o.now && !o.maxAttachmentBytes) return { ...t, records: t.platform.records };
  const records = createRecordsModule({
    db: t.database.db,
    logger: createLogger('silent'),
    exchange: t.platform.exchange.service,
    pki: t.platform.pki.service,
    directory: t.platform.directory.service,
    ...o,
  });
  return { ...t, records };
}

/** A unique QĐ20 code. */
export function uniqueCode(): string {
  const n = unique();
  return `${String(100 + (n % 900)).padStart(3, '0')}.${String(n % 100).padStart(2, '0')}.${String(Math.floor(n / 100) % 100).padStart(2, '0')}.H${String(10 + (n % 89)).padStart(2, '0')}`;
}

export interface Desk {
  agency: AgencySummary & { code: string };
  clerk: { accountId: string; username: string; password: string };
  ctx: RequestContext;
}

/** An agency with a QĐ20 code and an official holding `roles` (a clerk by default). */
export async function makeDesk(t: TestApp, o: { name?: string; roles?: Role[] } = {}): Promise<Desk> {
  const code = uniqueCode();
  const agency = await t.platform.directory.service.createAgency(systemContext('test'), {
    name: o.name ?? `Sở thử nghiệm ${unique()}`,
    kind: 'department',
    validFrom: '2020-01-01',
    codes: [{ scheme: 'QD20', code, validFrom: '2020-01-01' }],
  });
  const roles = o.roles ?? ['records_clerk'];
  const clerk = await createOfficial(t, { agencyId: agency.id, roles });
  return { agency: { ...agency, code }, clerk, ctx: officialCtx(agency.id, clerk.accountId, roles) };
}

/** A request context of an official (what a signed-in page request carries). */
export function officialCtx(agencyId: string, accountId: string, roles: Role[]): RequestContext {
  return {
    actor: { kind: 'official', accountId, agencyId, roles, sessionId: null },
    requestId: `test-${unique()}`,
    ip: null,
    locale: 'vi',
  };
}

/** Issues the agency's certificate through the pki service (as the platform operator would). */
export async function issueCertificate(t: TestApp, desk: Desk): Promise<void> {
  await t.platform.pki.service.issue(systemContext('test'), {
    holderKind: 'agency',
    agencyId: desk.agency.id,
    agencyCode: desk.agency.code,
    agencyName: desk.agency.name,
    validDays: 365,
  });
}

/** Runs every pending delivery now (what the exchange worker does); returns how many. */
export async function deliverPending(t: TestApp): Promise<number> {
  const rows = await sql<{ id: string }>`SELECT id FROM exchange_deliveries WHERE state = 'pending'
    ORDER BY created_at`.execute(t.database.db);
  let n = 0;
  for (const r of rows.rows) if ((await t.platform.exchange.service.deliverNow(r.id)) === 'delivered') n++;
  return n;
}

/** A small valid PDF whose bytes are ASCII (so tests can post it in a text body). */
export function pdf(label = 'Văn bản thử nghiệm'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n% ${encodeURIComponent(label)}\ntrailer\n<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );
}
