// The minimal one-stop officer actions that make the citizen journey testable: receive (2),
// request a supplement (5, form 02) and return a result (9 then 10). The back office builds on these.
import type { RequestContext } from '../../platform/context.ts';
import { Unauthenticated } from '../../platform/errors.ts';
import { hasRole } from '../../platform/context.ts';
import type { DossiersDeps } from './deps.ts';
import { DossierInvalid } from './errors.ts';
import { checkUpload } from './files.ts';
import { dossiersRepo } from './repo.ts';
import { changeStatus, handledDossier, requireState, toView, type DossierView } from './shared.ts';
import { inProgress } from './statuses.ts';

export function createOfficerActions(deps: DossiersDeps) {
  const { db } = deps;
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

    /** Tiếp nhận: the dossier is complete and accepted (TrangThaiHoSo 2). */
    async receive(ctx: RequestContext, id: string): Promise<DossierView> {
      return db.transaction().execute(async (trx) => {
        const row = await handledDossier(trx, ctx, id, true);
        requireState(row, ['submitted']);
        return toView(await changeStatus(deps, trx, ctx, row, 'received'));
      });
    },

    /** Form 02: the papers missing or to complete (TrangThaiHoSo 5); the citizen is told what. */
    async requestSupplement(ctx: RequestContext, id: string, missing: string): Promise<DossierView> {
      const note = missing.trim().slice(0, 2000);
      if (!note) throw DossierInvalid({ field: 'missing' });
      return db.transaction().execute(async (trx) => {
        const row = await handledDossier(trx, ctx, id, true);
        requireState(row, ['submitted', 'received', 'processing']);
        return toView(
          await changeStatus(deps, trx, ctx, row, 'awaiting_supplement', {
            note,
            notice: 'supplement',
            set: { supplement_note: note },
          }),
        );
      });
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
        const ready = await changeStatus(deps, trx, ctx, row, 'result_ready', {
          notice: 'none',
          set: { result_sha256: blob.sha256, finished_at: now },
        });
        return toView(await changeStatus(deps, trx, ctx, ready, 'delivered', { notice: 'result' }));
      });
    },
  };
}
