/** Queries of the reporting module's transactional tables (aggregates are in repo-aggregates.ts). */
import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { ClosureRow } from './hierarchy.ts';
import type { Indicator, RegimeDefinition, ReporterScope, Rule } from './schemas.ts';
import { rep, type IndicatorRow, type VersionRow } from './tables.ts';
import { isUuid } from '../../platform/ids.ts';

// ---- regimes and versions -------------------------------------------------------------

export function findRegime(db: DbOrTx, idOrCode: string) {
  const q = rep(db).selectFrom('reporting_regimes').selectAll();
  return (
    isUuid(idOrCode) ? q.where('id', '=', idOrCode) : q.where('code', '=', idOrCode)
  ).executeTakeFirst();
}

export function listRegimes(db: DbOrTx, limit: number) {
  return rep(db).selectFrom('reporting_regimes').selectAll().orderBy('code').limit(limit).execute();
}

export function versionsOf(db: DbOrTx, regimeId: string) {
  return rep(db)
    .selectFrom('reporting_regime_versions')
    .selectAll()
    .where('regime_id', '=', regimeId)
    .orderBy('version', 'desc')
    .execute();
}

export function findVersion(db: DbOrTx, versionId: string) {
  return rep(db)
    .selectFrom('reporting_regime_versions')
    .selectAll()
    .where('id', '=', versionId)
    .executeTakeFirst();
}

/** The published version in force on `date` (latest valid_from ≤ date), else the latest published. */
export async function publishedVersionOn(db: DbOrTx, regimeId: string, date: string) {
  const rows = await rep(db)
    .selectFrom('reporting_regime_versions')
    .selectAll()
    .where('regime_id', '=', regimeId)
    .where('status', '=', 'published')
    .orderBy('valid_from', 'desc')
    .orderBy('version', 'desc')
    .execute();
  return rows.find((r) => r.valid_from <= date) ?? rows[0];
}

export function indicatorsOf(db: DbOrTx, versionId: string) {
  return rep(db)
    .selectFrom('reporting_indicators')
    .selectAll()
    .where('version_id', '=', versionId)
    .orderBy('position')
    .execute();
}

/** A version row with its indicator rows as the definition it came from. */
export function toDefinition(v: VersionRow, indicators: IndicatorRow[]): RegimeDefinition {
  return {
    title: v.title,
    kind: v.kind as RegimeDefinition['kind'],
    legalBasis: v.legal_basis,
    content: v.content,
    reporterScope: v.reporter_scope as ReporterScope,
    channels: v.channels as RegimeDefinition['channels'],
    frequency: v.frequency as RegimeDefinition['frequency'],
    cutoffStartDay: v.cutoff_start_day,
    deadlineDays: v.deadline_days,
    lockDays: v.lock_days,
    reminderDays: v.reminder_days,
    instructions: v.instructions,
    validFrom: v.valid_from,
    rules: v.rules as Rule[],
    indicators: indicators.map((i): Indicator => ({
      code: i.code,
      name: i.name,
      unit: i.unit,
      type: i.value_type as Indicator['type'],
      options: i.options,
      aggregation: i.aggregation as Indicator['aggregation'],
      weightCode: i.weight_code,
      required: i.required,
      min: i.min_value === null ? null : Number(i.min_value),
      max: i.max_value === null ? null : Number(i.max_value),
    })),
  };
}

/** Writes a version's elements and replaces its indicators. */
export async function writeVersion(
  db: DbOrTx,
  row: { id: string; regime_id: string; version: number },
  def: RegimeDefinition,
  insert: boolean,
) {
  const values = {
    title: def.title,
    kind: def.kind,
    legal_basis: def.legalBasis,
    content: def.content,
    reporter_scope: JSON.stringify(def.reporterScope),
    channels: def.channels,
    frequency: def.frequency,
    cutoff_start_day: def.cutoffStartDay,
    deadline_days: def.deadlineDays,
    lock_days: def.lockDays,
    reminder_days: def.reminderDays,
    instructions: def.instructions,
    rules: JSON.stringify(def.rules),
    valid_from: def.validFrom,
  };
  const r = rep(db);
  if (insert)
    await r
      .insertInto('reporting_regime_versions')
      .values({ ...row, status: 'draft', published_at: null, ...values })
      .execute();
  else await r.updateTable('reporting_regime_versions').set(values).where('id', '=', row.id).execute();
  await r.deleteFrom('reporting_indicators').where('version_id', '=', row.id).execute();
  await r
    .insertInto('reporting_indicators')
    .values(
      def.indicators.map((i, position) => ({
        version_id: row.id,
        code: i.code,
        position,
        name: i.name,
        unit: i.unit,
        value_type: i.type,
        options: i.options,
        aggregation: i.aggregation,
        weight_code: i.aggregation === 'weighted_average' ? i.weightCode : null,
        required: i.required,
        min_value: i.min === null ? null : String(i.min),
        max_value: i.max === null ? null : String(i.max),
      })),
    )
    .execute();
}

// ---- assignments ----------------------------------------------------------------------

export function assignmentsOn(db: DbOrTx, regimeId: string, date: string) {
  return rep(db)
    .selectFrom('reporting_assignments')
    .select(['agency_id'])
    .distinct()
    .where('regime_id', '=', regimeId)
    .where('valid_from', '<=', date)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', date)]))
    .execute();
}

export function listAssignments(db: DbOrTx, regimeId: string, limit: number) {
  return rep(db)
    .selectFrom('reporting_assignments')
    .selectAll()
    .where('regime_id', '=', regimeId)
    .orderBy('valid_from', 'desc')
    .limit(limit)
    .execute();
}

// ---- periods --------------------------------------------------------------------------

export function findPeriod(db: DbOrTx, regimeId: string, key: string) {
  return rep(db)
    .selectFrom('reporting_periods')
    .selectAll()
    .where('regime_id', '=', regimeId)
    .where('key', '=', key)
    .executeTakeFirst();
}

export function periodById(db: DbOrTx, id: string) {
  return rep(db).selectFrom('reporting_periods').selectAll().where('id', '=', id).executeTakeFirst();
}

export function periodsOf(db: DbOrTx, regimeId: string, limit: number) {
  return rep(db)
    .selectFrom('reporting_periods')
    .selectAll()
    .where('regime_id', '=', regimeId)
    .orderBy('cutoff_end', 'desc')
    .limit(limit)
    .execute();
}

/** Replaces the period's expected units and closure (chunks keep statements under the parameter limit). */
export async function writeStructure(db: DbOrTx, periodId: string, units: string[], closure: ClosureRow[]) {
  const r = rep(db);
  const CHUNK = 5000;
  await r.deleteFrom('reporting_closure').where('period_id', '=', periodId).execute();
  for (let i = 0; i < closure.length; i += CHUNK)
    await sql`INSERT INTO reporting_closure (period_id, unit_id, ancestor_id, depth)
      SELECT ${periodId}::uuid, u, a, d FROM unnest(
        ${closure.slice(i, i + CHUNK).map((c) => c.unitId)}::uuid[],
        ${closure.slice(i, i + CHUNK).map((c) => c.ancestorId)}::uuid[],
        ${closure.slice(i, i + CHUNK).map((c) => c.depth)}::smallint[]) AS t(u, a, d)`.execute(db);
  await sql`DELETE FROM reporting_period_units WHERE period_id = ${periodId} AND NOT (agency_id = ANY(${units}::uuid[]))`.execute(
    db,
  );
  await sql`INSERT INTO reporting_period_units (period_id, agency_id)
    SELECT ${periodId}::uuid, u FROM unnest(${units}::uuid[]) AS t(u) ON CONFLICT DO NOTHING`.execute(db);
}

export function periodUnit(db: DbOrTx, periodId: string, agencyId: string, lock = false) {
  const q = rep(db)
    .selectFrom('reporting_period_units')
    .selectAll()
    .where('period_id', '=', periodId)
    .where('agency_id', '=', agencyId);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

/** Ancestors of a unit in a period, nearest first (depth 0 is the unit). */
export function ancestorsOf(db: DbOrTx, periodId: string, unitId: string) {
  return rep(db)
    .selectFrom('reporting_closure')
    .select(['ancestor_id', 'depth'])
    .where('period_id', '=', periodId)
    .where('unit_id', '=', unitId)
    .orderBy('depth')
    .execute();
}

/** Direct children of `unitId` in the period's hierarchy (depth 1 below it). */
export async function childrenIn(db: DbOrTx, periodId: string, unitId: string): Promise<string[]> {
  const r = await sql<{ unit_id: string }>`SELECT DISTINCT c.ancestor_id AS unit_id
    FROM reporting_closure p
    JOIN reporting_closure c ON c.period_id = p.period_id AND c.unit_id = p.unit_id AND c.depth = p.depth - 1
    WHERE p.period_id = ${periodId} AND p.ancestor_id = ${unitId} AND p.depth >= 1
    LIMIT 5000`.execute(db);
  return r.rows.map((x) => x.unit_id);
}

/** Periods in which `agencyId` is expected, newest first. */
export function periodsOfUnit(db: DbOrTx, agencyId: string, limit: number) {
  return rep(db)
    .selectFrom('reporting_period_units as u')
    .innerJoin('reporting_periods as p', 'p.id', 'u.period_id')
    .innerJoin('reporting_regimes as r', 'r.id', 'p.regime_id')
    .select(['p.id', 'p.key', 'p.due_on', 'p.lock_on', 'r.code', 'u.submitted', 'u.late', 'u.approved'])
    .where('u.agency_id', '=', agencyId)
    .orderBy('p.cutoff_end', 'desc')
    .limit(limit)
    .execute();
}

// ---- submissions ----------------------------------------------------------------------

export function submissionById(db: DbOrTx, id: string, lock = false) {
  const q = rep(db).selectFrom('reporting_submissions').selectAll().where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export function submissionsOfUnit(db: DbOrTx, periodId: string, agencyId: string) {
  return rep(db)
    .selectFrom('reporting_submissions')
    .selectAll()
    .where('period_id', '=', periodId)
    .where('agency_id', '=', agencyId)
    .orderBy('version', 'desc')
    .execute();
}

export async function valuesOf(db: DbOrTx, submissionId: string): Promise<Map<string, number | string>> {
  const rows = await rep(db)
    .selectFrom('reporting_values')
    .select(['code', 'num', 'txt'])
    .where('submission_id', '=', submissionId)
    .execute();
  return new Map(rows.map((r) => [r.code, r.num !== null ? Number(r.num) : (r.txt ?? '')]));
}

export async function replaceValues(db: DbOrTx, submissionId: string, values: Map<string, number | string>) {
  await rep(db).deleteFrom('reporting_values').where('submission_id', '=', submissionId).execute();
  if (values.size === 0) return;
  // One statement with three array parameters (not 4 × 200 bound values to parse and plan).
  const codes: string[] = [];
  const nums: (number | null)[] = [];
  const txts: (string | null)[] = [];
  for (const [code, v] of values) {
    codes.push(code);
    nums.push(typeof v === 'number' ? v : null);
    txts.push(typeof v === 'string' ? v : null);
  }
  await sql`INSERT INTO reporting_values (submission_id, code, num, txt)
    SELECT ${submissionId}::uuid, v.code, v.num, v.txt
    FROM unnest(${codes}::text[], ${nums}::numeric[], ${txts}::text[]) AS v(code, num, txt)`.execute(db);
}

export function approvalsOf(db: DbOrTx, submissionIds: string[]) {
  if (submissionIds.length === 0) return Promise.resolve([]);
  return rep(db)
    .selectFrom('reporting_approvals')
    .selectAll()
    .where('submission_id', 'in', submissionIds)
    .orderBy('decided_at')
    .execute();
}

/** Submissions waiting for `agencyId`'s decision: submitted, and this agency is the next level. */
export async function awaitingDecisionBy(db: DbOrTx, agencyId: string, limit: number) {
  const r = await sql<{ id: string; agency_id: string; key: string; code: string; submitted_at: Date }>`
    SELECT s.id, s.agency_id, p.key, r.code, s.submitted_at
    FROM reporting_closure c
    JOIN reporting_submissions s ON s.period_id = c.period_id AND s.agency_id = c.unit_id
      AND s.status = 'submitted' AND s.approval_level = c.depth - 1
    JOIN reporting_periods p ON p.id = c.period_id
    JOIN reporting_regimes r ON r.id = p.regime_id
    WHERE c.ancestor_id = ${agencyId} AND c.depth >= 1
    ORDER BY s.submitted_at LIMIT ${limit}`.execute(db);
  return r.rows;
}

/** The reporting view of a database handle. */
export { rep as repDb } from './tables.ts';
