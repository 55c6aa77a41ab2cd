// A part's own dossier in its agency's queue: filed on the citizen's behalf when the main dossier is
// received (a part on this instance), or made from a part that arrived through the axis. It is
// submitted (TrangThaiHoSo 1) and then received and processed at that agency's desk like any other.
import { randomUUID } from 'node:crypto';
import { systemContext } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/database.ts';
import { counterDay, formatDossierCode } from '../code.ts';
import { dossiersRepo, type DossierRow } from '../repo.ts';
import { changeStatus } from '../shared.ts';
import type { PaperMediaType } from '../tables.ts';
import type { InteragencyDeps } from './deps.ts';
import type { ResolvedAgency } from './resolve.ts';

export const interagencyContext = systemContext('dossiers.interagency');

export interface PartPaper {
  key: string;
  fileName: string;
  mediaType: PaperMediaType;
  sha256: string;
  bytes: number;
}

/** Creates and submits the part's dossier; null when the procedure is not published here. */
export async function fileLinkedDossier(
  deps: InteragencyDeps,
  trx: Tx,
  o: {
    procedureCode: string;
    agency: ResolvedAgency;
    /** Null for a part received from another instance: the applicant has no account here. */
    applicantAccountId: string | null;
    applicantName: string;
    values: Record<string, unknown>;
    dueAt: Date;
    papers: PartPaper[];
    note: string;
  },
): Promise<DossierRow | null> {
  const published = await deps.services.getPublished(o.procedureCode);
  if (!published) return null;
  const now = deps.now();
  const draft = await dossiersRepo.insert(trx, {
    id: randomUUID(),
    code: null,
    applicant_account_id: o.applicantAccountId,
    applicant_name: o.applicantName.slice(0, 200) || '—',
    procedure_code: published.procedure.code,
    procedure_name: published.version.content.name.slice(0, 500),
    version_id: published.version.id,
    agency_id: o.agency.id,
    agency_name: o.agency.name.slice(0, 300),
    agency_code: o.agency.code,
    status: 'draft',
    form_values: o.values,
    // The fees of the group are paid once, on the main dossier.
    fee_total: 0,
    fee_paid_at: null,
    lookup_secret_hash: null,
    receipt_sha256: null,
    result_sha256: null,
    supplement_note: null,
    submitted_at: null,
    due_at: null,
    finished_at: null,
    rating: null,
    feedback: null,
    feedback_at: null,
  });
  for (const p of o.papers.slice(0, 100))
    await dossiersRepo.addPaper(trx, {
      id: randomUUID(),
      dossier_id: draft.id,
      paper_key: p.key.slice(0, 40),
      purpose: 'paper',
      file_name: p.fileName.slice(0, 200) || 'giay-to',
      media_type: p.mediaType,
      sha256: p.sha256,
      bytes: p.bytes,
    });
  const sequence = await dossiersRepo.nextSequence(trx, o.agency.id, counterDay(now));
  const code = formatDossierCode(deps.codePattern, { agencyCode: o.agency.code, at: now, sequence });
  return changeStatus(
    { notify: deps.notify, observers: deps.dossierObservers },
    trx,
    interagencyContext,
    draft,
    'submitted',
    { notice: 'none', note: o.note.slice(0, 2000), set: { code, submitted_at: now, due_at: o.dueAt } },
  );
}
