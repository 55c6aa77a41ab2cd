// Following a dossier: lists, the timeline, downloads, withdrawal, supplements, public lookup,
// feedback and statistics; and the hook the payments module calls when the fee is paid.
import { timingSafeEqual } from 'node:crypto';
import { recordAudit } from '../../platform/audit/chain.ts';
import { systemContext, type RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { Text } from '../../platform/i18n/index.ts';
import { Unauthenticated } from '../../platform/errors.ts';
import type { PaymentView } from '../payments/index.ts';
import type { DossiersDeps } from './deps.ts';
import { DossierInvalid, DossierNotFound, LookupFailed } from './errors.ts';
import { notifyRatingGiven } from './observers.ts';
import { dossiersRepo, type PaperRow } from './repo.ts';
import { receiptPdf, secretHash } from './service-filing.ts';
import { createDesk } from './service-desk.ts';
import { createFeeRequests, feeRequestOf } from './service-payment-request.ts';
import { createEngine } from './workflow/engine.ts';
import { stepsRepo } from './workflow/repo.ts';
import { changeStatus, ownDossier, readable, requireState, toView, type DossierView } from './shared.ts';
import { nationalCode, statusNames, withdrawable } from './statuses.ts';
import type { DossierStatus, EventKind } from './tables.ts';

export interface TimelineEntry {
  kind: EventKind;
  status: DossierStatus;
  nationalStatus: number | null;
  statusName: Text;
  note: string | null;
  at: string;
}

export interface PaperView {
  id: string;
  paperKey: string;
  purpose: 'paper' | 'supplement';
  fileName: string;
  mediaType: string;
  bytes: number;
  uploadedAt: string;
}

export interface LookupView {
  code: string;
  procedureName: string;
  agencyName: string;
  status: DossierStatus;
  nationalStatus: number | null;
  statusName: Text;
  submittedAt: string | null;
  dueAt: string | null;
}

export interface StatisticsRow {
  agencyId: string;
  agencyName: string;
  procedureCode: string;
  procedureName: string;
  received: number;
  completed: number;
  onTime: number;
  onTimeRate: number | null;
  averageRating: number | null;
  ratings: number;
}

const CODE = /^[A-Za-z0-9.\-_/]{1,100}$/;

const paperView = (p: PaperRow): PaperView => ({
  id: p.id,
  paperKey: p.paper_key,
  purpose: p.purpose,
  fileName: p.file_name,
  mediaType: p.media_type,
  bytes: p.bytes,
  uploadedAt: p.uploaded_at.toISOString(),
});

export function createFollowing(deps: DossiersDeps) {
  const { db } = deps;

  /** The dossier a code and its lookup key open; LookupFailed (404) for anything else. */
  async function byLookup(code: string, secret: string) {
    const c = code.trim();
    const s = secret.trim().toUpperCase();
    if (!CODE.test(c) || s.length < 6 || s.length > 40) throw LookupFailed();
    const row = await dossiersRepo.byCode(db, c);
    const expected = Buffer.from(row?.lookup_secret_hash ?? '0'.repeat(64), 'hex');
    const given = Buffer.from(secretHash(s), 'hex');
    if (!row?.lookup_secret_hash || !timingSafeEqual(expected, given)) throw LookupFailed();
    return row;
  }
  const desk = createDesk(deps);
  const engine = createEngine(deps);
  const feeRequests = createFeeRequests(deps);
  return {
    /** The signed-in citizen's dossiers (drafts too), newest first. */
    async listMine(ctx: RequestContext): Promise<DossierView[]> {
      if (ctx.actor.kind !== 'citizen') throw Unauthenticated();
      return (await dossiersRepo.ofApplicant(db, ctx.actor.accountId, 200)).map(toView);
    },

    async get(ctx: RequestContext, id: string): Promise<DossierView> {
      return toView(await readable(db, ctx, id));
    },

    async timeline(ctx: RequestContext, id: string): Promise<TimelineEntry[]> {
      await readable(db, ctx, id);
      return (await dossiersRepo.events(db, id)).map((e) => ({
        kind: e.kind,
        status: e.status,
        nationalStatus: nationalCode[e.status],
        statusName: statusNames[e.status],
        note: e.note,
        at: e.at.toISOString(),
      }));
    },

    async papers(ctx: RequestContext, id: string): Promise<PaperView[]> {
      await readable(db, ctx, id);
      return (await dossiersRepo.papers(db, id)).map(paperView);
    },

    /** One attached paper's bytes, for the applicant and the handling officers. */
    async paperFile(ctx: RequestContext, id: string, paperId: string) {
      await readable(db, ctx, id);
      const paper = (await dossiersRepo.papers(db, id)).find((p) => p.id === paperId);
      if (!paper) throw DossierNotFound();
      return {
        bytes: await deps.blobs.read(paper.sha256),
        fileName: paper.file_name,
        mediaType: paper.media_type,
      };
    },

    /** Payments of the dossier's fees, for its applicant and handling officers. */
    async paymentsOf(ctx: RequestContext, id: string): Promise<PaymentView[]> {
      await readable(db, ctx, id);
      return deps.payments ? deps.payments.paymentsOf(ctx, id) : [];
    },

    /** The receipt (form 01) of a submitted dossier. */
    async receipt(ctx: RequestContext, id: string): Promise<{ pdf: Buffer; code: string }> {
      const row = await readable(db, ctx, id);
      if (!row.receipt_sha256 || !row.code) throw DossierNotFound();
      return { pdf: await receiptPdf(deps, row), code: row.code };
    },

    /** The signed result, once returned. */
    async result(ctx: RequestContext, id: string): Promise<{ pdf: Buffer; code: string }> {
      const row = await readable(db, ctx, id);
      if (!row.result_sha256 || !row.code) throw DossierNotFound();
      return { pdf: await deps.blobs.read(row.result_sha256), code: row.code };
    },

    /** The citizen withdraws a dossier before processing ends (TrangThaiHoSo 7). */
    async withdraw(ctx: RequestContext, id: string, reason: string): Promise<DossierView> {
      return db.transaction().execute(async (trx) => {
        const row = await ownDossier(trx, ctx, id, true);
        requireState(row, withdrawable);
        const open = await stepsRepo.open(trx, row.id);
        if (open) await engine.close(trx, ctx, row, open, 'withdrawn', null);
        return toView(
          await changeStatus(deps, trx, ctx, row, 'withdrawn', {
            note: reason.trim().slice(0, 2000) || null,
            set: { finished_at: deps.now(), archived_at: deps.now() },
          }),
        );
      });
    },

    /** The citizen has uploaded the requested papers: back to processing (TrangThaiHoSo 4). */
    async completeSupplement(ctx: RequestContext, id: string, note: string): Promise<DossierView> {
      return db.transaction().execute(async (trx) => {
        const row = await ownDossier(trx, ctx, id, true);
        requireState(row, ['awaiting_supplement']);
        const papers = await dossiersRepo.papers(trx, id);
        const since = (await dossiersRepo.events(trx, id))
          .filter((e) => e.status === 'awaiting_supplement')
          .at(-1)?.at;
        if (!papers.some((p) => p.purpose === 'supplement' && (!since || p.uploaded_at >= since)))
          throw DossierInvalid({ field: 'file' });
        await dossiersRepo.addEvent(trx, {
          dossierId: id,
          kind: 'supplemented',
          status: row.status,
          note: note.trim().slice(0, 2000) || null,
          actorKind: ctx.actor.kind,
        });
        return toView(await desk.resumeAfterSupplement(trx, ctx, row));
      });
    },

    /** Anyone holding the code and the receipt's lookup key sees the status; nothing personal. */
    async lookup(code: string, secret: string): Promise<LookupView> {
      const row = await byLookup(code, secret);
      return {
        code: row.code ?? '',
        procedureName: row.procedure_name,
        agencyName: row.agency_name,
        status: row.status,
        nationalStatus: nationalCode[row.status],
        statusName: statusNames[row.status],
        submittedAt: row.submitted_at?.toISOString() ?? null,
        dueAt: row.due_at?.toISOString() ?? null,
      };
    },

    /**
     * The papers of a dossier for whoever holds its code and lookup key: an applicant without an
     * account (counter or postal intake) gets the scans taken of their papers this way.
     */
    async lookupPapers(code: string, secret: string): Promise<{ versionId: string; papers: PaperView[] }> {
      const row = await byLookup(code, secret);
      return { versionId: row.version_id, papers: (await dossiersRepo.papers(db, row.id)).map(paperView) };
    },

    /** One paper's bytes, with the dossier's code and lookup key (else LookupFailed, 404). */
    async lookupPaperFile(code: string, secret: string, paperId: string) {
      const row = await byLookup(code, secret);
      const paper = (await dossiersRepo.papers(db, row.id)).find((p) => p.id === paperId);
      if (!paper) throw LookupFailed();
      return {
        bytes: await deps.blobs.read(paper.sha256),
        fileName: paper.file_name,
        mediaType: paper.media_type,
      };
    },

    /** After the result: a rating (1–5) and a comment, once. */
    async giveFeedback(
      ctx: RequestContext,
      id: string,
      input: { rating: number; comment: string },
    ): Promise<DossierView> {
      if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
        throw DossierInvalid({ field: 'rating' });
      return db.transaction().execute(async (trx) => {
        const row = await ownDossier(trx, ctx, id, true);
        requireState(row, ['result_ready', 'delivered']);
        if (row.rating !== null) throw DossierInvalid({ field: 'rating', reason: 'already rated' });
        const updated = await dossiersRepo.update(trx, id, {
          rating: input.rating,
          feedback: input.comment.trim().slice(0, 2000) || null,
          feedback_at: deps.now(),
        });
        await dossiersRepo.addEvent(trx, {
          dossierId: id,
          kind: 'feedback',
          status: row.status,
          actorKind: 'citizen',
        });
        await recordAudit(trx, ctx, {
          action: 'dossiers.feedback',
          subjectType: 'dossier',
          subjectIds: [id],
          agencyId: row.agency_id,
          details: { rating: input.rating },
        });
        await notifyRatingGiven(deps.observers, trx, {
          dossier: updated,
          rating: input.rating,
          at: updated.feedback_at ?? deps.now(),
        });
        return toView(updated);
      });
    },

    /** Public statistics per agency and procedure: received, completed, on time, satisfaction. */
    async statistics(
      o: { agencyId?: string | undefined; procedureCode?: string | undefined } = {},
    ): Promise<StatisticsRow[]> {
      const rows = await dossiersRepo.statistics(db, o);
      return rows.map((r) => {
        const completed = Number(r.completed);
        const onTime = Number(r.on_time);
        return {
          agencyId: r.agency_id,
          agencyName: r.agency_name,
          procedureCode: r.procedure_code,
          procedureName: r.procedure_name,
          received: Number(r.received),
          completed,
          onTime,
          onTimeRate: completed > 0 ? Math.round((onTime / completed) * 1000) / 1000 : null,
          averageRating: r.rating === null ? null : Math.round(Number(r.rating) * 10) / 10,
          ratings: Number(r.ratings),
        };
      });
    },

    /**
     * The payments hook: inside the paying transaction, marks the dossier's fee paid (on the
     * timeline), or the fee request a payment pays (`service-payment-request.ts`).
     */
    async onPaid(trx: Tx, payment: PaymentView): Promise<void> {
      if (payment.reference.kind !== 'dossier') return;
      // A fee the officer asked for (status 6): the request is paid and the dossier resumes.
      const requestId = feeRequestOf(payment);
      if (requestId) return feeRequests.onRequestPaid(trx, payment, requestId);
      const row = await dossiersRepo.byId(trx, payment.reference.id, true);
      if (!row || row.fee_paid_at) return;
      await dossiersRepo.update(trx, row.id, {
        fee_paid_at: payment.paidAt ? new Date(payment.paidAt) : deps.now(),
      });
      await dossiersRepo.addEvent(trx, {
        dossierId: row.id,
        kind: 'fee_paid',
        status: row.status,
        note: `${payment.amount} VND`,
        actorKind: 'system',
      });
      await recordAudit(trx, systemContext('dossiers.fee_paid'), {
        action: 'dossiers.fee_paid',
        subjectType: 'dossier',
        subjectIds: [row.id, payment.id],
        agencyId: row.agency_id,
        details: { code: row.code, amount: payment.amount, txnRef: payment.txnRef },
      });
    },
  };
}
