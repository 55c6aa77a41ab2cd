// The deadline job: warns the officer holding a step before it falls due (a step still waiting in
// a queue: the officials who may take it, of its unit when it has one), and marks dossiers that
// passed their due date. Runs every 15 minutes (one pending job, key `dossiers.deadlines`);
// running it twice changes nothing (warned_at / overdue_at are set once).
import { z } from 'zod';
import { systemContext } from '../../platform/context.ts';
import { defineJob, enqueue, type JobDefinition } from '../../platform/jobs/index.ts';
import type { DossiersDeps, OfficialInfo } from './deps.ts';
import type { DossiersTables } from './tables.ts';
import { stepsRepo } from './workflow/repo.ts';

const JOB = 'dossiers.deadlines';
const EVERY_MS = 15 * 60_000;
/** A step is "due soon" within this many working hours. */
export const WARN_WORKING_HOURS = 4;
/** At most this many officials are warned of one queued step (a queue, not a mailing list). */
const QUEUE_WARN_LIMIT = 20;

export function createDeadlineJobs(
  deps: Pick<DossiersDeps, 'db' | 'logger' | 'calendar' | 'notify' | 'now' | 'officials'>,
) {
  /**
   * Who hears of a step falling due: its holder; for a step waiting in a queue, the active
   * officials of its agency with its role, only those of its unit when it is routed to one.
   */
  async function warnedOf(
    step: { assignee_id: string | null; agency_id: string; role: string; unit_id: string | null },
    agencies: Map<string, Promise<OfficialInfo[]>>,
  ) {
    if (step.assignee_id) return [step.assignee_id];
    let officials = agencies.get(step.agency_id);
    if (!officials) agencies.set(step.agency_id, (officials = deps.officials.ofAgency(step.agency_id)));
    return (await officials)
      .filter((o) => o.active && o.roles.includes(step.role))
      .filter((o) => step.unit_id === null || (o.unitId ?? null) === step.unit_id)
      .slice(0, QUEUE_WARN_LIMIT)
      .map((o) => o.id);
  }

  /** One pass: warnings before due, overdue marks. Returns what it did (for tests and logs). */
  async function run(): Promise<{ warned: number; overdue: number }> {
    const now = deps.now();
    const until = deps.calendar.addWorkingHours(now, WARN_WORKING_HOURS);
    const ctx = systemContext(JOB);
    let warned = 0;
    const agencies = new Map<string, Promise<OfficialInfo[]>>(); // officials read once per pass
    for (const step of await stepsRepo.dueUnwarned(deps.db, until, 500)) {
      const recipients = await warnedOf(step, agencies);
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
        if (!claimed) return;
        const d = await trx
          .withTables<DossiersTables>()
          .selectFrom('dossiers_dossiers')
          .select('code')
          .where('id', '=', step.dossier_id)
          .executeTakeFirst();
        const late = step.due_at !== null && step.due_at < now;
        // In-app notices to officials (notify's `dossier_step_due`), once per step and official.
        for (const accountId of recipients)
          await deps.notify.notify(
            ctx,
            {
              recipient: { accountId },
              template: 'dossier_step_due',
              params: {
                dossierCode: d?.code ?? '',
                stepName: { vi: step.name_vi.slice(0, 100), en: step.name_en.slice(0, 100) },
                dueAt: (step.due_at ?? now).toISOString(),
                state: late ? 'overdue' : 'due_soon',
              },
              channels: ['in_app'],
              dedupeKey: `dossier-step:${step.id}:due:${accountId}`,
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
