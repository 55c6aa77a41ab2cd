/**
 * As reported vs restated (reform-2025.md §2.6). A period keeps the structure of its cut-off
 * end; after a merge its units may no longer exist. "As reported" lists each counted submission
 * under the unit that sent it; "restated" maps every unit to the agency that succeeds it today
 * through the directory's merge and split events (the default successor of a split), adds the
 * additive indicators (aggregation "sum") and flags the others, which cannot be added.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/context.ts';
import type { ReportingDeps } from './deps.ts';
import { SubmissionNotFound } from './errors.ts';
import { validOn } from './hierarchy.ts';
import { canReadUnit } from './policies.ts';
import { COUNTED } from './repo-aggregates.ts';
import * as repo from './repo.ts';
import type { RegimeService } from './service-regimes.ts';
import { todayOf } from './deps.ts';

export interface RestatedRow {
  unitId: string;
  name: string;
  /** Units whose reports were added into this one (itself included when it reported). */
  sources: { unitId: string; name: string }[];
  values: Record<string, number | null>;
}

export function createRestatedService(deps: ReportingDeps, regimes: RegimeService) {
  const { db, directory } = deps;

  /** The agency responsible today for `unitId`, following successors of closed agencies. */
  async function successorToday(unitId: string): Promise<string> {
    let id = unitId;
    for (let guard = 0; guard < 10; guard++) {
      const a = await directory.getAgencyDetail(id);
      if (!a || validOn(a, todayOf(deps))) return id;
      const next = a.successors.find((s) => s.id !== id);
      if (!next) return id;
      id = next.id;
    }
    return id;
  }

  return {
    /** Both views of a period, for the regime's recipient (and platform administrators). */
    async view(ctx: RequestContext, input: { regime: string; period: string }) {
      const regime = await regimes.regimeOrThrow(input.regime);
      const period = await regimes.openPeriod(ctx, regime.id, input.period);
      if (!canReadUnit(ctx.actor, [regime.recipient_agency_id])) throw SubmissionNotFound();
      const version = (await repo.findVersion(db, period.version_id))!;
      const definition = repo.toDefinition(version, await repo.indicatorsOf(db, version.id));
      const inds = definition.indicators.filter((i) => i.aggregation !== 'none');
      const rows = await sql<{ agency_id: string; code: string; num: string }>`
        SELECT s.agency_id, v.code, v.num::text FROM reporting_submissions s
        JOIN reporting_values v ON v.submission_id = s.id AND v.num IS NOT NULL
        WHERE s.period_id = ${period.id} AND ${COUNTED}
        ORDER BY s.agency_id LIMIT 200000`.execute(db);
      const byUnit = new Map<string, Map<string, number>>();
      for (const r of rows.rows) {
        const m = byUnit.get(r.agency_id) ?? new Map<string, number>();
        m.set(r.code, Number(r.num));
        byUnit.set(r.agency_id, m);
      }
      const name = async (id: string) => (await directory.getAgency(id))?.name ?? id;
      const asReported = [];
      const restated = new Map<string, RestatedRow & { count: Map<string, number> }>();
      for (const [unitId, values] of byUnit) {
        const unitName = await name(unitId);
        asReported.push({
          unitId,
          name: unitName,
          values: Object.fromEntries(inds.map((i) => [i.code, values.get(i.code) ?? null])),
        });
        const target = await successorToday(unitId);
        let row = restated.get(target);
        if (!row) {
          row = { unitId: target, name: await name(target), sources: [], values: {}, count: new Map() };
          restated.set(target, row);
        }
        row.sources.push({ unitId, name: unitName });
        for (const ind of inds) {
          const v = values.get(ind.code);
          if (v === undefined) continue;
          row.count.set(ind.code, (row.count.get(ind.code) ?? 0) + 1);
          // Only sums add across merged units; a single source keeps its value whatever the rule.
          row.values[ind.code] = (row.values[ind.code] ?? 0) + v;
        }
      }
      const nonAdditive = inds.filter((i) => i.aggregation !== 'sum').map((i) => i.code);
      const restatedRows: (RestatedRow & { flagged: string[] })[] = [...restated.values()].map((r) => {
        const flagged = nonAdditive.filter((c) => (r.count.get(c) ?? 0) > 1);
        const values = { ...r.values };
        for (const c of flagged) values[c] = null;
        return { unitId: r.unitId, name: r.name, sources: r.sources, values, flagged };
      });
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'vi');
      return {
        regime: { code: regime.code, title: definition.title },
        period,
        indicators: inds,
        /** True when the window straddles 01/07/2025 (the reform), when both views matter most. */
        straddles: period.cutoff_start < '2025-07-01' && period.cutoff_end >= '2025-07-01',
        asReported: asReported.sort(byName),
        restated: restatedRows.sort(byName),
        nonAdditive,
      };
    },
  };
}
export type RestatedService = ReturnType<typeof createRestatedService>;
