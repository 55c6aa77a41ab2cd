// The only file of the dossiers module that touches the database.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { AuditEventRow } from '../../platform/audit/index.ts';
import type { DossiersTables, DossierStatus, EventKind } from './tables.ts';

export type DossierRow = Selectable<DossiersTables['dossiers_dossiers']>;
export type PaperRow = Selectable<DossiersTables['dossiers_papers']>;
export type EventRow = Selectable<DossiersTables['dossiers_events']>;
export type FeeRequestRow = Selectable<DossiersTables['dossiers_fee_requests']>;

const t = (db: DbOrTx) => db.withTables<DossiersTables>();

export const dossiersRepo = {
  async insert(db: DbOrTx, row: Insertable<DossiersTables['dossiers_dossiers']>): Promise<DossierRow> {
    return t(db).insertInto('dossiers_dossiers').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async byId(db: DbOrTx, id: string, lock = false): Promise<DossierRow | undefined> {
    let q = t(db).selectFrom('dossiers_dossiers').selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async byCode(db: DbOrTx, code: string): Promise<DossierRow | undefined> {
    return t(db).selectFrom('dossiers_dossiers').selectAll().where('code', '=', code).executeTakeFirst();
  },

  async update(
    db: DbOrTx,
    id: string,
    values: Updateable<DossiersTables['dossiers_dossiers']>,
  ): Promise<DossierRow> {
    return t(db)
      .updateTable('dossiers_dossiers')
      .set({ ...values, updated_at: new Date(), row_version: sql`row_version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /**
   * A status change in one statement: the row's update and its timeline entry. With `ifVersion`
   * only a row still at that version is changed; otherwise nothing is written and it answers
   * undefined (a draft edited since it was checked).
   */
  async updateWithEvent(
    db: DbOrTx,
    id: string,
    values: Updateable<DossiersTables['dossiers_dossiers']>,
    event: { kind: EventKind; status: DossierStatus; note: string | null; actorKind: string },
    o: {
      ifVersion?: number | undefined;
      /**
       * The audit event of the change, written by the same statement. It is written even when
       * the row was not changed (`ifVersion` missed): call this in a transaction that the missing
       * row rolls back.
       */
      audit?: AuditEventRow;
      /** The receipt's source (submission), kept beside the row when the row was changed. */
      receipt?: { sha256: string; source: Buffer } | undefined;
    } = {},
  ): Promise<DossierRow | undefined> {
    const { ifVersion, audit, receipt } = o;
    let q = t(db)
      .with('changed', (q) => {
        let u = q
          .updateTable('dossiers_dossiers')
          .set({ ...values, updated_at: new Date(), row_version: sql`row_version + 1` })
          .where('id', '=', id);
        if (ifVersion !== undefined) u = u.where('row_version', '=', ifVersion);
        return u.returningAll();
      })
      .with('event', (q) =>
        q
          .insertInto('dossiers_events')
          .columns(['dossier_id', 'kind', 'status', 'note', 'actor_kind'])
          .expression((eb) =>
            eb
              .selectFrom('changed')
              .select([
                'changed.id',
                sql<EventKind>`${event.kind}::text`.as('kind'),
                sql<DossierStatus>`${event.status}::text`.as('status'),
                sql<string | null>`${event.note}::text`.as('note'),
                sql<string>`${event.actorKind}::text`.as('actor_kind'),
              ]),
          ),
      );
    if (audit) q = q.with('audit', (w) => w.insertInto('audit_events').values(audit).returning('id'));
    if (receipt)
      q = q.with('receipt', (w) =>
        w
          .insertInto('dossiers_receipt_sources')
          .columns(['dossier_id', 'sha256', 'source'])
          .expression((eb) =>
            eb
              .selectFrom('changed')
              .select([
                'changed.id',
                sql<string>`${receipt.sha256}::text`.as('sha256'),
                sql<Buffer>`${receipt.source}::bytea`.as('source'),
              ]),
          )
          .returning('dossier_id'),
      );
    return q.selectFrom('changed').selectAll().executeTakeFirst();
  },

  /** The receipt source kept at submission under this receipt hash, if not rendered yet. */
  async receiptSource(db: DbOrTx, id: string, sha256: string): Promise<Buffer | undefined> {
    const row = await t(db)
      .selectFrom('dossiers_receipt_sources')
      .select('source')
      .where('dossier_id', '=', id)
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    return row?.source;
  },

  /**
   * The rendered receipt replaces its source: the row names the PDF (if it still named the
   * source) and a source kept beside the row is deleted. False when another download did it first.
   */
  async receiptRendered(db: DbOrTx, id: string, sourceSha256: string, pdfSha256: string): Promise<boolean> {
    const r = await sql<{ id: string }>`
      WITH moved AS (
        UPDATE dossiers_dossiers SET receipt_sha256 = ${pdfSha256}
        WHERE id = ${id} AND receipt_sha256 = ${sourceSha256} RETURNING id
      ), gone AS (
        DELETE FROM dossiers_receipt_sources WHERE dossier_id IN (SELECT id FROM moved)
      )
      SELECT id FROM moved`.execute(db);
    return r.rows.length === 1;
  },

  /** Attaches a rendered document (receipt) without counting as an officer's change (no version bump). */
  async attach(db: DbOrTx, id: string, values: { receipt_sha256?: string }): Promise<void> {
    await t(db).updateTable('dossiers_dossiers').set(values).where('id', '=', id).execute();
    // A receipt issued again: the source of the one it replaces (and its lookup key) goes.
    if (values.receipt_sha256)
      await t(db)
        .deleteFrom('dossiers_receipt_sources')
        .where('dossier_id', '=', id)
        .where('sha256', '<>', values.receipt_sha256)
        .execute();
  },

  async ofApplicant(db: DbOrTx, accountId: string, limit: number): Promise<DossierRow[]> {
    return t(db)
      .selectFrom('dossiers_dossiers')
      .selectAll()
      .where('applicant_account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  },

  async ofAgency(db: DbOrTx, agencyId: string, limit: number): Promise<DossierRow[]> {
    return t(db)
      .selectFrom('dossiers_dossiers')
      .selectAll()
      .where('agency_id', '=', agencyId)
      .where('status', '<>', 'draft')
      .orderBy('submitted_at', 'desc')
      .limit(limit)
      .execute();
  },

  /** The next number of the agency's day: the upsert locks the row until the transaction ends. */
  async nextSequence(db: DbOrTx, agencyId: string, day: string): Promise<number> {
    const row = await t(db)
      .insertInto('dossiers_counters')
      .values({ agency_id: agencyId, day, last: 1 })
      .onConflict((oc) =>
        oc.columns(['agency_id', 'day']).doUpdateSet({ last: sql`dossiers_counters.last + 1` }),
      )
      .returning('last')
      .executeTakeFirstOrThrow();
    return row.last;
  },

  /**
   * The next number of the agency's day in a statement of its own, outside any transaction: the
   * row is locked for this statement only, and its commit does not wait for the disk
   * (`synchronous_commit` off for it alone), so the lock is not held through a WAL flush. A
   * number is only issued by a later transaction whose synchronous commit flushes the WAL past
   * this one, so an issued number is never lost and never given twice; a crash before that
   * loses only numbers nobody holds.
   */
  async nextSequenceAlone(db: Db, agencyId: string, day: string): Promise<number> {
    const { rows } = await sql<{ last: number }>`
      INSERT INTO dossiers_counters (agency_id, day, last)
      SELECT ${agencyId}::uuid, ${day}::text, 1
        FROM (SELECT set_config('synchronous_commit', 'off', true)) AS without_waiting_for_the_disk
      ON CONFLICT (agency_id, day) DO UPDATE SET last = dossiers_counters.last + 1
      RETURNING last`.execute(db);
    const last = rows[0]?.last;
    if (last === undefined) throw new Error('no sequence');
    return last;
  },

  /** A dossier with the keys of its papers (in upload order), in one statement. */
  async withPaperKeys(db: DbOrTx, id: string): Promise<(DossierRow & { paper_keys: string[] }) | undefined> {
    const { rows } = await sql<DossierRow & { paper_keys: string[] }>`
      SELECT d.*, ARRAY(SELECT p.paper_key FROM dossiers_papers p
                         WHERE p.dossier_id = d.id ORDER BY p.uploaded_at LIMIT 200) AS paper_keys
        FROM dossiers_dossiers d WHERE d.id = ${id}`.execute(db);
    return rows[0];
  },

  async addEvent(
    db: DbOrTx,
    e: { dossierId: string; kind: EventKind; status: DossierStatus; note?: string | null; actorKind: string },
  ): Promise<void> {
    await t(db)
      .insertInto('dossiers_events')
      .values({
        dossier_id: e.dossierId,
        kind: e.kind,
        status: e.status,
        note: e.note ?? null,
        actor_kind: e.actorKind,
      })
      .execute();
  },

  async events(db: DbOrTx, dossierId: string): Promise<EventRow[]> {
    return t(db)
      .selectFrom('dossiers_events')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .orderBy('id')
      .limit(500)
      .execute();
  },

  async addPaper(db: DbOrTx, row: Insertable<DossiersTables['dossiers_papers']>): Promise<PaperRow> {
    return t(db).insertInto('dossiers_papers').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async papers(db: DbOrTx, dossierId: string): Promise<PaperRow[]> {
    return t(db)
      .selectFrom('dossiers_papers')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .orderBy('uploaded_at')
      .limit(200)
      .execute();
  },

  async removePaper(db: DbOrTx, dossierId: string, paperId: string): Promise<number> {
    const r = await t(db)
      .deleteFrom('dossiers_papers')
      .where('dossier_id', '=', dossierId)
      .where('id', '=', paperId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  /** Received, completed and on-time counts per agency and procedure (submitted dossiers only). */
  async statistics(db: DbOrTx, o: { agencyId?: string | undefined; procedureCode?: string | undefined }) {
    let q = t(db)
      .selectFrom('dossiers_dossiers')
      .select([
        'agency_id',
        'agency_name',
        'procedure_code',
        'procedure_name',
        sql<string>`count(*)`.as('received'),
        sql<string>`count(*) FILTER (WHERE status IN ('result_ready', 'delivered'))`.as('completed'),
        sql<string>`count(*) FILTER (WHERE status IN ('result_ready', 'delivered') AND finished_at <= due_at)`.as(
          'on_time',
        ),
        sql<string | null>`avg(rating)`.as('rating'),
        sql<string>`count(rating)`.as('ratings'),
      ])
      .where('status', '<>', 'draft')
      .groupBy(['agency_id', 'agency_name', 'procedure_code', 'procedure_name'])
      .orderBy('agency_name')
      .orderBy('procedure_name')
      .limit(500);
    if (o.agencyId) q = q.where('agency_id', '=', o.agencyId);
    if (o.procedureCode) q = q.where('procedure_code', '=', o.procedureCode);
    return q.execute();
  },
};

/** Fee requests of officers (status 6). */
export const feeRequestsRepo = {
  async insert(db: DbOrTx, row: Insertable<DossiersTables['dossiers_fee_requests']>): Promise<void> {
    await t(db).insertInto('dossiers_fee_requests').values(row).execute();
  },
  async markPaid(
    db: DbOrTx,
    id: string,
    paid: Pick<
      Updateable<DossiersTables['dossiers_fee_requests']>,
      'paid_at' | 'paid_via' | 'payment_id' | 'recorded_by'
    >,
  ): Promise<void> {
    await t(db).updateTable('dossiers_fee_requests').set(paid).where('id', '=', id).execute();
  },
  ofDossier: (db: DbOrTx, dossierId: string) =>
    t(db)
      .selectFrom('dossiers_fee_requests')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .orderBy('requested_at')
      .execute(),
  unpaid: (db: DbOrTx, dossierId: string) =>
    t(db)
      .selectFrom('dossiers_fee_requests')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .where('paid_at', 'is', null)
      .executeTakeFirst(),
};
