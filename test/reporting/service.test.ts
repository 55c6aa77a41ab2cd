import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { closeVerifyPool } from '../../src/modules/pki/index.ts';
import type { UnitSummary } from '../../src/modules/reporting/index.ts';
import { agency, official, proceduresRegime, startBench, system, type Bench } from './support.ts';

const value = (s: UnitSummary, code: string) => s.values.find((v) => v.code === code)?.value ?? null;

describe('reporting: submit, approve level by level, aggregate incrementally', () => {
  let b: Bench;
  let nation: string;
  let province: string;
  let otherProvince: string;
  let c1: string;
  let c2: string;
  let closed: string;
  let foreign: string;
  const code = 'TTHC-Q';

  before(async () => {
    b = await startBench();
    nation = await agency(b, { kind: 'ministry_level', name: 'Văn phòng Chính phủ (thử)' });
    province = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Thử Nghiệm' });
    otherProvince = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Bên Cạnh' });
    c1 = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Một' });
    c2 = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Hai' });
    closed = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Đã Nhập' });
    foreign = await agency(b, { kind: 'commune', parentId: otherProvince, name: 'Xã Bên Cạnh' });
    // Xã Đã Nhập closes on 01/09/2025, before Q4/2025's cut-off end (14/12/2025).
    await b.directory.service.closeAgency(system, closed, {
      effectiveOn: '2025-09-01',
      legalBasis: 'NQ thử nghiệm',
    });
    await b.pki.service.issue(system, {
      holderKind: 'agency',
      agencyId: c1,
      agencyCode: 'XA-MOT',
      agencyName: 'Xã Một',
      validDays: 365,
    });
    const r = b.reporting.service.regimes;
    await r.createRegime(system, proceduresRegime(code, nation, [c1, c2, closed, foreign]));
    await r.publish(system, code);
    assert.equal((await r.assign(system, code, { validFrom: '2025-07-01' })).added, 4);
  });
  after(async () => {
    await b.close();
    await closeVerifyPool();
  });

  const summary = (unit: string) =>
    b.reporting.service.dashboard.summary(system, { regime: code, period: '2025-Q4', unit });

  it('computes the period and expects only the units open at its cut-off end', async () => {
    const p = await b.reporting.service.regimes.period(system, code, '2025-Q4');
    assert.equal(p.cutoffStart, '2025-09-15');
    assert.equal(p.cutoffEnd, '2025-12-14');
    assert.equal(p.dueOn, '2025-12-17'); // 14/12 is a Sunday: Mon 15, Tue 16, Wed 17
    assert.equal(p.expected, 3); // c1, c2, foreign; the closed commune is not expected
    assert.equal((await summary(province)).unit.expected, 2);
    assert.equal((await summary(nation)).unit.expected, 3);
  });

  it('refuses values that break the rule, naming the field, and stores nothing', async () => {
    await assert.rejects(
      b.reporting.service.submissions.save(official(c2), {
        regime: code,
        period: '2025-Q4',
        values: { received: 10, on_time: 8, late: 5 },
        submit: true,
      }),
      (e: Error & { code?: string; details?: { fields: { field: string }[] } }) =>
        e.code === 'REPORTING_VALUES_INVALID' && e.details?.fields[0]?.field === 'on_time',
    );
    assert.equal((await summary(province)).unit.submitted, 0);
  });

  it('a draft does not count; a signed submission updates the commune, province and nation at once', async () => {
    const s = b.reporting.service.submissions;
    const draft = await s.save(official(c1), {
      regime: code,
      period: '2025-Q4',
      values: { received: '100' },
      submit: false,
    });
    assert.equal(draft.status, 'draft');
    assert.equal(value((await summary(province)).unit, 'received'), null);

    const sent = await s.save(official(c1), {
      regime: code,
      period: '2025-Q4',
      values: { received: '100', on_time: '90', late: '10', longest_days: '12', satisfaction: '80' },
      submit: true,
    });
    assert.equal(sent.status, 'submitted');
    assert.equal(sent.version, 1);
    assert.equal(sent.late, false);
    assert.equal(sent.signatureState, 'signed');
    assert.ok(sent.certificateSerial);
    assert.deepEqual(await s.verify(system, sent.id), { hashMatches: true, signature: 'valid' });

    for (const unit of [c1, province, nation]) {
      const u = (await summary(unit)).unit;
      assert.equal(value(u, 'received'), 100, unit);
      assert.equal(value(u, 'longest_days'), 12);
      assert.equal(u.submitted, 1);
      assert.equal(u.onTime, 1);
    }
    const p = await summary(province);
    assert.equal(p.unit.expected, 2);
    assert.deepEqual(p.children.map((c) => c.unitId).sort(), [c1, c2].sort());
  });

  it('the aggregate change is part of the submission transaction', async () => {
    // A failing audit write (the last statement of the transaction) must undo the aggregate too.
    await sql`CREATE FUNCTION reporting_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit refused'; END $$`.execute(b.db.database.db);
    await sql`CREATE TRIGGER reporting_test_fail BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION reporting_test_fail()`.execute(
      b.db.database.db,
    );
    try {
      await assert.rejects(
        b.reporting.service.submissions.save(official(c2), {
          regime: code,
          period: '2025-Q4',
          values: { received: 50, on_time: 50 },
          submit: true,
        }),
        /audit refused/,
      );
    } finally {
      await sql`DROP TRIGGER reporting_test_fail ON audit_events`.execute(b.db.database.db);
    }
    const u = (await summary(province)).unit;
    assert.equal(value(u, 'received'), 100);
    assert.equal(u.submitted, 1);
  });

  it('approves level by level: the province first, then the nation; others may not skip ahead', async () => {
    const s = b.reporting.service.submissions;
    const cur = await s.current(official(c1), code, '2025-Q4', c1);
    const id = cur.submission!.id;
    await assert.rejects(s.approve(official(nation, ['unit_leader']), id), /NOT_YOUR_LEVEL/);
    await assert.rejects(s.approve(official(c1, ['unit_leader']), id), /NOT_YOUR_LEVEL/);
    const one = await s.approve(official(province, ['unit_leader']), id, 'Đồng ý');
    assert.equal(one.status, 'submitted');
    assert.equal(one.approvalLevel, 1);
    assert.equal(one.approvalLevels, 2);
    const two = await s.approve(official(nation, ['unit_leader']), id);
    assert.equal(two.status, 'approved');
    assert.equal((await summary(nation)).unit.approved, 1);
    await assert.rejects(s.approve(official(nation, ['unit_leader']), id), /NOT_YOUR_LEVEL/);
  });

  it('a return for correction takes the values out until they are sent again', async () => {
    const s = b.reporting.service.submissions;
    const sent = await s.save(official(c2), {
      regime: code,
      period: '2025-Q4',
      values: { received: 40, on_time: 40, longest_days: 30, satisfaction: 100 },
      submit: true,
    });
    let p = (await summary(province)).unit;
    assert.equal(value(p, 'received'), 140);
    assert.equal(value(p, 'longest_days'), 30);
    assert.equal(value(p, 'satisfaction'), (100 * 80 + 40 * 100) / 140);
    assert.equal(p.submitted, 2);

    const returned = await s.returnForCorrection(
      official(province, ['unit_leader']),
      sent.id,
      'Kiểm tra lại số hồ sơ',
    );
    assert.equal(returned.status, 'returned');
    p = (await summary(province)).unit;
    assert.equal(value(p, 'received'), 100);
    assert.equal(value(p, 'longest_days'), 12); // the maximum is recomputed without the returned value
    assert.equal(p.submitted, 1);
    const h = await s.history(official(c2), sent.id);
    assert.equal(h.decisions[0]?.comment, 'Kiểm tra lại số hồ sơ');

    const again = await s.save(official(c2), {
      regime: code,
      period: '2025-Q4',
      values: { received: 45, on_time: 44, late: 1 },
      submit: true,
    });
    assert.equal(again.id, sent.id);
    assert.equal(again.version, 1);
    p = (await summary(province)).unit;
    assert.equal(value(p, 'received'), 145);
    assert.equal(p.submitted, 2);
  });

  it('a correction after approval is a new version; the earlier one stays readable', async () => {
    const s = b.reporting.service.submissions;
    const v2 = await s.save(official(c1), {
      regime: code,
      period: '2025-Q4',
      values: { received: 110, on_time: 100, late: 10, longest_days: 12, satisfaction: 80 },
      submit: true,
    });
    assert.equal(v2.version, 2);
    const h = await s.history(official(province, ['unit_leader']), v2.id);
    assert.deepEqual(
      h.versions.map((v) => [v.version, v.status, v.superseded]),
      [
        [2, 'submitted', false],
        [1, 'approved', true],
      ],
    );
    assert.equal(h.versions[1]?.values['received'], 100);
    const n = (await summary(nation)).unit;
    assert.equal(value(n, 'received'), 155);
    assert.equal(n.submitted, 2);
    assert.equal(n.onTime, 2);
    assert.equal(n.approved, 0);
  });

  it('incremental aggregates equal a rebuild from scratch', async () => {
    const before = await summary(nation);
    const period = await b.reporting.service.regimes.period(system, code, '2025-Q4');
    await b.reporting.service.dashboard.rebuild(system, period.id);
    const rebuilt = await summary(nation);
    assert.deepEqual(rebuilt.unit, before.unit);
    assert.deepEqual(rebuilt.children, before.children);
  });

  it('another unit’s report answers 404; ancestors may read it', async () => {
    const s = b.reporting.service.submissions;
    const id = (await s.current(official(c1), code, '2025-Q4', c1)).submission!.id;
    await assert.rejects(s.get(official(c2), id), /SUBMISSION_NOT_FOUND/);
    await assert.rejects(s.get(official(otherProvince), id), /SUBMISSION_NOT_FOUND/);
    await assert.rejects(s.current(official(c2), code, '2025-Q4', c1), /SUBMISSION_NOT_FOUND/);
    await assert.rejects(
      s.save(official(c2), {
        regime: code,
        period: '2025-Q4',
        agencyId: c1,
        values: { received: 1, on_time: 1 },
        submit: true,
      }),
      /SUBMISSION_NOT_FOUND/,
    );
    await assert.rejects(
      b.reporting.service.dashboard.summary(official(otherProvince), {
        regime: code,
        period: '2025-Q4',
        unit: province,
      }),
      /SUBMISSION_NOT_FOUND/,
    );
    assert.equal((await s.get(official(province), id)).agencyId, c1);
    assert.equal((await s.get(official(nation), id)).agencyId, c1);
    // Changing it: another province can neither decide on it nor see that it exists; the
    // province above reads it but may not overwrite the commune's values.
    const leader = (agencyId: string) => official(agencyId, ['unit_leader']);
    await assert.rejects(s.approve(leader(otherProvince), id), /SUBMISSION_NOT_FOUND/);
    await assert.rejects(s.returnForCorrection(leader(otherProvince), id, 'x'), /SUBMISSION_NOT_FOUND/);
    await assert.rejects(s.approve(leader(c2), id), /SUBMISSION_NOT_FOUND/);
    await assert.rejects(
      s.save(leader(province), {
        regime: code,
        period: '2025-Q4',
        agencyId: c1,
        values: { received: 1, on_time: 1 },
        submit: true,
      }),
      /SUBMISSION_NOT_FOUND/,
    );
  });

  it('flags a submission after the deadline as late', async () => {
    b.clock.now = new Date('2025-12-18T03:00:00Z');
    const sent = await b.reporting.service.submissions.save(official(foreign), {
      regime: code,
      period: '2025-Q4',
      values: { received: 5, on_time: 5 },
      submit: true,
    });
    assert.equal(sent.late, true);
    const n = (await summary(nation)).unit;
    assert.equal(n.late, 1);
    assert.equal(n.onTime, 2);
    assert.equal(n.submitted, 3);
  });

  it('after the lock date changes need the recipient to reopen the period for the unit', async () => {
    const s = b.reporting.service.submissions;
    const period = await b.reporting.service.regimes.period(system, code, '2025-Q4');
    b.clock.now = new Date(`${period.lockOn}T03:00:00Z`);
    b.clock.now = new Date(b.clock.now.getTime() + 86_400_000);
    const id = (await s.current(official(foreign), code, '2025-Q4', foreign)).submission!.id;
    await s.returnForCorrection(official(otherProvince, ['unit_leader']), id, 'Bổ sung');
    const retry = () =>
      s.save(official(foreign), {
        regime: code,
        period: '2025-Q4',
        values: { received: 6, on_time: 6 },
        submit: true,
      });
    await assert.rejects(retry(), /REPORTING_LOCKED/);
    await assert.rejects(
      s.reopen(official(otherProvince, ['unit_leader']), period.id, foreign),
      /NOT_YOUR_LEVEL/,
    );
    await assert.rejects(
      s.reopen(official(province, ['unit_leader']), period.id, foreign),
      /SUBMISSION_NOT_FOUND/,
    );
    const { reopenedUntil } = await s.reopen(official(nation, ['unit_leader']), period.id, foreign);
    assert.ok(reopenedUntil > period.lockOn);
    const sent = await retry();
    assert.equal(sent.status, 'submitted');
    assert.equal(sent.late, true);
  });
});
