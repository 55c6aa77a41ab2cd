/**
 * Dashboard drill-down at national scale (issue 6): nation → province → commune for one period
 * and one indicator, read by the recipient's machine client over HTTP, beside the platform's
 * hello-world route of the same server. The nation's children are the 34 provinces and 30
 * ministries; a province's are its ~98 communes. Also measured (figure only, no target): the same
 * drill-down with all 200 indicators of every child (~0.8 MB of JSON at a province).
 * Target: drill-down p99 < 100 ms.
 *
 *   node bench/reporting-dashboard.bench.ts   (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_STRICT=1)
 */
import { systemContext } from '../src/platform/context.ts';
import {
  HELLO_PATH,
  measure,
  noErrors,
  p99Below,
  report,
  runBench,
  startBenchPlatform,
  type LoadResult,
  type Target,
} from './lib.ts';
import {
  BENCH_PERIOD,
  BENCH_REGIME,
  benchValues,
  buildNationalFixture,
  officerOf,
} from './reporting-fixture.ts';

runBench(async () => {
  let fixture: Awaited<ReturnType<typeof buildNationalFixture>> | undefined;
  let secret = '';
  let clientId = '';
  const t = await startBenchPlatform({
    prepare: async (p) => {
      fixture = await buildNationalFixture(p, { leaveOut: 200 });
      const c = await p.identity.service.createClient(systemContext('bench'), {
        agencyId: fixture.recipient,
        name: 'Bench dashboard reader',
        scopes: ['reporting'],
      });
      secret = c.clientSecret;
      clientId = c.client.id;
    },
  });
  try {
    const f = fixture!;
    const token = (await (
      await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: secret,
        }),
      })
    ).json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token.access_token}` };
    const path = (unit: string, indicator?: string) =>
      `/api/v1/reporting/aggregates?regime=${BENCH_REGIME}&period=${BENCH_PERIOD}&unit=${unit}` +
      (indicator ? `&indicator=${indicator}` : '');
    // The answers are checked once before loading them: the figures are those of real drill-downs.
    const check = await (await fetch(`${t.baseUrl}${path(f.province, 'i001')}`, { headers })).json();
    const children = (check as { children: unknown[] }).children.length;
    // A drill-down computed from the tables (nothing held yet): a different indicator each time.
    const d = t.platform.reporting.service.dashboard;
    const computed = async (unit: string) => {
      const xs: number[] = [];
      for (let i = 3; i <= 23; i++) {
        const t0 = performance.now();
        await d.summary(systemContext('bench'), {
          regime: BENCH_REGIME,
          period: BENCH_PERIOD,
          unit,
          indicators: [`i${String(i).padStart(3, '0')}`],
        });
        xs.push(performance.now() - t0);
      }
      return xs.sort((a, b) => a - b)[10]!.toFixed(1);
    };
    console.log(
      `drill-down computed from the tables (median of 21 indicators): nation ${await computed(f.recipient)} ms, ` +
        `province ${await computed(f.province)} ms`,
    );
    // Building the fixture leaves a large heap behind: let the collector and the JIT settle on
    // the drill-down route for a few seconds (not counted) before measuring anything.
    await measure(t, 'settling', path(f.province, 'i001'), { headers, seconds: 3 });
    const hello = await measure(t, 'hello world', HELLO_PATH);
    const nation = await measure(
      t,
      'nation → its provinces and ministries, one indicator',
      path(f.recipient, 'i001'),
      {
        headers,
      },
    );
    const province = await measure(t, 'province → its communes, one indicator', path(f.province, 'i002'), {
      headers,
    });
    // The same while reports arrive: a commune submits every 100 ms (each submission changes
    // the period's figures, so the next drill-down is computed again).
    let submitted = 0;
    let arriving = true;
    const arrivals = (async () => {
      const values = benchValues();
      for (const unit of f.leftOut) {
        if (!arriving) break;
        const t0 = performance.now();
        await t.platform.reporting.service.submissions.save(officerOf(unit), {
          regime: BENCH_REGIME,
          period: BENCH_PERIOD,
          values,
          submit: true,
          channel: 'api',
        });
        submitted += 1;
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - t0))));
      }
    })();
    const busy = await measure(
      t,
      'nation, one indicator, while a report arrives every 100 ms',
      path(f.recipient, 'i001'),
      {
        headers,
      },
    );
    arriving = false;
    await arrivals;
    const full = await measure(t, 'province → its communes, all 200 indicators', path(f.province), {
      headers,
    });
    // A run in which no request finished within the measurement reports p99 = 0: not a pass.
    const answered = (r: LoadResult): Target => ({
      text: `${r.label}: requests answered (got ${r.requests})`,
      met: r.requests > 0,
    });
    console.log(
      `fixture: ${f.communes} communes, ${f.provinces} provinces, ${f.ministries} ministries; ` +
        `${children} communes in the province; ${submitted} reports arrived during the third measurement and its warm-up`,
    );
    return report(
      `Reporting dashboard drill-down (${f.generated.values} values in the period)`,
      hello,
      [nation, province, busy, full],
      [
        answered(nation),
        answered(province),
        answered(busy),
        noErrors(nation),
        noErrors(province),
        noErrors(busy),
        p99Below(nation, 100),
        p99Below(province, 100),
        p99Below(busy, 100),
      ],
    );
  } finally {
    await t.close();
  }
});
