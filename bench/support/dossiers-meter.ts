/**
 * What a benchmark's server spends per request, measured in its own process: the SQL statements
 * it sends (each one a round trip: the pg driver does not pipeline), grouped by text, the CPU
 * time of the server's process, and the CPU time of the embedded PostgreSQL's processes.
 * With the load client in another process (`dossiers-load.ts`), these are the server's alone;
 * they vary far less with the machine's load than requests per second do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface MeterReading {
  statements: number;
  /** Statement texts (whitespace folded, first 110 characters) and how often each was sent. */
  byText: Map<string, number>;
  /** CPU time of this (the server's) process, ms. */
  serverCpuMs: number;
  /** CPU time of the database server's processes, ms (null: not an embedded server here). */
  databaseCpuMs: number | null;
}

let counting: Map<string, number> | null = null;
let patched = false;
const ignored = new WeakSet<pg.Client>();

/** Leaves a client's statements out of every count (the benchmark's own observers). */
export function uncounted(client: pg.Client): pg.Client {
  ignored.add(client);
  return client;
}

/** Counts every statement the pg driver sends from now on, while a meter runs. */
function patchDriver(): void {
  if (patched) return;
  patched = true;
  const prototype = pg.Client.prototype as unknown as Record<'query', (...args: unknown[]) => unknown>;
  const query = prototype.query;
  prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (counting && !ignored.has(this)) {
      const first = args[0];
      const text =
        typeof first === 'string'
          ? first
          : typeof (first as { text?: unknown } | null)?.text === 'string'
            ? (first as { text: string }).text
            : '?';
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 110);
      counting.set(key, (counting.get(key) ?? 0) + 1);
    }
    return query.apply(this, args);
  };
}

/**
 * CPU ticks (user + system) of the postmaster in `dataDir/pg` (or in BENCH_PG_DATADIR, for a
 * server of DATABASE_URL on this machine) and of its children, in ms.
 */
function databaseCpuMs(dataDir: string | null): number | null {
  const cluster = process.env['BENCH_PG_DATADIR'] ?? (dataDir ? path.join(dataDir, 'pg') : null);
  if (!cluster) return null;
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // pid (comm) state ppid … utime(14) stime(15): fields after the command's closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    if (Number(entry) !== postmaster && ppid !== postmaster) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10; // USER_HZ = 100
}

/**
 * Starts measuring; `stop()` returns what was spent since. `dataDir`: the embedded server's data
 * folder (the benchmark platform's DATA_DIR), for the database's CPU time.
 */
export function startMeter(dataDir: string | null): { stop(): MeterReading } {
  patchDriver();
  const byText = new Map<string, number>();
  counting = byText;
  const cpu = process.cpuUsage();
  const database = databaseCpuMs(dataDir);
  return {
    stop() {
      counting = null;
      const used = process.cpuUsage(cpu);
      const databaseNow = databaseCpuMs(dataDir);
      return {
        statements: [...byText.values()].reduce((a, b) => a + b, 0),
        byText,
        serverCpuMs: (used.user + used.system) / 1000,
        databaseCpuMs: database === null || databaseNow === null ? null : databaseNow - database,
      };
    },
  };
}

/**
 * With BENCH_CPU_PROFILE=file, records a CPU profile of this (the server's) process between
 * `start()` and `stop()` and writes it to that file (open it in Chrome's DevTools, or summarise
 * it with `node bench/support/dossiers-profile.ts file`).
 */
export async function startProfile(): Promise<{ stop(): Promise<void> }> {
  const file = process.env['BENCH_CPU_PROFILE'];
  if (!file) return { stop: () => Promise.resolve() };
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** The statements pg_stat_statements saw in this database: resets it, and later reads the busiest. */
export async function statementStats(
  client: pg.Client,
): Promise<{ read(requests: number): Promise<string[]> } | null> {
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
  } catch {
    return null; // not in shared_preload_libraries: an embedded server started by the benchmark
  }
  return {
    async read(requests) {
      const { rows } = await client.query<{ query: string; calls: string; total: number; mean: number }>(
        `SELECT query, calls::text, total_exec_time AS total, mean_exec_time AS mean
           FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND query NOT ILIKE '%pg_stat%'
          ORDER BY total_exec_time DESC LIMIT 20`,
      );
      const all = rows.reduce((a, r) => a + r.total, 0);
      return rows.map(
        (r) =>
          `${((100 * r.total) / all).toFixed(0).padStart(3)}%  ${(r.total / Math.max(requests, 1)).toFixed(3)} ms/req` +
          `  ${(Number(r.calls) / Math.max(requests, 1)).toFixed(2)} calls/req  mean ${r.mean.toFixed(3)} ms  ` +
          r.query.replace(/\s+/g, ' ').slice(0, 100),
      );
    },
  };
}
