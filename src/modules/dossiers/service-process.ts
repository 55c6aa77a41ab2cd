// Processing (giải quyết): take a task, forward it to the next step, reassign it, send it back,
// extend the due date with an apology (form 04), stop processing (form 05), and the process
// control sheet (form 06). Each action locks the dossier, checks the version the officer saw,
// and records the hand-off (a line of form 06) through the engine, which tells the observers.
import { recordAudit } from '../../platform/audit/chain.ts';
import { localDay } from '../../platform/calendar/index.ts';
import { hasRole, type RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { DossiersDeps } from './deps.ts';
import {
  AssigneeInvalid,
  DossierInvalid,
  DossierNotFound,
  NoOpenStep,
  ResultMissing,
  StepNotYours,
} from './errors.ts';
import { renderApology, renderControlSheet, renderStop } from './forms/index.ts';
import { dossiersRepo, type DossierRow } from './repo.ts';
import { createDesk, header } from './service-desk.ts';
import { receiptPdf } from './service-filing.ts';
import {
  agencyDossier,
  changeStatus,
  readable,
  requireState,
  requireVersion,
  toView,
  type DossierView,
} from './shared.ts';
import type { StepOutcome, TimelinessValue } from './tables.ts';
import { outcomeText, createEngine, officerName, workflowOfDossier } from './workflow/engine.ts';
import { roleTitles } from './workflow/definition.ts';
import { documentsRepo, stepsRepo, type StepRow } from './workflow/repo.ts';
import { inUnitOf, StepOfOtherUnit } from './workflow/units.ts';

export interface StepView {
  seq: number;
  key: string;
  name: { vi: string; en: string };
  role: string;
  /** The unit the step is routed to (null: the agency's own queue). */
  unitId: string | null;
  unitName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  senderName: string | null;
  startedAt: string;
  dueAt: string | null;
  takenAt: string | null;
  finishedAt: string | null;
  finishedByName: string | null;
  timeliness: TimelinessValue | null;
  outcome: StepOutcome | null;
  outcomeText: { vi: string; en: string } | null;
  note: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toStepView(s: StepRow): StepView {
  return {
    seq: s.seq,
    key: s.step_key,
    name: { vi: s.name_vi, en: s.name_en },
    role: s.role,
    unitId: s.unit_id,
    unitName: s.unit_name,
    assigneeId: s.assignee_id,
    assigneeName: s.assignee_name,
    senderName: s.sender_name,
    startedAt: s.started_at.toISOString(),
    dueAt: iso(s.due_at),
    takenAt: iso(s.taken_at),
    finishedAt: iso(s.finished_at),
    finishedByName: s.finished_by_name,
    timeliness: s.timeliness,
    outcome: s.outcome,
    outcomeText: s.outcome ? outcomeText[s.outcome] : null,
    note: s.note,
  };
}

/**
 * The actor may work on the step: holds its role, belongs to its unit (when it has one), and
 * it is theirs or still in the queue.
 */
export function requireHolder(ctx: RequestContext, step: StepRow): void {
  if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, step.role as never)) throw StepNotYours();
  const mine = step.assignee_id === ctx.actor.accountId;
  if (!mine && !inUnitOf(ctx.actor, step.unit_id)) throw StepOfOtherUnit();
  if (step.assignee_id && !mine) throw StepNotYours();
}

/** Reassign, extend, stop: the head of the agency, or a unit leader of the step's unit. */
export function requireLeader(ctx: RequestContext, step: StepRow): void {
  if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, 'unit_leader', 'admin')) throw StepNotYours();
  if (!inUnitOf(ctx.actor, step.unit_id)) throw StepOfOtherUnit();
}

type Versioned = { version?: number | undefined };
const cleanNote = (n: string | undefined) => n?.trim().slice(0, 2000) || null;

export function createProcessing(deps: DossiersDeps) {
  const { db } = deps;
  const engine = createEngine(deps);
  const desk = createDesk(deps);

  /** The dossier locked, at the version the officer saw, with its open step. */
  async function lockWithStep(trx: Tx, ctx: RequestContext, id: string, version: number | undefined) {
    const row = await agencyDossier(trx, ctx, id, true);
    requireVersion(row, version);
    requireState(row, ['received', 'processing', 'result_ready']);
    const step = await stepsRepo.open(trx, row.id);
    if (!step) throw NoOpenStep();
    return { row, step };
  }

  /** Every accepted action bumps the version, so the other officer's stale one fails. */
  const bump = (trx: Tx, row: DossierRow) => dossiersRepo.update(trx, row.id, {});

  async function audit(trx: Tx, ctx: RequestContext, row: DossierRow, action: string, details = {}) {
    await recordAudit(trx, ctx, {
      action: `dossiers.${action}`,
      subjectType: 'dossier',
      subjectIds: [row.id],
      agencyId: row.agency_id,
      details: { code: row.code, ...details },
    });
  }

  const service = {
    /** A dossier of the agency for any back-office role (404 for anyone else). */
    async officerDossier(ctx: RequestContext, id: string): Promise<DossierView> {
      return toView(await agencyDossier(db, ctx, id));
    },

    /**
     * Active officials of the officer's agency holding `role` (to reassign a step to); for a step
     * routed to a unit (`unitId`), that unit's officials only.
     */
    async colleagues(ctx: RequestContext, role: string, unitId: string | null = null) {
      if (ctx.actor.kind !== 'official') throw DossierNotFound();
      const all = await deps.officials.ofAgency(ctx.actor.agencyId);
      return all
        .filter((o) => o.active && o.roles.includes(role) && (!unitId || o.unitId === unitId))
        .map((o) => ({ id: o.id, fullName: o.fullName }));
    },

    /** The dossier's steps (form 06 lines): its applicant and the agency's back office. */
    async steps(ctx: RequestContext, id: string): Promise<StepView[]> {
      await readable(db, ctx, id);
      return (await stepsRepo.ofDossier(db, id)).map(toStepView);
    },

    /** Takes the open step from the queue of one's role. */
    async take(ctx: RequestContext, id: string, o: Versioned = {}): Promise<DossierView> {
      const name = await officerName(deps, ctx);
      return db.transaction().execute(async (trx) => {
        const { row, step } = await lockWithStep(trx, ctx, id, o.version);
        requireHolder(ctx, step);
        if (ctx.actor.kind !== 'official') throw StepNotYours();
        await stepsRepo.update(trx, step.id, {
          assignee_id: ctx.actor.accountId,
          assignee_name: name,
          taken_at: deps.now(),
        });
        await audit(trx, ctx, row, 'step_taken', { step: step.step_key });
        return toView(await bump(trx, row));
      });
    },

    /**
     * Done with the step: hand it to the next one. Leaving the first step moves the dossier to
     * processing (4); entering the last step (the return) needs the signed result and moves it
     * to result ready (9), with the dossier's timeliness.
     */
    async forward(ctx: RequestContext, id: string, o: Versioned & { note?: string | undefined } = {}) {
      return db.transaction().execute(async (trx) => {
        const { row, step } = await lockWithStep(trx, ctx, id, o.version);
        requireHolder(ctx, step);
        requireState(row, ['received', 'processing']);
        const w = await workflowOfDossier(trx, row);
        const next = step.step_index + 1;
        if (next >= w.steps.length) throw DossierInvalid({ reason: 'last step: deliver the result' });
        const entersLast = next === w.steps.length - 1;
        if (entersLast && (!row.result_sha256 || !row.result_signature_sha256)) throw ResultMissing();
        await engine.close(trx, ctx, row, step, 'forwarded', cleanNote(o.note));
        let current = row;
        if (current.status === 'received')
          current = await changeStatus(deps, trx, ctx, current, 'processing');
        if (entersLast) {
          const now = deps.now();
          current = await changeStatus(deps, trx, ctx, current, 'result_ready', {
            notice: 'none',
            set: {
              finished_at: now,
              timeliness: current.due_at ? deps.calendar.timeliness(now, current.due_at) : null,
              timeliness_original: current.original_due_at
                ? deps.calendar.timeliness(now, current.original_due_at)
                : null,
            },
          });
        }
        await engine.open(trx, ctx, current, w, next);
        return toView(await bump(trx, current));
      });
    },

    /** Hands the open step to another officer of the agency who holds its role. */
    async reassign(
      ctx: RequestContext,
      id: string,
      o: Versioned & { assigneeId: string; note?: string | undefined },
    ): Promise<DossierView> {
      const target = await deps.officials.get(o.assigneeId);
      return db.transaction().execute(async (trx) => {
        const { row, step } = await lockWithStep(trx, ctx, id, o.version);
        if (hasRole(ctx.actor, 'unit_leader', 'admin')) requireLeader(ctx, step);
        else requireHolder(ctx, step);
        // A step of a unit goes to an official of that unit (or of the unit's own agency account).
        const inUnit =
          !!target &&
          (step.unit_id
            ? (target.agencyId === row.agency_id && target.unitId === step.unit_id) ||
              target.agencyId === step.unit_id
            : target.agencyId === row.agency_id);
        if (
          !target ||
          !target.active ||
          !inUnit ||
          !(target.roles.includes(step.role) || target.roles.includes('platform_admin'))
        )
          throw AssigneeInvalid();
        const w = await workflowOfDossier(trx, row);
        await engine.close(trx, ctx, row, step, 'reassigned', cleanNote(o.note) ?? target.fullName);
        await engine.open(trx, ctx, row, w, step.step_index, {
          assignee: { id: target.id, name: target.fullName },
        });
        return toView(await bump(trx, row));
      });
    },

    /** Sends the dossier back to an earlier step (with a reason); its last holder gets it again. */
    async sendBack(
      ctx: RequestContext,
      id: string,
      o: Versioned & { toStepKey: string; note: string },
    ): Promise<DossierView> {
      const note = cleanNote(o.note);
      if (!note) throw DossierInvalid({ field: 'note' });
      return db.transaction().execute(async (trx) => {
        const { row, step } = await lockWithStep(trx, ctx, id, o.version);
        requireHolder(ctx, step);
        requireState(row, ['received', 'processing']);
        const w = await workflowOfDossier(trx, row);
        const to = w.steps.findIndex((s) => s.key === o.toStepKey);
        if (to < 0 || to >= step.step_index) throw DossierInvalid({ field: 'toStepKey' });
        const before = (await stepsRepo.ofDossier(trx, row.id)).filter((s) => s.step_index === to).at(-1);
        await engine.close(trx, ctx, row, step, 'sent_back', note);
        await engine.open(trx, ctx, row, w, to, {
          assignee: before?.finished_by
            ? { id: before.finished_by, name: before.finished_by_name ?? '' }
            : null,
        });
        return toView(await bump(trx, row));
      });
    },

    /**
     * Suspends and extends (form 04): apology letter with the original and the new due date; the
     * step is handed back to itself with a fresh allotment. Unit leaders and heads of agency.
     */
    async extend(
      ctx: RequestContext,
      id: string,
      o: Versioned & { reason: string; workingDays: number },
    ): Promise<DossierView> {
      const reason = cleanNote(o.reason);
      if (!reason) throw DossierInvalid({ field: 'reason' });
      if (!Number.isInteger(o.workingDays) || o.workingDays < 1 || o.workingDays > 60)
        throw DossierInvalid({ field: 'workingDays' });
      const name = await officerName(deps, ctx);
      return db.transaction().execute(async (trx) => {
        const { row, step } = await lockWithStep(trx, ctx, id, o.version);
        requireLeader(ctx, step);
        requireState(row, ['received', 'processing']);
        const now = deps.now();
        const base = row.due_at && row.due_at > now ? row.due_at : now;
        const day = localDay(base);
        const newDue = new Date(
          base.getTime() + (deps.calendar.addWorkingDays(day, o.workingDays) - day) * 86_400_000,
        );
        const originalDue = row.original_due_at ?? row.due_at ?? now;
        const w = await workflowOfDossier(trx, row);
        await engine.close(trx, ctx, row, step, 'suspended', reason);
        const updated = await dossiersRepo.update(trx, row.id, {
          due_at: newDue,
          extended_due_at: newDue,
          original_due_at: originalDue,
          extensions: row.extensions + 1,
          suspended_at: now,
          suspension_reason: reason,
        });
        await engine.open(trx, ctx, updated, w, step.step_index, {
          assignee: step.assignee_id ? { id: step.assignee_id, name: step.assignee_name ?? '' } : null,
        });
        await desk.storeDocument(
          trx,
          row.id,
          '04',
          await renderApology(header(updated), { reason, originalDue, newDue, officer: name, at: now }),
        );
        await audit(trx, ctx, row, 'extended', { workingDays: o.workingDays });
        return toView(updated);
      });
    },

    /** Stops processing (form 05, TrangThaiHoSo 8); the dossier is closed and archived. */
    async stop(ctx: RequestContext, id: string, o: Versioned & { reason: string }): Promise<DossierView> {
      const reason = cleanNote(o.reason);
      if (!reason) throw DossierInvalid({ field: 'reason' });
      const name = await officerName(deps, ctx);
      return db.transaction().execute(async (trx) => {
        const { row, step } = await lockWithStep(trx, ctx, id, o.version);
        requireLeader(ctx, step);
        requireState(row, ['received', 'processing']);
        const now = deps.now();
        await engine.close(trx, ctx, row, step, 'stopped', reason);
        const updated = await changeStatus(deps, trx, ctx, row, 'stopped', {
          note: reason,
          set: {
            stop_reason: reason,
            finished_at: now,
            archived_at: now,
            timeliness: row.due_at ? deps.calendar.timeliness(now, row.due_at) : null,
          },
        });
        await desk.storeDocument(
          trx,
          row.id,
          '05',
          await renderStop(header(updated), { reason, officer: name, at: now }),
        );
        return toView(updated);
      });
    },

    /** Form 06 for any dossier of the agency: every step instance with its timeliness. */
    async controlSheet(ctx: RequestContext, id: string): Promise<Buffer> {
      const row = await agencyDossier(db, ctx, id);
      const steps = await stepsRepo.ofDossier(db, id);
      return renderControlSheet(
        header(row),
        steps.map((s) => ({
          stepName: s.name_vi,
          sender: s.sender_name ?? 'Bộ phận Một cửa',
          receiver: s.assignee_name ?? s.finished_by_name ?? s.unit_name ?? roleTitles[s.role]?.vi ?? s.role,
          startedAt: s.started_at,
          dueAt: s.due_at,
          finishedAt: s.finished_at,
          timeliness: s.timeliness,
          outcome: s.outcome ? outcomeText[s.outcome].vi : '',
        })),
      );
    },

    /** A form issued on the dossier (01–05), for the agency's officers and its applicant. */
    async document(ctx: RequestContext, id: string, form: '01' | '02' | '03' | '04' | '05'): Promise<Buffer> {
      const row = await readable(db, ctx, id);
      // Form 01 is the receipt (re-issued at acceptance), rendered from its source on download.
      if (form === '01') {
        if (!row.receipt_sha256) throw DossierNotFound();
        return receiptPdf(deps, row);
      }
      const sha = await documentsRepo.latest(db, id, form);
      if (!sha) throw DossierNotFound();
      return deps.blobs.read(sha);
    },

    /** Forms issued on the dossier, for links on the pages. */
    async documentForms(ctx: RequestContext, id: string) {
      await readable(db, ctx, id);
      return documentsRepo.forms(db, id);
    },
  };
  return service;
}
