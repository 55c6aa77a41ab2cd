import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { VerifyResult, VerifyTask } from './verify-worker.ts';

let pool: Piscina<VerifyTask, VerifyResult> | null = null;

/**
 * The process's one verification pool, created on first use with a thread per core. Node 24
 * runs the .ts worker file directly (type stripping), from `node src/cli.ts` and in tests.
 */
function verifyPool(): Piscina<VerifyTask, VerifyResult> {
  pool ??= new Piscina<VerifyTask, VerifyResult>({
    filename: new URL('./verify-worker.ts', import.meta.url).href,
    minThreads: 1,
    maxThreads: Math.max(2, availableParallelism()),
    idleTimeout: 30_000,
  });
  return pool;
}

/** Runs one verification on a worker thread. */
export function runVerification(task: VerifyTask): Promise<VerifyResult> {
  return verifyPool().run(task);
}

/** Stops the pool's threads (tests, shutdown); the next verification starts a new pool. */
export async function closeVerifyPool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.destroy();
}
