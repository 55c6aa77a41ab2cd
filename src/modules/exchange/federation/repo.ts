import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { FederationTables } from './tables.ts';

type FDb = Kysely<FederationTables>;
const f = (db: DbOrTx): FDb => db.withTables<FederationTables>() as unknown as FDb;

export type PeerRow = Selectable<FederationTables['exchange_peers']>;
export type PeerDeliveryRow = Selectable<FederationTables['exchange_peer_deliveries']>;

/**
 * The route of a delivery to `agencyId` as an SQL expression, for a statement that inserts
 * deliveries (decided in that statement, no round trip of its own): `peer:<id>` when an active
 * peer hosts the agency, else `local` — the rule of `routesOf`.
 */
export function routeOfAgencySql(agencyId: string) {
  return sql<string>`coalesce((SELECT 'peer:' || a.peer_id FROM exchange_peer_agencies a
    JOIN exchange_peers p ON p.id = a.peer_id WHERE a.agency_id = ${agencyId}::uuid), 'local')`;
}

/** The only file touching the federation tables. */
export const federationRepo = {
  /** `peer:<id>` for agencies hosted on an active peer; agencies not listed are local. */
  async routesOf(db: DbOrTx, agencyIds: string[]): Promise<Map<string, string>> {
    if (agencyIds.length === 0) return new Map();
    const rows = await f(db)
      .selectFrom('exchange_peer_agencies as a')
      .innerJoin('exchange_peers as p', 'p.id', 'a.peer_id')
      .select(['a.agency_id', 'a.peer_id'])
      .where('a.agency_id', 'in', agencyIds)
      .execute();
    return new Map(rows.map((r) => [r.agency_id, `peer:${r.peer_id}`]));
  },

  async hostOf(db: DbOrTx, agencyId: string): Promise<string | null> {
    const r = await f(db)
      .selectFrom('exchange_peer_agencies')
      .select('peer_id')
      .where('agency_id', '=', agencyId)
      .executeTakeFirst();
    return r?.peer_id ?? null;
  },

  async peers(db: DbOrTx): Promise<PeerRow[]> {
    return f(db).selectFrom('exchange_peers').selectAll().orderBy('name').limit(500).execute();
  },

  async peer(db: DbOrTx, id: string): Promise<PeerRow | undefined> {
    return f(db).selectFrom('exchange_peers').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async peerByNode(db: DbOrTx, nodeId: string): Promise<PeerRow | undefined> {
    return f(db).selectFrom('exchange_peers').selectAll().where('node_id', '=', nodeId).executeTakeFirst();
  },

  async insertPeer(db: DbOrTx, row: Insertable<FederationTables['exchange_peers']>): Promise<void> {
    await f(db).insertInto('exchange_peers').values(row).execute();
  },

  async updatePeer(
    db: DbOrTx,
    id: string,
    set: Partial<Pick<PeerRow, 'name' | 'base_url' | 'public_key' | 'status'>>,
  ): Promise<void> {
    await f(db)
      .updateTable('exchange_peers')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  },

  async agenciesOf(db: DbOrTx, peerId: string): Promise<string[]> {
    const rows = await f(db)
      .selectFrom('exchange_peer_agencies')
      .select('agency_id')
      .where('peer_id', '=', peerId)
      .orderBy('created_at')
      .limit(5000)
      .execute();
    return rows.map((r) => r.agency_id);
  },

  /** Hosts `agencyId` on `peerId` (moving it from another peer if it was there). */
  async hostAgency(db: DbOrTx, peerId: string, agencyId: string): Promise<void> {
    await f(db)
      .insertInto('exchange_peer_agencies')
      .values({ agency_id: agencyId, peer_id: peerId })
      .onConflict((oc) => oc.column('agency_id').doUpdateSet({ peer_id: peerId }))
      .execute();
  },

  async unhostAgency(db: DbOrTx, peerId: string, agencyId: string): Promise<boolean> {
    const r = await f(db)
      .deleteFrom('exchange_peer_agencies')
      .where('peer_id', '=', peerId)
      .where('agency_id', '=', agencyId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },

  async peerDelivery(db: DbOrTx, deliveryId: string): Promise<PeerDeliveryRow | undefined> {
    return f(db)
      .selectFrom('exchange_peer_deliveries')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirst();
  },

  async peerDeliveries(db: DbOrTx, deliveryIds: string[]): Promise<PeerDeliveryRow[]> {
    if (deliveryIds.length === 0) return [];
    return f(db)
      .selectFrom('exchange_peer_deliveries')
      .selectAll()
      .where('delivery_id', 'in', deliveryIds)
      .execute();
  },

  /** Records one attempt to hand a delivery to its peer. */
  async recordAttempt(
    db: DbOrTx,
    row: {
      deliveryId: string;
      peerId: string;
      error: string | null;
      remotePacketId?: string | null;
      failedReason?: string | null;
    },
  ): Promise<void> {
    const failedAt = row.failedReason ? new Date() : null;
    await f(db)
      .insertInto('exchange_peer_deliveries')
      .values({
        delivery_id: row.deliveryId,
        peer_id: row.peerId,
        attempts: 1,
        last_error: row.error?.slice(0, 500) ?? null,
        remote_packet_id: row.remotePacketId ?? null,
        failed_at: failedAt,
        failed_reason: row.failedReason?.slice(0, 500) ?? null,
      })
      .onConflict((oc) =>
        oc.column('delivery_id').doUpdateSet({
          attempts: sql`exchange_peer_deliveries.attempts + 1`,
          last_error: row.error?.slice(0, 500) ?? null,
          remote_packet_id: sql`coalesce(${row.remotePacketId ?? null}::uuid, exchange_peer_deliveries.remote_packet_id)`,
          failed_at: failedAt,
          failed_reason: row.failedReason?.slice(0, 500) ?? null,
          updated_at: new Date(),
        }),
      )
      .execute();
  },

  async inbound(db: DbOrTx, peerId: string, key: string): Promise<string | null> {
    const r = await f(db)
      .selectFrom('exchange_federation_inbound')
      .select('packet_id')
      .where('peer_id', '=', peerId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return r?.packet_id ?? null;
  },

  async recordInbound(db: DbOrTx, peerId: string, key: string, packetId: string): Promise<void> {
    await f(db)
      .insertInto('exchange_federation_inbound')
      .values({ peer_id: peerId, idempotency_key: key, packet_id: packetId })
      .onConflict((oc) => oc.columns(['peer_id', 'idempotency_key']).doNothing())
      .execute();
  },
};
