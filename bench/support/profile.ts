/**
 * CPU profiles of one phase of a benchmark, in the benchmark's own (server) process:
 * with BENCH_PROFILE=<folder>, `profilePhase('accept', run)` writes `<folder>/<name>.cpuprofile`
 * (open it in Chrome DevTools or summarise it); without it, the phase just runs.
 * With BENCH_PHASES=<file>, each phase appends `name start end` to that file, in seconds of
 * CLOCK_MONOTONIC, so that a system-wide `perf record -k CLOCK_MONOTONIC` can be cut to the phase
 * (`perf report --time start,end`): PostgreSQL's and the kernel's share of a phase.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

const folder = process.env['BENCH_PROFILE'];
let session: Session | null = null;

/** Runs `phase`, profiling the main thread while it runs when BENCH_PROFILE names a folder. */
export async function profilePhase<T>(name: string, phase: () => Promise<T>): Promise<T> {
  const phases = process.env['BENCH_PHASES'];
  if (phases) {
    const seconds = () => (Number(process.hrtime.bigint() / 1000n) / 1e6).toFixed(6);
    const start = seconds();
    try {
      return await profilePhase_(name, phase);
    } finally {
      appendFileSync(phases, `${name} ${start} ${seconds()}\n`);
    }
  }
  return profilePhase_(name, phase);
}

async function profilePhase_<T>(name: string, phase: () => Promise<T>): Promise<T> {
  if (!folder) return phase();
  if (!session) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
  }
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}
