// One-stop statistics driven through the real dossiers module: known dossiers filed, received,
// answered early, on time and late, withdrawn and left open, then rated — the counters kept by
// the observer give the figures a person would count by hand, equal a rebuild from scratch,
// and another agency's officer gets 404.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { dossiersRepo } from '../../src/modules/dossiers/repo.ts';
import { createDirectoryModule } from '../../src/modules/directory/index.ts';
import { createDossierStatsModule, type DossierStatsModule } from '../../src/modules/dossiers/stats/index.ts';
import { createWorkCalendar, isoDateOfDay, localDay } from '../../src/platform/calendar/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { citizenCtx, minimalPdf, officerCtx, startDossiersHarness, type DossiersHarness } from './harness.ts';

const clock = { now: null as Date | null };
const at = (local: string) => new Date(`${local}+07:00`);

let h: DossiersHarness;
let stats: DossierStatsModule;
let agency: { id: string; code: string };
let other: { id: string };
let procedure: ProcedureContent;

/** Files a dossier at `submitted` (local time) as a citizen; returns its id and the citizen. */
async function file(submitted: string, applicantName: string) {
  clock.now = at(submitted);
  const ctx = citizenCtx();
  const d = await h.dossiers.service.createDraft(ctx, {
    procedureCode: procedure.code,
    agencyId: agency.id,
    applicantName,
  });
  await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' });
  await h.dossiers.service.addPaper(ctx, d.id, {
    paperKey: 'giayChungSinh',
    fileName: 'chung-sinh.pdf',
    bytes: minimalPdf,
  });
  await h.dossiers.service.submit(ctx, d.id);
  return { id: d.id, ctx };
}

async function receive(id: string, when: string) {
  clock.now = at(when);
  await h.dossiers.service.receive(officerCtx(agency.id), id);
}

async function result(id: string, when: string) {
  clock.now = at(when);
  await h.dossiers.service.returnResult(officerCtx(agency.id), id, minimalPdf);
}

async function counters() {
  await stats.service.fold();
  const { rows } = await h.db.database.pool.query<Record<string, unknown>>(
    `SELECT 'd' AS t, agency_id, procedure_code, day::text AS at, channel, received, digitised, finished, early,
            on_time, late, processing_days, fee_due, fee_paid_online, result_electronic, refused, withdrawn,
            stopped, ratings, rating_sum, satisfied FROM dossiers_stats_daily
     UNION ALL
     SELECT 'm', agency_id, procedure_code, month::text, channel, received, digitised, finished, early, on_time,
            late, processing_days, fee_due, fee_paid_online, result_electronic, refused, withdrawn, stopped,
            ratings, rating_sum, satisfied FROM dossiers_stats_monthly
     ORDER BY 1, 2, 3, 4, 5`,
  );
  // The dossiers open now (the carried-over figures start from them), kept by the fold.
  const open = await h.db.database.pool.query<Record<string, unknown>>(
    `SELECT 'o' AS t, agency_id, procedure_code, channel, open FROM dossiers_stats_open
      WHERE open <> 0 ORDER BY 2, 3, 4`,
  );
  return [...rows, ...open.rows];
}

describe('one-stop statistics from dossiers driven through the module', () => {
  const today = isoDateOfDay(localDay(new Date()));

  before(async () => {
    h = await startDossiersHarness({ options: { now: () => clock.now ?? new Date() } });
    procedure = await h.makeProcedure();
    const directory = createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') });
    // Agencies that existed before the dossiers of October were filed.
    const commune = async (n: number) => {
      const code = `${String(100 + randomInt(0, 900))}.${String(n).padStart(2, '0')}.${String(randomInt(0, 100)).padStart(2, '0')}.H41`;
      const a = await directory.service.createAgency(systemContext('test'), {
        name: `Ủy ban nhân dân xã Thống Kê ${n}`,
        kind: 'commune',
        validFrom: '2025-01-01',
        codes: [{ scheme: 'QD20', code, validFrom: '2025-01-01' }],
      });
      return { id: a.id, code };
    };
    agency = await commune(1);
    other = await commune(2);
    stats = createDossierStatsModule({
      db: h.db.database.db,
      calendar: createWorkCalendar(),
      directory: directory.service,
    });
    h.dossiers.observe(stats.observer);

    // Thursday 29/10: received the same day, answered Tuesday 03/11 (due Monday 02/11): late.
    const d6 = await file('2026-10-29T09:00:00', 'Lê Văn Sáu');
    await receive(d6.id, '2026-10-29T09:30:00');
    // Monday 02/11, 3 working days: due Wednesday 04/11 at 17:00.
    const d1 = await file('2026-11-02T08:30:00', 'Nguyễn Thị Ánh Tuyết');
    const d2 = await file('2026-11-02T08:40:00', 'Trần Văn Hai');
    const d3 = await file('2026-11-02T08:50:00', 'Phạm Thu Ba');
    const d4 = await file('2026-11-02T09:00:00', 'Hoàng Bốn');
    await file('2026-11-02T09:10:00', 'Đỗ Năm');
    for (const d of [d1, d2, d3, d4]) await receive(d.id, '2026-11-02T09:30:00');
    await result(d6.id, '2026-11-03T10:00:00');
    await result(d1.id, '2026-11-03T15:00:00'); // early
    await result(d2.id, '2026-11-04T10:00:00'); // on time
    await result(d3.id, '2026-11-05T10:00:00'); // late
    clock.now = null;
    await h.dossiers.service.withdraw(d4.ctx, d4.id, 'Không cần nữa'); // today
    clock.now = at('2026-11-06T10:00:00');
    await h.dossiers.service.giveFeedback(d1.ctx, d1.id, { rating: 5, comment: 'Nhanh' });
    await h.dossiers.service.giveFeedback(d2.ctx, d2.id, { rating: 3, comment: '' });
    clock.now = null;
  });
  after(() => h.close());

  it('counts received, settled early / on time / late, in progress, carried over, time and satisfaction', async () => {
    const r = await stats.service.statistics(officerCtx(agency.id), { from: '2026-11-01', to: today });
    const t = r.total;
    assert.deepEqual(t.received, { online: 5, counter: 0, post: 0, nationalPortal: 0, total: 5 });
    assert.equal(t.carriedOver, 1, 'the October dossier still open on 1 November');
    assert.deepEqual([t.finished, t.early, t.onTime, t.late], [4, 1, 1, 2]);
    assert.equal(t.onTimeRate, 0.5);
    assert.equal(t.withdrawn, 1);
    assert.equal(t.inProgress, 1, 'the one never received');
    // Working days from acceptance to result: 1, 2, 3 and (29/10 → 03/11) 3.
    assert.equal(t.averageProcessingDays, 2.25);
    assert.equal(t.onlineShare, 1);
    assert.equal(t.digitisedShare, 1, 'every dossier came with its paper as a file');
    assert.equal(t.electronicResultShare, 1);
    assert.equal(t.onlinePaymentShare, 0, 'fees due, none paid online');
    assert.deepEqual([t.ratings, t.averageRating, t.satisfiedShare], [2, 4, 0.5]);
    const points = Object.fromEntries(r.index.map((g) => [g.key, g.points]));
    assert.deepEqual(points, {
      publicity: null,
      progress: 10,
      digitisation: 22,
      onlineServices: 11,
      satisfaction: 9,
    });
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0]?.label, procedure.name);
  });

  it('reads a month, and months one by one with what each carries over', async () => {
    const october = await stats.service.statistics(officerCtx(agency.id), { period: '2026-10' });
    assert.equal(october.period.label.vi, 'Tháng 10/2026');
    assert.deepEqual(
      [october.total.received.total, october.total.finished, october.total.inProgress],
      [1, 0, 1],
    );
    const months = await stats.service.statistics(officerCtx(agency.id), {
      from: '2026-10-15',
      to: '2026-11-30',
      groupBy: 'month',
    });
    assert.deepEqual(
      months.rows.map((m) => [m.key, m.carriedOver, m.received.total, m.finished, m.inProgress]),
      [
        ['2026-10', 0, 1, 0, 1],
        ['2026-11', 1, 5, 4, today <= '2026-11-30' ? 1 : 2],
      ],
    );
    const q4 = await stats.service.statistics(officerCtx(agency.id), {
      period: '2026-Q4',
      groupBy: 'channel',
    });
    assert.deepEqual(
      q4.rows.map((c) => [c.key, c.received.total]),
      [['online', 6]],
    );
  });

  it('keeps counters equal to a rebuild from the dossiers', async () => {
    const incremental = await counters();
    assert.ok(incremental.length > 0);
    await stats.rebuild();
    assert.deepEqual(await counters(), incremental);
  });

  it('answers 404 to another agency, a citizen and an officer without the role; 400 to a bad period', async () => {
    const mine = officerCtx(other.id);
    await assert.rejects(stats.service.statistics(mine, { agencyId: agency.id, period: '2026-11' }), {
      code: 'DOSSIER_STATS_NOT_FOUND',
      status: 404,
    });
    await assert.rejects(stats.service.register(mine, { agencyId: agency.id, period: '2026-11' }), {
      status: 404,
    });
    await assert.rejects(stats.service.statistics(citizenCtx(), { period: '2026-11' }), { status: 404 });
    await assert.rejects(
      stats.service.statistics(officerCtx(agency.id, ['records_clerk']), { period: '2026-11' }),
      { status: 404 },
    );
    // Its own agency shows nothing of the other's dossiers.
    const own = await stats.service.statistics(mine, { period: '2026-11' });
    assert.equal(own.total.received.total, 0);
    await assert.rejects(stats.service.statistics(officerCtx(agency.id), { period: '2026-13' }), {
      code: 'DOSSIER_STATS_PERIOD_INVALID',
      status: 400,
    });
    await assert.rejects(
      stats.service.statistics(officerCtx(agency.id), { from: '2020-01-01', to: '2026-01-01' }),
      { code: 'DOSSIER_STATS_PERIOD_INVALID' },
    );
    // The platform by procedure (ended months summed once, platform-wide) equals the agency's.
    const admin = officerCtx(other.id, ['platform_admin']);
    const range = { from: '2026-10-01', to: today };
    const platform = await stats.service.statistics(admin, { ...range, groupBy: 'procedure' });
    const agencyOnly = await stats.service.statistics(officerCtx(agency.id), {
      ...range,
      groupBy: 'procedure',
    });
    assert.deepEqual(platform.rows, agencyOnly.rows);
    const sealed = await h.db.database.pool.query<{ month: string }>(
      `SELECT month::text FROM dossiers_stats_sealed ORDER BY month`,
    );
    assert.ok(sealed.rows.length > 0, 'ended months are sealed');
    assert.deepEqual(
      (await stats.service.statistics(admin, { ...range, groupBy: 'procedure' })).rows,
      agencyOnly.rows,
      'and read the same the second time',
    );
    // A platform administrator reads every agency.
    const all = await stats.service.statistics(admin, {
      from: '2026-10-01',
      to: today,
      groupBy: 'agency',
    });
    assert.deepEqual(
      all.rows.map((r) => [r.key, r.received.total]),
      [[agency.id, 6]],
    );
  });
  it('lets two filings of one procedure at one agency commit without waiting for each other', async () => {
    // Two dossiers of the same agency and procedure change in two open transactions at once: the
    // counters they share must not make the second wait for the first to commit.
    const x = await file('2026-11-09T08:00:00', 'Song Một');
    const y = await file('2026-11-09T08:05:00', 'Song Hai');
    clock.now = null;
    const rowOf = async (id: string) => (await dossiersRepo.byId(h.db.database.db, id))!;
    const change = async (id: string) => ({
      dossier: await rowOf(id),
      previous: 'draft' as const,
      status: 'submitted' as const,
      note: null,
      at: new Date(),
      actor: { kind: 'system' as const, name: 'test' },
    });
    const [cx, cy] = [await change(x.id), await change(y.id)];
    let release!: () => void;
    const mayCommit = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const hasWritten = new Promise<void>((resolve) => (wrote = resolve));
    const slow = h.db.database.db.transaction().execute(async (trx) => {
      await stats.observer.statusChanged!(trx, cx);
      wrote();
      await mayCommit;
      throw new Error('rolled back on purpose');
    });
    await hasWritten;
    const fast = h.db.database.db.transaction().execute(async (trx) => {
      await stats.observer.statusChanged!(trx, cy);
      throw new Error('rolled back on purpose');
    });
    const first = await Promise.race([fast.catch(() => 'fast'), sleep(3000).then(() => 'blocked')]);
    release();
    await slow.catch(() => undefined);
    await fast.catch(() => undefined);
    assert.equal(first, 'fast', 'the second change did not wait for the first transaction');
  });
});
