/**
 * Runs the whole test suite on a real PostgreSQL: the server named by DATABASE_URL, or a
 * throw-away embedded server. It migrates one template database; every test file then
 * creates its own database from that template, so files run in parallel without sharing state.
 *
 *   npm test                      all tests
 *   npm test -- src/modules/directory   only files under a path
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { installJobQueue } from '../src/platform/jobs/index.ts';

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

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function main(): Promise<number> {
  const started = Date.now();
  let embedded: EmbeddedServer | null = null;
  let tmp: string | null = null;
  let adminUrl: string;
  if (process.env['DATABASE_URL']) {
    adminUrl = process.env['DATABASE_URL'];
    console.log(`test: using the PostgreSQL server of DATABASE_URL (${new URL(adminUrl).host})`);
  } else {
    tmp = mkdtempSync(path.join(tmpdir(), 'lienthong-test-'));
    embedded = await startEmbeddedPostgres({
      dataDir: tmp,
      port: await freePort(),
      database: 'postgres',
      persistent: false,
    });
    adminUrl = embedded.adminUrl;
    console.log(
      `test: started an embedded PostgreSQL in ${tmp} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  const template = `lt_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let code: number;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const tplDb = openDatabase(withDatabase(adminUrl, template), 2);
    await migrate(tplDb.pool);
    await installJobQueue(tplDb.pool);
    await tplDb.close();
    // A closed pool's sockets may linger for a moment; any session on the template makes every
    // CREATE DATABASE ... TEMPLATE wait five seconds and fail, so end them before the tests copy it.
    await admin.query('ALTER DATABASE ' + template + ' WITH ALLOW_CONNECTIONS false');
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      template,
    ]);
    console.log(
      `test: template database ${template} migrated (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );

    const filters = process.argv.slice(2);
    const globs =
      filters.length > 0
        ? filters.map((f) => (f.endsWith('.ts') ? f : `${f.replace(/\/$/, '')}/**/*.test.ts`))
        : ['src/**/*.test.ts', 'test/**/*.test.ts'];
    const concurrency = Math.max(2, Math.min(4, availableParallelism() + 1));
    code = await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--test',
          `--test-concurrency=${concurrency}`,
          '--test-reporter=spec',
          '--test-timeout=180000',
          ...globs,
        ],
        {
          stdio: 'inherit',
          env: { ...process.env, LT_TEST_ADMIN_URL: adminUrl, LT_TEST_TEMPLATE: template, NODE_ENV: 'test' },
        },
      );
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
  } finally {
    const leftovers = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'lt\\_t\\_${process.pid}\\_%' OR datname = $1`,
      [template],
    );
    for (const row of leftovers.rows)
      await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    if (embedded) await embedded.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`test: finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
