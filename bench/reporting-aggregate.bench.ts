/**
 * Aggregation at national scale (issue 6): one period of 3,321 communes + 34 provinces + the
 * ministries × 200 indicators (~700,000 values).
 * Targets: a rebuild from scratch < 5 s; one more submission reflected in every ancestor < 50 ms.
 * Baselines of the same run: a plain `SELECT count(*)` and `sum(num)` over the values.
 *
 *   node bench/reporting-aggregate.bench.ts        (BENCH_STRICT=1 exits 1 on a missed target)
 */
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { runBench, startBenchPlatform, type Target } from './lib.ts';
import {
  BENCH_PERIOD,
  BENCH_REGIME,
  benchValues,
  buildNationalFixture,
  officerOf,
} from './reporting-fixture.ts';

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}
const ms = (x: number) => `${x.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

runBench(async () => {
  const t = await startBenchPlatform();
  try {
    const p = t.platform;
    const db = t.database.db;
    const [setup, f] = await timed(() => buildNationalFixture(p, { leaveOut: 30 }));
    console.log(
      `fixture: ${f.communes} communes (${f.created} synthetic), ${f.provinces} provinces, ${f.ministries} ministries; ` +
        `${f.generated.submissions} submissions, ${f.generated.values} values written in ${ms(setup)}`,
    );
    await sql`ANALYZE`.execute(db);

    const count = [];
    const total = [];
    for (let i = 0; i < 3; i++) {
      count.push((await timed(() => sql`SELECT count(*) FROM reporting_values`.execute(db)))[0]);
      total.push((await timed(() => sql`SELECT sum(num) FROM reporting_values`.execute(db)))[0]);
    }
    const rebuilds = [];
    for (let i = 0; i < 3; i++)
      rebuilds.push((await timed(() => p.reporting.service.generator.rebuild(f.period.id)))[0]);
    const plan = await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
      const r = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, FORMAT TEXT)
        SELECT count(*) FROM reporting_values v JOIN reporting_submissions s ON s.id = v.submission_id
        WHERE s.period_id = ${f.period.id}`.execute(trx);
      return r.rows.map((x) => x['QUERY PLAN']);
    });

    // One more submission: a commune left out, through the service (validation, period lookup,
    // hash/signature, delta to every ancestor, completeness, audit), then read at the nation.
    const saves: number[] = [];
    const values = benchValues();
    for (const unit of f.leftOut) {
      saves.push(
        (
          await timed(() =>
            p.reporting.service.submissions.save(officerOf(unit), {
              regime: BENCH_REGIME,
              period: BENCH_PERIOD,
              values,
              submit: true,
              channel: 'api',
            }),
          )
        )[0],
      );
    }
    const warm = saves.slice(5);
    const nation = await p.reporting.service.dashboard.summary(
      { actor: { kind: 'system', name: 'bench' }, requestId: randomUUID(), ip: null, locale: 'vi' },
      { regime: BENCH_REGIME, period: BENCH_PERIOD, unit: f.recipient },
    );
    const rebuild = median(rebuilds);
    const save = median(warm);
    const targets: Target[] = [
      { text: `rebuild from scratch < 5000 ms (got ${ms(rebuild)})`, met: rebuild < 5000 },
      { text: `one submission in every ancestor < 50 ms (median ${ms(save)})`, met: save < 50 },
      {
        text: `the nation counts every submission (${nation.unit.submitted}/${nation.unit.expected})`,
        met: nation.unit.submitted === f.generated.submissions + f.leftOut.length,
      },
    ];
    console.log(
      `\nReporting aggregation (${f.generated.values} values; baseline: plain scans of the same table)`,
    );
    console.log(`  SELECT count(*) FROM reporting_values   median ${ms(median(count))}`);
    console.log(`  SELECT sum(num) FROM reporting_values   median ${ms(median(total))}`);
    console.log(
      `  rebuild from scratch                   ${rebuilds.map(ms).join(', ')} (median ${ms(rebuild)}, ${(rebuild / median(total)).toFixed(1)}× sum)`,
    );
    console.log(
      `  one submission (200 values)            median ${ms(save)}, max ${ms(Math.max(...warm))} over ${warm.length} (5 warm-up not counted)`,
    );
    console.log(`  plan of a scan of the period's values:\n    ${plan.join('\n    ')}`);
    for (const target of targets) console.log(`${target.met ? 'MET   ' : 'MISSED'} ${target.text}`);
    const missed = targets.filter((x) => !x.met).length;
    return missed > 0 && process.env['BENCH_STRICT'] === '1' ? 1 : 0;
  } finally {
    await t.close();
  }
});
