/**
 * The notify module on a fresh test database with a running worker: the test's composition
 * root. Transports are real (nodemailer to the fake SMTP server, HTTP to the fake SMS gateway)
 * or the development outbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../src/platform/config.ts';
import { systemContext } from '../../src/platform/context.ts';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import {
  createNotifyModule,
  type NotificationAdminView,
  type NotifyModule,
  type NotifyTransports,
} from '../../src/modules/notify/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { testConfig } from '../support/config.ts';

export interface NotifyHarness {
  db: TestDatabase;
  config: Config;
  notify: NotifyModule;
  /** Every log line the module and the worker wrote, to check nothing personal is in them. */
  logs: string[];
  logger: Logger;
  /** Waits until a notification reaches a final status, skipping the queue's backoff waits. */
  waitForStatus(id: string, status: 'sent' | 'failed', timeoutMs?: number): Promise<NotificationAdminView>;
  close(): Promise<void>;
}

export const portalUrl = 'https://dichvucong.minhson.gov.vn';

export async function startNotifyHarness(
  makeTransports: (deps: { db: TestDatabase; logger: Logger; config: Config }) => NotifyTransports,
  o: { maxAttempts?: number } = {},
): Promise<NotifyHarness> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-notify-'));
  const config = testConfig({
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    BASE_URL: portalUrl,
  });
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const notify = createNotifyModule({
    db: db.database.db,
    logger,
    config,
    transports: makeTransports({ db, logger, config }),
    maxAttempts: o.maxAttempts ?? 3,
  });
  const worker: WorkerHandle = await startWorker({
    pool: db.database.pool,
    jobs: notify.jobs,
    concurrency: 2,
    logger,
  });
  const admin = systemContext('test');

  async function fastForward(): Promise<void> {
    // The queue waits e^attempts seconds between tries; tests move retries to now instead.
    await sql`SELECT graphile_worker.reschedule_jobs(
      ARRAY(SELECT id FROM graphile_worker.jobs
            WHERE task_identifier = 'notify.deliver' AND locked_at IS NULL AND attempts > 0),
      run_at => now())`.execute(db.database.db);
  }

  return {
    db,
    config,
    notify,
    logs,
    logger,
    async waitForStatus(id, status, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rows = await notify.service.recent(admin, { limit: 500 });
        const row = rows.find((r) => r.id === id);
        if (row && row.status === status) return row;
        if (row && row.status !== 'queued')
          throw new Error(
            `notification ${id} is ${row.status} (${row.lastErrorCode ?? ''}), ${status} expected`,
          );
        if (Date.now() > deadline) throw new Error(`notification ${id} still ${row?.status ?? 'missing'}`);
        await fastForward();
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await worker.stop();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
