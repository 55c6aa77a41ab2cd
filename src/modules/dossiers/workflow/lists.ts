// Work lists and search for the back office, always inside one agency, paginated with keyset
// cursors so a page costs the same at row 1,000,000 as at row 1 (indexes: migration
// 202611220201 — agency × (status | procedure | channel) × submitted_at, trigram on names,
// code prefix; open steps by assignee and by agency × role × due).
import { sql } from 'kysely';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { DossierRow } from '../repo.ts';
import type { DossierChannel, DossiersTables, DossierStatus } from '../tables.ts';
import type { StepRow } from './repo.ts';
import { foldedContains } from '../search-fold.ts';

const t = (db: DbOrTx) => db.withTables<DossiersTables>();

export interface SearchFilter {
  agencyId: string;
  q?: string | undefined;
  status?: DossierStatus | undefined;
  procedureCode?: string | undefined;
  channel?: DossierChannel | undefined;
  /** Submitted on or after / before (instants). */
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { at: Date; id: string } | undefined;
  limit: number;
}

const CODE_LIKE = /^[0-9A-Za-z.\-_/]*[0-9][0-9A-Za-z.\-_/]*$/;
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export type TaskRow = StepRow & {
  code: string | null;
  procedure_name: string;
  applicant_name: string;
  status: DossierStatus;
  dossier_due_at: Date | null;
  row_version: number;
};

export const listsRepo = {
  /** Dossiers of an agency, newest submitted first, keyset (submitted_at, id). */
  async search(db: DbOrTx, f: SearchFilter): Promise<DossierRow[]> {
    let q = t(db)
      .selectFrom('dossiers_dossiers')
      .selectAll()
      .where('agency_id', '=', f.agencyId)
      .where('status', '<>', 'draft');
    if (f.status) q = q.where('status', '=', f.status);
    if (f.procedureCode) q = q.where('procedure_code', '=', f.procedureCode);
    if (f.channel) q = q.where('channel', '=', f.channel);
    if (f.from) q = q.where('submitted_at', '>=', f.from);
    if (f.to) q = q.where('submitted_at', '<', f.to);
    const text = f.q?.trim();
    if (text) {
      // Names without diacritics ("nguyen van" finds "Nguyễn Văn"); a code by its prefix.
      q = CODE_LIKE.test(text)
        ? q.where((eb) =>
            eb.or([
              eb('code', 'like', `${likeEscape(text)}%`),
              foldedContains(sql.ref('applicant_name'), text),
            ]),
          )
        : q.where((eb) =>
            eb.or([
              foldedContains(sql.ref('applicant_name'), text),
              foldedContains(sql.ref('procedure_name'), text),
            ]),
          );
    }
    if (f.after) {
      const { at, id } = f.after;
      q = q.where(sql<boolean>`(submitted_at, id) < (${at}, ${id}::uuid)`);
    }
    return q.orderBy('submitted_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  },

  /**
   * Open steps, earliest due first, keyset (due_at, id): one assignee's (`assigneeId`) or a
   * unit's queue (`agencyId` + `roles` + `units`), optionally only those due before / after an instant.
   */
  async tasks(
    db: DbOrTx,
    f: {
      assigneeId?: string | undefined;
      agencyId: string;
      roles?: readonly string[] | undefined;
      /** Steps of the agency (unit null) and of this unit; `all`: every unit's. */
      units?: 'all' | { unitId: string | null } | undefined;
      dueBefore?: Date | undefined;
      dueFrom?: Date | undefined;
      after?: { at: Date; id: string } | undefined;
      limit: number;
    },
  ): Promise<TaskRow[]> {
    let q = t(db)
      .selectFrom('dossiers_steps as s')
      .innerJoin('dossiers_dossiers as d', 'd.id', 's.dossier_id')
      .selectAll('s')
      .select([
        'd.code',
        'd.procedure_name',
        'd.applicant_name',
        'd.status',
        'd.due_at as dossier_due_at',
        'd.row_version',
      ])
      .where('s.finished_at', 'is', null)
      .where('s.agency_id', '=', f.agencyId);
    if (f.assigneeId) q = q.where('s.assignee_id', '=', f.assigneeId);
    if (f.roles) q = q.where('s.role', 'in', f.roles.length ? [...f.roles] : ['-']);
    const units = f.units;
    if (units && units !== 'all')
      q = q.where((eb) =>
        units.unitId
          ? eb.or([eb('s.unit_id', 'is', null), eb('s.unit_id', '=', units.unitId)])
          : eb('s.unit_id', 'is', null),
      );
    if (f.dueBefore) q = q.where('s.due_at', '<', f.dueBefore);
    if (f.dueFrom) q = q.where('s.due_at', '>=', f.dueFrom);
    if (f.after) {
      const { at, id } = f.after;
      q = q.where(sql<boolean>`(s.due_at, s.id) > (${at}, ${id}::uuid)`);
    }
    return q.orderBy('s.due_at').orderBy('s.id').limit(f.limit).execute();
  },
};
