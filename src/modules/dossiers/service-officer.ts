// The minimal one-stop desk kept from the portal issue: the agency's list, receive without a
// version, and return an uploaded signed PDF (9 then 10) outside the workflow. The back office
// proper is service-desk / -process / -result / -lists.
import type { RequestContext } from '../../platform/context.ts';
import { Unauthenticated } from '../../platform/errors.ts';
import { hasRole } from '../../platform/context.ts';
import type { DossiersDeps } from './deps.ts';
import { checkUpload } from './files.ts';
import { dossiersRepo } from './repo.ts';
import { createDesk } from './service-desk.ts';
import { changeStatus, handledDossier, requireState, toView, type DossierView } from './shared.ts';
import { createEngine } from './workflow/engine.ts';
import { stepsRepo } from './workflow/repo.ts';
import { inProgress } from './statuses.ts';

export function createOfficerActions(deps: DossiersDeps) {
  const { db } = deps;
  const desk = createDesk(deps);
  const engine = createEngine(deps);
  return {
    /** Submitted dossiers of the officer's agency, newest first. */
    async listForAgency(ctx: RequestContext): Promise<DossierView[]> {
      if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, 'one_stop_officer')) throw Unauthenticated();
      return (await dossiersRepo.ofAgency(db, ctx.actor.agencyId, 200)).map(toView);
    },

    /** A dossier of the officer's agency (404 for anyone else, citizens included). */
    async officerView(ctx: RequestContext, id: string): Promise<DossierView> {
      return toView(await handledDossier(db, ctx, id));
    },

    /** Tiếp nhận without a version (the minimal desk): see `accept`. */
    async receive(ctx: RequestContext, id: string): Promise<DossierView> {
      return desk.actions.accept(ctx, id);
    },

    /** Returns the signed result (a PDF): processed (9), then returned online (10); the citizen is told. */
    async returnResult(ctx: RequestContext, id: string, pdf: Buffer): Promise<DossierView> {
      await handledDossier(db, ctx, id);
      await checkUpload(pdf, { maxBytes: deps.maxFileBytes, scan: deps.scan, only: ['application/pdf'] });
      const blob = await deps.blobs.put(pdf, { maxBytes: deps.maxFileBytes });
      return db.transaction().execute(async (trx) => {
        const row = await handledDossier(trx, ctx, id, true);
        requireState(row, inProgress);
        const now = deps.now();
        // Returned outside the workflow: the open step ends here.
        const open = await stepsRepo.open(trx, row.id);
        if (open) await engine.close(trx, ctx, row, open, 'finished', null);
        const ready = await changeStatus(deps, trx, ctx, row, 'result_ready', {
          notice: 'none',
          set: {
            result_sha256: blob.sha256,
            finished_at: now,
            timeliness: row.due_at ? deps.calendar.timeliness(now, row.due_at) : null,
          },
        });
        return toView(
          await changeStatus(deps, trx, ctx, ready, 'delivered', {
            notice: 'result',
            set: { return_method: 'online', delivered_at: now, archived_at: now },
          }),
        );
      });
    },
  };
}
