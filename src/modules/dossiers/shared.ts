// Helpers every part of the dossier service shares: the view, reading with authorization, and
// the one way a status changes (row, timeline, audit and notice in one transaction).
import { auditEventRow } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { DbOrTx, Tx } from '../../platform/db/database.ts';
import type { Text } from '../../platform/i18n/index.ts';
import type { DossiersDeps } from './deps.ts';
import { DossierConflict, DossierNotFound, DossierWrongState } from './errors.ts';
import { isAgencyOfficial, isApplicant, isHandlingOfficer, mayReadDossier } from './policies.ts';
import { notifyStatusChanged, type DossierObserver } from './observers.ts';
import { dossiersRepo, type DossierRow } from './repo.ts';
import { nationalCode, statusNames } from './statuses.ts';
import type { DossierChannel, DossierStatus, ReturnMethod, TimelinessValue } from './tables.ts';
import { UUID_PATTERN as UUID } from '../../platform/ids.ts';

export interface DossierView {
  id: string;
  code: string | null;
  status: DossierStatus;
  nationalStatus: number | null;
  statusName: Text;
  procedureCode: string;
  procedureName: string;
  versionId: string;
  agencyId: string;
  agencyName: string;
  applicantName: string;
  values: Record<string, unknown>;
  feeTotal: number;
  feePaid: boolean;
  submittedAt: string | null;
  dueAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  supplementNote: string | null;
  hasResult: boolean;
  rating: number | null;
  feedback: string | null;
  /** Send it back with every officer action (optimistic concurrency). */
  rowVersion: number;
  channel: DossierChannel;
  receivedAt: string | null;
  originalDueAt: string | null;
  extendedDueAt: string | null;
  resultReference: string | null;
  resultSigned: boolean;
  returnMethod: ReturnMethod | null;
  deliveredAt: string | null;
  timeliness: TimelinessValue | null;
  refusalReason: string | null;
  stopReason: string | null;
  archivedAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toView(r: DossierRow): DossierView {
  return {
    id: r.id,
    code: r.code,
    status: r.status,
    nationalStatus: nationalCode[r.status],
    statusName: statusNames[r.status],
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    versionId: r.version_id,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    applicantName: r.applicant_name,
    values: r.form_values,
    feeTotal: Number(r.fee_total),
    feePaid: r.fee_paid_at !== null,
    submittedAt: iso(r.submitted_at),
    dueAt: iso(r.due_at),
    finishedAt: iso(r.finished_at),
    createdAt: r.created_at.toISOString(),
    supplementNote: r.supplement_note,
    hasResult: r.result_sha256 !== null,
    rating: r.rating,
    feedback: r.feedback,
    rowVersion: r.row_version,
    channel: r.channel,
    receivedAt: iso(r.received_at),
    originalDueAt: iso(r.original_due_at),
    extendedDueAt: iso(r.extended_due_at),
    resultReference: r.result_reference,
    resultSigned: r.result_signature_sha256 !== null,
    returnMethod: r.return_method,
    deliveredAt: iso(r.delivered_at),
    timeliness: r.timeliness,
    refusalReason: r.refusal_reason,
    stopReason: r.stop_reason,
    archivedAt: iso(r.archived_at),
  };
}

/**
 * Where the applicant's notices go: their account, or for a dossier taken at the counter or by
 * post without one, the e-mail or phone recorded at intake (null: nobody to tell).
 */
export function applicantRecipient(
  r: DossierRow,
): { accountId: string } | { email: string } | { phone: string } | null {
  if (r.applicant_account_id) return { accountId: r.applicant_account_id };
  if (r.applicant_email) return { email: r.applicant_email };
  if (r.applicant_phone) return { phone: r.applicant_phone };
  return null;
}

const ownership = (r: DossierRow) => ({ applicantAccountId: r.applicant_account_id, agencyId: r.agency_id });

/** A dossier the actor may read (applicant or handling officer); anything else is 404. */
export async function readable(
  db: DbOrTx,
  ctx: RequestContext,
  id: string,
  lock = false,
): Promise<DossierRow> {
  if (!UUID.test(id)) throw DossierNotFound();
  return mayRead(ctx, await dossiersRepo.byId(db, id, lock));
}

/** The row if the actor may read it; 404 otherwise. */
function mayRead<R extends DossierRow>(ctx: RequestContext, row: R | undefined): R {
  if (!row || !mayReadDossier(ctx.actor, ownership(row))) throw DossierNotFound();
  if (row.status === 'draft' && !isApplicant(ctx.actor, ownership(row))) throw DossierNotFound();
  return row;
}

/**
 * The one rule of `dossierAs`, for a row read some other way (with its papers, say): the row if
 * the actor may act on it as `role`; 404 for anyone else and for an id that is not a dossier's.
 */
export function asRole<R extends DossierRow>(
  role: 'applicant' | 'officer',
  ctx: RequestContext,
  id: string,
  row: R | undefined,
): R {
  if (!UUID.test(id)) throw DossierNotFound();
  const readableRow = mayRead(ctx, row);
  const allowed = role === 'applicant' ? isApplicant : isHandlingOfficer;
  if (!allowed(ctx.actor, ownership(readableRow))) throw DossierNotFound();
  return readableRow;
}

/** Reads a dossier for one role: `applicant` (own dossier) or `officer` (agency's one-stop desk). */
export async function dossierAs(
  role: 'applicant' | 'officer',
  db: DbOrTx,
  ctx: RequestContext,
  id: string,
  lock = false,
): Promise<DossierRow> {
  // asRole refuses a malformed id too; it is checked first so that it never reaches the database.
  if (!UUID.test(id)) throw DossierNotFound();
  return asRole(role, ctx, id, await dossiersRepo.byId(db, id, lock));
}

/** The applicant's own dossier; officers and other citizens get 404. */
export const ownDossier = (db: DbOrTx, ctx: RequestContext, id: string, lock = false) =>
  dossierAs('applicant', db, ctx, id, lock);

/** A dossier of the officer's agency (not a draft); others get 404. */
export const handledDossier = (db: DbOrTx, ctx: RequestContext, id: string, lock = false) =>
  dossierAs('officer', db, ctx, id, lock);

/** A dossier of the official's agency, for any back-office role (404 for anyone else). */
export async function agencyDossier(
  db: DbOrTx,
  ctx: RequestContext,
  id: string,
  lock = false,
): Promise<DossierRow> {
  const row = await readable(db, ctx, id, lock);
  if (!isAgencyOfficial(ctx.actor, ownership(row))) throw DossierNotFound();
  return row;
}

/**
 * Optimistic concurrency: the version the officer saw must still be the dossier's (read under the
 * row lock, so of two officers acting at once the second sees the first's version and gets 409).
 */
export function requireVersion(row: DossierRow, version: number | undefined): void {
  if (version !== undefined && row.row_version !== version)
    throw DossierConflict({ expected: version, current: row.row_version });
}

/** Throws unless the dossier is in one of `allowed`. */
export function requireState(row: DossierRow, allowed: readonly DossierStatus[]): void {
  if (!allowed.includes(row.status)) throw DossierWrongState({ status: row.status });
}

/**
 * Moves a dossier to `status`: the row, a timeline entry, the audit event and the citizen's notice,
 * all in the caller's transaction.
 */
export async function changeStatus(
  deps: { notify: DossiersDeps['notify']; observers: readonly DossierObserver[] },
  trx: Tx,
  ctx: RequestContext,
  row: DossierRow,
  status: DossierStatus,
  o: {
    note?: string | null;
    set?: Parameters<typeof dossiersRepo.update>[2];
    notice?: 'status' | 'supplement' | 'result' | 'none';
    /** Passed to the observers (`StatusChange.paperFiles`) when the caller knows it. */
    paperFiles?: boolean;
    /**
     * Change the row only if it is still at this version (read without a lock): otherwise
     * nothing is written and `DossierConflict` is thrown.
     */
    ifVersion?: number;
    /** The receipt's source, kept beside the row by the same statement (submission). */
    receipt?: { sha256: string; source: Buffer };
  } = {},
): Promise<DossierRow> {
  // The row, its timeline entry and the audit event in one statement (a missed version throws
  // below, and the transaction takes the event back).
  const audit = auditEventRow(ctx, {
    action: `dossiers.${status}`,
    subjectType: 'dossier',
    subjectIds: [row.id],
    agencyId: row.agency_id,
    details: { code: o.set?.code ?? row.code, from: row.status, to: status },
  });
  const updated = await dossiersRepo.updateWithEvent(
    trx,
    row.id,
    { ...o.set, status },
    { kind: 'status', status, note: o.note ?? null, actorKind: ctx.actor.kind },
    { ifVersion: o.ifVersion, audit: audit.row, receipt: o.receipt },
  );
  if (!updated) throw DossierConflict();
  await notifyStatusChanged(deps.observers, trx, {
    dossier: updated,
    previous: row.status,
    status,
    note: o.note ?? null,
    at: updated.updated_at,
    actor: ctx.actor,
    ...(o.paperFiles === undefined ? {} : { paperFiles: o.paperFiles }),
  });
  const recipient = applicantRecipient(row);
  const notice = o.notice ?? 'status';
  if (notice !== 'none' && recipient) await notifyApplicant(deps, trx, ctx, updated, notice, o.note ?? null);
  return updated;
}

/** The applicant's notice of a status change (in-app for an account, else e-mail or SMS). */
async function notifyApplicant(
  deps: Pick<DossiersDeps, 'notify'>,
  trx: Tx,
  ctx: RequestContext,
  row: DossierRow,
  notice: 'status' | 'supplement' | 'result',
  note: string | null,
): Promise<void> {
  const recipient = applicantRecipient(row);
  if (!recipient) return;
  const code = row.code ?? '';
  const channels: ('in_app' | 'email' | 'sms')[] =
    'accountId' in recipient ? ['in_app'] : 'email' in recipient ? ['email'] : ['sms'];
  const dedupeKey = `dossier:${row.id}:status:${row.status}:${Date.now()}`;
  const base = { recipient, channels, dedupeKey };
  await deps.notify.notify(
    ctx,
    notice === 'supplement'
      ? {
          ...base,
          template: 'supplement_requested',
          params: { dossierCode: code, reason: (note ?? '').slice(0, 2000) || '—' },
        }
      : notice === 'result'
        ? { ...base, template: 'result_ready', params: { dossierCode: code } }
        : {
            ...base,
            template: 'dossier_status_changed',
            params: { dossierCode: code, statusName: statusNames[row.status] },
          },
    trx,
  );
}
