// The deadline job: warns the officer holding a step before it falls due, and marks dossiers that
// passed their due date. Runs every 15 minutes (one pending job, key `dossiers.deadlines`);
// running it twice changes nothing (warned_at / overdue_at are set once).
import { z } from 'zod';
import { systemContext } from '../../platform/context.ts';
import { defineJob, enqueue, type JobDefinition } from '../../platform/jobs/index.ts';
import type { DossiersDeps } from './deps.ts';
import type { DossiersTables } from './tables.ts';
import { stepsRepo } from './workflow/repo.ts';

const JOB = 'dossiers.deadlines';
const EVERY_MS = 15 * 60_000;
/** A step is "due soon" within this many working hours. */
export const WARN_WORKING_HOURS = 4;

export function createDeadlineJobs(
  deps: Pick<DossiersDeps, 'db' | 'logger' | 'calendar' | 'notify' | 'now'>,
) {
  /** One pass: warnings before due, overdue marks. Returns what it did (for tests and logs). */
  async function run(): Promise<{ warned: number; overdue: number }> {
    const now = deps.now();
    const until = deps.calendar.addWorkingHours(now, WARN_WORKING_HOURS);
    const ctx = systemContext(JOB);
    let warned = 0;
    for (const step of await stepsRepo.dueUnwarned(deps.db, until, 500)) {
      await deps.db.transaction().execute(async (trx) => {
        const claimed = await trx
          .withTables<DossiersTables>()
          .updateTable('dossiers_steps')
          .set({ warned_at: now })
          .where('id', '=', step.id)
          .where('warned_at', 'is', null)
          .where('finished_at', 'is', null)
          .returning(['dossier_id'])
          .executeTakeFirst();
        if (!claimed || !step.assignee_id) return;
        const d = await trx
          .withTables<DossiersTables>()
          .selectFrom('dossiers_dossiers')
          .select('code')
          .where('id', '=', step.dossier_id)
          .executeTakeFirst();
        const late = step.due_at !== null && step.due_at < now;
        // In-app notice to the officer holding the step (notify's dossier status template).
        await deps.notify.notify(
          ctx,
          {
            recipient: { accountId: step.assignee_id },
            template: 'dossier_status_changed',
            params: {
              dossierCode: d?.code ?? '',
              statusName: late
                ? {
                    vi: `Bước ${step.name_vi} đã quá hạn`.slice(0, 60),
                    en: `Step ${step.name_en} is overdue`.slice(0, 60),
                  }
                : {
                    vi: `Bước ${step.name_vi} sắp đến hạn`.slice(0, 60),
                    en: `Step ${step.name_en} is due soon`.slice(0, 60),
                  },
            },
            channels: ['in_app'],
            dedupeKey: `dossier-step:${step.id}:due`,
          },
          trx,
        );
        warned += 1;
      });
    }
    const marked = await deps.db
      .withTables<DossiersTables>()
      .updateTable('dossiers_dossiers')
      .set({ overdue_at: now })
      .where('status', 'in', ['received', 'processing'])
      .where('overdue_at', 'is', null)
      .where('due_at', '<', now)
      .executeTakeFirst();
    const overdue = Number(marked.numUpdatedRows);
    if (warned || overdue) deps.logger.info({ action: JOB, warned, overdue }, 'deadlines checked');
    return { warned, overdue };
  }

  const job: JobDefinition = defineJob({
    name: JOB,
    payload: z.object({}),
    async handle() {
      await run();
      await schedule(new Date(deps.now().getTime() + EVERY_MS));
    },
  });

  /** Enqueues the next pass at `at` (replacing a pending one). */
  async function schedule(at: Date = deps.now()) {
    await enqueue(deps.db, job, {}, { jobKey: JOB, runAt: at });
  }

  return { job, run, schedule };
}
