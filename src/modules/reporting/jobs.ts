/**
 * Periods open by themselves: lazily on first use (any read or write naming the period), and
 * by this daily job, which opens the period in progress of every published regime so that
 * expected-report counts exist before anyone submits. The job re-enqueues itself for the next
 * day (job key `reporting.open-periods`, so there is only ever one pending).
 */
import { z } from 'zod';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { defineJob, enqueue, type JobDefinition } from '../../platform/jobs/index.ts';
import type { Logger } from 'pino';
import type { RegimeService } from './service-regimes.ts';

const JOB = 'reporting.open-periods';

export function createReportingJobs(deps: {
  db: Db;
  logger: Logger;
  regimes: RegimeService;
  now: () => Date;
}) {
  const openPeriods: JobDefinition = defineJob({
    name: JOB,
    payload: z.object({}),
    async handle() {
      const opened = await deps.regimes.openCurrentPeriods(systemContext(JOB));
      deps.logger.info({ action: JOB, opened: opened.length }, 'current periods open');
      await schedule(new Date(deps.now().getTime() + 24 * 3_600_000));
    },
  });
  /** Enqueues the job at `at` (replacing a pending one). */
  async function schedule(at: Date) {
    await enqueue(deps.db, openPeriods, {}, { jobKey: JOB, runAt: at });
  }
  return { jobs: [openPeriods], schedule, openPeriods };
}
