/**
 * CPU time spent by each side of a benchmark, read from /proc (Linux): the server process
 * (main thread, worker threads, libuv pool), and the PostgreSQL server it talks to (the
 * postmaster listening on the database URL's port and its children). CPU per packet does not
 * depend on how loaded the machine is the way packets per second do.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the command: state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based from pid.
    const n = (i: number) => Number(fields[i - 3] ?? 0);
    return { ppid: n(4), ticks: n(14) + n(15) + n(16) + n(17) };
  } catch {
    return null;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

const pids = () =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

/** Seconds of CPU used so far by the PostgreSQL server listening on `port` (0 when not found). */
export function postgresCpuSeconds(port: number): number {
  const all = pids();
  const postmaster = all.find((pid) => {
    const c = cmdline(pid);
    return c.includes('postgres') && c.includes(`-p ${port} `);
  });
  if (postmaster === undefined) return 0;
  let ticks = 0;
  for (const pid of all) {
    const s = stat(pid);
    if (s && (pid === postmaster || s.ppid === postmaster)) ticks += s.ticks;
  }
  return ticks / TICK;
}

/** Seconds of CPU used so far by this process's threads, by kind: the main thread, worker threads, the rest. */
export function threadCpuSeconds(): { main: number; workers: number; other: number } {
  const out = { main: 0, workers: 0, other: 0 };
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const text = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICK;
      if (Number(tid) === process.pid) out.main += seconds;
      else if (comm === 'WorkerThread') out.workers += seconds;
      else out.other += seconds;
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** Seconds of CPU used so far by this process (every thread). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU used by the server and PostgreSQL while `phase` runs, in milliseconds per `units`. */
export async function cpuPer<T>(
  databaseUrl: string | undefined,
  units: number,
  phase: () => Promise<T>,
): Promise<{ value: T; serverMs: number; postgresMs: number; text: string }> {
  const port = Number(new URL(databaseUrl ?? 'postgres://x@127.0.0.1:5432/x').port || 5432);
  const server0 = ownCpuSeconds();
  const threads0 = threadCpuSeconds();
  const pg0 = postgresCpuSeconds(port);
  const value = await phase();
  const serverMs = ((ownCpuSeconds() - server0) * 1000) / units;
  const postgresMs = ((postgresCpuSeconds(port) - pg0) * 1000) / units;
  const threads = threadCpuSeconds();
  const per = (k: 'main' | 'workers' | 'other') => (((threads[k] - threads0[k]) * 1000) / units).toFixed(2);
  return {
    value,
    serverMs,
    postgresMs,
    text: `server ${serverMs.toFixed(2)} ms (main thread ${per('main')}, worker threads ${per('workers')}, other threads ${per('other')}) + PostgreSQL ${postgresMs.toFixed(2)} ms of CPU each`,
  };
}
