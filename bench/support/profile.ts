/**
 * CPU profiles of one phase of a benchmark, in the benchmark's own (server) process:
 * with BENCH_PROFILE=<folder>, `profilePhase('accept', run)` writes `<folder>/<name>.cpuprofile`
 * (open it in Chrome DevTools or summarise it); without it, the phase just runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

const folder = process.env['BENCH_PROFILE'];
let session: Session | null = null;

/** Runs `phase`, profiling the main thread while it runs when BENCH_PROFILE names a folder. */
export async function profilePhase<T>(name: string, phase: () => Promise<T>): Promise<T> {
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
