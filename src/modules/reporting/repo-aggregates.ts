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

/**
 * Marks a change of the period's figures (in the caller's transaction). Taken first by every
 * change, the period row's lock also orders concurrent submissions of a period before they reach
 * the shared ancestors' rows (which they would otherwise lock in different orders).
 */
export async function touchPeriod(db: DbOrTx, periodId: string): Promise<void> {
  await sql`UPDATE reporting_periods SET revision = revision + 1 WHERE id = ${periodId}`.execute(db);
}

/** The period's revision now (see touchPeriod). */
export async function periodRevision(db: DbOrTx, periodId: string): Promise<string | undefined> {
  const r = await sql<{
    revision: string;
  }>`SELECT revision FROM reporting_periods WHERE id = ${periodId}`.execute(db);
  return r.rows[0]?.revision;
}

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
    -- Every ancestor above the unit is an inner node; the unit itself only when units report below it.
    WHERE c.period_id = ${periodId} AND c.unit_id = ${unitId} AND (c.depth >= 1 OR ${INNER('c')})
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

/**
 * Rebuilds a period's aggregates and completeness from the source tables, set-based in two
 * steps so the ~700,000 values of a national period are read once and never multiplied by the
 * depth of the hierarchy:
 *
 * 1. every counted value goes to one **bucket**: the unit itself when it is an inner node (it
 *    has units below it), otherwise its parent; a hash aggregate gives one row per bucket and
 *    indicator (~35 × indicators rows at national scale);
 * 2. the buckets roll up to every ancestor-or-self among the inner nodes (the closure restricted
 *    to inner nodes, a few hundred rows), which gives each inner node its own values plus all its
 *    descendants'. Sum, count, weighted numerator/denominator, min and max all compose this way.
 */
export async function rebuildPeriod(db: DbOrTx, periodId: string, versionId: string) {
  // The first grouping is a hash aggregate over the values: keep it in memory rather than spill.
  await sql`SET LOCAL work_mem = '256MB'`.execute(db);
  await touchPeriod(db, periodId);
  await rep(db).deleteFrom('reporting_aggregates').where('period_id', '=', periodId).execute();
  const inds = await rep(db)
    .selectFrom('reporting_indicators')
    .select(['code', 'aggregation', 'weight_code'])
    .where('version_id', '=', versionId)
    .where('aggregation', '<>', 'none')
    .execute();
  const codes = inds.map((i) => i.code);
  const weighted = inds.filter((i) => i.aggregation === 'weighted_average' && i.weight_code);
  if (codes.length > 0)
    await sql`WITH inner_closure AS MATERIALIZED (
      -- (inner node, its ancestor-or-self): derived from the expected units' chains, since an
      -- intermediate node that does not report itself has no chain of its own.
      SELECT DISTINCT b.ancestor_id AS node, a.ancestor_id AS anc
      FROM reporting_closure b
      JOIN reporting_closure a ON a.period_id = b.period_id AND a.unit_id = b.unit_id AND a.depth >= b.depth
      WHERE b.period_id = ${periodId} AND b.depth >= 1
    ), bucket AS MATERIALIZED (
      SELECT u.agency_id AS unit_id,
        CASE WHEN EXISTS (SELECT 1 FROM inner_closure i WHERE i.node = u.agency_id) THEN u.agency_id
          ELSE p.ancestor_id END AS bucket
      FROM reporting_period_units u
      LEFT JOIN reporting_closure p ON p.period_id = u.period_id AND p.unit_id = u.agency_id AND p.depth = 1
      WHERE u.period_id = ${periodId}
    ), counted AS MATERIALIZED (
      SELECT s.id, b.bucket FROM reporting_submissions s
      JOIN bucket b ON b.unit_id = s.agency_id AND b.bucket IS NOT NULL
      WHERE s.period_id = ${periodId} AND ${COUNTED}
    ), partial AS (
      -- One pass over the values: sum, count, min, max per bucket and indicator.
      SELECT c.bucket, v.code, sum(v.num) AS sum, count(*) AS count, 0 AS wnum, 0 AS wden,
        min(v.num) AS min, max(v.num) AS max
      FROM reporting_values v JOIN counted c ON c.id = v.submission_id
      WHERE v.num IS NOT NULL AND v.code = ANY(${codes}::text[])
      GROUP BY c.bucket, v.code
      UNION ALL
      -- Weighted averages: a few index lookups per submission (value and weight).
      SELECT c.bucket, x.code, 0, 0, sum(v.num * w.num), sum(w.num), NULL, NULL
      FROM counted c
      CROSS JOIN unnest(${weighted.map((i) => i.code)}::text[], ${weighted.map((i) => i.weight_code)}::text[]) AS x(code, weight)
      JOIN reporting_values v ON v.submission_id = c.id AND v.code = x.code AND v.num IS NOT NULL
      JOIN reporting_values w ON w.submission_id = c.id AND w.code = x.weight AND w.num IS NOT NULL
      GROUP BY c.bucket, x.code
    )
    INSERT INTO reporting_aggregates (period_id, unit_id, code, sum, count, wnum, wden, min, max)
    SELECT ${periodId}::uuid, ic.anc, p.code, sum(p.sum), sum(p.count), sum(p.wnum), sum(p.wden), min(p.min), max(p.max)
    FROM partial p JOIN inner_closure ic ON ic.node = p.bucket
    GROUP BY ic.anc, p.code`.execute(db);
  await rebuildCompleteness(db, periodId);
}

/**
 * Rebuilds completeness and timeliness counts of a period from the units' states: one row per
 * node of the hierarchy (expected units and the nodes above them) with its parent, which the
 * drill-down reads as "a unit and the units directly below it".
 */
export async function rebuildCompleteness(db: DbOrTx, periodId: string) {
  await touchPeriod(db, periodId);
  await rep(db).deleteFrom('reporting_completeness').where('period_id', '=', periodId).execute();
  await sql`WITH parents AS (
      SELECT DISTINCT ON (a.ancestor_id) a.ancestor_id AS node_id, p.ancestor_id AS parent_id
      FROM reporting_closure a
      JOIN reporting_closure p ON p.period_id = a.period_id AND p.unit_id = a.unit_id AND p.depth = a.depth + 1
      WHERE a.period_id = ${periodId}
      ORDER BY a.ancestor_id
    ), counts AS (
      SELECT c.ancestor_id AS node_id, count(*) AS expected,
        count(*) FILTER (WHERE u.submitted) AS submitted, count(*) FILTER (WHERE u.submitted AND NOT u.late) AS on_time,
        count(*) FILTER (WHERE u.submitted AND u.late) AS late, count(*) FILTER (WHERE u.approved) AS approved
      FROM reporting_closure c
      JOIN reporting_period_units u ON u.period_id = c.period_id AND u.agency_id = c.unit_id
      WHERE c.period_id = ${periodId}
      GROUP BY c.ancestor_id
    )
    INSERT INTO reporting_completeness (period_id, unit_id, parent_id, expected, submitted, on_time, late, approved)
    SELECT ${periodId}::uuid, k.node_id, p.parent_id, k.expected, k.submitted, k.on_time, k.late, k.approved
    FROM counts k LEFT JOIN parents p ON p.node_id = k.node_id`.execute(db);
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
  /** Only these indicators (a drill-down by indicator); all when null. */
  codes: readonly string[] | null = null,
): Promise<AggregateRow[]> {
  if (unitIds.length === 0 || codes?.length === 0) return [];
  const only = codes === null ? null : [...codes];
  const r =
    await sql<AggregateRow>`SELECT unit_id, code, sum::text, count, wnum::text, wden::text, min::text, max::text
    FROM reporting_aggregates WHERE period_id = ${periodId} AND unit_id = ANY(${unitIds}::uuid[])
      AND (${only}::text[] IS NULL OR code = ANY(${only}::text[]))
    UNION ALL
    SELECT s.agency_id, v.code, v.num::text, 1, coalesce(v.num * w.num, 0)::text, coalesce(w.num, 0)::text, v.num::text, v.num::text
    FROM reporting_submissions s
    JOIN reporting_values v ON v.submission_id = s.id AND v.num IS NOT NULL
      AND (${only}::text[] IS NULL OR v.code = ANY(${only}::text[]))
    JOIN reporting_indicators i ON i.version_id = ${versionId} AND i.code = v.code AND i.aggregation <> 'none'
    -- LATERAL: one index lookup per weighted value, never a scan of the period's values.
    LEFT JOIN LATERAL (SELECT w.num FROM reporting_values w
      WHERE i.aggregation = 'weighted_average' AND w.submission_id = s.id AND w.code = i.weight_code
        AND w.num IS NOT NULL) w ON true
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

/** A node of a period's hierarchy and the nodes directly below it (its row first), with their counts. */
export async function nodeAndChildren(db: RepDb, periodId: string, unitId: string) {
  const rows = await db
    .selectFrom('reporting_completeness')
    .selectAll()
    .where('period_id', '=', periodId)
    .where((eb) => eb.or([eb('unit_id', '=', unitId), eb('parent_id', '=', unitId)]))
    .limit(5001)
    .execute();
  const self = rows.find((r) => r.unit_id === unitId);
  return { self, children: rows.filter((r) => r !== self) };
}
