import { randomUUID } from 'node:crypto';
import {
  sql,
  type InsertObject,
  type Insertable,
  type Kysely,
  type RawBuilder,
  type Selectable,
} from 'kysely';
import type { AuditEventRow } from '../../platform/audit/index.ts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { routeOfAgencySql } from './federation/repo.ts';
import type { PackedOriginal } from './original.ts';
import type { ExchangeTables } from './tables.ts';

type XDb = Kysely<ExchangeTables>;
const x = (db: DbOrTx): XDb => db.withTables<ExchangeTables>() as unknown as XDb;

export type PacketRow = Selectable<ExchangeTables['exchange_packets']>;
export type DeliveryRow = Selectable<ExchangeTables['exchange_deliveries']>;
export type AttachmentRow = Selectable<ExchangeTables['exchange_attachments']>;
export type StatusEventRow = Selectable<ExchangeTables['exchange_status_events']>;

/** A delivery to insert; its route is decided by the insert (see `insertDeliveries`). */
export type NewDelivery = Omit<Insertable<ExchangeTables['exchange_deliveries']>, 'route'>;

/** The route of a new delivery, decided in the inserting statement from the peers' hosted agencies. */
const routed = (d: NewDelivery): InsertObject<ExchangeTables, 'exchange_deliveries'> => ({
  ...d,
  route: routeOfAgencySql(d.recipient_agency_id),
});

const packedRow = (packetId: string, packed: PackedOriginal) => ({
  packet_id: packetId,
  skeleton: packed.skeleton,
  runs: JSON.stringify(packed.runs),
});

/**
 * The CTEs every accepted packet's statement starts with: the packet row (`p`), its attachment
 * rows (`a`) and its packed received bytes (`o`). The foreign keys of attachments and deliveries
 * are checked at the end of the statement, when the packet row exists.
 */
function acceptedRows(
  db: DbOrTx,
  packet: Insertable<ExchangeTables['exchange_packets']>,
  attachments: Insertable<ExchangeTables['exchange_attachments']>[],
  packed: PackedOriginal | null,
) {
  // The kernel's tables stay in view (`acceptNew` adds an audit_events row); the module adds its own.
  let q = db
    .withTables<ExchangeTables>()
    .with('p', (w) => w.insertInto('exchange_packets').values(packet).returning('id'));
  if (attachments.length > 0)
    q = q.with('a', (w) => w.insertInto('exchange_attachments').values(attachments).returning('n'));
  if (packed)
    q = q.with('o', (w) =>
      w.insertInto('exchange_packet_originals').values(packedRow(packet.id, packed)).returning('packet_id'),
    );
  return q;
}

/** The only file of the module that touches its tables. */
export const exchangeRepo = {
  async findByDedupe(db: DbOrTx, senderAgencyId: string, dedupeKey: string): Promise<PacketRow | undefined> {
    return x(db)
      .selectFrom('exchange_packets')
      .selectAll()
      .where('sender_agency_id', '=', senderAgencyId)
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst();
  },

  async packet(db: DbOrTx, id: string): Promise<PacketRow | undefined> {
    return x(db).selectFrom('exchange_packets').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Documents (edoc packets of type 0 or 3) with this DocumentId, optionally from one sender. */
  async documentsById(db: DbOrTx, documentId: string, senderAgencyId?: string): Promise<PacketRow[]> {
    let q = x(db)
      .selectFrom('exchange_packets')
      .selectAll()
      .where('document_id', '=', documentId)
      .where('kind', '=', 'edoc')
      .where('business_type', 'in', [0, 3]);
    if (senderAgencyId) q = q.where('sender_agency_id', '=', senderAgencyId);
    return q.orderBy('seq').limit(50).execute();
  },

  async insertPacket(db: DbOrTx, row: Insertable<ExchangeTables['exchange_packets']>): Promise<void> {
    await x(db).insertInto('exchange_packets').values(row).execute();
  },

  async insertAttachments(
    db: DbOrTx,
    rows: Insertable<ExchangeTables['exchange_attachments']>[],
  ): Promise<void> {
    if (rows.length > 0) await x(db).insertInto('exchange_attachments').values(rows).execute();
  },

  /**
   * Inserts deliveries, each routed in the same statement: `peer:<id>` when a registered peer
   * hosts the recipient (federation), else `local`. Returns each new delivery's id and route.
   */
  async insertDeliveries(db: DbOrTx, rows: NewDelivery[]): Promise<{ id: string; route: string }[]> {
    if (rows.length === 0) return [];
    return x(db)
      .insertInto('exchange_deliveries')
      .values(rows.map(routed))
      .returning(['id', 'route'])
      .execute();
  },

  /**
   * An accepted packet in one statement: the packet row, its attachment rows and its routed
   * deliveries (one round trip instead of one per table). Returns the deliveries' routes.
   */
  async insertAccepted(
    db: DbOrTx,
    packet: Insertable<ExchangeTables['exchange_packets']>,
    attachments: Insertable<ExchangeTables['exchange_attachments']>[],
    deliveries: NewDelivery[],
    packed: PackedOriginal | null,
  ): Promise<{ id: string; route: string }[]> {
    if (deliveries.length === 0) {
      await this.insertPacket(db, packet);
      await this.insertAttachments(db, attachments);
      if (packed) await this.insertPackedOriginal(db, packet.id, packed);
      return [];
    }
    return acceptedRows(db, packet, attachments, packed)
      .insertInto('exchange_deliveries')
      .values(deliveries.map(routed))
      .returning(['id', 'route'])
      .execute();
  },

  /**
   * A new packet accepted in one statement, atomic without a transaction of its own: the packet
   * row, its attachment rows, its routed deliveries, the audit event that tells of it and a job
   * per delivery to a peer instance (`peerJob` builds the add_job call from the delivery id's column).
   */
  async acceptNew(
    db: DbOrTx,
    packet: Insertable<ExchangeTables['exchange_packets']>,
    attachments: Insertable<ExchangeTables['exchange_attachments']>[],
    deliveries: NewDelivery[],
    packed: PackedOriginal | null,
    audit: AuditEventRow,
    peerJob: (deliveryId: RawBuilder<unknown>) => RawBuilder<unknown>,
  ): Promise<void> {
    await acceptedRows(db, packet, attachments, packed)
      .with('au', (w) => w.insertInto('audit_events').values(audit).returning('id'))
      .with('d', (w) =>
        w.insertInto('exchange_deliveries').values(deliveries.map(routed)).returning(['id', 'route']),
      )
      // A CTE that only reads runs when referenced: the count below makes every add_job run.
      .with('j', (w) =>
        w
          .selectFrom('d')
          .where('d.route', '<>', 'local')
          .select(peerJob(sql.ref('d.id')).as('job')),
      )
      .selectFrom('d')
      .select(['d.id', 'd.route'])
      .select((eb) => eb.selectFrom('j').select(eb.fn.countAll<string>().as('n')).as('jobs'))
      .execute();
  },

  /** A packet's packed received bytes (skeleton and runs), when it was stored packed. */
  async packedOriginal(db: DbOrTx, packetId: string): Promise<PackedOriginal | undefined> {
    const row = await x(db)
      .selectFrom('exchange_packet_originals')
      .select(['skeleton', 'runs'])
      .where('packet_id', '=', packetId)
      .executeTakeFirst();
    if (!row) return undefined;
    const runs = typeof row.runs === 'string' ? (JSON.parse(row.runs) as PackedOriginal['runs']) : row.runs;
    return { skeleton: row.skeleton, runs };
  },

  async insertPackedOriginal(db: DbOrTx, packetId: string, packed: PackedOriginal): Promise<void> {
    await x(db).insertInto('exchange_packet_originals').values(packedRow(packetId, packed)).execute();
  },

  async attachments(db: DbOrTx, packetId: string): Promise<AttachmentRow[]> {
    return x(db)
      .selectFrom('exchange_attachments')
      .selectAll()
      .where('packet_id', '=', packetId)
      .orderBy('n')
      .execute();
  },

  async deliveriesOf(db: DbOrTx, packetIds: string[], o: { lock?: boolean } = {}): Promise<DeliveryRow[]> {
    if (packetIds.length === 0) return [];
    let q = x(db).selectFrom('exchange_deliveries').selectAll().where('packet_id', 'in', packetIds);
    if (o.lock) q = q.forUpdate();
    return q.orderBy('created_at').orderBy('id').execute();
  },

  async delivery(db: DbOrTx, id: string, o: { lock?: boolean } = {}): Promise<DeliveryRow | undefined> {
    let q = x(db).selectFrom('exchange_deliveries').selectAll().where('id', '=', id);
    if (o.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async deliveryFor(db: DbOrTx, packetId: string, agencyId: string): Promise<DeliveryRow | undefined> {
    return x(db)
      .selectFrom('exchange_deliveries')
      .selectAll()
      .where('packet_id', '=', packetId)
      .where('recipient_agency_id', '=', agencyId)
      .executeTakeFirst();
  },

  async events(db: DbOrTx, deliveryIds: string[]): Promise<StatusEventRow[]> {
    if (deliveryIds.length === 0) return [];
    return x(db)
      .selectFrom('exchange_status_events')
      .selectAll()
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('recorded_at')
      .orderBy('occurred_at')
      .execute();
  },

  /** Records a status once per delivery; false when it was already there. */
  async insertEvent(db: DbOrTx, row: Insertable<ExchangeTables['exchange_status_events']>): Promise<boolean> {
    const r = await x(db)
      .insertInto('exchange_status_events')
      .values(row)
      .onConflict((oc) => oc.columns(['delivery_id', 'code']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  async updateDelivery(
    db: DbOrTx,
    id: string,
    set: Partial<Omit<Insertable<ExchangeTables['exchange_deliveries']>, 'id'>>,
  ): Promise<void> {
    await x(db).updateTable('exchange_deliveries').set(set).where('id', '=', id).execute();
  },

  async updatePacket(
    db: DbOrTx,
    id: string,
    set: Partial<Omit<Insertable<ExchangeTables['exchange_packets']>, 'id'>>,
  ): Promise<void> {
    await x(db).updateTable('exchange_packets').set(set).where('id', '=', id).execute();
  },

  /**
   * Takes `count` numbers of an agency's inbox at once; returns the last. The counter row stays
   * locked until commit, so numbers commit in order and a cursor never skips a late commit.
   */
  async takeInboxSeqs(db: DbOrTx, agencyId: string, count: number): Promise<string> {
    const r = await sql<{ last_seq: string }>`
      INSERT INTO exchange_inbox_counters (agency_id, last_seq) VALUES (${agencyId}, ${count})
      ON CONFLICT (agency_id) DO UPDATE SET last_seq = exchange_inbox_counters.last_seq + ${count}
      RETURNING last_seq`.execute(db);
    const seq = r.rows[0]?.last_seq;
    if (seq === undefined) throw new Error('inbox counter not returned');
    return String(seq);
  },

  /**
   * Locked deliveries become `delivered` — local ones with their inbox numbers, one handed to a
   * peer instance without — and status 01 is recorded, in bulk.
   */
  async markDelivered(db: DbOrTx, rows: { id: string; inboxSeq: string | null }[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    await sql`
      UPDATE exchange_deliveries d SET state = 'delivered', delivered_at = ${at}, inbox_seq = v.seq,
        attempts = d.attempts + 1, last_attempt_at = ${at},
        current_status = coalesce(d.current_status, '01'), status_at = coalesce(d.status_at, ${at})
      FROM unnest(${ids}::uuid[], ${rows.map((r) => r.inboxSeq)}::bigint[]) AS v(id, seq)
      WHERE d.id = v.id`.execute(db);
    await sql`
      INSERT INTO exchange_status_events (id, delivery_id, code, occurred_at)
      SELECT e.id, e.delivery_id, '01', ${at}
      FROM unnest(${rows.map(() => randomUUID())}::uuid[], ${ids}::uuid[]) AS e(id, delivery_id)
      ON CONFLICT (delivery_id, code) DO NOTHING`.execute(db);
  },

  /**
   * Claims up to `limit` local pending deliveries, oldest first, locked until commit; rows another
   * transaction holds are skipped. A delivery that failed waits 2^attempts seconds (at most an hour).
   */
  async claimLocalPending(db: DbOrTx, limit: number): Promise<DeliveryRow[]> {
    const r = await sql<DeliveryRow>`
      SELECT * FROM exchange_deliveries
      WHERE state = 'pending' AND route = 'local'
        AND (last_attempt_at IS NULL
             OR last_attempt_at < now() - make_interval(secs => least(power(2, attempts), 3600)))
      ORDER BY created_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`.execute(db);
    return r.rows;
  },

  /** A failed attempt at a local delivery: counted, and the next one waits (see claimLocalPending). */
  async recordFailedAttempt(db: DbOrTx, id: string): Promise<void> {
    await sql`UPDATE exchange_deliveries SET attempts = attempts + 1, last_attempt_at = now()
      WHERE id = ${id} AND state = 'pending'`.execute(db);
  },

  async attachmentsOf(db: DbOrTx, packetIds: string[]): Promise<AttachmentRow[]> {
    if (packetIds.length === 0) return [];
    return x(db)
      .selectFrom('exchange_attachments')
      .selectAll()
      .where('packet_id', 'in', packetIds)
      .orderBy('packet_id')
      .orderBy('n')
      .execute();
  },

  async inbox(db: DbOrTx, agencyId: string, after: string, limit: number): Promise<DeliveryRow[]> {
    return x(db)
      .selectFrom('exchange_deliveries')
      .selectAll()
      .where('recipient_agency_id', '=', agencyId)
      .where('inbox_seq', 'is not', null)
      .where(sql<boolean>`inbox_seq > ${after}::bigint`)
      .orderBy('inbox_seq')
      .limit(limit)
      .execute();
  },

  async packets(db: DbOrTx, ids: string[]): Promise<PacketRow[]> {
    if (ids.length === 0) return [];
    return x(db).selectFrom('exchange_packets').selectAll().where('id', 'in', ids).execute();
  },

  async sent(db: DbOrTx, agencyId: string, after: string, limit: number): Promise<PacketRow[]> {
    return x(db)
      .selectFrom('exchange_packets')
      .selectAll()
      .where('sender_agency_id', '=', agencyId)
      .where(sql<boolean>`seq > ${after}::bigint`)
      .orderBy('seq')
      .limit(limit)
      .execute();
  },

  /** Local deliveries pending for longer than `staleMs` since written or last tried (a lost wake-up). */
  async countStaleLocalPending(db: DbOrTx, staleMs: number): Promise<number> {
    const r = await sql<{ n: string }>`
      SELECT count(*) AS n FROM exchange_deliveries
      WHERE state = 'pending' AND route = 'local'
        AND coalesce(last_attempt_at, created_at) < now() - make_interval(secs => ${staleMs / 1000})`.execute(
      db,
    );
    return Number(r.rows[0]?.n ?? 0);
  },

  /** Peer deliveries still pending whose last attempt is older than `staleMs`: marked and returned. */
  async claimStalePeerPending(db: DbOrTx, staleMs: number, limit: number): Promise<string[]> {
    const r = await sql<{ id: string }>`
      UPDATE exchange_deliveries SET last_attempt_at = now()
      WHERE id IN (
        SELECT id FROM exchange_deliveries
        WHERE state = 'pending' AND route <> 'local'
          -- a peer that stays down is tried again less and less often (at most hourly)
          AND coalesce(last_attempt_at, created_at) < now() - make_interval(secs => ${staleMs / 1000}
                * least(power(2, attempts), 60))
          -- a delivery a peer refused for good is not retried
          AND NOT EXISTS (SELECT 1 FROM exchange_peer_deliveries f
                          WHERE f.delivery_id = exchange_deliveries.id AND f.failed_at IS NOT NULL)
        ORDER BY created_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id`.execute(db);
    return r.rows.map((row) => row.id);
  },
};
