/** Kysely queries of the catalogue: the only file that touches the services_* tables. */
import { sql } from 'kysely';
import type { ProcedureRow, SvcDb, VersionRow } from './tables.ts';

export type ProcedureWrite = Omit<ProcedureRow, 'created_at' | 'updated_at'>;

export async function findProcedure(db: SvcDb, id: string, lock = false): Promise<ProcedureRow | undefined> {
  let q = db.selectFrom('services_procedures').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findProcedureByCode(db: SvcDb, code: string): Promise<ProcedureRow | undefined> {
  return db.selectFrom('services_procedures').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertProcedure(db: SvcDb, row: ProcedureWrite): Promise<void> {
  await db.insertInto('services_procedures').values(row).execute();
}

export async function updateProcedure(db: SvcDb, id: string, patch: Partial<ProcedureWrite>): Promise<void> {
  await db
    .updateTable('services_procedures')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function insertVersion(
  db: SvcDb,
  row: Omit<VersionRow, 'created_at' | 'updated_at' | 'content'> & { content: string },
): Promise<void> {
  await db.insertInto('services_versions').values(row).execute();
}

export async function updateVersion(
  db: SvcDb,
  id: string,
  patch: Partial<Pick<VersionRow, 'state' | 'published_at' | 'published_by'>> & { content?: string },
): Promise<void> {
  await db
    .updateTable('services_versions')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function findVersion(db: SvcDb, id: string): Promise<VersionRow | undefined> {
  return db.selectFrom('services_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findVersionByNumber(
  db: SvcDb,
  procedureId: string,
  number: number,
): Promise<VersionRow | undefined> {
  return db
    .selectFrom('services_versions')
    .selectAll()
    .where('procedure_id', '=', procedureId)
    .where('number', '=', number)
    .executeTakeFirst();
}

export async function findDraft(db: SvcDb, procedureId: string): Promise<VersionRow | undefined> {
  return db
    .selectFrom('services_versions')
    .selectAll()
    .where('procedure_id', '=', procedureId)
    .where('state', '=', 'draft')
    .executeTakeFirst();
}

/** Versions without their content, newest first. */
export async function listVersions(db: SvcDb, procedureId: string) {
  return db
    .selectFrom('services_versions')
    .select(['id', 'number', 'state', 'created_at', 'updated_at', 'published_at'])
    .where('procedure_id', '=', procedureId)
    .orderBy('number', 'desc')
    .limit(500)
    .execute();
}

/** The procedures of the admin list (all, or those of one owner agency), by name. */
export async function listProcedures(
  db: SvcDb,
  o: { ownerAgencyId: string | null; words: string; offset: number; limit: number },
) {
  let q = db
    .selectFrom('services_procedures as p')
    .selectAll('p')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('services_versions as v')
            .whereRef('v.procedure_id', '=', 'p.id')
            .where('v.state', '=', 'draft'),
        )
        .as('has_draft'),
    );
  if (o.ownerAgencyId) q = q.where('p.owner_agency_id', '=', o.ownerAgencyId);
  if (o.words)
    q = q.where((eb) => eb.or([eb('p.search_text', 'like', `%${o.words}%`), eb('p.code', '=', o.words)]));
  return q.orderBy('p.name').orderBy('p.code').offset(o.offset).limit(o.limit).execute();
}

export interface SearchFilters {
  words: string;
  code: string | null;
  sector?: string | undefined;
  agencyId?: string | undefined;
  agencyKind?: string | undefined;
  level?: string | undefined;
  offset: number;
  limit: number;
}

/**
 * Published procedures ranked for a query: exact name or code first, then the trigram word
 * similarity of the query to the name, then to the whole search text. The `<%` operator uses
 * the GIN trigram index; its threshold is set for this transaction only.
 */
export async function searchPublished(db: SvcDb, f: SearchFilters) {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL pg_trgm.word_similarity_threshold = 0.5`.execute(trx);
    let q = trx
      .selectFrom('services_procedures as p')
      .select([
        'p.code',
        'p.name',
        'p.sector_code',
        'p.sector_name',
        'p.service_level',
        'p.current_version_id',
      ])
      .where('p.status', '=', 'published');
    if (f.sector) q = q.where('p.sector_code', '=', f.sector);
    if (f.level) q = q.where('p.service_level', '=', f.level as 'toan_trinh');
    if (f.agencyId || f.agencyKind) {
      const id = f.agencyId;
      const kind = f.agencyKind;
      q = q.where((eb) =>
        eb.or([
          ...(id ? [eb(sql<string[]>`p.agency_ids`, '@>', sql<string[]>`ARRAY[${id}]::uuid[]`)] : []),
          ...(kind ? [eb(sql<string[]>`p.agency_kinds`, '@>', sql<string[]>`ARRAY[${kind}]::text[]`)] : []),
        ]),
      );
    }
    if (f.words === '') {
      return q
        .select(sql<number>`0`.as('score'))
        .orderBy('p.sector_name')
        .orderBy('p.name')
        .offset(f.offset)
        .limit(f.limit)
        .execute();
    }
    const words = f.words;
    const code = f.code ?? '';
    return q
      .where((eb) => eb.or([sql<boolean>`${words} <% p.search_text`, eb('p.code', '=', code)]))
      .select(
        sql<number>`greatest(word_similarity(${words}, p.search_name), similarity(${words}, p.search_name))`.as(
          'score',
        ),
      )
      .orderBy(sql`(p.search_name = ${words} OR p.code = ${code})`, 'desc')
      .orderBy(sql`word_similarity(${words}, p.search_name)`, 'desc')
      .orderBy(sql`similarity(${words}, p.search_name)`, 'desc')
      .orderBy(sql`word_similarity(${words}, p.search_text)`, 'desc')
      .orderBy('p.name')
      .offset(f.offset)
      .limit(f.limit)
      .execute();
  });
}

/** Sectors of the published procedures, with their counts. */
export async function publishedSectors(db: SvcDb) {
  return db
    .selectFrom('services_procedures')
    .select(['sector_code', 'sector_name', (eb) => eb.fn.countAll<string>().as('count')])
    .where('status', '=', 'published')
    .groupBy(['sector_code', 'sector_name'])
    .orderBy('sector_name')
    .limit(500)
    .execute();
}

export async function findTemplate(db: SvcDb, sha256: string) {
  return db.selectFrom('services_templates').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

export async function templatesExist(db: SvcDb, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db
    .selectFrom('services_templates')
    .select('sha256')
    .where('sha256', 'in', [...hashes])
    .execute();
  return new Set(rows.map((r) => r.sha256));
}

export async function insertTemplate(
  db: SvcDb,
  row: { sha256: string; file_name: string; media_type: string; bytes: number; content: Buffer },
): Promise<void> {
  await db
    .insertInto('services_templates')
    .values(row)
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

export async function upsertLinkedSet(
  db: SvcDb,
  row: { id: string; code: string; name: string; content: string },
) {
  await db
    .insertInto('services_linked_sets')
    .values(row)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({ name: row.name, content: row.content, updated_at: new Date() }),
    )
    .execute();
}

export async function listLinkedSets(db: SvcDb) {
  return db
    .selectFrom('services_linked_sets')
    .select(['code', 'name', 'content'])
    .orderBy('code')
    .limit(200)
    .execute();
}
