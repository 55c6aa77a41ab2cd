/**
 * Imports 200,000 agencies from CSV into a fresh database and prints the elapsed time.
 * Target (scale.md): a full resync of ≥ 200,000 agencies in under a minute.
 *
 *   node bench/directory-import.bench.ts [rows]
 *
 * Uses DATABASE_URL's server when set (a database is created and dropped), otherwise a
 * throw-away embedded PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { createDirectoryModule } from '../src/modules/directory/index.ts';
import { systemContext } from '../src/platform/context.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { migrate } from '../src/platform/db/migrate.ts';

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

/** A CSV of `rows` agencies: one in ten under a province (by code), the others under one of those. */
export function generateCsv(rows: number): string {
  const lines = ['name,short_name,kind,parent,codes,valid_from'];
  const code = (i: number) =>
    `${String(i % 1000).padStart(3, '0')}.${String(Math.floor(i / 1000) % 100).padStart(2, '0')}.${String(Math.floor(i / 100_000) % 100).padStart(2, '0')}.Z01`;
  for (let i = 0; i < rows; i++) {
    const parent = i % 10 === 0 ? 'H26' : code(i - (i % 10));
    lines.push(
      `Đơn vị thử nghiệm số ${i},ĐV${i},unit,${parent},QD20:${code(i)}|TAX:01${String(i).padStart(8, '0')},2025-07-01`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 200_000);
  let embedded: EmbeddedServer | null = null;
  let tmp: string | null = null;
  let adminUrl = process.env['DATABASE_URL'];
  if (!adminUrl) {
    tmp = mkdtempSync(path.join(tmpdir(), 'lienthong-bench-'));
    embedded = await startEmbeddedPostgres({
      dataDir: tmp,
      port: await freePort(),
      database: 'postgres',
      persistent: false,
    });
    adminUrl = embedded.adminUrl;
  }
  const name = `lt_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const database = openDatabase(u.toString(), 4);
  try {
    await migrate(database.pool);
    const directory = createDirectoryModule({ db: database.db, logger: pino({ level: 'silent' }) });
    const ctx = systemContext('bench');
    let started = performance.now();
    await directory.seed(ctx);
    console.log(`seed: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    const csv = generateCsv(rows);
    console.log(`csv: ${rows} rows, ${(csv.length / 1024 / 1024).toFixed(1)} MB`);
    started = performance.now();
    const report = await directory.service.importCsv(ctx, csv);
    const seconds = (performance.now() - started) / 1000;
    if (report.problems.length > 0)
      throw new Error(`import refused: ${JSON.stringify(report.problems.slice(0, 3))}`);
    console.log(
      `import: ${report.imported} agencies in ${seconds.toFixed(2)} s (${Math.round(report.imported / seconds)} rows/s) — target < 60 s`,
    );
    started = performance.now();
    const exported = await directory.service.exportCsv();
    console.log(`export: ${exported.length} bytes in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    const probe = await directory.service.resolveCode('123.45.01.Z01');
    console.log(`resolve 123.45.01.Z01 → ${probe?.current.name ?? 'none'}`);
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    if (embedded) await embedded.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
