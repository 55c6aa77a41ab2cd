/**
 * Regimes (versioned: draft → published, immutable once published), effective-dated
 * assignments and periods (opened lazily on first use or by the daily job).
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { NotFound } from '../../platform/errors.ts';
import { todayOf, type ReportingDeps } from './deps.ts';
import {
  DraftExists,
  NoDraftVersion,
  NotPublished,
  PeriodNotFound,
  PeriodNotOpen,
  RegimeCodeTaken,
  RegimeInvalid,
  RegimeNotFound,
} from './errors.ts';
import { buildClosure, resolveScope } from './hierarchy.ts';
import {
  cutoffWindow,
  keyMatchesFrequency,
  periodContaining,
  periodDates,
  type Frequency,
} from './periods.ts';
import { canDefineRegime } from './policies.ts';
import { periodRevision, rebuildCompleteness, rebuildPeriod } from './repo-aggregates.ts';
import * as repo from './repo.ts';
import {
  createRegimeSchema,
  regimeDefinitionSchema,
  type CreateRegimeInput,
  type Period,
  type RegimeDefinitionInput,
  type RegimeVersion,
} from './schemas.ts';
import { rep, type PeriodRow, type RegimeRow, type VersionRow } from './tables.ts';
import { checkDefinition } from './validation.ts';
import { isUuid } from '../../platform/ids.ts';

function parseDefinition(input: unknown) {
  const parsed = regimeDefinitionSchema.safeParse(input);
  if (!parsed.success)
    throw RegimeInvalid({
      fields: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  const errors = checkDefinition(parsed.data);
  if (errors.length > 0)
    throw RegimeInvalid({
      fields: errors.map((e) => ({ field: e.field, message: e.message.en, messages: e.message })),
    });
  return parsed.data;
}

/** How long a process trusts the revision of a period's figures it read (see figuresRevision). */
export const FIGURES_TTL_MS = 1000;

/** Regimes, versions, assignments and periods. */
export function createRegimeService(deps: ReportingDeps) {
  const { db } = deps;

  // The revision of each period's figures this process saw last (repo-aggregates touchPeriod),
  // read again every FIGURES_TTL_MS: a change made here forgets it at once (so this process's
  // readers see it immediately), one made by another process shows within about twice the TTL.
  const revisions = new Map<string, { revision: string | undefined; at: number }>();
  const readingRevision = new Map<string, Promise<string | undefined>>();
  let localChanges = 0;
  async function figuresRevision(periodId: string): Promise<string | undefined> {
    const hit = revisions.get(periodId);
    const now = performance.now();
    if (hit && now - hit.at < FIGURES_TTL_MS) return hit.revision;
    // One read per period at a time, shared by the readers that arrive meanwhile.
    const reading = readingRevision.get(periodId) ?? readRevision(periodId, now);
    // Just past its time, the revision held still answers while the new one is read, so no
    // reader waits on the periodic check; a period not read lately, or changed here, waits.
    if (hit && now - hit.at < 2 * FIGURES_TTL_MS) {
      reading.catch(() => undefined);
      return hit.revision;
    }
    return reading;
  }
  function readRevision(periodId: string, now: number): Promise<string | undefined> {
    const changesBefore = localChanges;
    const reading: Promise<string | undefined> = periodRevision(db, periodId)
      .then((revision) => {
        // A change committed here meanwhile may be newer than what was read: do not keep it.
        if (changesBefore === localChanges) {
          if (revisions.size > 5000) revisions.clear();
          revisions.set(periodId, { revision, at: now });
        }
        return revision;
      })
      .finally(() => {
        if (readingRevision.get(periodId) === reading) readingRevision.delete(periodId);
      });
    readingRevision.set(periodId, reading);
    return reading;
  }
  function figuresChanged(periodId: string): void {
    localChanges += 1;
    revisions.delete(periodId);
    readingRevision.delete(periodId);
  }

  // Regime rows never change once created (code and recipient are fixed; versions carry the
  // rest), so the submit path reads them from memory after the first time.
  const regimeCache = new Map<string, RegimeRow>();
  async function regimeOrThrow(idOrCode: string): Promise<RegimeRow> {
    const hit = regimeCache.get(idOrCode);
    if (hit) return hit;
    const regime = await repo.findRegime(db, idOrCode);
    if (!regime) throw RegimeNotFound();
    if (regimeCache.size > 1000) regimeCache.clear();
    regimeCache.set(regime.id, regime).set(regime.code, regime);
    return regime;
  }

  async function versionView(regime: RegimeRow, v: VersionRow): Promise<RegimeVersion> {
    return {
      id: v.id,
      regimeId: regime.id,
      code: regime.code,
      recipientAgencyId: regime.recipient_agency_id,
      version: v.version,
      status: v.status,
      publishedAt: v.published_at?.toISOString() ?? null,
      definition: repo.toDefinition(v, await repo.indicatorsOf(db, v.id)),
    };
  }

  function assertCanDefine(ctx: RequestContext, regime: Pick<RegimeRow, 'recipient_agency_id'>) {
    // Another agency's regime administration answers 404, as everywhere.
    if (!canDefineRegime(ctx.actor, regime.recipient_agency_id)) throw RegimeNotFound();
  }

  function periodView(p: PeriodRow, expected: number): Period {
    return {
      id: p.id,
      regimeId: p.regime_id,
      versionId: p.version_id,
      key: p.key,
      cutoffStart: p.cutoff_start,
      cutoffEnd: p.cutoff_end,
      dueOn: p.due_on,
      lockOn: p.lock_on,
      expected,
    };
  }

  /** Builds (or rebuilds) a period's expected units and hierarchy, then its completeness counts. */
  async function structurePeriod(
    ctx: RequestContext,
    regime: RegimeRow,
    period: PeriodRow,
    /** Re-aggregate the submissions along the new hierarchy (a restructure; a new period has none). */
    reaggregate = false,
  ): Promise<number> {
    const assigned = await repo.assignmentsOn(db, regime.id, period.cutoff_end);
    const { units, closure } = await buildClosure(
      deps.directory,
      assigned.map((a) => a.agency_id),
      regime.recipient_agency_id,
      period.cutoff_end,
    );
    await db.transaction().execute(async (trx) => {
      await rep(trx)
        .selectFrom('reporting_periods')
        .select('id')
        .where('id', '=', period.id)
        .forUpdate()
        .execute();
      await repo.writeStructure(trx, period.id, units, closure);
      if (reaggregate) await rebuildPeriod(trx, period.id, period.version_id);
      else await rebuildCompleteness(trx, period.id);
      await rep(trx)
        .updateTable('reporting_periods')
        .set({ structured_at: deps.now() })
        .where('id', '=', period.id)
        .execute();
      await recordAudit(trx, ctx, {
        action: 'reporting.period.structure',
        subjectType: 'reporting_period',
        subjectIds: [period.id],
        agencyId: regime.recipient_agency_id,
        details: { regime: regime.code, key: period.key, expected: units.length },
      });
    });
    deps.logger.info(
      { action: 'reporting.period.structure', periodId: period.id, expected: units.length },
      'period structured',
    );
    return units.length;
  }

  const service = {
    /** Creates a regime with its first version as a draft (platform or recipient administrators). */
    async createRegime(ctx: RequestContext, input: CreateRegimeInput): Promise<RegimeVersion> {
      const parsed = createRegimeSchema.safeParse(input);
      if (!parsed.success)
        throw RegimeInvalid({
          fields: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        });
      const { code, recipientAgencyId, ...definition } = parsed.data;
      if (!canDefineRegime(ctx.actor, recipientAgencyId)) throw NotFound();
      const def = parseDefinition(definition);
      if (await repo.findRegime(db, code)) throw RegimeCodeTaken();
      const regimeId = randomUUID();
      const versionId = randomUUID();
      await db.transaction().execute(async (trx) => {
        await rep(trx)
          .insertInto('reporting_regimes')
          .values({ id: regimeId, code, recipient_agency_id: recipientAgencyId })
          .execute();
        await repo.writeVersion(trx, { id: versionId, regime_id: regimeId, version: 1 }, def, true);
        await recordAudit(trx, ctx, {
          action: 'reporting.regime.create',
          subjectType: 'reporting_regime',
          subjectIds: [regimeId],
          agencyId: recipientAgencyId,
          details: { code, indicators: def.indicators.length },
        });
      });
      return service.getVersion(ctx, regimeId, 'draft');
    },

    /** Regimes with their latest version (everyone signed in may read regimes: they are public rules). */
    async listRegimes(): Promise<RegimeVersion[]> {
      const regimes = await repo.listRegimes(db, 500);
      const out: RegimeVersion[] = [];
      for (const r of regimes) {
        const v = (await repo.versionsOf(db, r.id))[0];
        if (v) out.push(await versionView(r, v));
      }
      return out;
    },

    /** Every version of a regime, newest first. */
    async versions(idOrCode: string): Promise<RegimeVersion[]> {
      const regime = await regimeOrThrow(idOrCode);
      const rows = await repo.versionsOf(db, regime.id);
      return Promise.all(rows.map((v) => versionView(regime, v)));
    },

    /** One version: 'draft', 'published' (in force today) or a number. Drafts only for their editors. */
    async getVersion(
      ctx: RequestContext,
      idOrCode: string,
      which: 'draft' | 'published' | number,
    ): Promise<RegimeVersion> {
      const regime = await regimeOrThrow(idOrCode);
      const rows = await repo.versionsOf(db, regime.id);
      const v =
        which === 'published'
          ? await repo.publishedVersionOn(db, regime.id, todayOf(deps))
          : rows.find((r) => (which === 'draft' ? r.status === 'draft' : r.version === which));
      if (!v) throw which === 'draft' ? NoDraftVersion() : NotPublished();
      if (v.status === 'draft') assertCanDefine(ctx, regime);
      return versionView(regime, v);
    },

    /** Replaces the draft's elements and indicators; a published version never changes. */
    async updateDraft(
      ctx: RequestContext,
      idOrCode: string,
      input: RegimeDefinitionInput,
    ): Promise<RegimeVersion> {
      const regime = await regimeOrThrow(idOrCode);
      assertCanDefine(ctx, regime);
      const def = parseDefinition(input);
      await db.transaction().execute(async (trx) => {
        const draft = (await repo.versionsOf(trx, regime.id)).find((v) => v.status === 'draft');
        if (!draft) throw NoDraftVersion();
        await repo.writeVersion(trx, draft, def, false);
        await recordAudit(trx, ctx, {
          action: 'reporting.regime.update_draft',
          subjectType: 'reporting_regime_version',
          subjectIds: [draft.id],
          agencyId: regime.recipient_agency_id,
          details: { code: regime.code, version: draft.version },
        });
      });
      return service.getVersion(ctx, regime.id, 'draft');
    },

    /** Publishes the draft: from now on it is immutable and periods use it from its validFrom. */
    async publish(ctx: RequestContext, idOrCode: string): Promise<RegimeVersion> {
      const regime = await regimeOrThrow(idOrCode);
      assertCanDefine(ctx, regime);
      const version = await db.transaction().execute(async (trx) => {
        const draft = (await repo.versionsOf(trx, regime.id)).find((v) => v.status === 'draft');
        if (!draft) throw NoDraftVersion();
        await rep(trx)
          .updateTable('reporting_regime_versions')
          .set({ status: 'published', published_at: deps.now() })
          .where('id', '=', draft.id)
          .execute();
        await recordAudit(trx, ctx, {
          action: 'reporting.regime.publish',
          subjectType: 'reporting_regime_version',
          subjectIds: [draft.id],
          agencyId: regime.recipient_agency_id,
          details: { code: regime.code, version: draft.version },
        });
        return draft.version;
      });
      return service.getVersion(ctx, regime.id, version);
    },

    /** Starts a new draft version as a copy of the latest version (the way to change a published regime). */
    async newVersion(ctx: RequestContext, idOrCode: string): Promise<RegimeVersion> {
      const regime = await regimeOrThrow(idOrCode);
      assertCanDefine(ctx, regime);
      await db.transaction().execute(async (trx) => {
        const rows = await repo.versionsOf(trx, regime.id);
        if (rows.some((v) => v.status === 'draft')) throw DraftExists();
        const latest = rows[0];
        if (!latest) throw NotPublished();
        const def = repo.toDefinition(latest, await repo.indicatorsOf(trx, latest.id));
        const id = randomUUID();
        await repo.writeVersion(trx, { id, regime_id: regime.id, version: latest.version + 1 }, def, true);
        await recordAudit(trx, ctx, {
          action: 'reporting.regime.new_version',
          subjectType: 'reporting_regime_version',
          subjectIds: [id],
          agencyId: regime.recipient_agency_id,
          details: { code: regime.code, version: latest.version + 1 },
        });
      });
      return service.getVersion(ctx, regime.id, 'draft');
    },

    /**
     * Assigns the regime to units from `validFrom` (to `validTo`, exclusive): the given agencies,
     * or those the published scope names on `validFrom`. Units with an open assignment are skipped.
     */
    async assign(
      ctx: RequestContext,
      idOrCode: string,
      input: { agencyIds?: string[] | undefined; validFrom: string; validTo?: string | null },
    ): Promise<{ added: number }> {
      const regime = await regimeOrThrow(idOrCode);
      assertCanDefine(ctx, regime);
      let ids = input.agencyIds;
      if (!ids) {
        const v = await repo.publishedVersionOn(db, regime.id, input.validFrom);
        if (!v) throw NotPublished();
        ids = await resolveScope(deps.directory, repo.toDefinition(v, []).reporterScope, input.validFrom);
      }
      const open = new Set(
        (await repo.assignmentsOn(db, regime.id, input.validFrom)).map((a) => a.agency_id),
      );
      const fresh = [...new Set(ids)].filter((id) => !open.has(id));
      await db.transaction().execute(async (trx) => {
        if (fresh.length > 0)
          await rep(trx)
            .insertInto('reporting_assignments')
            .values(
              fresh.map((agencyId) => ({
                id: randomUUID(),
                regime_id: regime.id,
                agency_id: agencyId,
                valid_from: input.validFrom,
                valid_to: input.validTo ?? null,
              })),
            )
            .execute();
        await recordAudit(trx, ctx, {
          action: 'reporting.regime.assign',
          subjectType: 'reporting_regime',
          subjectIds: [regime.id],
          agencyId: regime.recipient_agency_id,
          details: { code: regime.code, added: fresh.length, validFrom: input.validFrom },
        });
      });
      return { added: fresh.length };
    },

    /** Ends a unit's assignment on `validTo` (exclusive); earlier periods keep expecting it. */
    async endAssignment(
      ctx: RequestContext,
      idOrCode: string,
      agencyId: string,
      validTo: string,
    ): Promise<void> {
      const regime = await regimeOrThrow(idOrCode);
      assertCanDefine(ctx, regime);
      await db.transaction().execute(async (trx) => {
        await rep(trx)
          .updateTable('reporting_assignments')
          .set({ valid_to: validTo })
          .where('regime_id', '=', regime.id)
          .where('agency_id', '=', agencyId)
          .where('valid_from', '<', validTo)
          .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', validTo)]))
          .execute();
        await recordAudit(trx, ctx, {
          action: 'reporting.regime.unassign',
          subjectType: 'reporting_regime',
          subjectIds: [regime.id, agencyId],
          agencyId: regime.recipient_agency_id,
          details: { code: regime.code, validTo },
        });
      });
    },

    /**
     * The period `key` of a regime, opened on first use: its window, deadline and lock date are
     * computed from the published version's rules; its expected units and hierarchy are read
     * from the assignments and the directory at the cut-off end. A period opens when its
     * cut-off window starts (or any time after).
     */
    async openPeriod(ctx: RequestContext, idOrCode: string, key: string): Promise<PeriodRow> {
      const regime = await regimeOrThrow(idOrCode);
      const existing = await repo.findPeriod(db, regime.id, key);
      if (existing) return existing;
      const today = todayOf(deps);
      let version = await repo.publishedVersionOn(db, regime.id, today);
      if (!version) throw NotPublished();
      const frequency = version.frequency as Frequency;
      if (!keyMatchesFrequency(key, frequency)) throw PeriodNotFound();
      let window = cutoffWindow(key, version.cutoff_start_day);
      const inForce = await repo.publishedVersionOn(db, regime.id, window.cutoffEnd);
      if (inForce && inForce.id !== version.id && inForce.frequency === frequency) {
        version = inForce;
        window = cutoffWindow(key, version.cutoff_start_day);
      }
      if (window.cutoffStart > today) throw PeriodNotOpen();
      const dates = periodDates(
        window,
        {
          frequency,
          cutoffStartDay: version.cutoff_start_day,
          deadlineDays: version.deadline_days,
          lockDays: version.lock_days,
        },
        deps.calendar,
      );
      const id = randomUUID();
      await rep(db)
        .insertInto('reporting_periods')
        .values({
          id,
          regime_id: regime.id,
          version_id: version.id,
          key,
          cutoff_start: dates.cutoffStart,
          cutoff_end: dates.cutoffEnd,
          due_on: dates.dueOn,
          lock_on: dates.lockOn,
        })
        .onConflict((oc) => oc.columns(['regime_id', 'key']).doNothing())
        .execute();
      const period = await repo.findPeriod(db, regime.id, key);
      if (!period) throw PeriodNotFound();
      if (period.id === id) await structurePeriod(ctx, regime, period);
      return period;
    },

    /** Re-reads the period's hierarchy from the directory (after a reorganisation) and rebuilds its aggregates and counts. */
    async restructurePeriod(ctx: RequestContext, periodId: string): Promise<number> {
      const period = await repo.periodById(db, periodId);
      if (!period) throw PeriodNotFound();
      const regime = await regimeOrThrow(period.regime_id);
      assertCanDefine(ctx, regime);
      const expected = await structurePeriod(ctx, regime, period, true);
      figuresChanged(period.id);
      return expected;
    },

    /**
     * The revision of a period's figures for readers that keep what they computed from them
     * (drill-downs): current for changes made in this process, at most FIGURES_TTL_MS old for
     * changes made by another process sharing the database.
     */
    figuresRevision,

    /** Tells this process's readers that a period's figures changed (after the change commits). */
    figuresChanged,

    /** A period as the API shows it. */
    async period(ctx: RequestContext, idOrCode: string, key: string): Promise<Period> {
      const p = await service.openPeriod(ctx, idOrCode, key);
      const c = await rep(db)
        .selectFrom('reporting_period_units')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('period_id', '=', p.id)
        .executeTakeFirst();
      return periodView(p, Number(c?.n ?? 0));
    },

    /** Opens the period in progress of every published periodic regime (the daily job). */
    async openCurrentPeriods(ctx: RequestContext): Promise<string[]> {
      const today = todayOf(deps);
      const opened: string[] = [];
      for (const r of await repo.listRegimes(db, 500)) {
        const v = await repo.publishedVersionOn(db, r.id, today);
        if (!v) continue;
        const w = periodContaining(v.frequency as Frequency, v.cutoff_start_day, today);
        if (!w) continue;
        await service.openPeriod(ctx, r.id, w.key);
        opened.push(`${r.code}:${w.key}`);
      }
      return opened;
    },

    /** The id of the agency named by an id or by a code it holds today, or null. */
    async resolveAgency(ref: string): Promise<string | null> {
      if (isUuid(ref)) return (await deps.directory.getAgency(ref))?.id ?? null;
      return (await deps.directory.resolveCode(ref).catch(() => null))?.current.id ?? null;
    },

    regimeOrThrow,
  };
  return service;
}
export type RegimeService = ReturnType<typeof createRegimeService>;
