/**
 * Dashboard drill-down at national scale (issue 6): the aggregates of the nation (34 provinces and
 * the ministries as children) and of a province (its ~98 communes), read by the recipient's
 * machine client over HTTP, beside the platform's hello-world route of the same server.
 * Target: drill-down p99 < 100 ms.
 *
 *   node bench/reporting-dashboard.bench.ts   (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_STRICT=1)
 */
import { systemContext } from '../src/platform/context.ts';
import { HELLO_PATH, measure, noErrors, p99Below, report, runBench, startBenchPlatform } from './lib.ts';
import { BENCH_PERIOD, BENCH_REGIME, buildNationalFixture } from './reporting-fixture.ts';

runBench(async () => {
  let fixture: Awaited<ReturnType<typeof buildNationalFixture>> | undefined;
  let secret = '';
  let clientId = '';
  const t = await startBenchPlatform({
    prepare: async (p) => {
      fixture = await buildNationalFixture(p, { leaveOut: 0 });
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
    const path = (unit: string) =>
      `/api/v1/reporting/aggregates?regime=${BENCH_REGIME}&period=${BENCH_PERIOD}&unit=${unit}`;
    const hello = await measure(t, 'hello world', HELLO_PATH);
    const nation = await measure(t, 'nation (provinces, ministries)', path(f.recipient), { headers });
    const province = await measure(t, 'province (its communes)', path(f.province), { headers });
    return report(
      `Reporting dashboard drill-down (${f.generated.values} values in the period)`,
      hello,
      [nation, province],
      [noErrors(nation), noErrors(province), p99Below(nation, 100), p99Below(province, 100)],
    );
  } finally {
    await t.close();
  }
});
