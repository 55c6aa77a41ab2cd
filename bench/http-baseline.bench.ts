/**
 * The baseline other benchmarks compare with: a hello-world route served through the whole
 * platform (every hook: locale, actor, CSRF check, metrics), against /healthz (a route with
 * a zod response schema) and a bare Fastify server with no hooks at all (the ceiling).
 *
 *   node bench/http-baseline.bench.ts       BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default
 */
import Fastify from 'fastify';
import { HELLO_PATH, freePort, measure, noErrors, report, runBench, startBenchPlatform } from './lib.ts';

runBench(async () => {
  const bare = Fastify({ logger: false });
  bare.get('/hello', () => ({ hello: 'world' }));
  const barePort = await freePort();
  await bare.listen({ port: barePort, host: '127.0.0.1' });
  const t = await startBenchPlatform();
  try {
    const hello = await measure(t, 'platform hello world', HELLO_PATH);
    const health = await measure(t, 'liveness', '/healthz');
    const ceiling = await measure(`http://127.0.0.1:${barePort}`, 'bare Fastify', '/hello');
    // Informational: other benchmarks hold their routes to ratios of `hello`.
    return report('HTTP baseline', hello, [health, ceiling], [noErrors(hello), noErrors(health)]);
  } finally {
    await t.close();
    await bare.close();
  }
});
