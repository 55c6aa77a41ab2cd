// The processing engine: opens and closes step instances (lines of form 06) inside the caller's
// transaction. Closing a step records who handed it off, when, and its timeliness on the holiday
// calendar, writes a timeline entry the citizen sees, and tells the observers (national portal:
// CapNhatTienDoHoSoMC) in the same transaction.
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../../platform/context.ts';
import type { DbOrTx, Tx } from '../../../platform/db/database.ts';
import type { DossiersDeps } from '../deps.ts';
import { DossierWrongState } from '../errors.ts';
import { notifyStepHandedOff } from '../observers.ts';
import { dossiersRepo, type DossierRow } from '../repo.ts';
import type { StepOutcome, WorkflowStepDef } from '../tables.ts';
import { roleTitles, stepDue } from './definition.ts';
import { stepsRepo, workflowRepo, type StepRow, type WorkflowRow } from './repo.ts';

type EngineDeps = Pick<DossiersDeps, 'calendar' | 'officials' | 'observers' | 'now' | 'directory'>;

/** What the timeline and the national portal say about each outcome (NoiDungXuLy). */
export const outcomeText: Record<StepOutcome, { vi: string; en: string }> = {
  forwarded: { vi: 'Đã xử lý, chuyển bước tiếp theo', en: 'Done, handed to the next step' },
  sent_back: { vi: 'Trả lại bước trước', en: 'Sent back to an earlier step' },
  reassigned: { vi: 'Chuyển cán bộ khác xử lý', en: 'Reassigned to another officer' },
  suspended: { vi: 'Tạm dừng, gia hạn', en: 'Suspended and extended' },
  stopped: { vi: 'Dừng xử lý', en: 'Processing stopped' },
  finished: { vi: 'Đã trả kết quả', en: 'Result returned' },
  supplement: { vi: 'Yêu cầu bổ sung hồ sơ', en: 'Supplement requested' },
  withdrawn: { vi: 'Công dân rút hồ sơ', en: 'Withdrawn by the applicant' },
};

/**
 * The official's name (or the role's title when identity does not know them): the session's
 * (`ctx.actorName`) when the request came with one — no read, since this is called inside
 * transactions, and a read on a second pooled connection there can starve the pool — else
 * identity's (contexts built by jobs and tests).
 */
export async function officerName(
  deps: Pick<DossiersDeps, 'officials'>,
  ctx: RequestContext,
): Promise<string> {
  if (ctx.actor.kind !== 'official') return ctx.actor.kind === 'system' ? 'Hệ thống' : 'Công dân';
  if (ctx.actorName) return ctx.actorName;
  const info = await deps.officials.get(ctx.actor.accountId);
  return info?.fullName ?? roleTitles[ctx.actor.roles[0] ?? '']?.vi ?? 'Cán bộ';
}

export function stepsOf(w: WorkflowRow): WorkflowStepDef[] {
  return w.steps;
}

/** The workflow a dossier runs (the version it started with, else the one in force). */
export async function workflowOfDossier(db: DbOrTx, row: DossierRow): Promise<WorkflowRow> {
  const w = row.workflow_id
    ? await workflowRepo.byId(db, row.workflow_id)
    : await workflowRepo.resolve(db, row.procedure_code, row.agency_id);
  if (!w) throw DossierWrongState({ status: row.status, reason: 'no workflow' });
  return w;
}

export function createEngine(deps: EngineDeps) {
  const unitName = async (row: DossierRow, unit: string | undefined) => {
    if (!unit) return null;
    const a = await deps.directory.getAgency(unit);
    return a?.name ?? null;
  };

  return {
    /** Opens step `index` of the dossier's workflow (queue of its role unless `assignee`). */
    async open(
      trx: Tx,
      ctx: RequestContext,
      row: DossierRow,
      w: WorkflowRow,
      index: number,
      o: { assignee?: { id: string; name: string } | null; at?: Date } = {},
    ): Promise<StepRow> {
      const def = stepsOf(w)[index];
      if (!def) throw DossierWrongState({ status: row.status, reason: 'no such step' });
      const at = o.at ?? deps.now();
      const sender = ctx.actor.kind === 'official' ? ctx.actor.accountId : null;
      return stepsRepo.insert(trx, {
        id: randomUUID(),
        dossier_id: row.id,
        agency_id: row.agency_id,
        seq: (await stepsRepo.lastSeq(trx, row.id)) + 1,
        step_index: index,
        step_key: def.key,
        name_vi: def.name.vi,
        name_en: def.name.en,
        role: def.role,
        unit_id: def.unit ?? null,
        unit_name: await unitName(row, def.unit),
        assignee_id: o.assignee?.id ?? null,
        assignee_name: o.assignee?.name ?? null,
        sender_id: sender,
        sender_name: sender ? await officerName(deps, ctx) : null,
        started_at: at,
        due_at: stepDue(deps.calendar, at, def.allotted),
        taken_at: o.assignee ? at : null,
        finished_at: null,
        finished_by: null,
        finished_by_name: null,
        timeliness: null,
        outcome: null,
        note: null,
      });
    },

    /**
     * Closes the open step with `outcome`: timeliness against its due time, a timeline entry,
     * and the observers' `stepHandedOff` (every hand-off reaches the national portal).
     */
    async close(
      trx: Tx,
      ctx: RequestContext,
      row: DossierRow,
      step: StepRow,
      outcome: StepOutcome,
      note: string | null,
    ): Promise<StepRow> {
      const at = deps.now();
      const name = await officerName(deps, ctx);
      const timeliness = step.due_at ? deps.calendar.timeliness(at, step.due_at) : null;
      const closed = await stepsRepo.update(trx, step.id, {
        finished_at: at,
        finished_by: ctx.actor.kind === 'official' ? ctx.actor.accountId : null,
        finished_by_name: name,
        timeliness,
        outcome,
        note,
      });
      await dossiersRepo.addEvent(trx, {
        dossierId: row.id,
        kind: 'step',
        status: row.status,
        note: `${step.name_vi}: ${outcomeText[outcome].vi}${note ? ` — ${note}` : ''}`.slice(0, 2000),
        actorKind: ctx.actor.kind,
      });
      const title = ctx.actor.kind === 'official' ? (roleTitles[step.role]?.vi ?? null) : null;
      await notifyStepHandedOff(deps.observers, trx, {
        dossier: row,
        seq: step.seq,
        stepKey: step.step_key,
        stepName: step.name_vi,
        officerName: name,
        officerTitle: title,
        unitName: step.unit_name ?? row.agency_name,
        content: note ? `${outcomeText[outcome].vi}: ${note}`.slice(0, 2000) : outcomeText[outcome].vi,
        startedAt: step.started_at,
        dueAt: step.due_at,
        at,
        timeliness,
      });
      return closed;
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
