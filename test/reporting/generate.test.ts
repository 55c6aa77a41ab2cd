import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeVerifyPool } from '../../src/modules/pki/index.ts';
import type { UnitSummary } from '../../src/modules/reporting/index.ts';
import { agency, official, proceduresRegime, startBench, system, type Bench } from './support.ts';

const strip = (s: UnitSummary) => ({
  ...s,
  values: s.values.map((v) => ({ ...v, value: v.value?.toFixed(6) })),
});

describe('reporting: synthetic units and submissions; the rebuild equals the incremental path', () => {
  let b: Bench;
  let nation: string;
  let p1: string;
  let p2: string;
  const code = 'TTHC-GEN';

  before(async () => {
    b = await startBench();
    nation = await agency(b, { kind: 'ministry_level', name: 'Văn phòng Chính phủ (thử)' });
    p1 = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Một' });
    p2 = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Hai' });
    await agency(b, { kind: 'commune', parentId: p1, name: 'Xã Thật' });
  });
  after(async () => {
    await b.close();
    await closeVerifyPool();
  });

  it('creates clearly named synthetic communes up to the share of each province, once', async () => {
    const g = b.reporting.service.generator;
    assert.equal(await g.ensureSyntheticUnits(system, { perProvince: 3 }), 5); // 2 under Tỉnh Một, 3 under Tỉnh Hai
    assert.equal(await g.ensureSyntheticUnits(system, { perProvince: 3 }), 0);
    const names = (
      await b.directory.service.search({ kind: 'commune', parentId: p2, page: 1, pageSize: 10 })
    ).items
      .map((a) => a.name)
      .sort();
    assert.deepEqual(names, [
      'Xã Mẫu 001 (dữ liệu tổng hợp)',
      'Xã Mẫu 002 (dữ liệu tổng hợp)',
      'Xã Mẫu 003 (dữ liệu tổng hợp)',
    ]);
  });

  it('generates valid submissions for every expected unit; provinces that report and their communes aggregate as a rebuild does', async () => {
    const communes = [
      ...(await b.directory.service.search({ kind: 'commune', parentId: p1, page: 1, pageSize: 10 })).items,
      ...(await b.directory.service.search({ kind: 'commune', parentId: p2, page: 1, pageSize: 10 })).items,
    ].map((a) => a.id);
    const r = b.reporting.service.regimes;
    await r.createRegime(system, proceduresRegime(code, nation, [...communes, p1, p2]));
    await r.publish(system, code);
    await r.assign(system, code, { validFrom: '2025-07-01' });
    const leftOut = communes[0]!;
    const out = await b.reporting.service.generator.generateSubmissions(system, {
      regime: code,
      period: '2025-Q4',
      exceptUnits: [leftOut],
    });
    assert.equal(out.submissions, 7);
    assert.equal(out.values, 7 * 6);
    // The one left out submits through the service: the incremental path on top of the rebuild.
    await b.reporting.service.submissions.save(official(leftOut), {
      regime: code,
      period: '2025-Q4',
      values: { received: 7, on_time: 5, late: 1, longest_days: 99, satisfaction: 50 },
      submit: true,
    });
    const d = b.reporting.service.dashboard;
    const read = async () =>
      Promise.all(
        [nation, p1, p2].map((unit) => d.summary(system, { regime: code, period: '2025-Q4', unit })),
      );
    const incremental = await read();
    assert.equal(incremental[0]!.unit.submitted, 8);
    assert.equal(incremental[0]!.unit.expected, 8);
    const period = await r.period(system, code, '2025-Q4');
    await d.rebuild(system, period.id);
    const rebuilt = await read();
    for (let i = 0; i < 3; i++) assert.deepEqual(strip(rebuilt[i]!.unit), strip(incremental[i]!.unit));
    const max = incremental[0]!.unit.values.find((v) => v.code === 'longest_days')!;
    assert.ok((max.value ?? 0) >= 99);
    assert.equal(max.count, 8);
  });
});
