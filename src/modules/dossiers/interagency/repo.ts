// The only file of the inter-agency part of dossiers that touches its tables.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { InteragencyTables } from './tables.ts';

export type PartRow = Selectable<InteragencyTables['dossiers_interagency_parts']>;
export type PartEventRow = Selectable<InteragencyTables['dossiers_interagency_part_events']>;
export type InboundRow = Selectable<InteragencyTables['dossiers_interagency_inbound']>;
export type ProcedureRow = Selectable<InteragencyTables['dossiers_interagency_procedures']>;

const t = (db: DbOrTx) => db.withTables<InteragencyTables>();

export const interagencyRepo = {
  async procedureFor(db: DbOrTx, procedureCode: string): Promise<ProcedureRow | undefined> {
    return t(db)
      .selectFrom('dossiers_interagency_procedures')
      .selectAll()
      .where('procedure_code', '=', procedureCode)
      .executeTakeFirst();
  },

  async procedures(db: DbOrTx): Promise<ProcedureRow[]> {
    return t(db)
      .selectFrom('dossiers_interagency_procedures')
      .selectAll()
      .orderBy('code')
      .limit(500)
      .execute();
  },

  async saveProcedure(
    db: DbOrTx,
    row: Insertable<InteragencyTables['dossiers_interagency_procedures']>,
  ): Promise<void> {
    await t(db)
      .insertInto('dossiers_interagency_procedures')
      .values(row)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet({
          name: row.name,
          procedure_code: row.procedure_code,
          working_days: row.working_days,
          definition: row.definition,
          updated_at: new Date(),
        }),
      )
      .execute();
  },

  async insertParts(db: DbOrTx, rows: Insertable<InteragencyTables['dossiers_interagency_parts']>[]) {
    if (rows.length === 0) return;
    await t(db).insertInto('dossiers_interagency_parts').values(rows).execute();
  },

  async partsOf(db: DbOrTx, dossierId: string, lock = false): Promise<PartRow[]> {
    let q = t(db)
      .selectFrom('dossiers_interagency_parts')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .orderBy('ord');
    if (lock) q = q.forUpdate();
    return q.execute();
  },

  async part(db: DbOrTx, id: string, lock = false): Promise<PartRow | undefined> {
    let q = t(db).selectFrom('dossiers_interagency_parts').selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async partByChild(db: DbOrTx, childDossierId: string): Promise<PartRow | undefined> {
    return t(db)
      .selectFrom('dossiers_interagency_parts')
      .selectAll()
      .where('child_dossier_id', '=', childDossierId)
      .executeTakeFirst();
  },

  async partByDocument(db: DbOrTx, documentId: string): Promise<PartRow | undefined> {
    return t(db)
      .selectFrom('dossiers_interagency_parts')
      .selectAll()
      .where('document_id', '=', documentId)
      .executeTakeFirst();
  },

  async updatePart(
    db: DbOrTx,
    id: string,
    values: Updateable<InteragencyTables['dossiers_interagency_parts']>,
  ): Promise<PartRow> {
    return t(db)
      .updateTable('dossiers_interagency_parts')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async addEvent(
    db: DbOrTx,
    e: { partId: string; state: string; code?: string | null; note?: string | null; at?: Date },
  ): Promise<void> {
    await t(db)
      .insertInto('dossiers_interagency_part_events')
      .values({
        part_id: e.partId,
        state: e.state,
        code: e.code ?? null,
        note: e.note?.slice(0, 1000) ?? null,
        ...(e.at ? { at: e.at } : {}),
      })
      .execute();
  },

  async events(db: DbOrTx, partIds: string[]): Promise<PartEventRow[]> {
    if (partIds.length === 0) return [];
    return t(db)
      .selectFrom('dossiers_interagency_part_events')
      .selectAll()
      .where('part_id', 'in', partIds)
      .orderBy('id')
      .limit(2000)
      .execute();
  },

  /** Records a received part once (a packet delivered again changes nothing); null when already there. */
  async insertInbound(
    db: DbOrTx,
    row: Insertable<InteragencyTables['dossiers_interagency_inbound']>,
  ): Promise<InboundRow | null> {
    const r = await t(db)
      .insertInto('dossiers_interagency_inbound')
      .values(row)
      .onConflict((oc) => oc.column('packet_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    return r ?? null;
  },

  async inbound(db: DbOrTx, id: string, lock = false): Promise<InboundRow | undefined> {
    let q = t(db).selectFrom('dossiers_interagency_inbound').selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async inboundByPacket(db: DbOrTx, packetId: string): Promise<InboundRow | undefined> {
    return t(db)
      .selectFrom('dossiers_interagency_inbound')
      .selectAll()
      .where('packet_id', '=', packetId)
      .executeTakeFirst();
  },

  async inboundByChild(db: DbOrTx, childDossierId: string): Promise<InboundRow | undefined> {
    return t(db)
      .selectFrom('dossiers_interagency_inbound')
      .selectAll()
      .where('child_dossier_id', '=', childDossierId)
      .executeTakeFirst();
  },

  async updateInbound(
    db: DbOrTx,
    id: string,
    values: Updateable<InteragencyTables['dossiers_interagency_inbound']>,
  ): Promise<void> {
    await t(db).updateTable('dossiers_interagency_inbound').set(values).where('id', '=', id).execute();
  },
};
