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
import type { ReminderService } from './service-reminders.ts';

const JOB = 'reporting.open-periods';
const REMIND = 'reporting.remind';

export function createReportingJobs(deps: {
  db: Db;
  logger: Logger;
  regimes: RegimeService;
  reminders: ReminderService;
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
  /** Daily: reminders before the deadline and to late units (deduplicated per unit, period and kind). */
  const remind: JobDefinition = defineJob({
    name: REMIND,
    payload: z.object({}),
    async handle() {
      await deps.reminders.run(systemContext(REMIND));
      await enqueue(
        deps.db,
        remind,
        {},
        { jobKey: REMIND, runAt: new Date(deps.now().getTime() + 24 * 3_600_000) },
      );
    },
  });
  /** Enqueues both daily jobs at `at` (replacing pending ones). */
  async function schedule(at: Date) {
    await enqueue(deps.db, openPeriods, {}, { jobKey: JOB, runAt: at });
    await enqueue(deps.db, remind, {}, { jobKey: REMIND, runAt: at });
  }
  return { jobs: [openPeriods, remind], schedule, openPeriods, remind };
}
