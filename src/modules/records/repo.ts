import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { RecordsTables } from './tables.ts';

type RDb = Kysely<RecordsTables>;
const r = (db: DbOrTx): RDb => db.withTables<RecordsTables>() as unknown as RDb;

export type IncomingRow = Selectable<RecordsTables['records_incoming']>;
export type OutgoingRow = Selectable<RecordsTables['records_outgoing']>;

/** Filters of the incoming list; every one optional. */
export interface IncomingFilter {
  words: string[];
  from?: string | undefined;
  to?: string | undefined;
  sender?: string | undefined;
  status?: string | undefined;
  priority?: number | undefined;
  /** Only these statuses (a specialist sees assigned documents only). */
  statuses?: readonly string[] | undefined;
}

/** `%word%` with LIKE's own characters escaped. */
const like = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The only file of the module that touches its tables. */
export const recordsRepo = {
  /**
   * Takes the next number of a register (agency × register × year) inside the caller's
   * transaction: the counter row stays locked until it commits, so two desks never get the same
   * number, and a rolled-back transaction gives its number back (no gaps).
   */
  async nextNumber(
    trx: DbOrTx,
    agencyId: string,
    register: 'incoming' | 'outgoing',
    year: number,
  ): Promise<number> {
    const row = await sql<{ last_number: number }>`
      INSERT INTO records_counters (agency_id, register, year, last_number)
      VALUES (${agencyId}, ${register}, ${year}, 1)
      ON CONFLICT (agency_id, register, year)
      DO UPDATE SET last_number = records_counters.last_number + 1
      RETURNING last_number`.execute(trx);
    const n = row.rows[0]?.last_number;
    if (n === undefined) throw new Error('records counter not returned');
    return Number(n);
  },

  async cursor(db: DbOrTx, agencyId: string): Promise<string> {
    const row = await r(db)
      .selectFrom('records_inbox_cursors')
      .select('cursor')
      .where('agency_id', '=', agencyId)
      .executeTakeFirst();
    return row ? String(row.cursor) : '0';
  },

  async advanceCursor(db: DbOrTx, agencyId: string, cursor: string): Promise<void> {
    await sql`INSERT INTO records_inbox_cursors (agency_id, cursor) VALUES (${agencyId}, ${cursor}::bigint)
      ON CONFLICT (agency_id) DO UPDATE
      SET cursor = GREATEST(records_inbox_cursors.cursor, EXCLUDED.cursor)`.execute(db);
  },

  async insertIncoming(db: DbOrTx, row: Insertable<RecordsTables['records_incoming']>): Promise<void> {
    await r(db)
      .insertInto('records_incoming')
      .values(row)
      .onConflict((oc) => oc.columns(['agency_id', 'packet_id']).doNothing())
      .execute();
  },

  async incoming(db: DbOrTx, agencyId: string, id: string, o: { lock?: boolean } = {}) {
    let q = r(db)
      .selectFrom('records_incoming')
      .selectAll()
      .where('agency_id', '=', agencyId)
      .where('id', '=', id);
    if (o.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async incomingByPacket(db: DbOrTx, agencyId: string, packetIds: string[]): Promise<IncomingRow[]> {
    if (packetIds.length === 0) return [];
    return r(db)
      .selectFrom('records_incoming')
      .selectAll()
      .where('agency_id', '=', agencyId)
      .where('packet_id', 'in', packetIds)
      .execute();
  },

  async updateIncoming(
    db: DbOrTx,
    id: string,
    values: Updateable<RecordsTables['records_incoming']>,
  ): Promise<void> {
    await r(db)
      .updateTable('records_incoming')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  },

  async insertEvent(db: DbOrTx, row: Insertable<RecordsTables['records_incoming_events']>): Promise<void> {
    await r(db).insertInto('records_incoming_events').values(row).execute();
  },

  async events(db: DbOrTx, incomingId: string) {
    return r(db)
      .selectFrom('records_incoming_events')
      .selectAll()
      .where('incoming_id', '=', incomingId)
      .orderBy('occurred_at')
      .limit(200)
      .execute();
  },

  /** A recall (status 13 or a revoke packet) reached the desk for `documentId` from `senderAgencyId`. */
  async recallRequested(db: DbOrTx, agencyId: string, senderAgencyId: string, documentId: string) {
    await r(db)
      .updateTable('records_incoming')
      .set({ recall_state: 'requested', updated_at: new Date() })
      .where('agency_id', '=', agencyId)
      .where('sender_agency_id', '=', senderAgencyId)
      .where('document_id', '=', documentId)
      .where('recall_state', 'is', null)
      .execute();
  },

  /** A page of the incoming register, newest first; one row more than `limit` tells of a next page. */
  async listIncoming(db: DbOrTx, agencyId: string, f: IncomingFilter, limit: number, offset: number) {
    let q = r(db).selectFrom('records_incoming').selectAll().where('agency_id', '=', agencyId);
    for (const word of f.words) q = q.where('search_text', 'like', like(word));
    if (f.from)
      q = q.where(sql<boolean>`received_at >= (${f.from}::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`);
    if (f.to)
      q = q.where(
        sql<boolean>`received_at < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`,
      );
    if (f.sender) q = q.where('sender_agency_id', '=', f.sender);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.statuses) q = q.where('status', 'in', [...f.statuses]);
    if (f.priority !== undefined) q = q.where('priority', '=', f.priority);
    return q
      .orderBy('received_at', 'desc')
      .orderBy('inbox_seq', 'desc')
      .limit(limit + 1)
      .offset(offset)
      .execute();
  },

  /** The senders the agency has received from, for the filter. */
  async senders(db: DbOrTx, agencyId: string): Promise<{ id: string; name: string }[]> {
    const rows = await r(db)
      .selectFrom('records_incoming')
      .select(['sender_agency_id', sql<string>`max(coalesce(sender_name, sender_code))`.as('name')])
      .where('agency_id', '=', agencyId)
      .groupBy('sender_agency_id')
      .orderBy('name')
      .limit(500)
      .execute();
    return rows.map((x) => ({ id: x.sender_agency_id, name: x.name }));
  },

  async insertOutgoing(db: DbOrTx, row: Insertable<RecordsTables['records_outgoing']>): Promise<void> {
    await r(db).insertInto('records_outgoing').values(row).execute();
  },

  async outgoing(db: DbOrTx, agencyId: string, id: string, o: { lock?: boolean } = {}) {
    let q = r(db)
      .selectFrom('records_outgoing')
      .selectAll()
      .where('agency_id', '=', agencyId)
      .where('id', '=', id);
    if (o.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async updateOutgoing(
    db: DbOrTx,
    id: string,
    values: Updateable<RecordsTables['records_outgoing']>,
  ): Promise<void> {
    await r(db).updateTable('records_outgoing').set(values).where('id', '=', id).execute();
  },

  async listOutgoing(db: DbOrTx, agencyId: string, words: string[], limit: number, offset: number) {
    let q = r(db).selectFrom('records_outgoing').selectAll().where('agency_id', '=', agencyId);
    for (const word of words) q = q.where('search_text', 'like', like(word));
    return q
      .orderBy('created_at', 'desc')
      .orderBy('number', 'desc')
      .limit(limit + 1)
      .offset(offset)
      .execute();
  },
};
