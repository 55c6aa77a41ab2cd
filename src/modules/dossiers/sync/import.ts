/**
 * The inbound half: a dossier filed on the national portal becomes a dossier here — channel
 * `national_portal`, status `submitted` (TrangThaiHoSo 1), its code the portal's MaHoSo — and the
 * receiving desk takes it from there. A MaHoSo is imported once (dossiers_sync_inbound, keyed on
 * it, plus the unique dossier code); what cannot be imported yet is kept as a problem and tried
 * again at the next pull.
 *
 * The applicant has no account on this platform: `applicant_account_id` is NULL (as for a dossier
 * taken at the counter for someone without an account, BACKOFFICE.md), so nobody here acts as the
 * applicant and no in-app notice is written; the applicant follows the dossier on the national
 * portal, which receives every status through the outbox. The applicant's details go to the
 * dossier's applicant columns (the identity number only when it is a CCCD/CMND of 9–12 digits);
 * the listed item itself (LoaiDoiTuong, TrichYeuHoSo, papers) is kept in the inbound row.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../../platform/audit/chain.ts';
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import { systemContext } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { DossiersCatalogue } from '../deps.ts';
import type { DirectoryService } from '../../directory/index.ts';
import { notifyStatusChanged, type DossierObserver } from '../observers.ts';
import { dossiersRepo } from '../repo.ts';
import { dossierFees } from '../service-filing.ts';
import { parsePortalTime, type FiledItem } from './protocol.ts';
import { syncRepo } from './repo.ts';

export type ImportOutcome =
  { kind: 'imported'; dossierId: string } | { kind: 'already' } | { kind: 'problem'; problem: ImportProblem };

/** Why a filed dossier could not be imported (yet). */
export type ImportProblem =
  'UNKNOWN_AGENCY' | 'UNKNOWN_PROCEDURE' | 'AGENCY_NOT_COMPETENT' | 'CODE_TAKEN' | 'BAD_DATE';

export interface ImportDeps {
  db: Db;
  directory: Pick<DirectoryService, 'resolveCode'>;
  services: Pick<DossiersCatalogue, 'getPublished'>;
  calendar: WorkCalendar;
  /** Every observer of the dossiers module (the outbox among them). */
  observers: () => readonly DossierObserver[];
  now: () => Date;
}

const ctx = systemContext('dossiers.sync.import');

export async function importFiledDossier(deps: ImportDeps, item: FiledItem): Promise<ImportOutcome> {
  const seen = await syncRepo.inbound(deps.db, item.MaHoSo);
  if (seen?.state === 'imported') return { kind: 'already' };
  const filedAt = parsePortalTime(item.NgayNop);
  const resolution = await deps.directory.resolveCode(item.MaDonViTiepNhan);
  const published = await deps.services.getPublished(item.MaTTHC);
  const agency = resolution?.current;
  let problem: ImportProblem | null = null;
  if (!filedAt) problem = 'BAD_DATE';
  else if (!agency || !agency.active) problem = 'UNKNOWN_AGENCY';
  else if (!published) problem = 'UNKNOWN_PROCEDURE';
  else if (
    !published.version.content.agencies.agencyIds.includes(agency.id) &&
    !(published.version.content.agencies.kinds as readonly string[]).includes(agency.kind)
  )
    problem = 'AGENCY_NOT_COMPETENT';
  else if (await dossiersRepo.byCode(deps.db, item.MaHoSo)) problem = 'CODE_TAKEN';
  const record = {
    ma_ho_so: item.MaHoSo,
    agency_code: item.MaDonViTiepNhan,
    filed_at: filedAt ?? deps.now(),
    item,
  };
  if (problem || !agency || !published || !filedAt) {
    await syncRepo.saveInbound(deps.db, { ...record, state: 'problem', dossier_id: null, problem });
    return { kind: 'problem', problem: problem ?? 'UNKNOWN_AGENCY' };
  }
  const { content } = published.version;
  try {
    const dossierId = await deps.db.transaction().execute(async (trx) => {
      const again = await syncRepo.inbound(trx, item.MaHoSo, true);
      if (again?.state === 'imported') return null;
      const row = await dossiersRepo.insert(trx, {
        id: randomUUID(),
        code: item.MaHoSo,
        applicant_account_id: null,
        applicant_name: item.ChuHoSo.slice(0, 200),
        applicant_id_number: /^[0-9]{9,12}$/.test(item.MaDoiTuong) ? item.MaDoiTuong : null,
        applicant_phone: item.SoDienThoai.slice(0, 20) || null,
        applicant_email: item.Email.slice(0, 254) || null,
        applicant_address: item.DiaChi.slice(0, 500) || null,
        procedure_code: published.procedure.code,
        procedure_name: content.name,
        version_id: published.version.id,
        agency_id: agency.id,
        agency_name: agency.name,
        agency_code: item.MaDonViTiepNhan,
        status: 'submitted',
        channel: 'national_portal',
        form_values: {},
        // The procedure's fee rules on the answers the item carries (none: it lists the filing,
        // not the form), as online filing computes them — a fee whose condition is only words is
        // left to the agency, a fee on a condition or per unit is not charged without its answer.
        fee_total: dossierFees(published.version, {}, 'national_portal').total,
        fee_paid_at: null,
        lookup_secret_hash: null,
        receipt_sha256: null,
        result_sha256: null,
        supplement_note: null,
        submitted_at: filedAt,
        due_at: deps.calendar.dueAfterWorkingDays(filedAt, content.timeLimit.workingDays),
        finished_at: null,
        rating: null,
        feedback: null,
        feedback_at: null,
      });
      await dossiersRepo.addEvent(trx, {
        dossierId: row.id,
        kind: 'status',
        status: 'submitted',
        note: 'Nộp trên Cổng Dịch vụ công quốc gia',
        actorKind: 'system',
      });
      await syncRepo.saveInbound(trx, { ...record, state: 'imported', dossier_id: row.id, problem: null });
      await recordAudit(trx, ctx, {
        action: 'dossiers.imported',
        subjectType: 'dossier',
        subjectIds: [row.id],
        agencyId: agency.id,
        details: { code: row.code, channel: 'national_portal' },
      });
      await notifyStatusChanged(deps.observers(), trx, {
        dossier: row,
        previous: null,
        status: 'submitted',
        note: null,
        at: row.created_at,
        actor: ctx.actor,
      });
      return row.id;
    });
    return dossierId ? { kind: 'imported', dossierId } : { kind: 'already' };
  } catch (error) {
    // Another puller imported the same code a moment ago (unique code), or a local dossier took it.
    if ((error as { code?: string }).code === '23505') {
      const now = await syncRepo.inbound(deps.db, item.MaHoSo);
      if (now?.state === 'imported') return { kind: 'already' };
      await syncRepo.saveInbound(deps.db, {
        ...record,
        state: 'problem',
        dossier_id: null,
        problem: 'CODE_TAKEN',
      });
      return { kind: 'problem', problem: 'CODE_TAKEN' };
    }
    throw error;
  }
}
