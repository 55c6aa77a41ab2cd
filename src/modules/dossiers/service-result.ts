// Results: the result document from the procedure's template (PDF), numbered in the agency's
// register (consecutive per agency and year; every number taken is kept, issued or void), and
// signed with the agency's certificate by the pki module: an XML-DSig signed manifest carrying
// the PDF's SHA-256 (the key never leaves pki). Then the return (online, counter or post), the
// applicant's notice, and the archive.
import { createHash } from 'node:crypto';
import { recordAudit } from '../../platform/audit/chain.ts';
import { hasRole, systemContext, type RequestContext } from '../../platform/context.ts';
import { formatDate } from '../../platform/i18n/index.ts';
import { localYear } from '../../platform/calendar/index.ts';
import type { DossiersDeps } from './deps.ts';
import { AppError } from '../../platform/errors.ts';
import {
  DossierConflict,
  DossierInvalid,
  DossierNotFound,
  NoSigningCertificate,
  ProcedureNotAvailable,
  ResultMissing,
  SigningUnavailable,
  StepNotYours,
} from './errors.ts';
import { renderResult } from './forms/index.ts';
import {
  ABANDONED_AFTER_MS,
  resultRegisterRepo,
  type RegisterEntryState,
  type RegisterNumber,
} from './result-register.ts';
import { dossiersRepo, type DossierRow } from './repo.ts';
import { header } from './service-desk.ts';
import {
  agencyDossier,
  changeStatus,
  readable,
  requireState,
  requireVersion,
  toView,
  type DossierView,
} from './shared.ts';
import type { ReturnMethod } from './tables.ts';
import { createEngine, officerName, workflowOfDossier } from './workflow/engine.ts';
import { documentsRepo, stepsRepo, type StepRow } from './workflow/repo.ts';
import { inUnitOf, StepOfOtherUnit } from './workflow/units.ts';

/** A number of the agency's register of results and what became of it. */
export interface ResultRegisterEntry {
  number: number;
  year: number;
  dossierId: string;
  code: string | null;
  state: RegisterEntryState;
  /** Why a void number was voided: a stable error code, or ABANDONED. */
  reason: string | null;
  takenAt: string;
  settledAt: string | null;
}

const xmlEscape = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** The manifest signed by the agency: which dossier, which number, which PDF (by SHA-256). */
export function resultManifest(r: {
  code: string;
  reference: string;
  agencyCode: string;
  sha256: string;
  at: Date;
}): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<KetQuaGiaiQuyet xmlns="urn:lienthong:dossiers:result:1">` +
      `<MaHoSo>${xmlEscape(r.code)}</MaHoSo><SoKetQua>${xmlEscape(r.reference)}</SoKetQua>` +
      `<MaCoQuan>${xmlEscape(r.agencyCode)}</MaCoQuan><NgayBanHanh>${r.at.toISOString()}</NgayBanHanh>` +
      `<TepKetQua thuatToan="SHA-256">${r.sha256}</TepKetQua></KetQuaGiaiQuyet>`,
    'utf8',
  );
}

export function createResults(deps: DossiersDeps) {
  const { db } = deps;
  const engine = createEngine(deps);

  async function versionOf(row: DossierRow) {
    const v = await deps.services.getVersion(row.version_id);
    if (!v) throw ProcedureNotAvailable();
    return v;
  }

  /**
   * May the actor sign now? The holder of the step before the return (ký), or a leader — of the
   * open step's unit when it is routed to one (workflow/units.ts): another unit's leader, or an
   * official of another unit finding the step in a queue, is refused with 403.
   */
  function requireSigner(ctx: RequestContext, step: StepRow | undefined, steps: number): void {
    const actor = ctx.actor;
    if (actor.kind !== 'official') throw StepNotYours();
    const mine = step !== undefined && step.assignee_id === actor.accountId;
    const inUnit = step === undefined || mine || inUnitOf(actor, step.unit_id);
    const leads = hasRole(actor, 'unit_leader', 'admin');
    const signs =
      step !== undefined &&
      step.step_index === steps - 2 &&
      hasRole(actor, step.role as never) &&
      (mine || !step.assignee_id);
    if (!leads && !signs) throw StepNotYours();
    if (!inUnit) throw StepOfOtherUnit();
  }

  /**
   * Voids the agency's reservations older than ABANDONED_AFTER_MS (their issuance died between
   * numbering and writing) as ABANDONED, each an audit event in the same transaction, so the
   * audit trail accounts for every number that never became a result.
   */
  async function voidAbandoned(ctx: RequestContext, agencyId: string, year: number, now: Date) {
    await db.transaction().execute(async (trx) => {
      const before = new Date(now.getTime() - ABANDONED_AFTER_MS);
      for (const n of await resultRegisterRepo.voidAbandoned(trx, agencyId, year, before, now))
        await recordAudit(trx, ctx, {
          action: 'dossiers.result_number_voided',
          subjectType: 'dossier',
          subjectIds: [n.dossier_id],
          agencyId,
          details: { year: n.year, number: n.number, reason: 'ABANDONED', takenAt: n.taken_at.toISOString() },
        });
    });
  }

  /** Voids a number whose issuance failed, with the reason, so the register shows it (audited). */
  async function voidNumber(ctx: RequestContext, n: RegisterNumber, dossierId: string, error: unknown) {
    const reason = error instanceof AppError ? error.code : 'INTERNAL';
    try {
      await db.transaction().execute(async (trx) => {
        if (!(await resultRegisterRepo.settle(trx, n, { state: 'void', reason }, deps.now()))) return;
        await recordAudit(trx, ctx, {
          action: 'dossiers.result_number_voided',
          subjectType: 'dossier',
          subjectIds: [dossierId],
          agencyId: n.agencyId,
          details: { year: n.year, number: n.number, reason },
        });
      });
    } catch (e) {
      // Still reserved: voided as ABANDONED by the next numbering after ABANDONED_AFTER_MS.
      deps.logger.error({ action: 'dossiers.result_number_void_failed', dossierId, err: e }, 'void failed');
    }
  }

  return {
    /**
     * Issues the result. Everything that can be checked is checked first, without locks (state,
     * step, signer, version); the number is then taken in a statement of its own (the register's
     * row is locked for that statement only); the PDF is rendered and signed outside any
     * transaction; a short transaction re-checks the dossier (same version, same open step) and
     * writes the result. A failure after numbering voids the number with its reason (never reused,
     * never a silent gap: see BACKOFFICE.md).
     */
    async issueResult(
      ctx: RequestContext,
      id: string,
      o: { version?: number | undefined; body?: string | undefined } = {},
    ): Promise<DossierView> {
      if (!deps.pki) throw SigningUnavailable();
      const pki = deps.pki;
      const first = await agencyDossier(db, ctx, id);
      requireVersion(first, o.version);
      requireState(first, ['received', 'processing']);
      if (first.result_sha256) throw DossierInvalid({ reason: 'result already issued' });
      const step = await stepsRepo.open(db, id);
      const w = await workflowOfDossier(db, first);
      requireSigner(ctx, step, w.steps.length);
      // pki is asked as the signing below asks it (the platform signs for the agency once the
      // signer's role is checked here): an agency without a current certificate is refused before
      // a number of its register is taken, so no attempt leaves a void number behind.
      const signAs = systemContext('dossiers.sign');
      const [v, signer, canSign] = await Promise.all([
        versionOf(first),
        officerName(deps, ctx),
        pki.canSign(signAs, first.agency_id),
      ]);
      if (!canSign) throw NoSigningCertificate();
      const labels = new Map(v.content.form.fields.map((f) => [f.key, f.label]));
      const values: [string, string][] = Object.entries(first.form_values)
        .filter(([, x]) => typeof x === 'string' || typeof x === 'number')
        .slice(0, 20)
        .map(([k, x]) => [labels.get(k) ?? k, String(x)]);
      const body =
        o.body?.trim().slice(0, 4000) ||
        `${first.agency_name} cấp ${v.content.result.name} cho ông/bà ${first.applicant_name} theo hồ sơ ${first.code ?? ''}.`;

      const now = deps.now();
      const year = localYear(now);
      await voidAbandoned(ctx, first.agency_id, year, now);
      const taken = await resultRegisterRepo.take(db, {
        agencyId: first.agency_id,
        year,
        dossierId: id,
        takenBy: ctx.actor.kind === 'official' ? ctx.actor.accountId : null,
        at: now,
      });
      const reference = `${taken.number}/${year}/KQ-${first.agency_code}`.slice(0, 100);
      try {
        const pdf = await renderResult(header(first), {
          title: v.content.result.name,
          reference,
          body,
          values,
          signer,
          at: now,
        });
        const pdfBlob = await deps.blobs.put(pdf);
        const manifest = resultManifest({
          code: first.code ?? '',
          reference,
          agencyCode: first.agency_code,
          sha256: pdfBlob.sha256,
          at: now,
        });
        // The dossiers service has checked the signer's role; pki signs for the agency.
        const signed = await pki.signEdxml(signAs, first.agency_id, manifest);
        const sigBlob = await deps.blobs.put(signed);
        const row = await db.transaction().execute(async (trx) => {
          const locked = await agencyDossier(trx, ctx, id, true);
          // Anything that changed the dossier or its step since the checks makes them stale.
          const open = await stepsRepo.open(trx, id);
          if (locked.row_version !== first.row_version || open?.id !== step?.id)
            throw DossierConflict({ expected: first.row_version, current: locked.row_version });
          if (!(await resultRegisterRepo.settle(trx, taken, { state: 'issued' }, deps.now())))
            throw DossierConflict({ reason: 'register number no longer reserved' });
          const updated = await dossiersRepo.update(trx, id, {
            result_sha256: pdfBlob.sha256,
            result_signature_sha256: sigBlob.sha256,
            result_signed_at: now,
            result_year: year,
            result_number: taken.number,
            result_reference: reference,
          });
          await documentsRepo.add(trx, id, 'result', pdfBlob.sha256);
          await documentsRepo.add(trx, id, 'signature', sigBlob.sha256);
          await dossiersRepo.addEvent(trx, {
            dossierId: id,
            kind: 'document',
            status: locked.status,
            note: `Đã ký, cấp số kết quả ${reference}`,
            actorKind: ctx.actor.kind,
          });
          await recordAudit(trx, ctx, {
            action: 'dossiers.result_issued',
            subjectType: 'dossier',
            subjectIds: [id],
            agencyId: locked.agency_id,
            details: { code: locked.code, reference, sha256: pdfBlob.sha256 },
          });
          return updated;
        });
        return toView(row);
      } catch (error) {
        await voidNumber(ctx, taken, id, error);
        throw error;
      }
    },

    /**
     * The agency's register of results for a year, number by number: issued (with the dossier),
     * void (with the reason) or reserved (an issuance under way). Officials of the agency only.
     */
    async resultRegister(
      ctx: RequestContext,
      o: { year: number; after?: number | undefined; limit?: number | undefined },
    ): Promise<{ items: ResultRegisterEntry[]; next: number | null }> {
      if (ctx.actor.kind !== 'official' || !ctx.actor.agencyId) throw DossierNotFound();
      const limit = Math.min(Math.max(o.limit ?? 100, 1), 500);
      const rows = await resultRegisterRepo.list(db, ctx.actor.agencyId, o.year, {
        after: o.after ?? 0,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map((r) => ({
        number: r.number,
        year: r.year,
        dossierId: r.dossier_id,
        code: r.code,
        state: r.state,
        reason: r.reason,
        takenAt: r.taken_at.toISOString(),
        settledAt: r.settled_at ? r.settled_at.toISOString() : null,
      }));
      return { items, next: rows.length > limit ? (items.at(-1)?.number ?? null) : null };
    },

    /**
     * Returns the result (TrangThaiHoSo 10) online, at the counter or by post (HinhThuc); the
     * applicant is notified; the dossier is archived with its whole history.
     */
    async deliver(
      ctx: RequestContext,
      id: string,
      o: { version?: number | undefined; method: ReturnMethod },
    ): Promise<DossierView> {
      return db.transaction().execute(async (trx) => {
        const row = await agencyDossier(trx, ctx, id, true);
        requireVersion(row, o.version);
        requireState(row, ['result_ready']);
        if (!row.result_sha256) throw ResultMissing();
        const step = await stepsRepo.open(trx, id);
        if (step) {
          if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, step.role as never)) throw StepNotYours();
          if (step.assignee_id && step.assignee_id !== ctx.actor.accountId) throw StepNotYours();
          await engine.close(trx, ctx, row, step, 'finished', null);
        } else if (!hasRole(ctx.actor, 'one_stop_officer')) throw StepNotYours();
        const now = deps.now();
        const delivered = await changeStatus(deps, trx, ctx, row, 'delivered', {
          notice: 'result',
          note: {
            online: 'Trả kết quả trực tuyến',
            counter: 'Trả kết quả trực tiếp',
            post: 'Trả kết quả qua bưu chính',
          }[o.method],
          set: { return_method: o.method, delivered_at: now, archived_at: now },
        });
        await dossiersRepo.addEvent(trx, {
          dossierId: id,
          kind: 'archived',
          status: 'delivered',
          note: `Lưu trữ hồ sơ ngày ${formatDate(now)}`,
          actorKind: ctx.actor.kind,
        });
        return toView(delivered);
      });
    },

    /** The key of the step at which the result is signed (the one before the return). */
    async signingStepKey(ctx: RequestContext, id: string): Promise<string | null> {
      const row = await agencyDossier(db, ctx, id);
      if (!row.workflow_id) return null;
      const w = await workflowOfDossier(db, row);
      return w.steps.at(-2)?.key ?? null;
    },

    /** The signed manifest (XML-DSig) of the result, for its applicant and the agency. */
    async resultSignature(ctx: RequestContext, id: string): Promise<{ xml: Buffer; code: string }> {
      const row = await readable(db, ctx, id);
      if (!row.result_signature_sha256 || !row.code) throw DossierNotFound();
      return { xml: await deps.blobs.read(row.result_signature_sha256), code: row.code };
    },

    /** Checks the result against its signed manifest: the signature, and the PDF's SHA-256 in it. */
    async verifyResult(ctx: RequestContext, id: string) {
      const row = await readable(db, ctx, id);
      if (!row.result_signature_sha256 || !row.result_sha256 || !deps.pki) throw DossierNotFound();
      const xml = await deps.blobs.read(row.result_signature_sha256);
      const pdf = await deps.blobs.read(row.result_sha256);
      const signature = await deps.pki.verifyEdxml(xml);
      const digest = createHash('sha256').update(pdf).digest('hex');
      return { signature, pdfMatches: xml.toString('utf8').includes(`>${digest}</TepKetQua>`) };
    },
  };
}
