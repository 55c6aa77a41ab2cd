import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { defineJob, enqueue, startWorker, type WorkerHandle } from './index.ts';

interface Run {
  job: string;
  n: number;
  attempt: number;
  at: number;
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

interface LogLine {
  level: number;
  msg: string;
  action?: string;
  task?: string;
  attempt?: number;
  err?: { message: string };
}

interface JobRow {
  task_identifier: string;
  payload: { n?: unknown };
  attempts: number;
  last_error: string | null;
  run_at: Date;
  key: string | null;
}

describe('background jobs', () => {
  let t: TestDatabase;
  let workerDb: Database;
  let worker: WorkerHandle;
  const runs: Run[] = [];
  const logLines: LogLine[] = [];
  const consoleWarnings: unknown[] = [];
  const originalWarn = console.warn;

  const echo = defineJob({
    name: 'test.echo',
    payload: z.object({ n: z.number().int().min(0).max(1_000_000) }),
    handle(payload, info) {
      runs.push({ job: 'echo', n: payload.n, attempt: info.attempt, at: Date.now() });
      return Promise.resolve();
    },
  });
  const flaky = defineJob({
    name: 'test.flaky',
    payload: z.object({ n: z.number().int() }),
    handle(payload, info) {
      runs.push({ job: 'flaky', n: payload.n, attempt: info.attempt, at: Date.now() });
      return info.attempt < 2 ? Promise.reject(new Error('gateway unavailable')) : Promise.resolve();
    },
  });

  const jobRows = async (where = 'true'): Promise<JobRow[]> =>
    (
      await t.database.pool.query<JobRow>(
        `SELECT t.identifier AS task_identifier, j.payload, j.attempts, j.last_error, j.run_at, j.key
         FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
         WHERE ${where} ORDER BY j.id`,
      )
    ).rows;
  const runsOf = (job: string, n: number) => runs.filter((r) => r.job === job && r.n === n);

  before(async () => {
    console.warn = (...args: unknown[]) => consoleWarnings.push(args);
    t = await createTestDatabase();
    workerDb = openDatabase(t.url, 6);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    worker = await startWorker({
      pool: workerDb.pool,
      jobs: [echo, flaky],
      concurrency: 2,
      logger: createLogger('info', sink),
    });
  });
  after(async () => {
    await worker.stop();
    await workerDb.close();
    await t.drop();
    console.warn = originalWarn;
  });

  it('never runs a job whose transaction rolled back', async () => {
    await assert.rejects(
      t.database.db.transaction().execute(async (trx) => {
        await enqueue(trx, echo, { n: 1 });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    await enqueue(t.database.db, echo, { n: 2 });
    await waitFor('the committed job', () => runsOf('echo', 2).length === 1);
    await sleep(200);
    assert.equal(runsOf('echo', 1).length, 0);
    assert.deepEqual(await jobRows(`j.payload->>'n' = '1'`), []);
  });

  it('runs a committed job once, woken by NOTIFY well before the 2 s poll', async () => {
    for (const n of [10, 11, 12]) {
      const committedAt = await t.database.db.transaction().execute(async (trx) => {
        await enqueue(trx, echo, { n });
        return Date.now();
      });
      await waitFor(`job ${n}`, () => runsOf('echo', n).length > 0, 3000);
      const latency = (runsOf('echo', n)[0]?.at ?? Infinity) - committedAt;
      assert.ok(latency < 500, `job ${n} picked up after ${latency} ms`);
    }
    await sleep(300);
    for (const n of [10, 11, 12]) assert.equal(runsOf('echo', n).length, 1, `job ${n} ran once`);
    assert.deepEqual(await jobRows(`t.identifier = 'test.echo'`), [], 'done jobs leave the queue');
  });

  it('retries a failing job with backoff, then succeeds', async () => {
    await enqueue(t.database.db, flaky, { n: 20 });
    await waitFor('the first attempt', () => runsOf('flaky', 20).length === 1);
    let row: JobRow | undefined;
    for (let i = 0; i < 100 && !row?.last_error; i++) {
      row = (await jobRows(`t.identifier = 'test.flaky'`))[0];
      if (!row?.last_error) await sleep(20);
    }
    assert.ok(row, 'the failed job stays in the queue');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /gateway unavailable/);
    const firstAt = runsOf('flaky', 20)[0]?.at ?? 0;
    const delay = row.run_at.getTime() - firstAt;
    assert.ok(delay > 2000 && delay < 4000, `next attempt scheduled ${delay} ms later (e^1 s)`);

    await waitFor('the second attempt', () => runsOf('flaky', 20).length === 2, 8000);
    const [first, second] = runsOf('flaky', 20);
    assert.equal(second?.attempt, 2);
    assert.ok((second?.at ?? 0) - (first?.at ?? 0) >= 2000, 'waited for the backoff');
    await sleep(100);
    assert.deepEqual(await jobRows(`t.identifier = 'test.flaky'`), [], 'succeeded and left the queue');
    const failure = logLines.find((l) => l.action === 'jobs.failed' && l.task === 'test.flaky');
    assert.ok(failure, 'the failure is logged');
    assert.equal(failure.level, 50);
    assert.equal(failure.attempt, 1);
    assert.equal(failure.err?.message, 'gateway unavailable');
    assert.ok(!logLines.some((l) => JSON.stringify(l).includes('payload')), 'payloads are never logged');
  });

  it('keeps one pending job per jobKey, with the latest payload', async () => {
    const runAt = new Date(Date.now() + 1500);
    for (const n of [30, 31, 32])
      await enqueue(t.database.db, echo, { n }, { jobKey: 'digest:agency-1', runAt });
    const pending = await jobRows(`j.key = 'digest:agency-1'`);
    assert.equal(pending.length, 1);
    assert.equal(pending[0]?.payload.n, 32);
    await waitFor('the keyed job', () => runsOf('echo', 32).length === 1, 5000);
    await sleep(200);
    assert.deepEqual(
      runs.filter((r) => r.n >= 30 && r.n <= 32).map((r) => r.n),
      [32],
    );
  });

  it("validates payloads with the job's schema, when enqueued and when run", async () => {
    await assert.rejects(enqueue(t.database.db, echo, { n: -1 }), z.ZodError);
    await assert.rejects(enqueue(t.database.db, echo, { n: 'x' } as unknown as { n: number }), z.ZodError);
    assert.deepEqual(await jobRows(`t.identifier = 'test.echo'`), []);

    // A row written behind enqueue's back (an older release, a hand-made job) is refused by the worker.
    await t.database.pool.query(
      `SELECT graphile_worker.add_job('test.echo', '{"n": "not a number"}'::json, max_attempts => 1)`,
    );
    let row: JobRow | undefined;
    for (let i = 0; i < 200 && !row?.last_error; i++) {
      row = (await jobRows(`t.identifier = 'test.echo'`))[0];
      if (!row?.last_error) await sleep(20);
    }
    assert.equal(row?.attempts, 1);
    assert.match(row?.last_error ?? '', /payload of test\.echo does not match its schema: n: /);
    assert.doesNotMatch(row?.last_error ?? '', /not a number/, 'the bad value itself is not repeated');
    assert.ok(!runs.some((r) => typeof r.n !== 'number'), 'the handler never saw the bad payload');
  });

  it('shares the queue between workers without running a job twice', async () => {
    const secondDb = openDatabase(t.url, 4);
    const second = await startWorker({
      pool: secondDb.pool,
      jobs: [echo, flaky],
      concurrency: 2,
      logger: createLogger('silent'),
    });
    try {
      const numbers = Array.from({ length: 30 }, (_, i) => 100 + i);
      await t.database.db.transaction().execute(async (trx) => {
        for (const n of numbers) await enqueue(trx, echo, { n });
      });
      await waitFor('every job', () => numbers.every((n) => runsOf('echo', n).length > 0));
      await sleep(300);
      for (const n of numbers) assert.equal(runsOf('echo', n).length, 1, `job ${n} ran once`);
    } finally {
      await second.stop();
      await secondDb.close();
    }
  });

  it('prints no warnings of the queue library on the console', () => {
    assert.deepEqual(consoleWarnings, []);
    assert.ok(!logLines.some((l) => l.level === 40), JSON.stringify(logLines.filter((l) => l.level === 40)));
  });
});
