/**
 * Crash safety of the axis: `lienthong start` (HTTP + workers) runs as a child process on a fresh
 * database; 10,000 packets are sent concurrently through the API and every acknowledged id is
 * recorded; the server is killed with SIGKILL midway and started again; the packets whose
 * answer was lost are sent again (a duplicate answers the first id); then, once the queue has
 * drained, every acknowledged packet must have exactly one delivery per recipient, delivered
 * once, with one status 01 — and the database must refuse a second one.
 *
 *   node bench/exchange-crash.bench.ts        (EXCHANGE_CRASH_PACKETS=10000 by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { buildPlatform } from '../src/main.ts';
import { buildNewEdoc, writeEdxml } from '../src/modules/exchange/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { systemContext } from '../src/platform/context.ts';
import { createLogger } from '../src/platform/logger.ts';
import { freePort, runBench, startBenchDatabase } from './lib.ts';

const TOTAL = Number(process.env['EXCHANGE_CRASH_PACKETS'] ?? 10_000);
const CONCURRENCY = 32;
const root = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<number> {
  const db = await startBenchDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-crash-'));
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    PORT: String(port),
    RUN_WORKER: 'true',
    LOG_LEVEL: 'error',
    SESSION_SECRET: 'crash-session-secret-0123456789abcdef0123456789',
    TOKEN_SECRET: 'crash-token-secret-0123456789abcdef0123456789ab',
  };
  // Agencies and a machine client, created in this process on the same database.
  const config = loadConfig(env);
  const platform = await buildPlatform({ config, logger: createLogger('silent'), database: db.database });
  const ctx = systemContext('bench');
  const make = (code: string) =>
    platform.directory.service.createAgency(ctx, {
      name: `Cơ quan ${code}`,
      kind: 'department',
      validFrom: '2020-01-01',
      codes: [{ scheme: 'QD20', code, validFrom: '2020-01-01' }],
    });
  const [a, b, c] = [await make('000.01.01.H90'), await make('000.02.02.H90'), await make('000.03.03.H90')];
  const { client, clientSecret } = await platform.identity.service.createClient(ctx, {
    agencyId: a.id,
    name: 'Phần mềm QLVB thử tải',
    scopes: [],
  });
  await platform.app.close();

  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  const start = async () => {
    server = spawn(process.execPath, [path.join(root, 'src/cli.ts'), 'start'], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('server did not start');
  };
  await start();
  const tokenResponse = await fetch(`${base}/api/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    Buffer.alloc(5 * 1024, 0x41),
    Buffer.from('\n%%EOF\n'),
  ]);
  const packetOf = (n: number) =>
    writeEdxml(
      buildNewEdoc({
        from: { organId: '000.01.01.H90' },
        to: [{ organId: '000.02.02.H90' }, { organId: '000.03.03.H90' }],
        code: { number: String(n + 1), notation: 'TT-VP' },
        promulgationDate: '2026-03-02',
        documentType: { typeName: 'Công văn' },
        subject: `Thử tải gói tin số ${n + 1}`,
        attachments: [{ name: 'vb.pdf', content: pdf, contentType: 'application/pdf' }],
      }),
    );

  const acknowledged = new Map<number, string>();
  const lost: number[] = [];
  let next = 0;
  let killed = false;
  const killAt = Math.floor(TOTAL * 0.4);
  const started = Date.now();
  const send = async (n: number): Promise<boolean> => {
    try {
      const r = await fetch(`${base}/api/v1/exchange/packets`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
        body: packetOf(n),
      });
      if (r.status !== 201 && r.status !== 200) return false;
      acknowledged.set(n, ((await r.json()) as { id: string }).id);
      return true;
    } catch {
      return false;
    }
  };
  const worker = async (queue: () => number | null) => {
    for (let n = queue(); n !== null; n = queue()) {
      if (!killed && acknowledged.size >= killAt) {
        killed = true;
        server?.kill('SIGKILL');
        console.log(`SIGKILL after ${acknowledged.size} acknowledged packets`);
      }
      if (!(await send(n))) lost.push(n);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(() => (next < TOTAL ? next++ : null))));
  const firstPass = Date.now() - started;
  console.log(`first pass: ${acknowledged.size} acknowledged, ${lost.length} unanswered in ${firstPass} ms`);

  await new Promise((r) => setTimeout(r, 500));
  await start();
  // Unanswered packets are sent again: those that were committed answer their first id.
  const retry = [...lost];
  lost.length = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(() => retry.shift() ?? null)));
  console.log(`after restart: ${acknowledged.size} acknowledged, ${lost.length} still unanswered`);

  // The workers drain the queue; the bench gives up only when it stops moving for two minutes.
  const drainStarted = Date.now();
  let lastPending = Infinity;
  let lastProgress = Date.now();
  for (;;) {
    const r = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM exchange_deliveries WHERE state = 'pending'`.execute(db.database.db);
    const pending = Number(r.rows[0]?.n);
    if (pending === 0) break;
    if (pending < lastPending) {
      lastPending = pending;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > 120_000) throw new Error(`queue not drained: ${pending} pending`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  console.log(`queue drained in ${((Date.now() - drainStarted) / 1000).toFixed(1)} s after the restart pass`);

  const ids = [...new Set(acknowledged.values())];
  const check = await sql<{
    packets: string;
    bad: string;
    deliveries: string;
    arrivals: string;
    stored: string;
  }>`
    WITH acked AS (SELECT unnest(${ids}::uuid[]) AS id),
    per AS (
      SELECT a.id, count(d.id) AS deliveries,
             count(d.id) FILTER (WHERE d.state = 'delivered' AND d.inbox_seq IS NOT NULL) AS delivered,
             (SELECT count(*) FROM exchange_status_events e JOIN exchange_deliveries d2 ON d2.id = e.delivery_id
               WHERE d2.packet_id = a.id AND e.code = '01') AS arrivals
      FROM acked a LEFT JOIN exchange_deliveries d ON d.packet_id = a.id GROUP BY a.id)
    SELECT count(*) AS packets,
           count(*) FILTER (WHERE deliveries <> 2 OR delivered <> 2 OR arrivals <> 2) AS bad,
           sum(deliveries) AS deliveries, sum(arrivals) AS arrivals,
           (SELECT count(*) FROM exchange_packets) AS stored
    FROM per`.execute(db.database.db);
  const row = check.rows[0];
  const bad = Number(row?.bad);
  console.log(
    `acknowledged packets: ${row?.packets} (stored: ${row?.stored}); deliveries: ${row?.deliveries}; 01 arrivals: ${row?.arrivals}; wrong: ${bad}`,
  );
  // "None twice" is structural: the database refuses a second delivery or a second 01.
  const anyDelivery = await sql<{ id: string; packet_id: string; recipient_agency_id: string }>`
    SELECT id, packet_id, recipient_agency_id FROM exchange_deliveries LIMIT 1`.execute(db.database.db);
  const d = anyDelivery.rows[0];
  const refusals = await Promise.all([
    sql`INSERT INTO exchange_deliveries (id, packet_id, recipient_agency_id, addressee_agency_id, addressed_codes, route)
        VALUES (gen_random_uuid(), ${d?.packet_id}, ${d?.recipient_agency_id}, ${d?.recipient_agency_id}, ARRAY['x'], 'local')`
      .execute(db.database.db)
      .then(
        () => 'ACCEPTED (wrong)',
        (e: Error) => `refused (${e.message})`,
      ),
    sql`INSERT INTO exchange_status_events (id, delivery_id, code, occurred_at) VALUES (gen_random_uuid(), ${d?.id}, '01', now())`
      .execute(db.database.db)
      .then(
        () => 'ACCEPTED (wrong)',
        (e: Error) => `refused (${e.message})`,
      ),
  ]);
  console.log(`second delivery of a packet to one agency: ${refusals[0]}`);
  console.log(`second 01 on one delivery: ${refusals[1]}`);
  const met =
    bad === 0 && Number(row?.packets) === acknowledged.size && refusals.every((r) => r.startsWith('refused'));
  console.log(
    `${met ? 'MET   ' : 'MISSED'} every acknowledged packet delivered exactly once per recipient after SIGKILL`,
  );
  void [b, c];

  (server as ChildProcess | null)?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return met ? 0 : 1;
}

runBench(main);
