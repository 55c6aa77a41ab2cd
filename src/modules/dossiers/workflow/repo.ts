// Back-office tables: workflows, step instances (form 06) and the register of results.
import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { DocumentForm, DossiersTables, WorkflowStepDef } from '../tables.ts';

export type WorkflowRow = Selectable<DossiersTables['dossiers_workflows']>;
export type StepRow = Selectable<DossiersTables['dossiers_steps']>;

const t = (db: DbOrTx) => db.withTables<DossiersTables>();
const NO_AGENCY = '00000000-0000-0000-0000-000000000000';

export const workflowRepo = {
  /** The workflow in force: (procedure, agency) → (procedure) → ('*', agency) → ('*'); newest version. */
  async resolve(db: DbOrTx, procedureCode: string, agencyId: string): Promise<WorkflowRow | undefined> {
    return t(db)
      .selectFrom('dossiers_workflows')
      .selectAll()
      .where('procedure_code', 'in', [procedureCode, '*'])
      .where((eb) => eb.or([eb('agency_id', '=', agencyId), eb('agency_id', 'is', null)]))
      .orderBy(sql`procedure_code = '*'`)
      .orderBy(sql`agency_id IS NULL`)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** Versions of (procedure, agency) and of (procedure, every agency), newest first. */
  async versions(db: DbOrTx, procedureCode: string, agencyId: string, limit: number): Promise<WorkflowRow[]> {
    return t(db)
      .selectFrom('dossiers_workflows')
      .selectAll()
      .where('procedure_code', '=', procedureCode)
      .where((eb) => eb.or([eb('agency_id', '=', agencyId), eb('agency_id', 'is', null)]))
      .orderBy('created_at', 'desc')
      .orderBy('version', 'desc')
      .limit(limit)
      .execute();
  },

  async byId(db: DbOrTx, id: string): Promise<WorkflowRow | undefined> {
    return t(db).selectFrom('dossiers_workflows').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Adds the next version of (procedure, agency); the unique index settles two saves at once. */
  async addVersion(
    db: DbOrTx,
    w: {
      id: string;
      procedureCode: string;
      agencyId: string | null;
      steps: WorkflowStepDef[];
      supplementClock: 'restart' | 'pause';
      createdBy: string;
    },
  ): Promise<WorkflowRow> {
    const last = await t(db)
      .selectFrom('dossiers_workflows')
      .select(sql<number>`coalesce(max(version), 0)`.as('v'))
      .where('procedure_code', '=', w.procedureCode)
      .where(sql`coalesce(agency_id, ${NO_AGENCY}::uuid)`, '=', w.agencyId ?? NO_AGENCY)
      .executeTakeFirstOrThrow();
    return t(db)
      .insertInto('dossiers_workflows')
      .values({
        id: w.id,
        procedure_code: w.procedureCode,
        agency_id: w.agencyId,
        version: Number(last.v) + 1,
        steps: JSON.stringify(w.steps) as unknown as WorkflowStepDef[],
        supplement_clock: w.supplementClock,
        created_by: w.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};

export const stepsRepo = {
  async insert(db: DbOrTx, row: Insertable<DossiersTables['dossiers_steps']>): Promise<StepRow> {
    return t(db).insertInto('dossiers_steps').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async update(
    db: DbOrTx,
    id: string,
    values: Updateable<DossiersTables['dossiers_steps']>,
  ): Promise<StepRow> {
    return t(db)
      .updateTable('dossiers_steps')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async open(db: DbOrTx, dossierId: string): Promise<StepRow | undefined> {
    return t(db)
      .selectFrom('dossiers_steps')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
  },

  async ofDossier(db: DbOrTx, dossierId: string): Promise<StepRow[]> {
    return t(db)
      .selectFrom('dossiers_steps')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .orderBy('seq')
      .limit(500)
      .execute();
  },

  async lastSeq(db: DbOrTx, dossierId: string): Promise<number> {
    const r = await t(db)
      .selectFrom('dossiers_steps')
      .select(sql<number>`coalesce(max(seq), 0)`.as('s'))
      .where('dossier_id', '=', dossierId)
      .executeTakeFirstOrThrow();
    return Number(r.s);
  },

  /** Open steps due before `until` not yet warned (the deadline job), oldest due first. */
  async dueUnwarned(db: DbOrTx, until: Date, limit: number): Promise<StepRow[]> {
    return t(db)
      .selectFrom('dossiers_steps')
      .selectAll()
      .where('finished_at', 'is', null)
      .where('warned_at', 'is', null)
      .where('due_at', '<=', until)
      .orderBy('due_at')
      .limit(limit)
      .execute();
  },
};

export const documentsRepo = {
  async add(db: DbOrTx, dossierId: string, form: DocumentForm, sha256: string): Promise<void> {
    await t(db)
      .insertInto('dossiers_documents')
      .values({ id: randomUUID(), dossier_id: dossierId, form, sha256 })
      .execute();
  },
  /** The latest document of a form on a dossier. */
  async latest(db: DbOrTx, dossierId: string, form: DocumentForm): Promise<string | undefined> {
    const r = await t(db)
      .selectFrom('dossiers_documents')
      .select('sha256')
      .where('dossier_id', '=', dossierId)
      .where('form', '=', form)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.sha256;
  },
  async forms(db: DbOrTx, dossierId: string): Promise<DocumentForm[]> {
    const rows = await t(db)
      .selectFrom('dossiers_documents')
      .select('form')
      .distinct()
      .where('dossier_id', '=', dossierId)
      .execute();
    return rows.map((r) => r.form);
  },
};
