/**
 * The public procedure page against the platform's hello-world route in the same run.
 * Target (issue 4): GET /services/:code answers ≥ 2,000 requests/s with p99 < 50 ms. The page
 * reads the published version from an in-process cache (dropped on publish) and the rendered
 * body from a cache keyed by version id, so a request costs one page layout and no query.
 *
 *   node bench/services-page.bench.ts       BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default
 */
import { systemContext } from '../src/platform/context.ts';
import {
  HELLO_PATH,
  atLeast,
  measure,
  noErrors,
  p99Below,
  report,
  runBench,
  startBenchPlatform,
} from './lib.ts';

runBench(async () => {
  const ctx = systemContext('bench');
  const t = await startBenchPlatform({
    prepare: async (p) => {
      await p.directory.seed(ctx);
      await p.services.seed(ctx);
    },
  });
  try {
    const hello = await measure(t, 'platform hello world', HELLO_PATH);
    const page = await measure(t, 'procedure page (vi)', '/services/1.001193', {
      headers: { accept: 'text/html' },
    });
    const english = await measure(t, 'procedure page (en)', '/services/1.001193?lang=en', {
      headers: { accept: 'text/html' },
    });
    const api = await measure(t, 'procedure API', '/api/v1/services/procedures/1.001193');
    const search = await measure(t, 'search (typo)', '/services?q=dang+ki+khai+sin', {
      headers: { accept: 'text/html' },
    });
    const rpsAtLeast = (r: typeof page, rps: number) => ({
      text: `${r.label}: ≥ ${rps} requests/s (got ${Math.round(r.rps)})`,
      met: r.rps >= rps,
    });
    return report(
      'Public procedure page',
      hello,
      [page, english, api, search],
      [
        noErrors(page),
        noErrors(english),
        noErrors(search),
        rpsAtLeast(page, 2000),
        p99Below(page, 50),
        atLeast(page, hello, 0.3),
        p99Below(search, 100),
      ],
    );
  } finally {
    await t.close();
  }
});
