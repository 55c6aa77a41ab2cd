// The receiving desk (Bộ phận Một cửa): counter and postal intake on behalf of an applicant,
// then check → accept (form 01, the workflow starts), ask for a supplement (form 02) or refuse
// (form 03). Every action carries the dossier version the officer saw (409 when stale).
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/chain.ts';
import { isoDateOfDay, localDay } from '../../platform/calendar/index.ts';
import { hasRole, type RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { validateFormValues } from '../services/index.ts';
import { counterDay, formatDossierCode } from './code.ts';
import type { DossiersDeps } from './deps.ts';
import { AgencyNotCompetent, DossierInvalid, DossierNotFound, ProcedureNotAvailable } from './errors.ts';
import { checkUpload, cleanFileName } from './files.ts';
import { renderRefusal, renderSupplementRequest, type DossierHeader } from './forms/index.ts';
import { notifyStatusChanged } from './observers.ts';
import { dossiersRepo, type DossierRow } from './repo.ts';
import { createFiling, dossierFees, newLookupSecret, secretHash } from './service-filing.ts';
import {
  changeStatus,
  handledDossier,
  requireState,
  requireVersion,
  toView,
  type DossierView,
} from './shared.ts';
import { createEngine, officerName, workflowOfDossier } from './workflow/engine.ts';
import { documentsRepo, stepsRepo, workflowRepo } from './workflow/repo.ts';
import type { DocumentForm } from './tables.ts';

export interface IntakeInput {
  procedureCode: string;
  channel: 'counter' | 'post';
  applicant: {
    name: string;
    idNumber?: string | undefined;
    phone?: string | undefined;
    email?: string | undefined;
    address?: string | undefined;
  };
  values: Record<string, unknown>;
  /**
   * Scans of the paper dossier (PDF, JPEG or PNG), at least one and at most `MAX_INTAKE_SCANS`:
   * each for one paper of the procedure (`paperKey`), or an extra one (no key, recorded as `scan`).
   */
  scans: { fileName: string; bytes: Buffer; paperKey?: string | undefined }[];
}

/** Most scans one intake takes (one per paper of the procedure and extras). */
export const MAX_INTAKE_SCANS = 20;

/** The paper key of a scan that belongs to no particular paper of the procedure. */
export const EXTRA_SCAN_KEY = 'scan';

export const header = (r: DossierRow): DossierHeader => ({
  code: r.code ?? '',
  agencyName: r.agency_name,
  applicantName: r.applicant_name,
  procedureName: r.procedure_name,
  submittedAt: r.submitted_at,
  receivedAt: r.received_at,
  dueAt: r.due_at,
});

/** Splits a list typed one item a line (or separated by ';') into clean items. */
export function listItems(text: string, max = 30): string[] {
  return text
    .split(/\r?\n|;/)
    .map((t) => t.trim().slice(0, 500))
    .filter((t) => t.length > 0)
    .slice(0, max);
}

export function createDesk(deps: DossiersDeps) {
  const { db, logger } = deps;
  const engine = createEngine(deps);
  const filing = createFiling(deps);

  async function versionOf(row: DossierRow) {
    const v = await deps.services.getVersion(row.version_id);
    if (!v) throw ProcedureNotAvailable();
    return v;
  }

  const requireDesk = (ctx: RequestContext) => {
    if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, 'one_stop_officer')) throw DossierNotFound();
    return ctx.actor;
  };

  async function storeDocument(trx: Tx, dossierId: string, form: DocumentForm, pdf: Buffer) {
    const blob = await deps.blobs.put(pdf);
    await documentsRepo.add(trx, dossierId, form, blob.sha256);
    await dossiersRepo.addEvent(trx, {
      dossierId,
      kind: 'document',
      status: (await dossiersRepo.byId(trx, dossierId))?.status ?? 'submitted',
      note: `Mẫu ${form}`,
      actorKind: 'official',
    });
  }

  async function audit(trx: Tx, ctx: RequestContext, row: DossierRow, action: string, details = {}) {
    await recordAudit(trx, ctx, {
      action: `dossiers.${action}`,
      subjectType: 'dossier',
      subjectIds: [row.id],
      agencyId: row.agency_id,
      details: { code: row.code, ...details },
    });
  }

  const actions = {
    /**
     * Counter (trực tiếp) or postal intake: the officer files on behalf of the applicant, who may
     * have no account (recorded by name, identity number and contacts; they follow the dossier
     * with the lookup key printed on form 01). Status `submitted`; accepted afterwards.
     */
    async intake(
      ctx: RequestContext,
      input: IntakeInput,
    ): Promise<{ dossier: DossierView; lookupSecret: string }> {
      const actor = requireDesk(ctx);
      const published = await deps.services.getPublished(input.procedureCode);
      if (!published) throw ProcedureNotAvailable();
      const { content } = published.version;
      const agency = await deps.directory.getAgencyDetail(actor.agencyId);
      const competent =
        agency &&
        (content.agencies.agencyIds.includes(agency.id) ||
          (content.agencies.kinds as readonly string[]).includes(agency.kind));
      const today = isoDateOfDay(localDay(deps.now()));
      const qd20 = agency?.codes.find(
        (c) => c.scheme === 'QD20' && c.validFrom <= today && (c.validTo === null || c.validTo > today),
      );
      if (!agency || !competent || !qd20) throw AgencyNotCompetent();
      const name = input.applicant.name.trim().slice(0, 200);
      if (!name) throw DossierInvalid({ field: 'applicantName' });
      const checked = validateFormValues(content.form, input.values);
      if (!checked.ok) throw DossierInvalid({ form: checked.errors.slice(0, 100) });
      if (input.scans.length === 0) throw DossierInvalid({ field: 'scans' });
      if (input.scans.length > MAX_INTAKE_SCANS)
        throw DossierInvalid({ field: 'scans', max: MAX_INTAKE_SCANS });
      const paperKeys = new Set(content.papers.map((p) => p.key));
      const unknown = input.scans.find((x) => x.paperKey !== undefined && !paperKeys.has(x.paperKey));
      if (unknown) throw DossierInvalid({ field: 'scans', paperKey: unknown.paperKey?.slice(0, 60) });
      // Every file is checked as online filing checks it (type by content, size, scanner) before
      // anything is stored; a refusal names the file it is about (`details.scan`, `paperKey`).
      const files = [];
      for (const [index, scan] of input.scans.entries()) {
        try {
          files.push({
            scan,
            mediaType: await checkUpload(scan.bytes, { maxBytes: deps.maxFileBytes, scan: deps.scan }),
          });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const about = { scan: index, paperKey: scan.paperKey ?? EXTRA_SCAN_KEY };
          throw new AppError(error.code, error.status, error.text, { ...(error.details ?? {}), ...about });
        }
      }
      const stored = await Promise.all(
        files.map(async ({ scan, mediaType }) => ({
          mediaType,
          blob: await deps.blobs.put(scan.bytes, { maxBytes: deps.maxFileBytes }),
          fileName: cleanFileName(scan.fileName, 'ban-quet.pdf'),
          paperKey: scan.paperKey ?? EXTRA_SCAN_KEY,
        })),
      );
      const secret = newLookupSecret();
      const id = randomUUID();
      const row = await db.transaction().execute(async (trx) => {
        const now = deps.now();
        const sequence = await dossiersRepo.nextSequence(trx, agency.id, counterDay(now));
        const code = formatDossierCode(deps.codePattern, { agencyCode: qd20.code, at: now, sequence });
        const fees = dossierFees(published.version, checked.values, input.channel);
        const inserted = await dossiersRepo.insert(trx, {
          id,
          code,
          applicant_account_id: null,
          applicant_name: name,
          applicant_id_number: input.applicant.idNumber?.trim() || null,
          applicant_phone: input.applicant.phone?.trim() || null,
          applicant_email: input.applicant.email?.trim() || null,
          applicant_address: input.applicant.address?.trim().slice(0, 500) || null,
          procedure_code: published.procedure.code,
          procedure_name: content.name,
          version_id: published.version.id,
          agency_id: agency.id,
          agency_name: agency.name,
          agency_code: qd20.code,
          status: 'submitted',
          channel: input.channel,
          form_values: checked.values,
          fee_total: fees.total,
          fee_paid_at: null,
          lookup_secret_hash: secretHash(secret),
          receipt_sha256: null,
          result_sha256: null,
          supplement_note: null,
          submitted_at: now,
          due_at: deps.calendar.dueAfterWorkingDays(now, content.timeLimit.workingDays),
          finished_at: null,
          rating: null,
          feedback: null,
          feedback_at: null,
        });
        for (const s of stored)
          await dossiersRepo.addPaper(trx, {
            id: randomUUID(),
            dossier_id: id,
            paper_key: s.paperKey,
            purpose: 'paper',
            file_name: s.fileName,
            media_type: s.mediaType,
            sha256: s.blob.sha256,
            bytes: s.blob.bytes,
          });
        await dossiersRepo.addEvent(trx, {
          dossierId: id,
          kind: 'status',
          status: 'submitted',
          note: input.channel === 'post' ? 'Nhận qua bưu chính' : 'Nộp trực tiếp tại Bộ phận Một cửa',
          actorKind: ctx.actor.kind,
        });
        await audit(trx, ctx, inserted, 'intake', { channel: input.channel, scans: stored.length });
        // Observers learn of the dossier entering the platform (TrangThaiHoSo 1).
        await notifyStatusChanged(deps.observers, trx, {
          dossier: inserted,
          previous: null,
          status: 'submitted',
          note: null,
          at: now,
          actor: ctx.actor,
        });
        return inserted;
      });
      logger.info({ action: 'dossiers.intake', dossierId: id, channel: input.channel }, 'dossier taken in');
      await filing.storeReceipt(row, secret, published.version);
      return { dossier: toView((await dossiersRepo.byId(db, id)) ?? row), lookupSecret: secret };
    },

    /**
     * Tiếp nhận: the dossier is complete and valid (TrangThaiHoSo 2). The due date now counts from
     * acceptance, form 01 is re-issued with the appointment, and the first step opens.
     */
    async accept(
      ctx: RequestContext,
      id: string,
      o: { version?: number | undefined } = {},
    ): Promise<DossierView> {
      const row = await db.transaction().execute(async (trx) => {
        const locked = await handledDossier(trx, ctx, id, true);
        requireVersion(locked, o.version);
        requireState(locked, ['submitted']);
        const v = await versionOf(locked);
        const now = deps.now();
        const due = deps.calendar.dueAfterWorkingDays(now, v.content.timeLimit.workingDays);
        const w = await workflowRepo.resolve(trx, locked.procedure_code, locked.agency_id);
        if (!w) throw DossierInvalid({ reason: 'no workflow' });
        const received = await changeStatus(deps, trx, ctx, locked, 'received', {
          set: {
            received_at: now,
            received_by: ctx.actor.kind === 'official' ? ctx.actor.accountId : null,
            due_at: due,
            original_due_at: due,
            workflow_id: w.id,
          },
        });
        await engine.open(trx, ctx, received, w, 0, { at: now });
        await audit(trx, ctx, received, 'accepted', { workflowVersion: w.version });
        return received;
      });
      // Form 01 again, with the time of acceptance and the appointment (rendered on download).
      await filing.storeReceipt(row, null, await versionOf(row));
      return toView(row);
    },

    /** Form 02: what is missing or to complete, one item a line (TrangThaiHoSo 5); the applicant is told. */
    async requestSupplement(
      ctx: RequestContext,
      id: string,
      missing: string,
      version?: number,
    ): Promise<DossierView> {
      const items = listItems(missing);
      if (items.length === 0) throw DossierInvalid({ field: 'missing' });
      const note = items.join('; ').slice(0, 2000);
      const name = await officerName(deps, ctx);
      // Form 02 is laid out before the transaction (a PDF costs tens of ms of CPU); again inside
      // only if the dossier changed in between.
      const now = deps.now();
      const render = (r: DossierRow) => renderSupplementRequest(header(r), { items, officer: name, at: now });
      const first = await handledDossier(db, ctx, id);
      requireVersion(first, version);
      requireState(first, ['submitted', 'received', 'processing']);
      const early = await render(first);
      return db.transaction().execute(async (trx) => {
        const row = await handledDossier(trx, ctx, id, true);
        requireVersion(row, version);
        requireState(row, ['submitted', 'received', 'processing']);
        const open = await stepsRepo.open(trx, row.id);
        if (open) await engine.close(trx, ctx, row, open, 'supplement', note);
        const updated = await changeStatus(deps, trx, ctx, row, 'awaiting_supplement', {
          note,
          notice: 'supplement',
          set: { supplement_note: note, supplement_requested_at: now },
        });
        await storeDocument(
          trx,
          row.id,
          '02',
          row.row_version === first.row_version ? early : await render(row),
        );
        return toView(updated);
      });
    },

    /** Form 03: refusal with reasons (TrangThaiHoSo 3); the dossier is closed and archived. */
    async refuse(
      ctx: RequestContext,
      id: string,
      o: { version?: number | undefined; reasons: string },
    ): Promise<DossierView> {
      const reasons = listItems(o.reasons);
      if (reasons.length === 0) throw DossierInvalid({ field: 'reasons' });
      const note = reasons.join('; ').slice(0, 2000);
      const name = await officerName(deps, ctx);
      // Form 03 is laid out before the transaction, as form 02.
      const now = deps.now();
      const render = (r: DossierRow) => renderRefusal(header(r), { reasons, officer: name, at: now });
      const first = await handledDossier(db, ctx, id);
      requireVersion(first, o.version);
      requireState(first, ['submitted', 'awaiting_supplement']);
      const early = await render(first);
      return db.transaction().execute(async (trx) => {
        const row = await handledDossier(trx, ctx, id, true);
        requireVersion(row, o.version);
        requireState(row, ['submitted', 'awaiting_supplement']);
        const updated = await changeStatus(deps, trx, ctx, row, 'refused', {
          note,
          set: { refusal_reason: note, finished_at: now, archived_at: now },
        });
        await storeDocument(
          trx,
          row.id,
          '03',
          row.row_version === first.row_version ? early : await render(row),
        );
        return toView(updated);
      });
    },
  };

  return {
    /** The desk's actions (part of the dossier service). */
    actions,
    storeDocument,

    /**
     * The applicant has supplemented: a dossier not yet accepted goes back to the desk (1); one in
     * processing resumes (4) at the step that asked, its clock restarted or paused as the
     * workflow says.
     */
    async resumeAfterSupplement(trx: Tx, ctx: RequestContext, row: DossierRow): Promise<DossierRow> {
      if (!row.received_at)
        return changeStatus(deps, trx, ctx, row, 'submitted', { set: { supplement_note: null } });
      const w = await workflowOfDossier(trx, row);
      const now = deps.now();
      const set: Parameters<typeof dossiersRepo.update>[2] = { supplement_note: null };
      if (row.due_at && row.supplement_requested_at) {
        if (w.supplement_clock === 'restart') {
          const v = await versionOf(row);
          const due = deps.calendar.dueAfterWorkingDays(now, v.content.timeLimit.workingDays);
          Object.assign(set, { due_at: due, original_due_at: due });
        } else {
          const waited = deps.calendar.workingDaysBetween(
            localDay(row.supplement_requested_at),
            localDay(now),
          );
          const day = localDay(row.due_at);
          const shift = deps.calendar.addWorkingDays(day, waited) - day;
          Object.assign(set, { due_at: new Date(row.due_at.getTime() + shift * 86_400_000) });
        }
      }
      const resumed = await changeStatus(deps, trx, ctx, row, 'processing', { set });
      const last = (await stepsRepo.ofDossier(trx, row.id)).at(-1);
      await engine.open(trx, ctx, resumed, w, last?.step_index ?? 0, {
        assignee: last?.assignee_id ? { id: last.assignee_id, name: last.assignee_name ?? '' } : null,
      });
      return resumed;
    },
  };
}
