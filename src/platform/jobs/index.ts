import { Logger as WorkerLogger, run, runMigrations, type Runner, type Task } from 'graphile-worker';
import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { DbOrTx } from '../db/database.ts';

/** A kind of background work: a name, the schema of its payload and its handler. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  /** Must be idempotent: a job may run again after a crash or a retry. */
  handle(payload: z.infer<S>, info: { attempt: number; jobId: string }): Promise<void>;
}

/** Declares a job with a typed payload. */
export function defineJob<S extends z.ZodType>(job: JobDefinition<S>): JobDefinition<S> {
  return job;
}

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
  /** Replaces a pending job with the same key instead of adding another. */
  jobKey?: string;
  priority?: number;
}

/**
 * Adds a job in the caller's transaction (the outbox pattern): the job exists if and only if
 * the change that asked for it commits. Workers are woken by LISTEN/NOTIFY.
 */
export async function enqueue<S extends z.ZodType>(
  db: DbOrTx,
  job: JobDefinition<S>,
  payload: z.infer<S>,
  options: EnqueueOptions = {},
): Promise<void> {
  const checked = job.payload.parse(payload) as unknown;
  await sql`SELECT ${addJobSql(job, sql`${JSON.stringify(checked)}`, options)}`.execute(db);
}

/**
 * `graphile_worker.add_job(…)` as an SQL expression whose payload (and key) may be SQL as well: for
 * a statement that writes rows and enqueues a job per row in the same round trip (the outbox
 * pattern without a transaction of its own). The statement builds the payload, so the job's
 * schema does not check it here: keep it to ids the statement itself produced.
 */
export function addJobSql(
  job: JobDefinition,
  payload: RawBuilder<unknown>,
  options: Omit<EnqueueOptions, 'jobKey'> & { jobKey?: string | RawBuilder<unknown> } = {},
): RawBuilder<unknown> {
  return sql`graphile_worker.add_job(
    ${job.name}::text,
    ${payload}::json,
    run_at => ${options.runAt ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? 10}::int,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${options.priority ?? 0}::int
  )`;
}

/** Creates or upgrades the job queue's own schema (graphile_worker). */
export async function installJobQueue(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: new WorkerLogger(() => () => undefined) });
}

export interface WorkerHandle {
  stop(): Promise<void>;
}

interface JobMeta {
  job?: { id?: string | number; task_identifier?: string; attempts?: number; max_attempts?: number };
  error?: unknown;
  duration?: unknown;
}

/**
 * Routes graphile-worker's log lines to pino as structured lines. Only the job's id, task,
 * attempt and duration are kept: the job object also holds the payload, which may carry
 * personal data and is never logged.
 */
function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const m = (meta ?? {}) as JobMeta;
    const job = m.job;
    const line = {
      action: 'jobs.worker',
      task: job?.task_identifier ?? scope.taskIdentifier,
      jobId: job?.id === undefined ? scope.jobId : String(job.id),
      ...(job?.attempts === undefined ? {} : { attempt: job.attempts, maxAttempts: job.max_attempts }),
      ...(typeof m.duration === 'number' ? { durationMs: Math.round(m.duration) } : {}),
    };
    if (m.error !== undefined) {
      const error = m.error instanceof Error ? m.error : new Error(JSON.stringify(m.error));
      log.error({ ...line, action: 'jobs.failed', err: error }, 'job failed');
    } else if (level === 'error') log.error(line, message);
    else if (level === 'warning') log.warn(line, message);
    else log.debug(line, message);
  });
}

/** Runs workers for `jobs` until stopped; failed jobs retry with exponential backoff. */
export async function startWorker(options: {
  pool: pg.Pool;
  jobs: readonly JobDefinition[];
  concurrency: number;
  logger: Logger;
}): Promise<WorkerHandle> {
  const log = options.logger.child({ component: 'jobs' });
  const taskList: Record<string, Task> = {};
  for (const job of options.jobs) {
    taskList[job.name] = async (payload, helpers) => {
      const parsed = job.payload.safeParse(payload);
      if (!parsed.success) {
        // Names the fields only: the values may be personal data.
        const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
        throw new Error(`payload of ${job.name} does not match its schema: ${fields.join('; ')}`);
      }
      await job.handle(parsed.data, { attempt: helpers.job.attempts, jobId: String(helpers.job.id) });
    };
  }
  const runner: Runner = await run({
    pgPool: options.pool,
    taskList,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: workerLogger(log),
  });
  return { stop: () => runner.stop() };
}
