// Viewing and editing a procedure's processing workflow. An edit adds a version; dossiers keep
// the version they started with. Agency administrators edit their agency's workflow; platform
// administrators the one every agency uses.
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/chain.ts';
import { AppError } from '../../platform/errors.ts';
import { actorId, hasRole, isPlatformAdmin, type RequestContext } from '../../platform/context.ts';
import type { DossiersDeps } from './deps.ts';
import { DossierNotFound, ProcedureNotAvailable, WorkflowInvalid } from './errors.ts';
import type { WorkflowStepDef } from './tables.ts';
import { supplementClocks, workflowStepsSchema, type SupplementClock } from './workflow/definition.ts';
import { workflowRepo, type WorkflowRow } from './workflow/repo.ts';
import { workflowIssues, type WorkflowIssue } from './workflow/issues.ts';
import { requireUnitOf, unitsOf } from '../identity/index.ts';
import { UUID_PATTERN as ACCOUNT_ID } from '../../platform/ids.ts';

export interface WorkflowView {
  id: string;
  procedureCode: string;
  /** Null: the workflow every agency uses. */
  agencyId: string | null;
  version: number;
  /** True when this is the platform default (no workflow of the procedure's own yet). */
  isDefault: boolean;
  steps: WorkflowStepDef[];
  supplementClock: SupplementClock;
  createdAt: string;
  /** Who saved this version (an account id, or the seed). */
  createdBy: string;
}

const toWorkflowView = (w: WorkflowRow): WorkflowView => ({
  id: w.id,
  procedureCode: w.procedure_code,
  agencyId: w.agency_id,
  version: w.version,
  isDefault: w.procedure_code === '*',
  steps: w.steps,
  supplementClock: w.supplement_clock,
  createdAt: w.created_at.toISOString(),
  createdBy: w.created_by,
});

export function createWorkflows(deps: DossiersDeps) {
  const { db } = deps;
  const agencyOf = (ctx: RequestContext) => {
    if (ctx.actor.kind !== 'official') throw DossierNotFound();
    return ctx.actor.agencyId;
  };
  return {
    /** The workflow in force for a procedure at the officer's agency. */
    async workflowOf(ctx: RequestContext, procedureCode: string): Promise<WorkflowView> {
      const agencyId = agencyOf(ctx);
      if (!(await deps.services.getPublished(procedureCode))) throw ProcedureNotAvailable();
      const w = await workflowRepo.resolve(db, procedureCode, agencyId);
      if (!w) throw DossierNotFound();
      return toWorkflowView(w);
    },

    /**
     * Saves a new version of the procedure's workflow: for the officer's agency (agency `admin`),
     * or for every agency (`forAllAgencies`, platform administrators). Validated with zod.
     */
    async saveWorkflow(
      ctx: RequestContext,
      procedureCode: string,
      input: { steps: unknown; supplementClock?: string | undefined; forAllAgencies?: boolean | undefined },
    ): Promise<WorkflowView> {
      const agencyId = agencyOf(ctx);
      if (input.forAllAgencies ? !isPlatformAdmin(ctx.actor) : !hasRole(ctx.actor, 'admin'))
        throw DossierNotFound();
      if (!(await deps.services.getPublished(procedureCode))) throw ProcedureNotAvailable();
      const parsed = workflowStepsSchema.safeParse(input.steps);
      const clock = input.supplementClock ?? 'restart';
      const issues: WorkflowIssue[] = parsed.success ? [] : workflowIssues(parsed.error.issues);
      if (!(supplementClocks as readonly string[]).includes(clock))
        issues.push({ path: 'supplementClock', code: 'clock_invalid', message: 'restart or pause' });
      // A unit is one of the agency's own (a workflow of every agency has none to name).
      if (parsed.success)
        for (const [i, step] of parsed.data.entries()) {
          if (!step.unit) continue;
          const ok =
            !input.forAllAgencies &&
            (await requireUnitOf(deps.directory, agencyId, step.unit).then(
              () => true,
              // Not a unit of the agency is the editor's issue; anything else (the directory
              // failing) is not the admin's input and goes up as it is.
              (e: unknown) => {
                if (e instanceof AppError && e.code === 'IDENTITY_UNIT_NOT_FOUND') return false;
                throw e;
              },
            ));
          if (!ok)
            issues.push({ path: `${i}.unit`, code: 'unit_invalid', message: 'not a unit of the agency' });
        }
      if (!parsed.success || issues.length) throw WorkflowInvalid({ issues: issues.slice(0, 50) });
      const row = await db.transaction().execute(async (trx) => {
        const saved = await workflowRepo.addVersion(trx, {
          id: randomUUID(),
          procedureCode,
          agencyId: input.forAllAgencies ? null : agencyId,
          steps: parsed.data,
          supplementClock: clock as SupplementClock,
          createdBy: actorId(ctx.actor) ?? 'unknown',
        });
        await recordAudit(trx, ctx, {
          action: 'dossiers.workflow_saved',
          subjectType: 'dossier_workflow',
          subjectIds: [saved.id],
          agencyId: saved.agency_id,
          details: { procedureCode, version: saved.version, steps: saved.steps.length },
        });
        return saved;
      });
      return toWorkflowView(row);
    },

    /** The versions of the procedure's workflow at the officer's agency (and every agency's), newest first. */
    async workflowHistory(
      ctx: RequestContext,
      procedureCode: string,
    ): Promise<(WorkflowView & { createdByName: string | null })[]> {
      const agencyId = agencyOf(ctx);
      if (!(await deps.services.getPublished(procedureCode))) throw ProcedureNotAvailable();
      const rows = await workflowRepo.versions(db, procedureCode, agencyId, 50);
      const names = new Map<string, string | null>();
      for (const r of rows)
        if (!names.has(r.created_by))
          names.set(
            r.created_by,
            ACCOUNT_ID.test(r.created_by)
              ? ((await deps.officials.get(r.created_by))?.fullName ?? null)
              : null,
          );
      return rows.map((r) => ({ ...toWorkflowView(r), createdByName: names.get(r.created_by) ?? null }));
    },

    /** The units of the officer's agency a step may be routed to (id and name). */
    async workflowUnits(ctx: RequestContext): Promise<{ id: string; name: string }[]> {
      const agencyId = agencyOf(ctx);
      return (await unitsOf(deps.directory, agencyId)).map((u) => ({ id: u.id, name: u.name }));
    },
  };
}
