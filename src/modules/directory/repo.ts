import { sql, type Expression, type SqlBool } from 'kysely';
import type { CodeRef } from './codes.ts';
import type { AgencyRow, CodeRow, DirDb, EventRow, NameRow } from './tables.ts';

/** The only file that touches the directory's tables. Batch writes use unnest arrays. */

export type AgencyInsert = Omit<AgencyRow, 'version' | 'created_at' | 'updated_at'>;
export type CodeInsert = Omit<CodeRow, 'created_at'>;
export interface EventLinkInsert {
  event_id: string;
  agency_id: string;
  role: 'subject' | 'predecessor' | 'successor';
  is_default: boolean;
}
export type EventInsert = Omit<EventRow, 'created_at'>;

function count(result: { numAffectedRows?: bigint }): number {
  return Number(result.numAffectedRows ?? 0n);
}
const conflictClause = (ignore: boolean) => (ignore ? sql`ON CONFLICT DO NOTHING` : sql``);

/** Inserts agencies in one statement; with `ignoreExisting` rows whose id exists are skipped. */
export async function insertAgencies(db: DirDb, rows: readonly AgencyInsert[], ignoreExisting = false) {
  if (rows.length === 0) return 0;
  const r = await sql`INSERT INTO directory_agencies
      (id, kind, parent_id, level, name, short_name, valid_from, valid_to, search_text)
    SELECT * FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.kind)}::text[],
      ${rows.map((r) => r.parent_id)}::uuid[], ${rows.map((r) => r.level)}::smallint[],
      ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.short_name)}::text[],
      ${rows.map((r) => r.valid_from)}::date[], ${rows.map((r) => r.valid_to)}::date[],
      ${rows.map((r) => r.search_text)}::text[])
    ${conflictClause(ignoreExisting)}`.execute(db);
  return count(r);
}

export async function insertNames(db: DirDb, rows: readonly NameRow[], ignoreExisting = false) {
  if (rows.length === 0) return 0;
  const r = await sql`INSERT INTO directory_agency_names (agency_id, name, short_name, valid_from, valid_to)
    SELECT * FROM unnest(${rows.map((r) => r.agency_id)}::uuid[], ${rows.map((r) => r.name)}::text[],
      ${rows.map((r) => r.short_name)}::text[], ${rows.map((r) => r.valid_from)}::date[],
      ${rows.map((r) => r.valid_to)}::date[])
    ${conflictClause(ignoreExisting)}`.execute(db);
  return count(r);
}

export async function insertCodes(db: DirDb, rows: readonly CodeInsert[], ignoreExisting = false) {
  if (rows.length === 0) return 0;
  const r = await sql`INSERT INTO directory_codes
      (id, agency_id, scheme, code, valid_from, valid_to, confirmed, note)
    SELECT * FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.agency_id)}::uuid[],
      ${rows.map((r) => r.scheme)}::text[], ${rows.map((r) => r.code)}::text[],
      ${rows.map((r) => r.valid_from)}::date[], ${rows.map((r) => r.valid_to)}::date[],
      ${rows.map((r) => r.confirmed)}::boolean[], ${rows.map((r) => r.note)}::text[])
    ${conflictClause(ignoreExisting)}`.execute(db);
  return count(r);
}

export async function insertEvents(
  db: DirDb,
  events: readonly EventInsert[],
  links: readonly EventLinkInsert[],
  ignoreExisting = false,
) {
  if (events.length === 0) return 0;
  const r = await sql`INSERT INTO directory_events (id, kind, effective_on, legal_basis, note)
    SELECT * FROM unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.kind)}::text[],
      ${events.map((e) => e.effective_on)}::date[], ${events.map((e) => e.legal_basis)}::text[],
      ${events.map((e) => e.note)}::text[])
    ${conflictClause(ignoreExisting)}`.execute(db);
  if (links.length > 0)
    await sql`INSERT INTO directory_event_agencies (event_id, agency_id, role, is_default)
      SELECT * FROM unnest(${links.map((l) => l.event_id)}::uuid[], ${links.map((l) => l.agency_id)}::uuid[],
        ${links.map((l) => l.role)}::text[], ${links.map((l) => l.is_default)}::boolean[])
      ${conflictClause(ignoreExisting)}`.execute(db);
  return count(r);
}

export function findAgency(db: DirDb, id: string): Promise<AgencyRow | undefined> {
  return db.selectFrom('directory_agencies').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAgencies(db: DirDb, ids: readonly string[]): Promise<AgencyRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('directory_agencies').selectAll().where('id', 'in', ids).execute();
}

export function lockAgency(db: DirDb, id: string): Promise<AgencyRow | undefined> {
  return db.selectFrom('directory_agencies').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function codesOf(db: DirDb, agencyIds: readonly string[]): Promise<CodeRow[]> {
  if (agencyIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('directory_codes')
    .selectAll()
    .where('agency_id', 'in', agencyIds)
    .orderBy('valid_from')
    .orderBy('scheme')
    .execute();
}

export function namesOf(db: DirDb, agencyId: string): Promise<NameRow[]> {
  return db
    .selectFrom('directory_agency_names')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .orderBy('valid_from')
    .execute();
}

export function findCode(db: DirDb, id: string): Promise<CodeRow | undefined> {
  return db.selectFrom('directory_codes').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The code row for any of `candidates` that was valid on `at`, or else the last one that
 * started before `at` (a closed code still names who held it last).
 */
export function findCodeHolder(db: DirDb, candidates: readonly CodeRef[], at: string) {
  return db
    .selectFrom('directory_codes')
    .selectAll()
    .where((eb) =>
      eb.or(candidates.map((c) => eb.and([eb('scheme', '=', c.scheme), eb('code', '=', c.code)]))),
    )
    .where('valid_from', '<=', at)
    .orderBy(sql`(valid_to IS NULL OR valid_to > ${at}::date)`, 'desc')
    .orderBy('valid_from', 'desc')
    .orderBy(sql`CASE scheme WHEN 'QD20' THEN 0 WHEN 'SHORT' THEN 1 ELSE 2 END`)
    .limit(1)
    .executeTakeFirst();
}

/** Codes of any scheme that conflict with [from, to) for (scheme, code), excluding one row. */
export function overlappingCodes(db: DirDb, refs: readonly CodeRef[], from: string, to: string | null) {
  if (refs.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('directory_codes')
    .selectAll()
    .where((eb) => eb.or(refs.map((c) => eb.and([eb('scheme', '=', c.scheme), eb('code', '=', c.code)]))))
    .where(sql<SqlBool>`daterange(valid_from, valid_to, '[)') && daterange(${from}::date, ${to}::date, '[)')`)
    .execute();
}

/** Successor links of events in which `agencyId` is a predecessor, effective on or before `until`. */
export function successorLinks(db: DirDb, agencyId: string, until: string) {
  return db
    .selectFrom('directory_event_agencies as p')
    .innerJoin('directory_events as e', 'e.id', 'p.event_id')
    .innerJoin('directory_event_agencies as s', (j) =>
      j.onRef('s.event_id', '=', 'p.event_id').on('s.role', '=', 'successor'),
    )
    .select(['e.id as eventId', 'e.kind', 'e.effective_on', 's.agency_id as successorId', 's.is_default'])
    .where('p.agency_id', '=', agencyId)
    .where('p.role', '=', 'predecessor')
    .where('s.agency_id', '!=', agencyId)
    .where('e.effective_on', '<=', until)
    .orderBy('e.effective_on', 'desc')
    .orderBy('s.is_default', 'desc')
    .execute();
}

/** Every event concerning an agency, with all agencies of each event. */
export async function eventsOf(db: DirDb, agencyId: string) {
  const events = await db
    .selectFrom('directory_events as e')
    .innerJoin('directory_event_agencies as l', 'l.event_id', 'e.id')
    .selectAll('e')
    .where('l.agency_id', '=', agencyId)
    .orderBy('e.effective_on')
    .distinct()
    .execute();
  const ids = events.map((e) => e.id);
  const links =
    ids.length === 0
      ? []
      : await db
          .selectFrom('directory_event_agencies as l')
          .innerJoin('directory_agencies as a', 'a.id', 'l.agency_id')
          .select(['l.event_id', 'l.agency_id', 'l.role', 'l.is_default', 'a.name'])
          .where('l.event_id', 'in', ids)
          .execute();
  return events.map((e) => ({ ...e, agencies: links.filter((l) => l.event_id === e.id) }));
}

/** True when `ancestorId` is `agencyId` or one of its parents (recursive on parent links). */
export async function isAncestor(db: DirDb, ancestorId: string, agencyId: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM directory_agencies WHERE id = ${agencyId}
      UNION ALL
      SELECT a.id, a.parent_id, up.depth + 1 FROM directory_agencies a JOIN up ON a.id = up.parent_id
      WHERE up.depth < 50
    ) SELECT EXISTS (SELECT 1 FROM up WHERE id = ${ancestorId}) AS found`.execute(db);
  return r.rows[0]?.found ?? false;
}

export function childrenOf(db: DirDb, parentId: string, limit: number) {
  return db
    .selectFrom('directory_agencies')
    .selectAll()
    .where('parent_id', '=', parentId)
    .orderBy('name')
    .limit(limit)
    .execute();
}

export interface SearchFilter {
  words: string[];
  kind?: string | undefined;
  parentId?: string | undefined;
  status: 'active' | 'closed' | 'all';
  today: string;
  offset: number;
  limit: number;
}

/** Agencies whose search text holds every word (trigram index), filtered and paginated. */
export function searchAgencies(db: DirDb, f: SearchFilter) {
  let q = db.selectFrom('directory_agencies').selectAll();
  for (const w of f.words) {
    const pattern = `%${w.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    q = q.where('search_text', 'like', pattern);
  }
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.parentId) q = q.where('parent_id', '=', f.parentId);
  const activeExpr = (): Expression<SqlBool> =>
    sql<SqlBool>`(valid_to IS NULL OR valid_to > ${f.today}::date)`;
  if (f.status === 'active') q = q.where(activeExpr());
  if (f.status === 'closed') q = q.where(sql<SqlBool>`NOT (valid_to IS NULL OR valid_to > ${f.today}::date)`);
  return q.orderBy('level').orderBy('name').orderBy('id').offset(f.offset).limit(f.limit).execute();
}

/** Tells every process that the directory changed (delivered at commit; see cache.ts). */
export async function notifyChanged(db: DirDb): Promise<void> {
  await sql`SELECT pg_notify('directory_changed', '')`.execute(db);
}
