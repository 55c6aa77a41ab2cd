// The only file of the sync part that touches its tables (migrations/202611220301_dossiers_sync.sql).
import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { DbOrTx } from '../../../platform/db/database.ts';

export const outboxStates = ['pending', 'sent', 'failed'] as const;
export type OutboxState = (typeof outboxStates)[number];
export type OutboxService = 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC';

export type SyncTables = {
  dossiers_sync_outbox: {
    id: Generated<string>;
    item_id: string;
    dossier_id: string;
    agency_id: string;
    dossier_code: string;
    service: OutboxService;
    national_status: number;
    is_updating: boolean;
    payload: Record<string, unknown>;
    state: Generated<OutboxState>;
    attempts: Generated<number>;
    last_error: string | null;
    next_attempt_at: Generated<Date>;
    last_attempt_at: Date | null;
    sent_at: Date | null;
    created_at: Generated<Date>;
  };
  dossiers_sync_inbound: {
    ma_ho_so: string;
    state: 'imported' | 'problem';
    dossier_id: string | null;
    agency_code: string;
    filed_at: Date;
    item: Record<string, unknown>;
    problem: string | null;
    attempts: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  dossiers_sync_cursor: { name: 'inbound'; ngay_nop: string; ma_ho_so: string; updated_at: Generated<Date> };
};

export type OutboxRow = Selectable<SyncTables['dossiers_sync_outbox']>;
export type InboundRow = Selectable<SyncTables['dossiers_sync_inbound']>;

const t = (db: DbOrTx) => db.withTables<SyncTables>();

export const syncRepo = {
  async add(db: DbOrTx, row: Insertable<SyncTables['dossiers_sync_outbox']>): Promise<void> {
    await t(db).insertInto('dossiers_sync_outbox').values(row).execute();
  },

  /** True when the dossier already has a DongBoHoSoMC item (the next one is an update). */
  async hasDossierItem(db: DbOrTx, dossierId: string): Promise<boolean> {
    const row = await t(db)
      .selectFrom('dossiers_sync_outbox')
      .select('id')
      .where('dossier_id', '=', dossierId)
      .where('service', '=', 'DongBoHoSoMC')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** The dossier's first item not yet acknowledged (strict order). */
  async nextUnsent(db: DbOrTx, dossierId: string): Promise<OutboxRow | undefined> {
    return t(db)
      .selectFrom('dossiers_sync_outbox')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .where('state', '<>', 'sent')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  },

  async markSent(db: DbOrTx, id: string, at: Date): Promise<void> {
    await t(db)
      .updateTable('dossiers_sync_outbox')
      .set({
        state: 'sent',
        sent_at: at,
        last_attempt_at: at,
        last_error: null,
        attempts: sql`attempts + 1`,
      })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .execute();
  },

  async markAttempt(
    db: DbOrTx,
    id: string,
    o: { at: Date; error: string; state: 'pending' | 'failed'; nextAttemptAt: Date },
  ): Promise<void> {
    await t(db)
      .updateTable('dossiers_sync_outbox')
      .set({
        state: o.state,
        last_attempt_at: o.at,
        last_error: o.error.slice(0, 500),
        next_attempt_at: o.nextAttemptAt,
        attempts: sql`attempts + 1`,
      })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .execute();
  },

  /** Puts a failed (or waiting) item back to be sent now; returns its row, or undefined. */
  async retry(db: DbOrTx, id: string, at: Date): Promise<OutboxRow | undefined> {
    return t(db)
      .updateTable('dossiers_sync_outbox')
      .set({ state: 'pending', next_attempt_at: at })
      .where('id', '=', id)
      .where('state', '<>', 'sent')
      .returningAll()
      .executeTakeFirst();
  },

  async byId(db: DbOrTx, id: string): Promise<OutboxRow | undefined> {
    return t(db).selectFrom('dossiers_sync_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Dossiers with an item due to be sent now (pending and its wait over). */
  async dueDossiers(db: DbOrTx, at: Date, limit: number): Promise<string[]> {
    const rows = await t(db)
      .selectFrom('dossiers_sync_outbox')
      .select('dossier_id')
      .distinct()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .limit(limit)
      .execute();
    return rows.map((r) => r.dossier_id);
  },

  /** The queue page: items in `state` (of one agency, or all), newest first. */
  async list(
    db: DbOrTx,
    o: { state: OutboxState; agencyId: string | null; limit: number; beforeId?: string | undefined },
  ): Promise<OutboxRow[]> {
    let q = t(db)
      .selectFrom('dossiers_sync_outbox')
      .selectAll()
      .where('state', '=', o.state)
      .orderBy('id', 'desc')
      .limit(o.limit);
    if (o.agencyId) q = q.where('agency_id', '=', o.agencyId);
    if (o.beforeId) q = q.where('id', '<', o.beforeId);
    return q.execute();
  },

  async counts(db: DbOrTx, agencyId: string | null): Promise<Record<OutboxState, number>> {
    let q = t(db)
      .selectFrom('dossiers_sync_outbox')
      .select(['state', sql<string>`count(*)`.as('n')])
      .groupBy('state');
    if (agencyId) q = q.where('agency_id', '=', agencyId);
    const rows = await q.execute();
    const out: Record<OutboxState, number> = { pending: 0, sent: 0, failed: 0 };
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  },

  async inbound(db: DbOrTx, maHoSo: string, lock = false): Promise<InboundRow | undefined> {
    let q = t(db).selectFrom('dossiers_sync_inbound').selectAll().where('ma_ho_so', '=', maHoSo);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async inboundOfDossier(db: DbOrTx, dossierId: string): Promise<InboundRow | undefined> {
    return t(db)
      .selectFrom('dossiers_sync_inbound')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .executeTakeFirst();
  },

  /** Records an import (or its problem); a code already imported is left alone (returns false). */
  async saveInbound(
    db: DbOrTx,
    row: Omit<Insertable<SyncTables['dossiers_sync_inbound']>, 'attempts' | 'created_at' | 'updated_at'>,
  ): Promise<void> {
    await t(db)
      .insertInto('dossiers_sync_inbound')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('ma_ho_so')
          .doUpdateSet({
            state: row.state,
            dossier_id: row.dossier_id ?? null,
            problem: row.problem ?? null,
            attempts: sql`dossiers_sync_inbound.attempts + 1`,
            updated_at: new Date(),
          })
          .where('dossiers_sync_inbound.state', '=', 'problem'),
      )
      .execute();
  },

  async problems(db: DbOrTx, limit: number): Promise<InboundRow[]> {
    return t(db)
      .selectFrom('dossiers_sync_inbound')
      .selectAll()
      .where('state', '=', 'problem')
      .orderBy('updated_at')
      .limit(limit)
      .execute();
  },

  async recentInbound(db: DbOrTx, limit: number): Promise<InboundRow[]> {
    return t(db)
      .selectFrom('dossiers_sync_inbound')
      .selectAll()
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
  },

  async cursor(db: DbOrTx): Promise<{ ngayNop: string; maHoSo: string } | null> {
    const row = await t(db)
      .selectFrom('dossiers_sync_cursor')
      .select(['ngay_nop', 'ma_ho_so'])
      .where('name', '=', 'inbound')
      .executeTakeFirst();
    return row ? { ngayNop: row.ngay_nop, maHoSo: row.ma_ho_so } : null;
  },

  async setCursor(db: DbOrTx, ngayNop: string, maHoSo: string): Promise<void> {
    await t(db)
      .insertInto('dossiers_sync_cursor')
      .values({ name: 'inbound', ngay_nop: ngayNop, ma_ho_so: maHoSo })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ ngay_nop: ngayNop, ma_ho_so: maHoSo, updated_at: new Date() }),
      )
      .execute();
  },
};
