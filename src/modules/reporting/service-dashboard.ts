/**
 * Reading the aggregates: a unit's values by each indicator's rule, with completeness and
 * timeliness, and the same for its children in the period's hierarchy (drill-down); plus the
 * full rebuild of a period from scratch.
 */
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorAgencyId, type RequestContext } from '../../platform/context.ts';
import { todayOf, type ReportingDeps } from './deps.ts';
import { PeriodNotFound, SubmissionNotFound } from './errors.ts';
import { canDefineRegime, canReadUnit } from './policies.ts';
import { aggregatesOf, completenessOf, rebuildPeriod, type AggregateRow } from './repo-aggregates.ts';
import * as repo from './repo.ts';
import type { Indicator, UnitSummary } from './schemas.ts';
import type { RegimeService } from './service-regimes.ts';

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

  async function summaries(
    periodId: string,
    versionId: string,
    unitIds: string[],
    indicators: readonly Indicator[],
  ) {
    const [aggs, comp] = await Promise.all([
      aggregatesOf(db, periodId, versionId, unitIds),
      completenessOf(repo.repDb(db), periodId, unitIds),
    ]);
    // Indexed once: a national drill-down has ~50 units × 200 indicators to look up.
    const byKey = new Map(aggs.map((a) => [`${a.unit_id}|${a.code}`, a]));
    const compOf = new Map(comp.map((c) => [c.unit_id, c]));
    return unitIds.map((unitId): UnitSummary => {
      const c = compOf.get(unitId);
      return {
        unitId,
        expected: c?.expected ?? 0,
        submitted: c?.submitted ?? 0,
        onTime: c?.on_time ?? 0,
        late: c?.late ?? 0,
        approved: c?.approved ?? 0,
        values: indicators
          .filter((i) => i.aggregation !== 'none')
          .map((ind) => {
            const row = byKey.get(`${unitId}|${ind.code}`);
            return { code: ind.code, value: aggregateValue(ind, row), count: row?.count ?? 0 };
          }),
      };
    });
  }

  return {
    /**
     * A unit's aggregates and its children's for a regime and period. The unit defaults to the
     * actor's agency; only the unit itself and its ancestors (the recipient included) may read.
     */
    async summary(ctx: RequestContext, input: { regime: string; period: string; unit?: string | undefined }) {
      const regime = await regimes.regimeOrThrow(input.regime);
      const period = await regimes.openPeriod(ctx, regime.id, input.period);
      const unitId = input.unit ?? actorAgencyId(ctx.actor) ?? regime.recipient_agency_id;
      const ancestors = await ancestorsOfNode(period.id, unitId);
      if (ancestors.length === 0 || !canReadUnit(ctx.actor, ancestors)) throw SubmissionNotFound();
      const version = (await repo.findVersion(db, period.version_id))!;
      const definition = repo.toDefinition(version, await repo.indicatorsOf(db, version.id));
      const children = await repo.childrenIn(db, period.id, unitId);
      const [unit, ...rows] = await summaries(
        period.id,
        version.id,
        [unitId, ...children],
        definition.indicators,
      );
      const names = new Map<string, string>();
      for (const id of [unitId, ...children, ...ancestors]) {
        const a = await deps.directory.getAgency(id);
        names.set(id, a?.name ?? id);
      }
      const own = await repo.periodUnit(db, period.id, unitId);
      return {
        regime: { id: regime.id, code: regime.code, title: definition.title },
        period,
        definition,
        unit: unit!,
        /** The unit is itself expected to report (it has its own submission). */
        unitReports: own !== undefined,
        children: rows.sort((a, b) =>
          (names.get(a.unitId) ?? '').localeCompare(names.get(b.unitId) ?? '', 'vi'),
        ),
        ancestors: ancestors.slice(1),
        names,
      };
    },

    /**
     * A unit's values over the regime's latest periods (oldest first), for the trend chart; periods
     * in which the unit is not in the hierarchy, or is not readable by the actor, are left out.
     */
    async trend(ctx: RequestContext, input: { regime: string; unit: string; periods?: number }) {
      const regime = await regimes.regimeOrThrow(input.regime);
      const periods = await repo.periodsOf(db, regime.id, Math.min(input.periods ?? 6, 24));
      const out: { key: string; values: Map<string, number | null>; submitted: number; expected: number }[] =
        [];
      for (const period of periods.reverse()) {
        const ancestors = await ancestorsOfNode(period.id, input.unit);
        if (ancestors.length === 0 || !canReadUnit(ctx.actor, ancestors)) continue;
        const version = (await repo.findVersion(db, period.version_id))!;
        const indicators = repo.toDefinition(version, await repo.indicatorsOf(db, version.id)).indicators;
        const [s] = await summaries(period.id, version.id, [input.unit], indicators);
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
    },
  };
}
export type DashboardService = ReturnType<typeof createDashboardService>;
