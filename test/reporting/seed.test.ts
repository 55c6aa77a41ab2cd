import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeVerifyPool } from '../../src/modules/pki/index.ts';
import { startBench, system, type Bench } from './support.ts';

describe('reporting seed', () => {
  let b: Bench;
  before(async () => {
    b = await startBench();
    await b.directory.seed(system);
  });
  after(async () => {
    await b.close();
    await closeVerifyPool();
  });

  it('creates, publishes and assigns three regimes once; the periods expect the seeded units', async () => {
    const first = await b.reporting.seed(system);
    assert.equal(first['regimes'], 3);
    assert.ok((first['assignments'] ?? 0) > 34, JSON.stringify(first));
    assert.deepEqual(await b.reporting.seed(system), { regimes: 0, assignments: 0 });
    const regimes = await b.reporting.service.regimes.listRegimes();
    assert.deepEqual(regimes.map((r) => [r.code, r.status]).sort(), [
      ['BC-CPDT-QUY', 'published'],
      ['BC-KTXH-THANG', 'published'],
      ['BC-TTHC-QUY', 'published'],
    ]);
    const monthly = await b.reporting.service.regimes.period(system, 'BC-KTXH-THANG', '2025-M11');
    assert.equal(monthly.expected, 34);
    assert.equal(monthly.cutoffStart, '2025-10-15');
    const communes = await b.reporting.service.regimes.period(system, 'BC-TTHC-QUY', '2025-Q4');
    assert.ok(communes.expected > 100, String(communes.expected));
    // Before 01/07/2025 nobody was assigned: the structure of the time had no such units.
    const old = await b.reporting.service.regimes.period(system, 'BC-KTXH-THANG', '2025-M06');
    assert.equal(old.expected, 0);
  });
});
