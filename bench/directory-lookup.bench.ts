/**
 * Throughput of the code lookup route against the hello-world route of the same server.
 * Target (issue "Foundation"): GET /api/v1/directory/agencies/by-code/:code answers at least
 * half the requests/s of the hello-world route, with p99 < 20 ms at 50 connections.
 *
 *   node bench/directory-lookup.bench.ts     (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_STRICT=1)
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
  const t = await startBenchPlatform({ prepare: (p) => p.directory.seed(systemContext('bench')) });
  try {
    const hello = await measure(t, 'hello world', HELLO_PATH);
    const full = await measure(t, 'by-code (full code)', '/api/v1/directory/agencies/by-code/000.00.00.H22');
    const short = await measure(t, 'by-code (short code)', '/api/v1/directory/agencies/by-code/H22');
    return report(
      'Directory lookup',
      hello,
      [full, short],
      [noErrors(full), noErrors(short), atLeast(full, hello, 0.5), p99Below(full, 20)],
    );
  } finally {
    await t.close();
  }
});
