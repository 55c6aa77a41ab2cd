// Reading an inter-agency dossier's parts (each agency's progress on the one dossier), downloading a
// part's result, and the procedures defined as data (list, save, seed).
import type { Readable } from 'node:stream';
import { recordAudit } from '../../../platform/audit/chain.ts';
import type { Timeliness } from '../../../platform/calendar/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Text } from '../../../platform/i18n/index.ts';
import { DossierNotFound } from '../errors.ts';
import { dossiersRepo } from '../repo.ts';
import type { DossierStatus } from '../tables.ts';
import {
  birthGroup,
  interagencyProcedureSchema,
  seedCodes,
  type InteragencyProcedure,
} from './definition.ts';
import type { InteragencyDeps } from './deps.ts';
import { InteragencyForbidden, InteragencyInvalid, PartResultNotFound } from './errors.ts';
import { im } from './messages.ts';
import { mayDefineProcedures, partsScope } from './policies.ts';
import { interagencyRepo, type PartRow } from './repo.ts';
import type { PartState } from './tables.ts';
import { partTiming, wholeTiming } from './timeliness.ts';
import { UUID_PATTERN as UUID } from '../../../platform/ids.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const partStateNames: Record<PartState, Text> = {
  waiting: im.text('stateWaiting'),
  sent: im.text('stateSent'),
  received: im.text('stateReceived'),
  processing: im.text('stateProcessing'),
  done: im.text('stateDone'),
  refused: im.text('stateRefused'),
  stopped: im.text('stateStopped'),
  failed: im.text('stateFailed'),
};

export interface PartView {
  order: number;
  procedureCode: string;
  procedureName: string;
  agencyName: string | null;
  agencyCode: string | null;
  /** `local`: a dossier in that agency's queue here; `remote`: through the axis to another instance. */
  route: 'local' | 'remote' | null;
  state: PartState;
  stateName: Text;
  /** Last edXML processing status from the remote agency (03, 04, 05, 06, 02). */
  remoteStatus: string | null;
  workingDays: number;
  after: number[];
  startedAt: string | null;
  dueAt: string;
  finishedAt: string | null;
  timeliness: Timeliness | null;
  overdue: boolean;
  /** The part's own dossier on this instance (local route). */
  childDossierId: string | null;
  childDossierCode: string | null;
  hasResult: boolean;
  note: string | null;
  timeline: { state: string; code: string | null; note: string | null; at: string }[];
}

export interface InteragencyView {
  dossier: {
    id: string;
    code: string | null;
    procedureName: string;
    agencyName: string;
    status: DossierStatus;
  };
  /** `all`: the applicant and the filing agency; `own`: an agency that handles one part sees it only. */
  scope: 'all' | 'own';
  dueAt: string | null;
  finishedAt: string | null;
  timeliness: Timeliness | null;
  lateParts: number[];
  parts: PartView[];
}

export function createInteragencyService(deps: InteragencyDeps) {
  const { db } = deps;

  async function visible(ctx: RequestContext, dossierId: string) {
    if (!UUID.test(dossierId)) throw DossierNotFound();
    const dossier = await dossiersRepo.byId(db, dossierId);
    if (!dossier || dossier.status === 'draft') throw DossierNotFound();
    const parts = await interagencyRepo.partsOf(db, dossierId);
    const scope = partsScope(ctx.actor, {
      applicantAccountId: dossier.applicant_account_id,
      agencyId: dossier.agency_id,
      partAgencyIds: parts.map((p) => p.agency_id),
    });
    if (scope.kind === 'none' || parts.length === 0) throw DossierNotFound();
    const shown = scope.kind === 'all' ? parts : parts.filter((p) => p.agency_id === scope.agencyId);
    return { dossier, parts, shown, scope: scope.kind };
  }

  async function partView(p: PartRow, events: Awaited<ReturnType<typeof interagencyRepo.events>>, now: Date) {
    const timing = partTiming(deps.calendar, p, now);
    const child = p.child_dossier_id ? await dossiersRepo.byId(db, p.child_dossier_id) : undefined;
    return {
      order: p.ord,
      procedureCode: p.procedure_code,
      procedureName: p.procedure_name,
      agencyName: p.agency_name,
      agencyCode: p.agency_code,
      route: p.route,
      state: p.state,
      stateName: partStateNames[p.state],
      remoteStatus: p.remote_status,
      workingDays: p.working_days,
      after: p.after_ords,
      startedAt: iso(p.started_at),
      dueAt: p.due_at.toISOString(),
      finishedAt: iso(p.finished_at),
      timeliness: timing.timeliness,
      overdue: timing.overdue,
      childDossierId: p.child_dossier_id,
      childDossierCode: child?.code ?? null,
      hasResult: p.result_sha256 !== null,
      note: p.note,
      timeline: events
        .filter((e) => e.part_id === p.id)
        .map((e) => ({ state: e.state, code: e.code, note: e.note, at: e.at.toISOString() })),
    } satisfies PartView;
  }

  return {
    /** The parts of an inter-agency dossier as the actor may see them (404 when none). */
    async partsOf(ctx: RequestContext, dossierId: string): Promise<InteragencyView> {
      const { dossier, parts, shown, scope } = await visible(ctx, dossierId);
      const now = deps.now();
      const events = await interagencyRepo.events(
        db,
        shown.map((p) => p.id),
      );
      const whole = wholeTiming(deps.calendar, dossier.due_at, parts, now);
      const views: PartView[] = [];
      for (const p of shown) views.push(await partView(p, events, now));
      return {
        dossier: {
          id: dossier.id,
          code: dossier.code,
          procedureName: dossier.procedure_name,
          agencyName: dossier.agency_name,
          status: dossier.status,
        },
        scope,
        dueAt: scope === 'all' ? whole.dueAt.toISOString() : null,
        finishedAt: scope === 'all' ? iso(whole.finishedAt) : null,
        timeliness: scope === 'all' ? whole.timeliness : null,
        lateParts: scope === 'all' ? whole.lateParts : [],
        parts: views,
      };
    },

    /** True when the dossier is an inter-agency one the actor may see (pages show the section then). */
    async hasParts(ctx: RequestContext, dossierId: string): Promise<boolean> {
      try {
        await visible(ctx, dossierId);
        return true;
      } catch (error) {
        if (error instanceof AppError && error.code === 'DOSSIER_NOT_FOUND') return false;
        throw error;
      }
    },

    /** A part's result document (PDF), for those who see the part. */
    async partResult(
      ctx: RequestContext,
      dossierId: string,
      order: number,
    ): Promise<{ name: string; stream: Readable }> {
      const { dossier, shown } = await visible(ctx, dossierId);
      const part = shown.find((p) => p.ord === order);
      if (!part?.result_sha256) throw PartResultNotFound();
      return {
        name: `${dossier.code ?? dossier.id}-phan-${order}.pdf`,
        stream: deps.blobs.open(part.result_sha256),
      };
    },

    /** The inter-agency procedures defined here. */
    async procedures(): Promise<InteragencyProcedure[]> {
      return (await interagencyRepo.procedures(db)).map((r) =>
        interagencyProcedureSchema.parse(r.definition),
      );
    },

    /** Defines (or redefines) an inter-agency procedure: every procedure published, every agency code known. */
    async saveProcedure(ctx: RequestContext, input: unknown): Promise<InteragencyProcedure> {
      if (!mayDefineProcedures(ctx.actor)) throw InteragencyForbidden();
      const parsed = interagencyProcedureSchema.safeParse(input);
      if (!parsed.success)
        throw InteragencyInvalid({
          issues: parsed.error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), code: i.message })),
        });
      const def = parsed.data;
      const issues: { path: string; code: string }[] = [];
      if (!(await deps.services.exists(def.procedureCode)))
        issues.push({ path: 'procedureCode', code: 'INTERAGENCY_UNKNOWN_PROCEDURE' });
      for (const [i, p] of def.parts.entries()) {
        if (!(await deps.services.exists(p.procedureCode)))
          issues.push({ path: `parts.${i}.procedureCode`, code: 'INTERAGENCY_UNKNOWN_PROCEDURE' });
        if ('code' in p.agency && !(await deps.directory.resolveCode(p.agency.code)))
          issues.push({ path: `parts.${i}.agency.code`, code: 'INTERAGENCY_UNKNOWN_AGENCY' });
      }
      if (issues.length > 0) throw InteragencyInvalid({ issues });
      await db.transaction().execute(async (trx) => {
        await interagencyRepo.saveProcedure(trx, {
          code: def.code,
          name: def.name,
          procedure_code: def.procedureCode,
          working_days: def.workingDays,
          definition: JSON.stringify(def),
        });
        await recordAudit(trx, ctx, {
          action: 'dossiers.interagency.procedure_saved',
          subjectType: 'interagency_procedure',
          subjectIds: [],
          details: { code: def.code, procedureCode: def.procedureCode, parts: def.parts.length },
        });
      });
      return def;
    },

    /**
     * Seeds the example group: publishes the procedure filed once (`1.001193.LT`, made from the
     * seeded birth registration) when missing, and the definition reusing the seeded procedures.
     */
    async seed(ctx: RequestContext): Promise<Record<string, number>> {
      let procedures = 0;
      if (!(await deps.services.exists(seedCodes.group))) {
        const birth = await deps.services.getPublished(seedCodes.birth);
        if (!birth) return { procedures: 0, interagency: 0 };
        const content = {
          ...birth.version.content,
          code: seedCodes.group,
          codeConfirmed: false,
          name: birthGroup.name,
          timeLimit: { workingDays: birthGroup.workingDays, note: 'Cả nhóm thủ tục liên thông' },
          note: 'Nhóm thủ tục liên thông theo Nghị định 63/2024/NĐ-CP; mã là mã nội bộ (unconfirmed).',
        };
        const summary = await deps.services.createProcedure(ctx, { content });
        await deps.services.publish(ctx, summary.id);
        procedures = 1;
      }
      const existing = (await interagencyRepo.procedures(db)).find((r) => r.code === birthGroup.code);
      if (
        existing &&
        JSON.stringify(interagencyProcedureSchema.parse(existing.definition)) === JSON.stringify(birthGroup)
      )
        return { procedures, interagency: 0 };
      await this.saveProcedure(ctx, birthGroup);
      return { procedures, interagency: 1 };
    },
  };
}

export type InteragencyService = ReturnType<typeof createInteragencyService>;
