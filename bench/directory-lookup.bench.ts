/**
 * Throughput of the code lookup route against a hello-world route of the same server.
 * Target (issue "Foundation"): GET /api/v1/directory/agencies/by-code/:code answers at least
 * half the requests/s of /healthz, with p99 < 20 ms at 50 connections.
 *
 *   node bench/directory-lookup.bench.ts [seconds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildPlatform } from '../src/main.ts';
import { loadConfig } from '../src/platform/config.ts';
import { systemContext } from '../src/platform/context.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { installJobQueue } from '../src/platform/jobs/index.ts';
import { createLogger } from '../src/platform/logger.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function load(url: string, seconds: number) {
  const r = await autocannon({ url, connections: 50, duration: seconds, pipelining: 1 });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const tmp = mkdtempSync(path.join(tmpdir(), 'lienthong-bench-'));
  const embedded = await startEmbeddedPostgres({ dataDir: tmp, port: await freePort(), persistent: false });
  const database = openDatabase(embedded.url, 10);
  try {
    await migrate(database.pool);
    await installJobQueue(database.pool);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: embedded.url,
      DATA_DIR: tmp,
      PORT: '0',
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
      TOKEN_SECRET: 'bench-token-secret-0123456789abcdef0123456789ab',
      LOG_LEVEL: 'silent',
    });
    const platform = await buildPlatform({ config, logger: createLogger('silent'), database });
    await platform.directory.seed(systemContext('bench'));
    await platform.app.listen({ port: 0, host: '127.0.0.1' });
    const address = platform.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await load(`${base}/healthz`, 2); // warm-up
    const hello = await load(`${base}/healthz`, seconds);
    const lookup = await load(`${base}/api/v1/directory/agencies/by-code/000.00.00.H22`, seconds);
    console.log(
      `hello-world /healthz:   ${Math.round(hello.rps)} req/s, p99 ${hello.p99} ms, errors ${hello.errors}`,
    );
    console.log(
      `by-code lookup (H22):   ${Math.round(lookup.rps)} req/s, p99 ${lookup.p99} ms, errors ${lookup.errors}`,
    );
    console.log(`ratio ${(lookup.rps / hello.rps).toFixed(2)} (target ≥ 0.5), p99 target < 20 ms`);
    await platform.app.close();
  } finally {
    await database.close();
    await embedded.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
