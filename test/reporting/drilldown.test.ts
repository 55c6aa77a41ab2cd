/**
 * Drill-down (nation → province → commune) for one period and some indicators: the unit's and
 * its children's figures come from the incrementally kept aggregates; a drill-down read once is
 * served again until the period's figures change — at once for a change made in this process
 * (the service tests read before and after every change), within a second for one made by
 * another process sharing the database — and a restructure re-aggregates along the new hierarchy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/platform/logger.ts';
import { createReportingModule, type UnitSummary } from '../../src/modules/reporting/index.ts';
import { FIGURES_TTL_MS } from '../../src/modules/reporting/service-regimes.ts';
import { agency, nationWithTwoCommunes, official, startBench, system, type Bench } from './support.ts';

const value = (s: UnitSummary, code: string) => s.values.find((v) => v.code === code)?.value ?? null;

describe('reporting: drill-down by indicator, current across processes', () => {
  let b: Bench;
  let nation: string;
  let province: string;
  let c1: string;
  let c2: string;
  const code = 'TTHC-DRILL';
  const period = '2025-Q4';

  before(async () => {
    b = await startBench();
    ({ nation, province, c1, c2 } = await nationWithTwoCommunes(b, code));
    await b.reporting.service.submissions.save(official(c1), {
      regime: code,
      period,
      values: { received: 100, on_time: 90, late: 10, longest_days: 12, satisfaction: 80 },
      submit: true,
    });
  });
  after(async () => {
    await b.close();
  });

  const drill = (unit: string, indicators?: string[]) =>
    b.reporting.service.dashboard.summary(system, { regime: code, period, unit, indicators });

  it('gives the unit and the units directly below it, with only the indicators asked for', async () => {
    const n = await drill(nation, ['received', 'satisfaction']);
    assert.deepEqual(
      n.unit.values.map((v) => v.code),
      ['received', 'satisfaction'],
    );
    assert.equal(value(n.unit, 'received'), 100);
    assert.deepEqual(
      n.children.map((c) => c.unitId),
      [province],
    );
    assert.equal(n.unit.expected, 2);
    assert.equal(n.unit.submitted, 1);

    const p = await drill(province, ['received']);
    assert.deepEqual(
      p.children.map((c) => [c.unitId, c.submitted, c.expected, value(c, 'received')]),
      [
        [c2, 0, 1, null], // "Xã Hai" sorts before "Xã Một"
        [c1, 1, 1, 100],
      ],
    );
    assert.deepEqual(p.ancestors, [nation]);
    // An indicator the regime does not have gives no values rather than an error.
    assert.deepEqual((await drill(province, ['nope'])).unit.values, []);
  });

  it('another process’s submission shows in a drill-down read before it within about two seconds', async () => {
    const before = await drill(province, ['received']);
    assert.equal(value(before.unit, 'received'), 100);
    // A second instance of the module on the same database: another server process.
    const other = createReportingModule({
      db: b.db.database.db,
      logger: createLogger('silent'),
      directory: b.directory.service,
      pki: b.pki.service,
      now: () => b.clock.now,
    });
    await other.service.submissions.save(official(c2), {
      regime: code,
      period,
      values: { received: 40, on_time: 40 },
      submit: true,
    });
    // Seen once this process reads the period's revision again: within about two TTLs.
    const deadline = Date.now() + 2 * FIGURES_TTL_MS + 500;
    let after = await drill(province, ['received']);
    while (value(after.unit, 'received') !== 140 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await drill(province, ['received']);
    }
    assert.equal(value(after.unit, 'received'), 140);
    assert.equal(after.unit.submitted, 2);
    assert.equal(
      value(
        after.children.find((c) => c.unitId === c2)!,
        'received',
      ),
      40,
    );
    assert.equal(value((await drill(nation, ['received'])).unit, 'received'), 140);
  });

  it('answers 404 to a unit outside the chain, even once the drill-down is held', async () => {
    await drill(province, ['received']);
    await assert.rejects(
      b.reporting.service.dashboard.summary(official(c1), {
        regime: code,
        period,
        unit: province,
        indicators: ['received'],
      }),
      (e: Error & { code?: string }) => e.code === 'REPORTING_SUBMISSION_NOT_FOUND',
    );
    const own = await b.reporting.service.dashboard.summary(official(c1), {
      regime: code,
      period,
      unit: c1,
      indicators: ['received'],
    });
    assert.equal(value(own.unit, 'received'), 100);
  });

  it('a restructure re-aggregates along the new hierarchy', async () => {
    // Xã Hai moves to another province; the period is restructured by its recipient.
    const other = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Bên Cạnh' });
    const a = (await b.directory.service.getAgencyDetail(c2))!;
    await b.directory.service.updateAgency(system, c2, {
      version: a.version,
      name: a.name,
      shortName: a.shortName,
      kind: 'commune',
      parentId: other,
    });
    const p = (await b.reporting.service.regimes.openPeriod(system, code, period)).id;
    await b.reporting.service.regimes.restructurePeriod(system, p);
    assert.equal(value((await drill(province, ['received'])).unit, 'received'), 100);
    assert.equal(value((await drill(other, ['received'])).unit, 'received'), 40);
    const n = await drill(nation, ['received']);
    assert.equal(value(n.unit, 'received'), 140);
    assert.deepEqual(n.children.map((c) => c.unitId).sort(), [province, other].sort());
  });
});
