// The register of results, number by number: `dossiers_registers` holds the last number of an
// agency's year, `dossiers_register_entries` what became of each number taken (reserved → issued,
// or void with the reason). Numbering is one statement of its own, so the counter row is locked
// for that statement only, never across the rendering and signing of a result.
import { sql, type Selectable } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { DossiersTables } from './tables.ts';

export type RegisterEntryState = 'reserved' | 'issued' | 'void';

interface RegisterEntriesTable {
  agency_id: string;
  year: number;
  number: number;
  dossier_id: string;
  state: RegisterEntryState;
  reason: string | null;
  taken_at: Date;
  taken_by: string | null;
  settled_at: Date | null;
}

export type RegisterEntryRow = Selectable<RegisterEntriesTable>;

/** Which number of which register. */
export interface RegisterNumber {
  agencyId: string;
  year: number;
  number: number;
}

const entries = (db: DbOrTx) =>
  db.withTables<DossiersTables & { dossiers_register_entries: RegisterEntriesTable }>();

/** A reservation older than this was left by a process that died between numbering and writing. */
export const ABANDONED_AFTER_MS = 15 * 60_000;

export const resultRegisterRepo = {
  /**
   * Takes the next number of the agency's register for `year` and reserves it for the dossier, in
   * one statement (autocommitted when `db` is not a transaction): the number is never taken
   * without a trace, and the counter row is held only while this statement runs.
   */
  async take(
    db: DbOrTx,
    o: { agencyId: string; year: number; dossierId: string; takenBy: string | null; at: Date },
  ): Promise<RegisterNumber> {
    const r = await sql<{ number: number }>`
      WITH n AS (
        INSERT INTO dossiers_registers (agency_id, year, last) VALUES (${o.agencyId}, ${o.year}, 1)
        ON CONFLICT (agency_id, year) DO UPDATE SET last = dossiers_registers.last + 1
        RETURNING last
      )
      INSERT INTO dossiers_register_entries (agency_id, year, number, dossier_id, state, taken_at, taken_by)
      SELECT ${o.agencyId}::uuid, ${o.year}, last, ${o.dossierId}::uuid, 'reserved', ${o.at}, ${o.takenBy}::uuid
      FROM n
      RETURNING number`.execute(db);
    const number = r.rows[0]?.number;
    if (number === undefined) throw new Error('register number not taken');
    return { agencyId: o.agencyId, year: o.year, number };
  },

  /**
   * Settles a reserved number: issued (the dossier holds it), or void with the reason (a stable
   * error code). False if it was no longer reserved (voided meanwhile as abandoned).
   */
  async settle(
    db: DbOrTx,
    n: RegisterNumber,
    outcome: { state: 'issued' } | { state: 'void'; reason: string },
    at: Date,
  ): Promise<boolean> {
    const r = await entries(db)
      .updateTable('dossiers_register_entries')
      .set({
        state: outcome.state,
        reason: outcome.state === 'void' ? outcome.reason.slice(0, 60) : null,
        settled_at: at,
      })
      .where('agency_id', '=', n.agencyId)
      .where('year', '=', n.year)
      .where('number', '=', n.number)
      .where('state', '=', 'reserved')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** Voids the agency's reservations taken before `before` (their issuance died); returns them. */
  async voidAbandoned(
    db: DbOrTx,
    agencyId: string,
    year: number,
    before: Date,
    at: Date,
  ): Promise<RegisterEntryRow[]> {
    return entries(db)
      .updateTable('dossiers_register_entries')
      .set({ state: 'void', reason: 'ABANDONED', settled_at: at })
      .where('agency_id', '=', agencyId)
      .where('year', '=', year)
      .where('state', '=', 'reserved')
      .where('taken_at', '<', before)
      .returningAll()
      .execute();
  },

  /** The agency's register for a year, in number order (keyset on the number). */
  async list(
    db: DbOrTx,
    agencyId: string,
    year: number,
    o: { after: number; limit: number },
  ): Promise<(RegisterEntryRow & { code: string | null })[]> {
    return entries(db)
      .selectFrom('dossiers_register_entries as e')
      .innerJoin('dossiers_dossiers as d', 'd.id', 'e.dossier_id')
      .selectAll('e')
      .select('d.code')
      .where('e.agency_id', '=', agencyId)
      .where('e.year', '=', year)
      .where('e.number', '>', o.after)
      .orderBy('e.number')
      .limit(o.limit)
      .execute();
  },
};
