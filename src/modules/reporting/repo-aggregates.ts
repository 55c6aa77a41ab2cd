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

/**
 * Aggregate rows are kept for *inner* nodes only (units with something below them): a leaf's
 * aggregate is its own counted values, read directly (see aggregatesOf). This keeps the table and
 * the rebuild small: ~35 × indicators rows per period instead of one per reported value.
 */
const INNER = (alias: string) => sql`EXISTS (SELECT 1 FROM reporting_closure i
  WHERE i.period_id = ${sql.ref(`${alias}.period_id`)} AND i.ancestor_id = ${sql.ref(`${alias}.ancestor_id`)} AND i.depth >= 1)`;

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
    WHERE c.period_id = ${periodId} AND c.unit_id = ${unitId} AND ${INNER('c')}
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
  await sql`WITH anc AS (
      SELECT ancestor_id FROM reporting_closure WHERE period_id = ${periodId} AND unit_id = ${unitId}
    ), x AS (
      SELECT d.ancestor_id, v.code, min(v.num) AS mn, max(v.num) AS mx
      FROM reporting_closure d
      JOIN reporting_submissions s ON s.period_id = d.period_id AND s.agency_id = d.unit_id AND ${COUNTED}
      JOIN reporting_values v ON v.submission_id = s.id AND v.code = ANY(${codes}::text[])
      WHERE d.period_id = ${periodId} AND d.ancestor_id IN (SELECT ancestor_id FROM anc)
      GROUP BY d.ancestor_id, v.code
    )
    UPDATE reporting_aggregates a SET min = x.mn, max = x.mx
    FROM anc CROSS JOIN unnest(${codes}::text[]) AS c(code)
      LEFT JOIN x ON x.code = c.code AND x.ancestor_id = anc.ancestor_id
    WHERE a.period_id = ${periodId} AND a.unit_id = anc.ancestor_id AND a.code = c.code`.execute(db);
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
  // The grouping holds one row per (ancestor, indicator): keep it in memory rather than spill.
  await sql`SET LOCAL work_mem = '256MB'`.execute(db);
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
    WHERE s.period_id = ${periodId} AND ${COUNTED} AND ${INNER('c')}
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

/** Aggregates of some units in a period: stored rows for inner nodes, own counted values for leaves. */
export async function aggregatesOf(
  db: DbOrTx,
  periodId: string,
  versionId: string,
  unitIds: string[],
): Promise<AggregateRow[]> {
  if (unitIds.length === 0) return [];
  const r =
    await sql<AggregateRow>`SELECT unit_id, code, sum::text, count, wnum::text, wden::text, min::text, max::text
    FROM reporting_aggregates WHERE period_id = ${periodId} AND unit_id = ANY(${unitIds}::uuid[])
    UNION ALL
    SELECT s.agency_id, v.code, v.num::text, 1, coalesce(v.num * w.num, 0)::text, coalesce(w.num, 0)::text, v.num::text, v.num::text
    FROM reporting_submissions s
    JOIN reporting_values v ON v.submission_id = s.id AND v.num IS NOT NULL
    JOIN reporting_indicators i ON i.version_id = ${versionId} AND i.code = v.code AND i.aggregation <> 'none'
    LEFT JOIN reporting_values w ON i.aggregation = 'weighted_average'
      AND w.submission_id = s.id AND w.code = i.weight_code AND w.num IS NOT NULL
    WHERE s.period_id = ${periodId} AND s.agency_id = ANY(${unitIds}::uuid[]) AND ${COUNTED}
      AND NOT EXISTS (SELECT 1 FROM reporting_closure x
        WHERE x.period_id = s.period_id AND x.ancestor_id = s.agency_id AND x.depth >= 1)`.execute(db);
  return r.rows;
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
