import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { closeVerifyPool } from '../../src/modules/pki/index.ts';
import {
  agency,
  nationWithTwoCommunes,
  official,
  proceduresRegime,
  startBench,
  system,
  type Bench,
} from './support.ts';

const notices = async (b: Bench, unitEmail: string | null, accountId: string | null = null) =>
  (
    await sql<{ template: string; channel: string }>`SELECT template, channel FROM notify_notifications
      WHERE email IS NOT DISTINCT FROM ${unitEmail} AND account_id IS NOT DISTINCT FROM ${accountId}::uuid
      ORDER BY created_at`.execute(b.db.database.db)
  ).rows;

describe('reporting: reminders before and after the deadline, late units', () => {
  let b: Bench;
  let nation: string;
  let province: string;
  let c1: string;
  let c2: string;
  const code = 'TTHC-REMIND';
  const c2Account = randomUUID();

  before(async () => {
    b = await startBench();
    ({ nation, province, c1, c2 } = await nationWithTwoCommunes(b, code));
    const r = b.reporting.service.regimes;
    await r.period(system, code, '2025-Q4'); // opened during its window (15/09 → 14/12)
    await b.reporting.service.reminders.setContact(official(c1), c1, { email: 'baocao@xamot.gov.vn' });
  });
  after(async () => {
    await b.close();
    await closeVerifyPool();
  });

  it('two working days before the deadline, units that have not submitted are reminded once', async () => {
    b.clock.now = new Date('2025-12-15T02:00:00Z'); // Monday; due Wednesday 17/12
    const first = await b.reporting.service.reminders.run(system);
    assert.deepEqual(first, { reminded: 1, overdue: 0, noContact: 1 }); // Xã Hai has no contact yet
    await b.reporting.service.reminders.run(system);
    assert.deepEqual(await notices(b, 'baocao@xamot.gov.vn'), [
      { template: 'report_deadline_reminder', channel: 'email' },
    ]);
  });

  it('after the deadline the late unit is flagged and reminded as overdue; a submitted unit is not', async () => {
    await b.reporting.service.reminders.setContact(official(c2), c2, { accountId: c2Account });
    b.clock.now = new Date('2025-12-16T02:00:00Z');
    await b.reporting.service.submissions.save(official(c1), {
      regime: code,
      period: '2025-Q4',
      values: { received: 10, on_time: 9, late: 1 },
      submit: true,
    });
    b.clock.now = new Date('2025-12-19T02:00:00Z');
    const late = await b.reporting.service.dashboard.lateUnits(official(province, ['unit_leader']), {
      regime: code,
      period: '2025-Q4',
      unit: province,
    });
    assert.equal(late.overdue, true);
    assert.deepEqual(
      late.units.map((u) => [u.name, u.submitted]),
      [['Xã Hai', false]],
    );
    assert.deepEqual(await b.reporting.service.reminders.run(system), {
      reminded: 0,
      overdue: 1,
      noContact: 0,
    });
    assert.deepEqual(await notices(b, null, c2Account), [{ template: 'report_overdue', channel: 'in_app' }]);
    assert.equal((await notices(b, 'baocao@xamot.gov.vn')).length, 1);
  });

  it('"remind now" is for the units above only; another commune gets 404', async () => {
    await b.reporting.service.reminders.remindNow(official(province, ['unit_leader']), {
      regime: code,
      period: '2025-Q4',
      unit: c2,
    });
    assert.equal((await notices(b, null, c2Account)).length, 2);
    await assert.rejects(
      b.reporting.service.reminders.remindNow(official(c1), { regime: code, period: '2025-Q4', unit: c2 }),
      (e: Error & { code?: string }) => e.code === 'REPORTING_SUBMISSION_NOT_FOUND',
    );
  });

  it('completeness and timeliness by level, and the trend over periods', async () => {
    const levels = await b.reporting.service.dashboard.levels(system, {
      regime: code,
      period: '2025-Q4',
      unit: nation,
    });
    assert.deepEqual(levels, [{ depth: 2, expected: 2, submitted: 1, onTime: 1, late: 0 }]);
    const trend = await b.reporting.service.dashboard.trend(system, { regime: code, unit: province });
    assert.deepEqual(
      trend.map((t) => [t.key, t.values.get('received'), t.submitted, t.expected]),
      [
        ['2025-Q4', 10, 1, 2],
        ['2026-Q1', null, 0, 2], // opened by the reminder run on 15/12/2025
      ],
    );
  });
});

describe('reporting: as reported and restated to the successor of a merged province', () => {
  let b: Bench;
  let nation: string;
  let a: string;
  let bb: string;
  let c: string;
  const code = 'TTHC-RESTATE';

  before(async () => {
    b = await startBench();
    nation = await agency(b, {
      kind: 'ministry_level',
      name: 'Văn phòng Chính phủ (thử)',
      validFrom: '2020-01-01',
    });
    a = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Hà Cũ', validFrom: '2020-01-01' });
    bb = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Bắc Cũ', validFrom: '2020-01-01' });
    c = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Tuyên Mới', validFrom: '2020-01-01' });
    const r = b.reporting.service.regimes;
    await r.createRegime(system, proceduresRegime(code, nation, [a, bb, c]));
    await r.publish(system, code);
    await r.assign(system, code, { validFrom: '2025-01-01' });
    b.clock.now = new Date('2025-06-16T02:00:00Z');
    const values = [
      [a, { received: 10, on_time: 8, late: 1, satisfaction: 90 }],
      [bb, { received: 20, on_time: 15, late: 2, satisfaction: 80 }],
      [c, { received: 30, on_time: 25, late: 3, satisfaction: 70 }],
    ] as const;
    for (const [unit, v] of values)
      await b.reporting.service.submissions.save(official(unit), {
        regime: code,
        period: '2025-Q2',
        values: v,
        submit: true,
      });
    b.clock.now = new Date('2025-07-10T02:00:00Z');
    await b.directory.service.recordMerge(system, {
      predecessors: [a, bb],
      successor: c,
      effectiveOn: '2025-07-01',
      legalBasis: 'Nghị quyết 202/2025/QH15 (thử)',
    });
  });
  after(async () => {
    await b.close();
    await closeVerifyPool();
  });

  it('as reported keeps each report under its sender; restated adds them into the successor and flags non-additive indicators', async () => {
    const v = await b.reporting.service.restated.view(official(nation, ['unit_leader']), {
      regime: code,
      period: '2025-Q2',
    });
    assert.deepEqual(
      v.asReported.map((r) => [r.name, r.values['received']]),
      [
        ['Tỉnh Bắc Cũ', 20],
        ['Tỉnh Hà Cũ', 10],
        ['Tỉnh Tuyên Mới', 30],
      ],
    );
    assert.equal(v.restated.length, 1);
    const row = v.restated[0]!;
    assert.equal(row.name, 'Tỉnh Tuyên Mới');
    assert.deepEqual(row.sources.map((s) => s.name).sort(), ['Tỉnh Bắc Cũ', 'Tỉnh Hà Cũ', 'Tỉnh Tuyên Mới']);
    assert.equal(row.values['received'], 60);
    assert.equal(row.values['late'], 6);
    assert.deepEqual(row.flagged, ['satisfaction']);
    assert.equal(row.values['satisfaction'], null);
  });

  it('only the recipient reads the restated view (404 otherwise)', async () => {
    await assert.rejects(
      b.reporting.service.restated.view(official(c, ['unit_leader']), { regime: code, period: '2025-Q2' }),
      (e: Error & { code?: string }) => e.code === 'REPORTING_SUBMISSION_NOT_FOUND',
    );
  });
});
