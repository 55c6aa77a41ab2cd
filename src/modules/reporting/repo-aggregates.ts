/**
 * SQL of the aggregates: deltas applied to every ancestor in the caller's transaction, and the
 * set-based rebuild of a period from scratch. A unit's aggregate covers its own submission and
 * its descendants' (as DHIS2 does); only *counted* submissions take part: status submitted or
 * approved, not superseded by a later version.
 */
import { sql } from 'kysely';
import { rep, type RepDb } from './tables.ts';
import type { DbOrTx } from '../../platform/db/database.ts';

export const COUNTED = sql`s.status IN ('submitted', 'approved') AND NOT s.superseded`;

/** A change of one indicator's contribution, to add to every ancestor's row. */
export interface IndicatorDelta {
  code: string;
  sum: number;
  count: number;
  wnum: number;
  wden: number;
  /** The new value, for min/max (LEAST/GREATEST); null when nothing was added. */
  value: number | null;
}

/** Adds the deltas to the aggregates of `unitId` and all its ancestors in the period (one statement). */
export async function addToAncestors(db: DbOrTx, periodId: string, unitId: string, deltas: IndicatorDelta[]) {
  if (deltas.length === 0) return;
  await sql`INSERT INTO reporting_aggregates AS a (period_id, unit_id, code, sum, count, wnum, wden, min, max)
    SELECT c.period_id, c.ancestor_id, d.code, d.sum, d.count, d.wnum, d.wden, d.value, d.value
    FROM reporting_closure c
    CROSS JOIN unnest(
      ${deltas.map((d) => d.code)}::text[], ${deltas.map((d) => d.sum)}::numeric[],
      ${deltas.map((d) => d.count)}::int[], ${deltas.map((d) => d.wnum)}::numeric[],
      ${deltas.map((d) => d.wden)}::numeric[], ${deltas.map((d) => d.value)}::numeric[]
    ) AS d(code, sum, count, wnum, wden, value)
    WHERE c.period_id = ${periodId} AND c.unit_id = ${unitId}
    ON CONFLICT (period_id, unit_id, code) DO UPDATE SET
      sum = a.sum + excluded.sum,
      count = a.count + excluded.count,
      wnum = a.wnum + excluded.wnum,
      wden = a.wden + excluded.wden,
      min = LEAST(a.min, excluded.min),
      max = GREATEST(a.max, excluded.max)`.execute(db);
}

/**
 * Recomputes min and max of `codes` for the ancestors of `unitId` from the counted values (a
 * removed value cannot be subtracted from a minimum). Run after the submission's new state is written.
 */
export async function recomputeExtremes(db: DbOrTx, periodId: string, unitId: string, codes: string[]) {
  if (codes.length === 0) return;
  const inner = (fn: 'min' | 'max') => sql`(SELECT ${sql.raw(fn)}(v.num)
      FROM reporting_closure d
      JOIN reporting_submissions s ON s.period_id = d.period_id AND s.agency_id = d.unit_id AND ${COUNTED}
      JOIN reporting_values v ON v.submission_id = s.id AND v.code = a.code
      WHERE d.period_id = a.period_id AND d.ancestor_id = a.unit_id)`;
  await sql`UPDATE reporting_aggregates a SET min = ${inner('min')}, max = ${inner('max')}
    WHERE a.period_id = ${periodId} AND a.code = ANY(${codes}::text[])
      AND a.unit_id IN (SELECT ancestor_id FROM reporting_closure WHERE period_id = ${periodId} AND unit_id = ${unitId})`.execute(
    db,
  );
}

/** Adds a change of one unit's state (submitted, on time, late, approved) to every ancestor's counts. */
export async function addUnitStateDelta(
  db: DbOrTx,
  periodId: string,
  unitId: string,
  d: { submitted: number; onTime: number; late: number; approved: number },
) {
  if (d.submitted === 0 && d.onTime === 0 && d.late === 0 && d.approved === 0) return;
  await sql`UPDATE reporting_completeness SET
      submitted = submitted + ${d.submitted}, on_time = on_time + ${d.onTime},
      late = late + ${d.late}, approved = approved + ${d.approved}
    WHERE period_id = ${periodId}
      AND unit_id IN (SELECT ancestor_id FROM reporting_closure WHERE period_id = ${periodId} AND unit_id = ${unitId})`.execute(
    db,
  );
}

/** Rebuilds a period's aggregates and completeness from the source tables in two set-based statements. */
export async function rebuildPeriod(db: DbOrTx, periodId: string, versionId: string) {
  await rep(db).deleteFrom('reporting_aggregates').where('period_id', '=', periodId).execute();
  await sql`INSERT INTO reporting_aggregates (period_id, unit_id, code, sum, count, wnum, wden, min, max)
    SELECT s.period_id, c.ancestor_id, v.code,
      sum(v.num), count(*),
      coalesce(sum(v.num * w.num), 0), coalesce(sum(w.num) FILTER (WHERE w.num IS NOT NULL), 0),
      min(v.num), max(v.num)
    FROM reporting_submissions s
    JOIN reporting_values v ON v.submission_id = s.id AND v.num IS NOT NULL
    JOIN reporting_indicators i ON i.version_id = ${versionId} AND i.code = v.code AND i.aggregation <> 'none'
    LEFT JOIN reporting_values w ON i.aggregation = 'weighted_average'
      AND w.submission_id = s.id AND w.code = i.weight_code AND w.num IS NOT NULL
    JOIN reporting_closure c ON c.period_id = s.period_id AND c.unit_id = s.agency_id
    WHERE s.period_id = ${periodId} AND ${COUNTED}
    GROUP BY s.period_id, c.ancestor_id, v.code`.execute(db);
  await rebuildCompleteness(db, periodId);
}

/** Rebuilds completeness and timeliness counts of a period from the units' states. */
export async function rebuildCompleteness(db: DbOrTx, periodId: string) {
  await rep(db).deleteFrom('reporting_completeness').where('period_id', '=', periodId).execute();
  await sql`INSERT INTO reporting_completeness (period_id, unit_id, expected, submitted, on_time, late, approved)
    SELECT c.period_id, c.ancestor_id, count(*),
      count(*) FILTER (WHERE u.submitted), count(*) FILTER (WHERE u.submitted AND NOT u.late),
      count(*) FILTER (WHERE u.submitted AND u.late), count(*) FILTER (WHERE u.approved)
    FROM reporting_closure c
    JOIN reporting_period_units u ON u.period_id = c.period_id AND u.agency_id = c.unit_id
    WHERE c.period_id = ${periodId}
    GROUP BY c.period_id, c.ancestor_id`.execute(db);
}

export interface AggregateRow {
  unit_id: string;
  code: string;
  sum: string;
  count: number;
  wnum: string;
  wden: string;
  min: string | null;
  max: string | null;
}

/** Aggregates of some units in a period. */
export function aggregatesOf(db: RepDb, periodId: string, unitIds: string[]): Promise<AggregateRow[]> {
  if (unitIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('reporting_aggregates')
    .select(['unit_id', 'code', 'sum', 'count', 'wnum', 'wden', 'min', 'max'])
    .where('period_id', '=', periodId)
    .where('unit_id', 'in', unitIds)
    .execute();
}

/** Completeness rows of some units in a period. */
export function completenessOf(db: RepDb, periodId: string, unitIds: string[]) {
  if (unitIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('reporting_completeness')
    .selectAll()
    .where('period_id', '=', periodId)
    .where('unit_id', 'in', unitIds)
    .execute();
}
