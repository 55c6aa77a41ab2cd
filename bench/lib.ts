/**
 * Helpers for benchmarks: a fresh migrated database, the whole platform on a loopback port
 * with a hello-world route for comparison, autocannon runs, and a report that prints every
 * figure beside a baseline measured in the same run (absolute numbers depend on the machine;
 * ratios to the baseline do not, much).
 *
 *   const t = await startBenchPlatform({ prepare: (p) => p.directory.seed(ctx) });
 *   const hello = await measure(t, 'hello world', HELLO_PATH);
 *   const lookup = await measure(t, 'lookup', '/api/v1/...');
 *   report('Directory lookup', hello, [lookup], [atLeast(lookup, 0.5), p99Below(lookup, 20)]);
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildPlatform, type Platform } from '../src/main.ts';
import { loadConfig, type Config } from '../src/platform/config.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { installJobQueue } from '../src/platform/jobs/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { systemContext } from '../src/platform/context.ts';

/** The hello-world route every bench platform has: the ceiling of the HTTP stack. */
export const HELLO_PATH = '/bench/hello';

/** Seconds per measurement: BENCH_SECONDS, default 10. */
export const benchSeconds = Number(process.env['BENCH_SECONDS'] ?? 10);
/** Concurrent connections per measurement: BENCH_CONNECTIONS, default 50. */
export const benchConnections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);

export function freePort(): Promise<number> {
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

export interface BenchDatabase {
  url: string;
  database: Database;
  /** Where the embedded server keeps its files (a temporary folder), or a new temporary folder. */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database: a new database on the server of DATABASE_URL (dropped on
 * close), otherwise a throw-away embedded PostgreSQL in a temporary folder (as `npm test`).
 */
export async function startBenchDatabase(poolSize = 20): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-bench-'));
  const serverUrl = process.env['DATABASE_URL'];
  let url: string;
  let stop: () => Promise<void>;
  if (serverUrl) {
    const name = `lt_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    stop = async () => {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
    };
  } else {
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    url = embedded.url;
    stop = () => embedded.stop();
  }
  const database = openDatabase(url, poolSize);
  await migrate(database.pool);
  await installJobQueue(database.pool);
  return {
    url,
    database,
    dataDir,
    async close() {
      await database.close();
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BenchPlatform {
  baseUrl: string;
  platform: Platform;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

/**
 * The whole platform (every module, every hook) on a fresh database, listening on loopback,
 * with `GET /bench/hello` added in this process only. `prepare` runs before listening (seed data).
 */
export async function startBenchPlatform(
  o: {
    prepare?: (platform: Platform, database: Database) => Promise<unknown>;
    env?: Record<string, string>;
  } = {},
): Promise<BenchPlatform> {
  const db = await startBenchDatabase();
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      PORT: '0',
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
      TOKEN_SECRET: 'bench-token-secret-0123456789abcdef0123456789ab',
      LOG_LEVEL: 'silent',
      ...o.env,
    });
    const platform = await buildPlatform({ config, logger: createLogger('silent'), database: db.database });
    platform.app.get(HELLO_PATH, { schema: { hide: true } }, () => ({ hello: 'world' }));
    if (o.prepare) await o.prepare(platform, db.database);
    await platform.app.listen({ port: 0, host: '127.0.0.1' });
    const address = platform.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      platform,
      database: db.database,
      config,
      async close() {
        await platform.app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

export interface LoadResult {
  label: string;
  path: string;
  connections: number;
  seconds: number;
  requests: number;
  /** Mean requests per second. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Connection errors, timeouts and answers other than 2xx. */
  errors: number;
}

/**
 * Loads `baseUrl + path` with autocannon for `seconds` over `connections` connections and
 * returns requests/s and latency. The load runs in a worker thread, so it does not share
 * the server's event loop. A one-second warm-up (JIT, pools) is not counted.
 */
export async function measure(
  target: { baseUrl: string } | string,
  label: string,
  path = '',
  o: { seconds?: number; connections?: number; headers?: Record<string, string> } = {},
): Promise<LoadResult> {
  const url = (typeof target === 'string' ? target : target.baseUrl) + path;
  const connections = o.connections ?? benchConnections;
  const seconds = o.seconds ?? benchSeconds;
  const options = { url, connections, pipelining: 1, workers: 1, headers: o.headers ?? {} };
  await autocannon({ ...options, duration: 1 });
  const r = await autocannon({ ...options, duration: seconds });
  return {
    label,
    path,
    connections,
    seconds,
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

/** A target a benchmark is held to; `report` prints each as met or missed. */
export interface Target {
  text: string;
  met: boolean;
}

/** `result` reaches at least `ratio` × the baseline's requests/s. */
export function atLeast(result: LoadResult, baseline: LoadResult, ratio: number): Target {
  const actual = result.rps / baseline.rps;
  return {
    text: `${result.label}: ≥ ${ratio}× the requests/s of ${baseline.label} (got ${actual.toFixed(2)}×)`,
    met: actual >= ratio,
  };
}

/** `result`'s 99th percentile latency stays below `ms`. */
export function p99Below(result: LoadResult, ms: number): Target {
  return { text: `${result.label}: p99 < ${ms} ms (got ${result.p99} ms)`, met: result.p99 < ms };
}

/** No request failed. */
export function noErrors(result: LoadResult): Target {
  return { text: `${result.label}: no errors (got ${result.errors})`, met: result.errors === 0 };
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Formats results as a table beside the baseline, with the process's memory, and the targets. */
export function formatReport(
  title: string,
  baseline: LoadResult,
  results: LoadResult[],
  targets: Target[] = [],
): string {
  const rows = [baseline, ...results].map((r) => [
    r.label,
    r.path,
    Math.round(r.rps).toLocaleString('en-US'),
    r === baseline ? '1.00×' : `${(r.rps / baseline.rps).toFixed(2)}×`,
    `${r.p50} ms`,
    `${r.p99} ms`,
    String(r.errors),
  ]);
  const header = ['', 'path', 'req/s', 'vs baseline', 'p50', 'p99', 'errors'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const memory = process.memoryUsage();
  return [
    `\n${title} (${baseline.connections} connections, ${baseline.seconds} s each; baseline: ${baseline.label})`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `memory: RSS ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)}`,
    ...targets.map((t) => `${t.met ? 'MET   ' : 'MISSED'} ${t.text}`),
  ].join('\n');
}

/**
 * Prints the report. Returns the exit code: 1 when a target is missed and BENCH_STRICT=1
 * (for CI on a known machine), otherwise 0; figures vary too much across machines to fail
 * by default.
 */
export function report(
  title: string,
  baseline: LoadResult,
  results: LoadResult[],
  targets: Target[] = [],
): number {
  console.log(formatReport(title, baseline, results, targets));
  const missed = targets.filter((t) => !t.met).length;
  return missed > 0 && process.env['BENCH_STRICT'] === '1' ? 1 : 0;
}

/** V8 flags the server runs with (package.json's start, bin/lienthong): the benches measure that server. */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * Runs a benchmark's main function and exits with its code (1 on an error). Started without the
 * server's V8 flags, the benchmark runs itself again with them.
 */
export function runBench(main: () => Promise<number>): void {
  const named = (flag: string) => flag.split('=')[0];
  const given = new Set(process.execArgv.map(named));
  // A flag given on the command line (another value, to compare) wins over the server's.
  const missing = SERVER_NODE_FLAGS.filter((f) => !given.has(named(f)));
  if (missing.length > 0) {
    const child = spawn(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], {
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** A department with one QĐ20 code valid since 2020 (senders and recipients of the axis benches); its id. */
export async function createBenchAgency(platform: Platform, code: string): Promise<string> {
  const agency = await platform.directory.service.createAgency(systemContext('bench'), {
    name: `Cơ quan ${code}`,
    kind: 'department',
    validFrom: '2020-01-01',
    codes: [{ scheme: 'QD20', code, validFrom: '2020-01-01' }],
  });
  return agency.id;
}

/** A machine client of the agency, and its bearer token (OAuth2 client credentials). */
export async function benchClientToken(t: BenchPlatform, agencyId: string, name: string): Promise<string> {
  const made = await t.platform.identity.service.createClient(systemContext('bench'), {
    agencyId,
    name,
    scopes: [],
  });
  const basic = Buffer.from(
    `${encodeURIComponent(made.client.id)}:${encodeURIComponent(made.clientSecret)}`,
  ).toString('base64');
  const r = await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: 'grant_type=client_credentials',
  });
  return ((await r.json()) as { access_token: string }).access_token;
}
