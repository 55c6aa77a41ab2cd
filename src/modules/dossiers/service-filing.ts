// Filing: a draft for a procedure and a competent agency, form values saved and checked with the
// catalogue's validator, papers uploaded, and the submission that issues the code and due date.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/chain.ts';
import { isoDateOfDay, localDay } from '../../platform/calendar/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError, Unauthenticated } from '../../platform/errors.ts';
import {
  computeFees,
  validateFormValues,
  type FeeComputation,
  type FormIssue,
  type Paper,
  type ProcedureVersion,
} from '../services/index.ts';
import { counterDay, formatDossierCode } from './code.ts';
import type { DossiersDeps } from './deps.ts';
import { AgencyNotCompetent, DossierInvalid, NoFeeToPay, ProcedureNotAvailable } from './errors.ts';
import { checkUpload, cleanFileName } from './files.ts';
import { parseReceiptSource, receiptSource, renderReceipt, type ReceiptData } from './receipt.ts';
import type { Tx } from '../../platform/db/database.ts';
import { dossiersRepo, type DossierRow, type PaperRow } from './repo.ts';
import {
  applicantRecipient,
  asRole,
  changeStatus,
  ownDossier,
  requireState,
  toView,
  type DossierView,
} from './shared.ts';
import { isUuid } from '../../platform/ids.ts';

export interface CompetentAgency {
  id: string;
  name: string;
  code: string;
}

export interface SubmitResult {
  dossier: DossierView;
  /** The lookup key printed on the receipt; shown once, stored only as a hash. */
  lookupSecret: string;
}

/** A submission refused with the form's field issues and the papers still missing. */
export interface SubmissionProblems {
  form: FormIssue[];
  missingPapers: string[];
}

const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A lookup key of 10 letters and digits without look-alikes (0/O, 1/I). */
function newLookupSecret(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Papers that need a file: required ones whose template is not generated from the online form. */
export function papersNeedingFiles(version: ProcedureVersion): Paper[] {
  return version.content.papers.filter(
    (p) => p.requirement === 'required' && p.template?.kind !== 'generated',
  );
}

/** The keys of the papers the procedure wants as files that the dossier has no file for. */
function missingPapersOf(
  version: ProcedureVersion,
  papers: readonly Pick<PaperRow, 'paper_key'>[],
): string[] {
  return papersNeedingFiles(version)
    .filter((p) => !papers.some((x) => x.paper_key === p.key))
    .map((p) => p.key);
}

export { secretHash, newLookupSecret };

/**
 * The receipt PDF of a dossier: stored as a PDF, or rendered now from the source kept at
 * submission (then stored as a PDF, and the source — which holds the lookup key — removed).
 */
export async function receiptPdf(
  deps: Pick<DossiersDeps, 'db' | 'blobs'>,
  row: Pick<DossierRow, 'id' | 'receipt_sha256'>,
): Promise<Buffer> {
  const sha = row.receipt_sha256;
  if (!sha) throw new Error('no receipt');
  // A submission keeps its source beside the row; a counter intake (and older dossiers) in the
  // blob store, where the rendered PDF goes too.
  const kept = deps.blobs.has(sha) ? undefined : await dossiersRepo.receiptSource(deps.db, row.id, sha);
  const bytes = kept ?? (await deps.blobs.read(sha));
  const source = parseReceiptSource(bytes);
  if (!source) {
    if (kept) throw new Error('receipt source unreadable');
    return bytes;
  }
  const pdf = await renderReceipt(source);
  const blob = await deps.blobs.put(pdf);
  const moved = await dossiersRepo.receiptRendered(deps.db, row.id, sha, blob.sha256);
  if (moved && !kept) await deps.blobs.remove(sha);
  return pdf;
}

/** The fees of a dossier's values as the catalogue's rules say (national-portal filings count as online). */
export function dossierFees(
  v: ProcedureVersion,
  values: Record<string, unknown>,
  channel: string,
): FeeComputation {
  const via = channel === 'counter' || channel === 'post' ? channel : 'online';
  return computeFees(v.content, values as Parameters<typeof computeFees>[1], via);
}

/** What form 01 prints for a dossier: agency, code, applicant, dates, lookup key, papers, fees. */
function receiptData(
  row: Pick<
    DossierRow,
    | 'code'
    | 'channel'
    | 'received_at'
    | 'applicant_name'
    | 'procedure_name'
    | 'agency_name'
    | 'submitted_at'
    | 'due_at'
    | 'form_values'
  >,
  lookupSecret: string | null,
  v: ProcedureVersion,
  papers: readonly Pick<PaperRow, 'paper_key'>[],
): ReceiptData {
  const at = row.submitted_at ?? new Date();
  return {
    code: row.code ?? '',
    lookupSecret,
    channel: row.channel,
    receivedAt: row.received_at,
    applicantName: row.applicant_name,
    procedureName: row.procedure_name,
    agencyName: row.agency_name,
    submittedAt: at,
    dueAt: row.due_at ?? at,
    papers: [
      { name: row.channel === 'online' ? 'Tờ khai trực tuyến' : 'Tờ khai', files: 1 },
      ...v.content.papers
        .map((p) => ({ name: p.name, files: papers.filter((x) => x.paper_key === p.key).length }))
        .filter((p) => p.files > 0),
    ],
    fees: dossierFees(v, row.form_values, row.channel)
      .lines.filter((f) => f.amount > 0)
      .map((f) => ({ name: f.name, amount: f.amount, quantity: f.quantity, unitAmount: f.unitAmount })),
  };
}

export function createFiling(deps: DossiersDeps) {
  const { db, logger } = deps;

  async function versionOf(row: DossierRow): Promise<ProcedureVersion> {
    const v = await deps.services.getVersion(row.version_id);
    if (!v) throw ProcedureNotAvailable();
    return v;
  }

  /** The applicant's own dossier with its papers' keys, in one statement; anyone else gets 404 (as `ownDossier`). */
  async function ownWithPaperKeys(ctx: RequestContext, id: string) {
    return asRole('applicant', ctx, id, isUuid(id) ? await dossiersRepo.withPaperKeys(db, id) : undefined);
  }

  /**
   * A change of a draft's papers bumps its version, as a change of its values does: submission
   * relies on an unchanged version meaning unchanged values and papers.
   */
  async function touchDraft(trx: Tx, row: DossierRow): Promise<void> {
    if (row.status === 'draft') await dossiersRepo.update(trx, row.id, {});
  }

  async function qd20Code(agencyId: string): Promise<string | null> {
    const detail = await deps.directory.getAgencyDetail(agencyId);
    if (!detail?.active) return null;
    const today = isoDateOfDay(localDay(deps.now()));
    const code = detail.codes.find(
      (c) => c.scheme === 'QD20' && c.validFrom <= today && (c.validTo === null || c.validTo > today),
    );
    return code?.code ?? null;
  }

  const filing = {
    /** The published procedure of a code and the agencies competent for it (by id or by kind). */
    async procedureForFiling(code: string, q?: string) {
      const published = await deps.services.getPublished(code);
      if (!published) throw ProcedureNotAvailable();
      const { content } = published.version;
      const agencies: CompetentAgency[] = [];
      for (const id of content.agencies.agencyIds.slice(0, 50)) {
        const c = await qd20Code(id);
        const a = await deps.directory.getAgency(id);
        if (a && c) agencies.push({ id, name: a.name, code: c });
      }
      for (const kind of content.agencies.kinds) {
        const found = await deps.directory.search({ kind, q, status: 'active', pageSize: 100 });
        for (const a of found.items) {
          const c = a.codes.find((x) => x.scheme === 'QD20');
          if (c && !agencies.some((x) => x.id === a.id))
            agencies.push({ id: a.id, name: a.name, code: c.code });
        }
      }
      return { procedure: published.procedure, version: published.version, agencies: agencies.slice(0, 100) };
    },

    /** Starts a draft for the signed-in citizen. */
    async createDraft(
      ctx: RequestContext,
      input: { procedureCode: string; agencyId: string; applicantName: string },
    ): Promise<DossierView> {
      if (ctx.actor.kind !== 'citizen') throw Unauthenticated();
      const published = await deps.services.getPublished(input.procedureCode);
      if (!published) throw ProcedureNotAvailable();
      const { content } = published.version;
      const agency = await deps.directory.getAgency(input.agencyId);
      const code = agency ? await qd20Code(agency.id) : null;
      const competent =
        agency &&
        (content.agencies.agencyIds.includes(agency.id) ||
          (content.agencies.kinds as readonly string[]).includes(agency.kind));
      if (!agency || !code || !competent) throw AgencyNotCompetent();
      const accountId = ctx.actor.accountId;
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await dossiersRepo.insert(trx, {
          id: randomUUID(),
          code: null,
          applicant_account_id: accountId,
          applicant_name: input.applicantName.trim().slice(0, 200),
          procedure_code: published.procedure.code,
          procedure_name: content.name,
          version_id: published.version.id,
          agency_id: agency.id,
          agency_name: agency.name,
          agency_code: code,
          status: 'draft',
          form_values: {},
          // What the fees come to once the form is filled is computed at submission.
          fee_total: computeFees(content, {}).total,
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
        await recordAudit(trx, ctx, {
          action: 'dossiers.draft_created',
          subjectType: 'dossier',
          subjectIds: [inserted.id],
          agencyId: agency.id,
          details: { procedure: inserted.procedure_code },
        });
        return inserted;
      });
      return toView(row);
    },

    /** Saves the form as it is (a draft may be incomplete); the values are checked at submission. */
    async saveValues(ctx: RequestContext, id: string, values: Record<string, unknown>): Promise<DossierView> {
      const size = JSON.stringify(values).length;
      if (size > 256 * 1024) throw DossierInvalid({ reason: 'too large' });
      return db.transaction().execute(async (trx) => {
        const row = await ownDossier(trx, ctx, id, true);
        requireState(row, ['draft']);
        return toView(await dossiersRepo.update(trx, id, { form_values: values }));
      });
    },

    /** The form's issues for the saved values (none: ready to submit). */
    async checkValues(ctx: RequestContext, id: string): Promise<FormIssue[]> {
      const row = await ownDossier(db, ctx, id);
      const v = await versionOf(row);
      const r = validateFormValues(v.content.form, row.form_values);
      return r.ok ? [] : r.errors;
    },

    /** Attaches a paper (checked by content, size and the scanner) to a draft or a supplement. */
    async addPaper(
      ctx: RequestContext,
      id: string,
      input: { paperKey: string; fileName: string; bytes: Buffer },
    ): Promise<PaperRow> {
      const row = await ownDossier(db, ctx, id);
      requireState(row, ['draft', 'awaiting_supplement']);
      const v = await versionOf(row);
      const known = v.content.papers.some((p) => p.key === input.paperKey) || input.paperKey === 'other';
      if (!known) throw DossierInvalid({ field: 'paperKey' });
      const mediaType = await checkUpload(input.bytes, { maxBytes: deps.maxFileBytes, scan: deps.scan });
      const blob = await deps.blobs.put(input.bytes, { maxBytes: deps.maxFileBytes });
      return db.transaction().execute(async (trx) => {
        const locked = await ownDossier(trx, ctx, id, true);
        requireState(locked, ['draft', 'awaiting_supplement']);
        const paper = await dossiersRepo.addPaper(trx, {
          id: randomUUID(),
          dossier_id: id,
          paper_key: input.paperKey,
          purpose: locked.status === 'draft' ? 'paper' : 'supplement',
          file_name: cleanFileName(input.fileName, `${input.paperKey}.${mediaType.split('/')[1] ?? 'bin'}`),
          media_type: mediaType,
          sha256: blob.sha256,
          bytes: blob.bytes,
        });
        await touchDraft(trx, locked);
        await recordAudit(trx, ctx, {
          action: 'dossiers.paper_added',
          subjectType: 'dossier',
          subjectIds: [id, paper.id],
          agencyId: locked.agency_id,
          details: { paperKey: input.paperKey, bytes: blob.bytes, mediaType },
        });
        return paper;
      });
    },

    /** Removes a paper from a draft. */
    async removePaper(ctx: RequestContext, id: string, paperId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = await ownDossier(trx, ctx, id, true);
        requireState(row, ['draft']);
        if ((await dossiersRepo.removePaper(trx, id, paperId)) === 0)
          throw DossierInvalid({ field: 'paper' });
        await touchDraft(trx, row);
        await recordAudit(trx, ctx, {
          action: 'dossiers.paper_removed',
          subjectType: 'dossier',
          subjectIds: [id, paperId],
          agencyId: row.agency_id,
        });
      });
    },

    /** The fees of the dossier's values (a draft's when its form is valid; else those without a rule on the form). */
    async fees(ctx: RequestContext, id: string): Promise<FeeComputation> {
      const row = await ownDossier(db, ctx, id);
      const v = await versionOf(row);
      const r = validateFormValues(v.content.form, row.form_values);
      return dossierFees(v, r.ok ? r.values : {}, row.channel);
    },

    /** What stops a draft from being submitted: form issues and required papers without a file. */
    async problems(ctx: RequestContext, id: string): Promise<SubmissionProblems> {
      const row = await ownDossier(db, ctx, id);
      const v = await versionOf(row);
      const r = validateFormValues(v.content.form, row.form_values);
      const papers = await dossiersRepo.papers(db, id);
      return { form: r.ok ? [] : r.errors, missingPapers: missingPapersOf(v, papers) };
    },

    /**
     * Submits a draft: code from the agency's locked day counter, due date in working days, status
     * `submitted` (TrangThaiHoSo 1), lookup key, notice and audit in one transaction; then the receipt.
     */
    async submit(ctx: RequestContext, id: string): Promise<SubmitResult> {
      // Few statements and pooled connections (at hundreds of submissions a second the pool is
      // the scarce thing, and every statement costs CPU on both sides): the draft and its papers
      // are read and checked in one statement, numbered in one, and submitted in one transaction.
      // The procedure version is read first: never inside the transaction, where waiting for a
      // second pooled connection could starve the pool.
      const { paper_keys: paperKeys, ...draft } = await ownWithPaperKeys(ctx, id);
      const v = await versionOf(draft);
      const lookupSecret = newLookupSecret();
      // Checked before a number is taken, so that an incomplete draft never uses one up.
      const complete = (row: DossierRow, papers: readonly Pick<PaperRow, 'paper_key'>[]) => {
        requireState(row, ['draft']);
        if (row.version_id !== v.id) throw ProcedureNotAvailable();
        const checked = validateFormValues(v.content.form, row.form_values);
        const missingPapers = missingPapersOf(v, papers);
        if (!checked.ok || missingPapers.length > 0)
          throw DossierInvalid({ form: checked.ok ? [] : checked.errors.slice(0, 100), missingPapers });
        return { values: checked.values, papers };
      };
      const checked = complete(
        draft,
        paperKeys.map((key) => ({ paper_key: key })),
      );
      const now = deps.now();
      // The number is taken in a statement of its own, committed at once: the agency's day
      // counter is locked for that statement only, so submissions at one agency do not queue
      // behind each other's whole transactions (measured: 91% of database time was spent waiting
      // for that row while it was held to the commit). A submission failing after this point —
      // only a race with the applicant's own edit of the draft — leaves a gap in the day's
      // numbers; a number is never given twice.
      const sequence = await dossiersRepo.nextSequenceAlone(db, draft.agency_id, counterDay(now));
      const dueAt = deps.calendar.dueAfterWorkingDays(now, v.content.timeLimit.workingDays);
      const code = formatDossierCode(deps.codePattern, { agencyCode: draft.agency_code, at: now, sequence });
      const lookupSecretHash = secretHash(lookupSecret);
      /** What the submitting update sets, and the receipt's source (computed before the transaction). */
      const submission = (from: DossierRow, { values, papers }: ReturnType<typeof complete>) => {
        // The receipt's source is addressed by its hash: the row names it in the same update,
        // the bytes are written once the transaction has committed.
        const source = receiptSource(
          receiptData(
            { ...from, code, submitted_at: now, due_at: dueAt, form_values: values },
            lookupSecret,
            v,
            papers,
          ),
        );
        const set = {
          code,
          form_values: values,
          fee_total: dossierFees(v, values, from.channel).total,
          submitted_at: now,
          due_at: dueAt,
          lookup_secret_hash: lookupSecretHash,
          receipt_sha256: createHash('sha256').update(source).digest('hex'),
        };
        return { source, set, paperFiles: papers.length > 0 };
      };
      let prepared = submission(draft, checked);
      /** The status change and the applicant's notice, in the caller's transaction. */
      const write = async (trx: Tx, from: DossierRow, ifVersion?: number) => {
        const updated = await changeStatus(deps, trx, ctx, from, 'submitted', {
          notice: 'none',
          set: prepared.set,
          receipt: { sha256: prepared.set.receipt_sha256, source: prepared.source },
          paperFiles: prepared.paperFiles, // a draft's papers are all of purpose `paper`
          ...(ifVersion === undefined ? {} : { ifVersion }),
        });
        await deps.notify.notify(
          ctx,
          {
            recipient: applicantRecipient(from) ?? {},
            template: 'dossier_received',
            params: {
              dossierCode: code,
              procedureName: from.procedure_name.slice(0, 300),
              dueDate: isoDateOfDay(localDay(dueAt)),
            },
            channels: ['in_app'],
            dedupeKey: `dossier:${id}:submitted`,
          },
          trx,
        );
        return updated;
      };
      let row: DossierRow;
      try {
        // A draft still at the version checked above has the same values and papers (every
        // change of a draft, papers included, bumps its version): the update is made on that
        // condition, without reading or locking the row first.
        row = await db.transaction().execute((trx) => write(trx, draft, draft.row_version));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'DOSSIER_CONFLICT')) throw error;
        // Changed since (the applicant's own edit in another tab): read again under the row
        // lock, check again, and submit what is there now under the number already taken.
        row = await db.transaction().execute(async (trx) => {
          const locked = await ownDossier(trx, ctx, id, true);
          prepared = submission(locked, complete(locked, await dossiersRepo.papers(trx, id)));
          return write(trx, locked);
        });
      }
      logger.info({ action: 'dossiers.submitted', dossierId: id, code: row.code }, 'dossier submitted');
      return { dossier: toView(row), lookupSecret };
    },

    /**
     * Keeps what form 01 is made of in the blob store and attaches it; the PDF is rendered on
     * the first download (`receiptPdf`), not inside the submission.
     */
    async storeReceipt(row: DossierRow, lookupSecret: string | null, v: ProcedureVersion): Promise<string> {
      const papers = await dossiersRepo.papers(db, row.id);
      const blob = await deps.blobs.put(receiptSource(receiptData(row, lookupSecret, v, papers)));
      await dossiersRepo.attach(db, row.id, { receipt_sha256: blob.sha256 });
      return blob.sha256;
    },

    /** Starts paying the dossier's fees through the payments module; returns where to send the browser. */
    async pay(ctx: RequestContext, id: string): Promise<string> {
      const row = await ownDossier(db, ctx, id);
      if (row.status === 'draft' || row.status === 'withdrawn') requireState(row, ['submitted']);
      const total = Number(row.fee_total);
      if (total <= 0 || row.fee_paid_at || !deps.payments) throw NoFeeToPay();
      const v = await versionOf(row);
      // Exactly what submission computed from the submitted values: a version is immutable and
      // the values are frozen, so the lines add up to fee_total; anything else is refused.
      const lines = dossierFees(v, row.form_values, row.channel).lines.filter((f) => f.amount > 0);
      const { payment } = await deps.payments.createPayment(ctx, {
        payerAccountId: ctx.actor.kind === 'citizen' ? ctx.actor.accountId : (row.applicant_account_id ?? ''),
        payerName: row.applicant_name,
        agencyId: row.agency_id,
        agencyName: row.agency_name,
        reference: { kind: 'dossier', id: row.id, code: row.code ?? row.id },
        items: lines.slice(0, 20).map((f) => ({
          kind: f.kind,
          code: `${f.kind.toUpperCase()}${f.index + 1}`,
          name: f.name,
          amount: f.amount,
          quantity: f.quantity,
          unitAmount: f.unitAmount,
        })),
        expectedTotal: total,
        description: `Phí, lệ phí hồ sơ ${row.code ?? ''}`.slice(0, 255),
        returnPath: `/dossiers/${row.id}`,
      });
      return `/payments/${payment.id}/pay`;
    },
  };
  return filing;
}
