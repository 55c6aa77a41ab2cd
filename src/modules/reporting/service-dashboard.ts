/**
 * Reading the aggregates: a unit's values by each indicator's rule, with completeness and
 * timeliness, and the same for its children in the period's hierarchy (drill-down); plus the
 * full rebuild of a period from scratch.
 */
import { sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorAgencyId, type RequestContext } from '../../platform/context.ts';
import { todayOf, type ReportingDeps } from './deps.ts';
import { PeriodNotFound, SubmissionNotFound } from './errors.ts';
import { canDefineRegime, canReadUnit } from './policies.ts';
import {
  aggregatesOf,
  completenessOf,
  nodeAndChildren,
  rebuildPeriod,
  type AggregateRow,
} from './repo-aggregates.ts';
import * as repo from './repo.ts';
import type { Indicator, RegimeDefinition, UnitSummary } from './schemas.ts';
import type { RegimeService } from './service-regimes.ts';
import type { PeriodRow, RegimeRow, VersionRow } from './tables.ts';

/** The value of an aggregate by the indicator's rule (null when nothing was reported). */
export function aggregateValue(ind: Indicator, row: AggregateRow | undefined): number | null {
  if (!row || row.count === 0) return null;
  switch (ind.aggregation) {
    case 'sum':
      return Number(row.sum);
    case 'average':
      return Number(row.sum) / row.count;
    case 'weighted_average':
      return Number(row.wden) === 0 ? null : Number(row.wnum) / Number(row.wden);
    case 'min':
      return row.min === null ? null : Number(row.min);
    case 'max':
      return row.max === null ? null : Number(row.max);
    case 'none':
      return null;
  }
}

/** Vietnamese alphabetical order of unit names (one collator, not one per comparison). */
const byName = new Intl.Collator('vi');

/** Aggregates, completeness and drill-down. */
export function createDashboardService(deps: ReportingDeps, regimes: RegimeService) {
  const { db } = deps;

  /** Ancestors of any node of the period's hierarchy (an expected unit or an intermediate one). */
  async function ancestorsOfNode(periodId: string, nodeId: string): Promise<string[]> {
    const r = await sql<{ ancestor_id: string }>`SELECT a.ancestor_id FROM reporting_closure a
      JOIN (SELECT unit_id, depth FROM reporting_closure WHERE period_id = ${periodId} AND ancestor_id = ${nodeId} LIMIT 1) n
        ON a.unit_id = n.unit_id AND a.depth >= n.depth
      WHERE a.period_id = ${periodId} ORDER BY a.depth`.execute(db);
    return r.rows.map((x) => x.ancestor_id);
  }

  // A period's row (id, version, dates) never changes once opened, nor does its published
  // version: both are read once per process (the period's revision is read on every drill-down).
  const periods = new Map<string, PeriodRow>();
  async function periodOf(ctx: RequestContext, regime: RegimeRow, key: string): Promise<PeriodRow> {
    const k = `${regime.id}|${key}`;
    const hit = periods.get(k);
    if (hit) return hit;
    const period = await regimes.openPeriod(ctx, regime.id, key);
    if (periods.size > 2000) periods.clear();
    periods.set(k, period);
    return period;
  }
  const definitions = new Map<string, { version: VersionRow; definition: RegimeDefinition }>();
  async function definitionOf(versionId: string) {
    let hit = definitions.get(versionId);
    if (!hit) {
      const version = (await repo.findVersion(db, versionId))!;
      hit = { version, definition: repo.toDefinition(version, await repo.indicatorsOf(db, versionId)) };
      if (version.status !== 'draft') {
        if (definitions.size > 200) definitions.clear();
        definitions.set(versionId, hit);
      }
    }
    return hit;
  }

  /**
   * Drill-downs (a unit and the units directly below it, for some indicators) as of a revision of
   * their period: a read whose period has not changed since is served from here. Any change of
   * the period's figures moves the revision in its own transaction (touchPeriod); this process
   * sees its own changes at once and another process's within about two seconds (figuresRevision).
   * Bounded by the number of values held.
   */
  interface Drill {
    revision: string;
    ancestors: string[];
    unit: UnitSummary;
    /** In the order of their names (read-only: shared by every reader of this revision). */
    children: readonly UnitSummary[];
    /** Names of the unit, its children and its ancestors, as the directory gave them. */
    names: ReadonlyMap<string, string>;
  }
  const drills = new LRUCache<string, Drill>({
    // Names come from the directory, which changes on its own: read again at least every minute.
    ttl: 60_000,
    maxSize: 400_000,
    sizeCalculation: (d) =>
      1 + d.unit.values.length + d.children.length * (1 + (d.children[0]?.values.length ?? 0)),
  });

  const pending = new Map<string, Promise<Drill | null>>();

  async function drill(
    period: PeriodRow,
    unitId: string,
    own: { indicators: readonly Indicator[]; codes: readonly string[] | null },
    below: { indicators: readonly Indicator[]; codes: readonly string[] | null },
    revision: string,
  ): Promise<Drill | null> {
    const [ancestors, nodes] = await Promise.all([
      ancestorsOfNode(period.id, unitId),
      nodeAndChildren(repo.repDb(db), period.id, unitId),
    ]);
    if (ancestors.length === 0 || !nodes.self) return null;
    const children = nodes.children.map((c) => c.unit_id);
    const parts = await Promise.all(
      below === own
        ? [aggregatesOf(db, period.id, period.version_id, [unitId, ...children], own.codes)]
        : [
            aggregatesOf(db, period.id, period.version_id, [unitId], own.codes),
            aggregatesOf(db, period.id, period.version_id, children, below.codes),
          ],
    );
    const byKey = new Map(parts.flat().map((a) => [`${a.unit_id}|${a.code}`, a]));
    const names = new Map<string, string>();
    for (const id of [unitId, ...children, ...ancestors]) {
      const a = await deps.directory.getAgency(id);
      names.set(id, a?.name ?? id);
    }
    return {
      revision,
      ancestors,
      unit: toSummary(unitId, nodes.self, own.indicators, byKey),
      children: nodes.children
        .map((c) => toSummary(c.unit_id, c, below.indicators, byKey))
        .sort((a, b) => byName.compare(names.get(a.unitId) ?? '', names.get(b.unitId) ?? '')),
      names,
    };
  }

  function toSummary(
    unitId: string,
    c: { expected: number; submitted: number; on_time: number; late: number; approved: number } | undefined,
    indicators: readonly Indicator[],
    byKey: ReadonlyMap<string, AggregateRow>,
  ): UnitSummary {
    return {
      unitId,
      expected: c?.expected ?? 0,
      submitted: c?.submitted ?? 0,
      onTime: c?.on_time ?? 0,
      late: c?.late ?? 0,
      approved: c?.approved ?? 0,
      values: indicators.map((ind) => {
        const row = byKey.get(`${unitId}|${ind.code}`);
        return { code: ind.code, value: aggregateValue(ind, row), count: row?.count ?? 0 };
      }),
    };
  }

  /** The indicators a reader asked for (all aggregated ones when `codes` is absent). */
  function chosenIndicators(definition: RegimeDefinition, codes: readonly string[] | undefined) {
    const all = definition.indicators.filter((i) => i.aggregation !== 'none');
    if (codes === undefined) return { indicators: all, codes: null };
    const wanted = new Set(codes);
    const indicators = all.filter((i) => wanted.has(i.code));
    return { indicators, codes: indicators.map((i) => i.code) };
  }

  async function summaries(
    periodId: string,
    versionId: string,
    unitIds: string[],
    indicators: readonly Indicator[],
    codes: readonly string[] | null = null,
  ) {
    const [aggs, comp] = await Promise.all([
      aggregatesOf(db, periodId, versionId, unitIds, codes),
      completenessOf(repo.repDb(db), periodId, unitIds),
    ]);
    // Indexed once: a national drill-down has ~50 units × 200 indicators to look up.
    const byKey = new Map(aggs.map((a) => [`${a.unit_id}|${a.code}`, a]));
    const compOf = new Map(comp.map((c) => [c.unit_id, c]));
    return unitIds.map((unitId) => toSummary(unitId, compOf.get(unitId), indicators, byKey));
  }

  return {
    /**
     * A unit's aggregates and its children's for a regime and period. The unit defaults to the
     * actor's agency; only the unit itself and its ancestors (the recipient included) may read.
     */
    async summary(
      ctx: RequestContext,
      input: {
        regime: string;
        period: string;
        unit?: string | undefined;
        /** Drill-down by indicator: only these indicators' values (all when absent). */
        indicators?: readonly string[] | undefined;
        /** The children's indicators when they differ from the unit's (a page's table): codes, or
         * a choice among the regime's aggregated indicators. */
        childIndicators?: readonly string[] | ((aggregated: readonly Indicator[]) => string[]) | undefined;
      },
    ) {
      const regime = await regimes.regimeOrThrow(input.regime);
      const period = await periodOf(ctx, regime, input.period);
      const unitId = input.unit ?? actorAgencyId(ctx.actor) ?? regime.recipient_agency_id;
      const [revision, { definition }] = await Promise.all([
        regimes.figuresRevision(period.id),
        definitionOf(period.version_id),
      ]);
      const own = chosenIndicators(definition, input.indicators);
      const pick = input.childIndicators;
      const below =
        pick === undefined
          ? own
          : chosenIndicators(
              definition,
              typeof pick === 'function'
                ? pick(definition.indicators.filter((i) => i.aggregation !== 'none'))
                : pick,
            );
      const key = `${period.id}|${unitId}|${own.codes?.join(',') ?? '*'}|${below.codes?.join(',') ?? '*'}`;
      let d: Drill | null | undefined = drills.get(key);
      if (d?.revision !== revision) {
        // One computation per drill-down and revision, however many readers arrive meanwhile.
        const at = `${key}|${revision ?? ''}`;
        let computing = pending.get(at);
        if (!computing) {
          computing = drill(period, unitId, own, below, revision ?? '').finally(() => pending.delete(at));
          pending.set(at, computing);
        }
        d = await computing;
        if (d) drills.set(key, d);
      }
      // Authorised on every read, from the hierarchy of the cached figures.
      if (!d || !canReadUnit(ctx.actor, d.ancestors)) throw SubmissionNotFound();
      return {
        regime: { id: regime.id, code: regime.code, title: definition.title },
        period,
        definition,
        unit: d.unit,
        /** The unit is itself expected to report (its own submission counts in its figures). */
        unitReports: d.unit.expected > d.children.reduce((n, c) => n + c.expected, 0),
        /** Sorted by name; the same array for every reader of this revision of the figures. */
        children: d.children,
        ancestors: d.ancestors.slice(1),
        names: d.names,
      };
    },

    /**
     * A unit's values over the regime's latest periods (oldest first), for the trend chart; periods
     * in which the unit is not in the hierarchy, or is not readable by the actor, are left out.
     */
    async trend(
      ctx: RequestContext,
      input: { regime: string; unit: string; periods?: number; indicators?: readonly string[] | undefined },
    ) {
      const regime = await regimes.regimeOrThrow(input.regime);
      const periods = await repo.periodsOf(db, regime.id, Math.min(input.periods ?? 6, 24));
      const out: { key: string; values: Map<string, number | null>; submitted: number; expected: number }[] =
        [];
      for (const period of periods.reverse()) {
        const ancestors = await ancestorsOfNode(period.id, input.unit);
        if (ancestors.length === 0 || !canReadUnit(ctx.actor, ancestors)) continue;
        const { definition } = await definitionOf(period.version_id);
        const { indicators, codes } = chosenIndicators(definition, input.indicators);
        const [s] = await summaries(period.id, period.version_id, [input.unit], indicators, codes);
        out.push({
          key: period.key,
          values: new Map(s!.values.map((v) => [v.code, v.value])),
          submitted: s!.submitted,
          expected: s!.expected,
        });
      }
      return out;
    },

    /**
     * Completeness and timeliness by level below a unit (0 = the unit itself, 1 = its direct
     * children, 2 = theirs …) and, for each unit still expected, whether it is late or missing.
     */
    async levels(ctx: RequestContext, input: { regime: string; period: string; unit: string }) {
      const regime = await regimes.regimeOrThrow(input.regime);
      const period = await regimes.openPeriod(ctx, regime.id, input.period);
      const ancestors = await ancestorsOfNode(period.id, input.unit);
      if (ancestors.length === 0 || !canReadUnit(ctx.actor, ancestors)) throw SubmissionNotFound();
      const r = await sql<{
        depth: number;
        expected: number;
        submitted: number;
        on_time: number;
        late: number;
      }>`
        SELECT c.depth, count(*)::int AS expected, count(*) FILTER (WHERE u.submitted)::int AS submitted,
          count(*) FILTER (WHERE u.submitted AND NOT u.late)::int AS on_time,
          count(*) FILTER (WHERE u.submitted AND u.late)::int AS late
        FROM reporting_closure c
        JOIN reporting_period_units u ON u.period_id = c.period_id AND u.agency_id = c.unit_id
        WHERE c.period_id = ${period.id} AND c.ancestor_id = ${input.unit}
        GROUP BY c.depth ORDER BY c.depth`.execute(db);
      return r.rows.map((x) => ({
        depth: x.depth,
        expected: x.expected,
        submitted: x.submitted,
        onTime: x.on_time,
        late: x.late,
      }));
    },

    /**
     * Units under `unit` (itself included) that have not submitted, or submitted late, in the
     * period — the list the recipient reminds from. Readable by the unit and its ancestors.
     */
    async lateUnits(ctx: RequestContext, input: { regime: string; period: string; unit: string }) {
      const regime = await regimes.regimeOrThrow(input.regime);
      const period = await regimes.openPeriod(ctx, regime.id, input.period);
      const ancestors = await ancestorsOfNode(period.id, input.unit);
      if (ancestors.length === 0 || !canReadUnit(ctx.actor, ancestors)) throw SubmissionNotFound();
      const rows = await sql<{ agency_id: string; submitted: boolean; late: boolean }>`
        SELECT u.agency_id, u.submitted, u.late FROM reporting_closure c
        JOIN reporting_period_units u ON u.period_id = c.period_id AND u.agency_id = c.unit_id
        WHERE c.period_id = ${period.id} AND c.ancestor_id = ${input.unit} AND (NOT u.submitted OR u.late)
        ORDER BY u.submitted, u.agency_id LIMIT 5000`.execute(db);
      const units = [];
      for (const x of rows.rows) {
        const a = await deps.directory.getAgency(x.agency_id);
        units.push({
          unitId: x.agency_id,
          name: a?.name ?? x.agency_id,
          submitted: x.submitted,
          late: x.late,
        });
      }
      return { regime, period, overdue: todayOf(deps) > period.due_on, units };
    },

    /** Rebuilds a period's aggregates and counts from the submissions (recipient or platform administrators). */
    async rebuild(ctx: RequestContext, periodId: string): Promise<void> {
      const period = await repo.periodById(db, periodId);
      if (!period) throw PeriodNotFound();
      const regime = (await repo.findRegime(db, period.regime_id))!;
      if (!canDefineRegime(ctx.actor, regime.recipient_agency_id)) throw PeriodNotFound();
      await db.transaction().execute(async (trx) => {
        await rebuildPeriod(trx, period.id, period.version_id);
        await recordAudit(trx, ctx, {
          action: 'reporting.period.rebuild',
          subjectType: 'reporting_period',
          subjectIds: [period.id],
          agencyId: regime.recipient_agency_id,
          details: { regime: regime.code, period: period.key },
        });
      });
      regimes.figuresChanged(period.id);
    },
  };
}
export type DashboardService = ReturnType<typeof createDashboardService>;
