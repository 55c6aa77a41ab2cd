/**
 * Background work of the sync: `dossiers.sync.push` sends one dossier's outbox in order (one job
 * per dossier, job key `dossiers-sync-push:<id>`, re-enqueued for the time of the next attempt
 * while the portal does not acknowledge); `dossiers.sync.pull` pulls dossiers filed on the
 * national portal and re-enqueues itself every `pullSeconds` (job key `dossiers.sync.pull`, so one
 * is ever pending); it also re-enqueues pushes of any dossier whose item is due, a safety net for
 * a push job that gave up on a database error.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../../platform/db/database.ts';
import { defineJob, enqueue, type JobDefinition } from '../../../platform/jobs/index.ts';
import type { PushOutcome } from './outbox.ts';
import { syncRepo } from './repo.ts';

const PULL = 'dossiers.sync.pull';
const pushPayload = z.object({ dossierId: z.uuid() });

export function createSyncJobs(deps: {
  db: Db;
  logger: Logger;
  pullSeconds: number;
  now: () => Date;
  pushDossier: (dossierId: string) => Promise<PushOutcome>;
  pull: () => Promise<unknown>;
}) {
  const push: JobDefinition<typeof pushPayload> = defineJob({
    name: 'dossiers.sync.push',
    payload: pushPayload,
    async handle({ dossierId }) {
      const outcome = await deps.pushDossier(dossierId);
      if (outcome.kind === 'waiting') await enqueuePush(deps.db, dossierId, outcome.until);
      // Another worker holds the dossier: look again shortly (it may finish before our item).
      if (outcome.kind === 'busy')
        await enqueuePush(deps.db, dossierId, new Date(deps.now().getTime() + 2_000));
    },
  });

  async function enqueuePush(db: DbOrTx, dossierId: string, runAt?: Date): Promise<void> {
    await enqueue(
      db,
      push,
      { dossierId },
      { jobKey: `dossiers-sync-push:${dossierId}`, ...(runAt ? { runAt } : {}), maxAttempts: 25 },
    );
  }

  const pull: JobDefinition = defineJob({
    name: PULL,
    payload: z.object({}),
    async handle() {
      try {
        await deps.pull();
        for (const id of await syncRepo.dueDossiers(deps.db, deps.now(), 500)) await enqueuePush(deps.db, id);
      } catch (error) {
        // Never thrown: a retry of this job would run beside the next scheduled one.
        deps.logger.error({ action: 'dossiers.sync.pull_failed', err: error }, 'national portal pull failed');
      }
      await schedule(new Date(deps.now().getTime() + deps.pullSeconds * 1000));
    },
  });

  /** Enqueues the periodic pull at `at` (default now), replacing a pending one. */
  async function schedule(at?: Date): Promise<void> {
    await enqueue(deps.db, pull, {}, { jobKey: PULL, ...(at ? { runAt: at } : {}) });
  }

  return { jobs: [push, pull] as JobDefinition[], enqueuePush, schedule };
}
