/**
 * Submissions: save a draft, submit (signed), approve or return level by level, correct after
 * approval with a new version, reopen after the lock date. Every change that alters which values
 * count applies its delta to the aggregates of every ancestor in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { instantAt, dayOfIsoDate } from '../../platform/calendar/index.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorAgencyId, actorId, type RequestContext } from '../../platform/context.ts';
import { Conflict } from '../../platform/errors.ts';
import { format } from '../../platform/i18n/index.ts';
import { todayOf, type ReportingDeps } from './deps.ts';
import {
  NotYourLevel,
  SubmissionInvalid,
  SubmissionLocked,
  SubmissionNotEditable,
  SubmissionNotFound,
} from './errors.ts';
import { canDecideFor, canReadUnit, canReportFor } from './policies.ts';
import {
  addToAncestors,
  addUnitStateDelta,
  COUNTED,
  recomputeExtremes,
  touchPeriod,
  type IndicatorDelta,
} from './repo-aggregates.ts';
import * as repo from './repo.ts';
import type { Indicator, RegimeDefinition, Submission, Values } from './schemas.ts';
import type { RegimeService } from './service-regimes.ts';
import { canonicalContent, signContent, verifyContent } from './signing.ts';
import { rep, type PeriodRow, type RepTx, type SubmissionRow, type VersionRow } from './tables.ts';
import { checkValues } from './validation.ts';
import { isUuid } from '../../platform/ids.ts';

type ValueMap = Map<string, number | string>;

/** The per-indicator change between two sets of counted values (before → after). */
export function valueDeltas(
  indicators: readonly Indicator[],
  before: ReadonlyMap<string, number | string>,
  after: ReadonlyMap<string, number | string>,
): { deltas: IndicatorDelta[]; extremesToRecompute: string[] } {
  const num = (m: ReadonlyMap<string, number | string>, code: string | null) => {
    const v = code === null ? undefined : m.get(code);
    return typeof v === 'number' ? v : undefined;
  };
  const deltas: IndicatorDelta[] = [];
  const extremesToRecompute: string[] = [];
  for (const ind of indicators) {
    if (ind.aggregation === 'none' || (ind.type !== 'number' && ind.type !== 'percentage')) continue;
    const b = num(before, ind.code);
    const a = num(after, ind.code);
    let wnum = 0;
    let wden = 0;
    if (ind.aggregation === 'weighted_average') {
      const wb = num(before, ind.weightCode);
      const wa = num(after, ind.weightCode);
      if (a !== undefined && wa !== undefined) {
        wnum += a * wa;
        wden += wa;
      }
      if (b !== undefined && wb !== undefined) {
        wnum -= b * wb;
        wden -= wb;
      }
    }
    const d: IndicatorDelta = {
      code: ind.code,
      sum: (a ?? 0) - (b ?? 0),
      count: (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1),
      wnum,
      wden,
      value: a ?? null,
    };
    if (b !== undefined && b !== a && (ind.aggregation === 'min' || ind.aggregation === 'max'))
      extremesToRecompute.push(ind.code);
    if (d.sum !== 0 || d.count !== 0 || d.wnum !== 0 || d.wden !== 0 || (a !== undefined && a !== b))
      deltas.push(d);
  }
  return { deltas, extremesToRecompute };
}

function counted(trx: RepTx, periodId: string, unitId: string) {
  return sql<
    Pick<SubmissionRow, 'id' | 'status' | 'late'>
  >`SELECT s.id, s.status, s.late FROM reporting_submissions s
    WHERE s.period_id = ${periodId} AND s.agency_id = ${unitId} AND ${COUNTED}
    ORDER BY s.version DESC LIMIT 1`
    .execute(trx)
    .then((r) => r.rows[0]);
}

/**
 * Runs `change` and carries its effect on the counted values and on the unit's state
 * (submitted, late, approved) to every ancestor, in the caller's transaction.
 */
async function carry(
  trx: RepTx,
  period: PeriodRow,
  unitId: string,
  indicators: readonly Indicator[],
  change: () => Promise<void>,
  /** Values the change wrote (not read back when that submission is the one that counts). */
  written?: { id: () => string; values: ValueMap },
) {
  await touchPeriod(trx, period.id);
  const unit = await repo.periodUnit(trx, period.id, unitId, true);
  if (!unit) throw SubmissionNotFound();
  const before = await counted(trx, period.id, unitId);
  const beforeValues: ValueMap = before
    ? await repo.valuesOf(trx, before.id)
    : new Map<string, number | string>();
  await change();
  const after = await counted(trx, period.id, unitId);
  const afterValues: ValueMap =
    after && after.id === before?.id
      ? beforeValues
      : after && written && after.id === written.id()
        ? written.values
        : after
          ? await repo.valuesOf(trx, after.id)
          : new Map<string, number | string>();
  if (after?.id !== before?.id) {
    const { deltas, extremesToRecompute } = valueDeltas(indicators, beforeValues, afterValues);
    await addToAncestors(trx, period.id, unitId, deltas);
    await recomputeExtremes(trx, period.id, unitId, extremesToRecompute);
  }
  const submitted = after !== undefined;
  // Timeliness is that of the submission that made the unit count; a correction keeps it.
  const late = submitted ? (unit.submitted ? unit.late : after.late === true) : false;
  const approved = after?.status === 'approved';
  const onTime = (s: boolean, l: boolean) => (s && !l ? 1 : 0);
  await addUnitStateDelta(trx, period.id, unitId, {
    submitted: Number(submitted) - Number(unit.submitted),
    onTime: onTime(submitted, late) - onTime(unit.submitted, unit.late),
    late: Number(submitted && late) - Number(unit.submitted && unit.late),
    approved: Number(approved) - Number(unit.approved),
  });
  await rep(trx)
    .updateTable('reporting_period_units')
    .set({ submitted, late, approved })
    .where('period_id', '=', period.id)
    .where('agency_id', '=', unitId)
    .execute();
}

export interface SaveInput {
  regime: string;
  period: string;
  agencyId?: string | undefined;
  values: Values | Record<string, string>;
  submit: boolean;
  channel?: 'form' | 'api' | 'excel';
}

/** Submissions, approvals and the reading of a unit's reports. */
export function createSubmissionService(deps: ReportingDeps, regimes: RegimeService) {
  const { db } = deps;

  // A period's version is published, hence immutable: its definition is read once per process.
  const definitions = new Map<string, { version: VersionRow; def: RegimeDefinition }>();
  async function definitionOfVersion(versionId: string) {
    let hit = definitions.get(versionId);
    if (!hit) {
      const version = (await repo.findVersion(db, versionId))!;
      hit = { version, def: repo.toDefinition(version, await repo.indicatorsOf(db, versionId)) };
      if (version.status !== 'draft') {
        if (definitions.size > 200) definitions.clear();
        definitions.set(versionId, hit);
      }
    }
    return hit;
  }

  async function context(ctx: RequestContext, regimeRef: string, key: string) {
    const regime = await regimes.regimeOrThrow(regimeRef);
    const period = await regimes.openPeriod(ctx, regime.id, key);
    const { version, def } = await definitionOfVersion(period.version_id);
    return { regime, period, version, def };
  }

  /** Ancestors (nearest first) of an expected unit, and how many approval levels it has. */
  async function chainOf(periodId: string, unitId: string, recipientId: string) {
    const rows = await repo.ancestorsOf(db, periodId, unitId);
    const ids = rows.map((r) => r.ancestor_id);
    const top = ids.indexOf(recipientId);
    return { ids, levels: top < 0 ? ids.length - 1 : top };
  }

  async function view(
    s: SubmissionRow,
    regimeCode?: string,
    periodKey?: string,
    levels?: number,
    /** The values when the caller has them (just written). */
    known?: ReadonlyMap<string, number | string>,
  ): Promise<Submission> {
    const period = periodKey ? null : await repo.periodById(db, s.period_id);
    const regime = regimeCode ? null : await repo.findRegime(db, period!.regime_id);
    let lv = levels;
    if (lv === undefined) {
      const p = period ?? (await repo.periodById(db, s.period_id))!;
      const r = regime ?? (await repo.findRegime(db, p.regime_id))!;
      lv = (await chainOf(s.period_id, s.agency_id, r.recipient_agency_id)).levels;
    }
    return {
      id: s.id,
      periodId: s.period_id,
      regimeCode: regimeCode ?? regime!.code,
      periodKey: periodKey ?? period!.key,
      agencyId: s.agency_id,
      version: s.version,
      status: s.status,
      superseded: s.superseded,
      approvalLevel: s.approval_level,
      approvalLevels: lv,
      submittedAt: s.submitted_at?.toISOString() ?? null,
      late: s.late,
      contentHash: s.content_hash,
      signatureState: s.signature_state,
      certificateSerial: s.certificate_serial,
      values: Object.fromEntries(known ?? (await repo.valuesOf(db, s.id))),
    };
  }

  /** Loads a submission the actor may read (the unit or an ancestor for that regime), else 404. */
  async function readable(ctx: RequestContext, id: string) {
    if (!isUuid(id)) throw SubmissionNotFound();
    const s = await repo.submissionById(db, id);
    if (!s) throw SubmissionNotFound();
    const period = (await repo.periodById(db, s.period_id))!;
    const regime = (await repo.findRegime(db, period.regime_id))!;
    const chain = await chainOf(period.id, s.agency_id, regime.recipient_agency_id);
    if (!canReadUnit(ctx.actor, chain.ids)) throw SubmissionNotFound();
    return { s, period, regime, chain };
  }

  function isLocked(period: PeriodRow, reopenedUntil: string | null): boolean {
    const today = todayOf(deps);
    return today > period.lock_on && !(reopenedUntil !== null && reopenedUntil >= today);
  }

  const service = {
    /**
     * Saves a unit's values as a draft, or submits them (validated in full, hashed and signed).
     * After an approved version, saving starts a correction: a new version that replaces the
     * approved values once submitted. Another unit's report answers 404.
     */
    async save(ctx: RequestContext, input: SaveInput): Promise<Submission> {
      const unitId = input.agencyId ?? actorAgencyId(ctx.actor);
      const { regime, period, version, def } = await context(ctx, input.regime, input.period);
      if (!unitId || !canReportFor(ctx.actor, unitId)) throw SubmissionNotFound();
      const unit = await repo.periodUnit(db, period.id, unitId);
      if (!unit) throw SubmissionNotFound();
      const checked = checkValues(def.indicators, def.rules, input.values, { complete: input.submit });
      if (checked.errors.length > 0)
        throw SubmissionInvalid({
          fields: checked.errors.map((e) => ({
            field: e.field,
            message: format(e.message, ctx.locale),
            messages: e.message,
          })),
        });
      if (isLocked(period, unit.reopened_until)) throw SubmissionLocked();
      // Decide the version outside the transaction so the signature (slow) is made before it.
      const history = await repo.submissionsOfUnit(db, period.id, unitId);
      const open = history.find(
        (h) => h.status === 'draft' || h.status === 'returned' || h.status === 'submitted',
      );
      if (open?.status === 'submitted') throw SubmissionNotEditable();
      const target = open ?? null;
      const targetVersion = target?.version ?? (history[0]?.version ?? 0) + 1;
      const signed = input.submit
        ? await signContent(
            deps.pki,
            unitId,
            canonicalContent({
              regime: regime.code,
              regimeVersion: version.version,
              period: period.key,
              unit: unitId,
              version: targetVersion,
              values: checked.values,
            }),
          )
        : null;
      const now = deps.now();
      const due = instantAt(dayOfIsoDate(period.due_on), 0);
      const late = deps.calendar.timeliness(now, due) === 'late';
      const id = await db.transaction().execute(async (t) => {
        const trx = t as unknown as RepTx;
        let submissionId = target?.id ?? randomUUID();
        await carry(
          trx,
          period,
          unitId,
          def.indicators,
          async () => {
            const latest = (await repo.submissionsOfUnit(trx, period.id, unitId))[0];
            if ((latest?.version ?? 0) !== (target ? targetVersion : targetVersion - 1)) throw Conflict();
            if (target && latest?.status !== target.status) throw Conflict();
            const r = rep(trx);
            if (!target) {
              submissionId = randomUUID();
              await r
                .insertInto('reporting_submissions')
                .values({
                  id: submissionId,
                  period_id: period.id,
                  agency_id: unitId,
                  version: targetVersion,
                  status: 'draft',
                  channel: input.channel ?? 'api',
                  submitted_at: null,
                  late: null,
                  content_hash: null,
                  signature_state: null,
                  signed_xml: null,
                  signer_kind: null,
                  signer_id: null,
                  certificate_serial: null,
                })
                .execute();
            }
            await repo.replaceValues(trx, submissionId, checked.values);
            if (signed) {
              await r
                .updateTable('reporting_submissions')
                .set({ superseded: true })
                .where('period_id', '=', period.id)
                .where('agency_id', '=', unitId)
                .where('status', '=', 'approved')
                .where('version', '<', targetVersion)
                .execute();
              await r
                .updateTable('reporting_submissions')
                .set({
                  status: 'submitted',
                  approval_level: 0,
                  submitted_at: now,
                  late,
                  channel: input.channel ?? 'api',
                  content_hash: signed.contentHash,
                  signature_state: signed.state,
                  signed_xml: signed.signedXml,
                  signer_kind: ctx.actor.kind,
                  signer_id: actorId(ctx.actor),
                  certificate_serial: signed.certificateSerial,
                  updated_at: now,
                })
                .where('id', '=', submissionId)
                .execute();
            } else {
              await r
                .updateTable('reporting_submissions')
                .set({ updated_at: now })
                .where('id', '=', submissionId)
                .execute();
            }
          },
          { id: () => submissionId, values: checked.values },
        );
        await recordAudit(trx, ctx, {
          action: input.submit ? 'reporting.submission.submit' : 'reporting.submission.save',
          subjectType: 'reporting_submission',
          subjectIds: [submissionId],
          agencyId: unitId,
          details: {
            regime: regime.code,
            period: period.key,
            version: targetVersion,
            values: checked.values.size,
            ...(signed ? { late, contentHash: signed.contentHash, signature: signed.state } : {}),
          },
        });
        return submissionId;
      });
      regimes.figuresChanged(period.id);
      deps.logger.info(
        {
          action: input.submit ? 'reporting.submit' : 'reporting.save',
          submissionId: id,
          periodId: period.id,
          agencyId: unitId,
        },
        'report saved',
      );
      return view((await repo.submissionById(db, id))!, regime.code, period.key, undefined, checked.values);
    },

    /** Approves at the next level; the last level (the recipient) makes the values approved and locked. */
    async approve(ctx: RequestContext, id: string, comment = ''): Promise<Submission> {
      return decide(ctx, id, 'approve', comment);
    },

    /** Returns the report for correction with a comment: its values stop counting until resubmitted. */
    async returnForCorrection(ctx: RequestContext, id: string, comment: string): Promise<Submission> {
      return decide(ctx, id, 'return', comment);
    },

    /** Lets a unit change its report after the lock date, for 5 working days (the recipient only). */
    async reopen(ctx: RequestContext, periodId: string, unitId: string): Promise<{ reopenedUntil: string }> {
      const period = await repo.periodById(db, periodId);
      if (!period) throw SubmissionNotFound();
      const regime = (await repo.findRegime(db, period.regime_id))!;
      const chain = await chainOf(period.id, unitId, regime.recipient_agency_id);
      if (chain.ids.length === 0 || !canReadUnit(ctx.actor, chain.ids)) throw SubmissionNotFound();
      if (!canDecideFor(ctx.actor, regime.recipient_agency_id)) throw NotYourLevel();
      const until = deps.calendar.addWorkingDays(dayOfIsoDate(todayOf(deps)), 5);
      const reopenedUntil = new Date(until * 86_400_000).toISOString().slice(0, 10);
      await db.transaction().execute(async (trx) => {
        await rep(trx)
          .updateTable('reporting_period_units')
          .set({ reopened_until: reopenedUntil })
          .where('period_id', '=', period.id)
          .where('agency_id', '=', unitId)
          .execute();
        await recordAudit(trx, ctx, {
          action: 'reporting.period.reopen',
          subjectType: 'reporting_period',
          subjectIds: [period.id, unitId],
          agencyId: unitId,
          details: { regime: regime.code, period: period.key, reopenedUntil },
        });
      });
      return { reopenedUntil };
    },

    /** One submission (any version) the actor may read. */
    async get(ctx: RequestContext, id: string): Promise<Submission> {
      const { s, period, regime, chain } = await readable(ctx, id);
      return view(s, regime.code, period.key, chain.levels);
    },

    /** Every version of a unit's report in a period, with the decisions taken on them. */
    async history(ctx: RequestContext, id: string) {
      const { s, period, regime, chain } = await readable(ctx, id);
      const versions = await repo.submissionsOfUnit(db, period.id, s.agency_id);
      const decisions = await repo.approvalsOf(
        db,
        versions.map((v) => v.id),
      );
      return {
        versions: await Promise.all(versions.map((v) => view(v, regime.code, period.key, chain.levels))),
        decisions: decisions.map((d) => ({
          submissionId: d.submission_id,
          level: d.level,
          agencyId: d.agency_id,
          decision: d.decision,
          comment: d.comment,
          decidedAt: d.decided_at.toISOString(),
        })),
        approvers: chain.ids.slice(1, chain.levels + 1),
      };
    },

    /** The unit's report in a period (latest version) or null, for the unit or its ancestors. */
    async current(ctx: RequestContext, regimeRef: string, key: string, unitId: string) {
      if (!isUuid(unitId)) throw SubmissionNotFound();
      const { regime, period, def } = await context(ctx, regimeRef, key);
      const chain = await chainOf(period.id, unitId, regime.recipient_agency_id);
      if (chain.ids.length === 0 || !canReadUnit(ctx.actor, chain.ids)) throw SubmissionNotFound();
      const latest = (await repo.submissionsOfUnit(db, period.id, unitId))[0];
      const unit = (await repo.periodUnit(db, period.id, unitId))!;
      return {
        regime,
        period,
        definition: def,
        submission: latest ? await view(latest, regime.code, period.key, chain.levels) : null,
        locked: isLocked(period, unit.reopened_until),
        canEdit: canReportFor(ctx.actor, unitId),
      };
    },

    /** Checks a submission's hash and signature against its stored values. */
    async verify(ctx: RequestContext, id: string) {
      const { s, period, regime } = await readable(ctx, id);
      const version = (await repo.findVersion(db, period.version_id))!;
      const canonical = canonicalContent({
        regime: regime.code,
        regimeVersion: version.version,
        period: period.key,
        unit: s.agency_id,
        version: s.version,
        values: await repo.valuesOf(db, s.id),
      });
      return verifyContent(deps.pki, canonical, { contentHash: s.content_hash, signedXml: s.signed_xml });
    },

    /** Periods the actor's agency must report for, newest first. */
    async assignedPeriods(ctx: RequestContext) {
      const agency = actorAgencyId(ctx.actor);
      return agency ? repo.periodsOfUnit(db, agency, 200) : [];
    },

    /** The regime definition (version) a period uses. */
    async definitionOf(periodId: string) {
      const period = await repo.periodById(db, periodId);
      if (!period) throw SubmissionNotFound();
      return repo.toDefinition(
        (await repo.findVersion(db, period.version_id))!,
        await repo.indicatorsOf(db, period.version_id),
      );
    },

    /** The number of a regime version (templates name it). */
    async versionOf(versionId: string): Promise<number> {
      return (await repo.findVersion(db, versionId))?.version ?? 0;
    },

    /** Reports waiting for the actor's agency to decide. */
    async awaitingMe(ctx: RequestContext) {
      const agency = actorAgencyId(ctx.actor);
      return agency ? repo.awaitingDecisionBy(db, agency, 200) : [];
    },
  };

  async function decide(ctx: RequestContext, id: string, decision: 'approve' | 'return', comment: string) {
    const { s, period, regime, chain } = await readable(ctx, id);
    const nextAgency = chain.ids[s.approval_level + 1];
    if (s.status !== 'submitted' || !nextAgency || s.approval_level >= chain.levels) throw NotYourLevel();
    if (!canDecideFor(ctx.actor, nextAgency)) throw NotYourLevel();
    const indicators = (await definitionOfVersion(period.version_id)).def.indicators;
    await db.transaction().execute(async (t) => {
      const trx = t as unknown as RepTx;
      await carry(trx, period, s.agency_id, indicators, async () => {
        const locked = await repo.submissionById(trx, s.id, true);
        if (locked?.status !== 'submitted' || locked.approval_level !== s.approval_level) throw Conflict();
        const level = s.approval_level + 1;
        const r = rep(trx);
        if (decision === 'approve') {
          await r
            .updateTable('reporting_submissions')
            .set({
              approval_level: level,
              status: level >= chain.levels ? 'approved' : 'submitted',
              updated_at: deps.now(),
            })
            .where('id', '=', s.id)
            .execute();
        } else {
          await r
            .updateTable('reporting_submissions')
            .set({ status: 'returned', approval_level: 0, updated_at: deps.now() })
            .where('id', '=', s.id)
            .execute();
          // A returned correction gives the floor back to the approved version it was replacing.
          await r
            .updateTable('reporting_submissions')
            .set({ superseded: false })
            .where('period_id', '=', period.id)
            .where('agency_id', '=', s.agency_id)
            .where('status', '=', 'approved')
            .where('version', '=', s.version - 1)
            .execute();
        }
        await r
          .insertInto('reporting_approvals')
          .values({
            id: randomUUID(),
            submission_id: s.id,
            level,
            agency_id: nextAgency,
            actor_id: actorId(ctx.actor),
            decision,
            comment: comment.slice(0, 2000) || null,
            decided_at: deps.now(),
          })
          .execute();
      });
      await recordAudit(trx, ctx, {
        action: decision === 'approve' ? 'reporting.submission.approve' : 'reporting.submission.return',
        subjectType: 'reporting_submission',
        subjectIds: [s.id],
        agencyId: nextAgency,
        details: { regime: regime.code, period: period.key, unit: s.agency_id, level: s.approval_level + 1 },
      });
    });
    regimes.figuresChanged(period.id);
    return service.get(ctx, id);
  }

  return service;
}
export type SubmissionService = ReturnType<typeof createSubmissionService>;
