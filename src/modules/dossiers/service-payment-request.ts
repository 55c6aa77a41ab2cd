// The officer's request for a financial obligation (TrangThaiHoSo 6, "Yêu cầu thực hiện nghĩa vụ
// tài chính"): fees whose condition is only words, charged once the officer knows them. The open
// step is suspended, the applicant notified; paid online (the payments module's onPaid hook) or
// recorded as received in cash at the counter, the dossier resumes processing (4) at the same step
// with its holder, and the legal clock does not count the wait (the due date moves by the working
// days waited, as a paused supplement does).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '../../platform/audit/chain.ts';
import { localDay } from '../../platform/calendar/index.ts';
import { hasRole, systemContext, type RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { defineJob, enqueue, type JobDefinition } from '../../platform/jobs/index.ts';
import type { PaymentView } from '../payments/index.ts';
import type { DossiersDeps } from './deps.ts';
import { DossierInvalid, FeeRequestPaid, NoFeeToPay, NoOpenStep, StepNotYours } from './errors.ts';
import { dossiersRepo, feeRequestsRepo, type DossierRow, type FeeRequestRow } from './repo.ts';
import type { FeeRequestItem } from './tables.ts';
import { requireHolder, requireLeader } from './service-process.ts';
import {
  agencyDossier,
  changeStatus,
  ownDossier,
  readable,
  requireState,
  requireVersion,
  toView,
  type DossierView,
} from './shared.ts';
import { createEngine, officerName, workflowOfDossier } from './workflow/engine.ts';
import { stepsRepo } from './workflow/repo.ts';

/** Bounds of a request: lines, and each line's amount in whole đồng. */
export const FEE_REQUEST_MAX_ITEMS = 10;
export const FEE_REQUEST_MAX_AMOUNT = 1_000_000_000;

export interface FeeRequestView {
  id: string;
  items: FeeRequestItem[];
  total: number;
  note: string | null;
  requestedByName: string | null;
  requestedAt: string;
  paidAt: string | null;
  paidVia: 'online' | 'cash' | null;
  /** Money taken online for the request after it was settled (cash at the counter first), each refunded. */
  paidTwice: { paymentId: string; amount: number; paidAt: string | null; refunded: boolean }[];
}

const isPaid = (p: PaymentView) =>
  p.status === 'paid' || p.status === 'refunded' || p.status === 'partially_refunded';

const toRequestView = (r: FeeRequestRow, payments: readonly PaymentView[]): FeeRequestView => ({
  id: r.id,
  items: r.items,
  total: Number(r.total),
  note: r.note,
  requestedByName: r.requested_by_name,
  requestedAt: r.requested_at.toISOString(),
  paidAt: r.paid_at ? r.paid_at.toISOString() : null,
  paidVia: r.paid_via,
  paidTwice: payments
    // Another amount than asked is no payment of the request at all (`amountMismatch`), not one twice.
    .filter(
      (p) =>
        r.paid_at &&
        p.id !== r.payment_id &&
        p.amount === Number(r.total) &&
        isPaid(p) &&
        feeRequestOf(p) === r.id,
    )
    .map((p) => ({
      paymentId: p.id,
      amount: p.amount,
      paidAt: p.paidAt,
      refunded: p.status === 'refunded',
    })),
});

/** Payment items of a fee request carry `YC-{request id}-{n}` as their code. */
const ITEM_CODE = /^YC-([0-9a-f-]{36})-\d+$/;

/** The fee request a payment pays (null: the filing fee or anything else). */
export function feeRequestOf(p: Pick<PaymentView, 'items'>): string | null {
  const m = ITEM_CODE.exec(p.items[0]?.code ?? '');
  return m?.[1] ?? null;
}

/**
 * The officer's lines, the one rule for the API's body and the service: 1–10, each a name (trimmed,
 * 1–300 characters) and a whole amount of 1..FEE_REQUEST_MAX_AMOUNT đồng.
 */
export const feeRequestItemsSchema = z
  .array(
    z.object({
      name: z.string().trim().min(1).max(300),
      amount: z.number().int().min(1).max(FEE_REQUEST_MAX_AMOUNT).describe('whole đồng (VND)'),
    }),
  )
  .min(1)
  .max(FEE_REQUEST_MAX_ITEMS);

/**
 * Checks and cleans the officer's lines (`feeRequestItemsSchema`): refused with 400
 * DOSSIER_INVALID naming the field, `items` for the list itself, else the first line wrong.
 */
function cleanItems(items: readonly { name?: unknown; amount?: unknown }[] | undefined): FeeRequestItem[] {
  const parsed = feeRequestItemsSchema.safeParse(items);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const path = issues.some((i) => i.path.length === 0) ? [] : (issues[0]?.path ?? []);
  throw DossierInvalid({ field: ['items', ...path.map(String)].join('.') });
}

/** Audit action and log line of a request paid online with another amount than asked. */
const AMOUNT_MISMATCH = 'dossiers.fee_request.amount_mismatch';

const vnd = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} đ`;

const PAID_TWICE_JOB = 'dossiers.refund_paid_twice';

/** Why money taken online for a fee request is given back (the reason the payments module records). */
const REFUND_REASONS = {
  paid_twice: 'Hoàn trả khoản nộp trùng: nghĩa vụ tài chính của hồ sơ đã được nộp trước đó',
  amount_mismatch: 'Hoàn trả khoản nộp không khớp số tiền nghĩa vụ tài chính được yêu cầu',
} as const;

/**
 * The job that refunds, through the payments module, money taken online for a fee request and not
 * applied to it: the request was already settled (in cash at the counter meanwhile, or by another
 * payment), or the amount paid is not the amount asked. Run after the paying transaction commits,
 * since the refund calls the gateway. Idempotent: once nothing is left to refund, done.
 */
export function paidTwiceRefundJob(deps: Pick<DossiersDeps, 'payments' | 'logger'>): JobDefinition {
  return defineJob({
    name: PAID_TWICE_JOB,
    // `cause` absent: jobs queued before it existed, all of them money paid twice.
    payload: z.object({
      paymentId: z.uuid(),
      dossierId: z.uuid(),
      cause: z.enum(['paid_twice', 'amount_mismatch']).optional(),
    }),
    async handle({ paymentId, dossierId, cause }) {
      if (!deps.payments) throw new Error('online payment is off: refund by hand');
      try {
        await deps.payments.refund(systemContext(PAID_TWICE_JOB), paymentId, {
          reason: REFUND_REASONS[cause ?? 'paid_twice'],
        });
      } catch (error) {
        // A retry after the gateway refunded it: nothing is left to refund.
        if (error instanceof AppError && error.code === 'PAYMENT_REFUND_TOO_LARGE') return;
        throw error;
      }
      deps.logger.info(
        { action: PAID_TWICE_JOB, paymentId, dossierId, cause: cause ?? 'paid_twice' },
        'payment not applied to its fee request refunded',
      );
    },
  });
}

export function createFeeRequests(deps: DossiersDeps) {
  const { db } = deps;
  const engine = createEngine(deps);
  const refundJob = paidTwiceRefundJob(deps);

  /**
   * Money taken online under a request's codes and not applied to it, never ignored: a timeline
   * entry the officer and the applicant see, an audit event, and the payment's refund queued (the
   * gateway is called after the commit, by the job).
   */
  async function refundNotApplied(
    trx: Tx,
    row: DossierRow,
    request: FeeRequestRow,
    payment: PaymentView,
    o: {
      cause: keyof typeof REFUND_REASONS;
      action: string;
      note: string;
      outcome?: 'failure';
      details: Record<string, unknown>;
    },
  ) {
    await dossiersRepo.addEvent(trx, {
      dossierId: row.id,
      kind: 'fee_paid',
      status: row.status,
      note: o.note,
      actorKind: 'system',
    });
    await recordAudit(trx, systemContext(PAID_TWICE_JOB), {
      action: o.action,
      ...(o.outcome ? { outcome: o.outcome } : {}),
      subjectType: 'dossier',
      subjectIds: [row.id, payment.id],
      agencyId: row.agency_id,
      details: {
        code: row.code,
        requestId: request.id,
        amount: payment.amount,
        txnRef: payment.txnRef,
        ...o.details,
        refund: 'queued',
      },
    });
    await enqueue(
      trx,
      refundJob,
      { paymentId: payment.id, dossierId: row.id, cause: o.cause },
      { jobKey: `${PAID_TWICE_JOB}:${payment.id}` },
    );
    // Ids and amounts only: nothing of the applicant.
    deps.logger.warn(
      {
        action: o.action,
        dossierId: row.id,
        requestId: request.id,
        paymentId: payment.id,
        amount: payment.amount,
        ...o.details,
      },
      'payment not applied to its fee request: refund queued',
    );
  }

  /**
   * Money taken online for a request already settled (paid in cash at the counter while the
   * applicant was at the gateway), of the amount asked.
   */
  const paidTwice = (trx: Tx, row: DossierRow, request: FeeRequestRow, payment: PaymentView) =>
    refundNotApplied(trx, row, request, payment, {
      cause: 'paid_twice',
      action: 'dossiers.requested_fee_paid_twice',
      note: `Nộp trùng ${payment.amount} VND trực tuyến (mã ${payment.txnRef}) sau khi đã nộp ${request.paid_via === 'cash' ? 'tiền mặt tại quầy' : 'trực tuyến'}: hoàn trả tự động`,
      details: { settledVia: request.paid_via },
    });

  /**
   * Money taken online under a request's codes, but not the amount asked (a payment made of other
   * lines): it settles nothing — an unpaid request stays unpaid and the dossier waits — and is
   * refunded whole (the applicant pays the request again, for its amount).
   */
  const amountMismatch = (trx: Tx, row: DossierRow, request: FeeRequestRow, payment: PaymentView) =>
    refundNotApplied(trx, row, request, payment, {
      cause: 'amount_mismatch',
      action: AMOUNT_MISMATCH,
      outcome: 'failure', // the payment is not applied to the request
      note: `Khoản thanh toán trực tuyến ${payment.amount} VND (mã ${payment.txnRef}) không khớp số tiền được yêu cầu ${Number(request.total)} VND: không được ghi nhận, hoàn trả tự động`,
      details: { requested: Number(request.total) },
    });

  /**
   * The request is settled: the dossier resumes processing (4) at the step that asked, for its
   * holder; the due date moves by the working days waited (the time waiting for the citizen's
   * financial obligation is not counted).
   */
  async function settle(
    trx: Tx,
    ctx: RequestContext,
    row: DossierRow,
    request: FeeRequestRow,
    paid: { at: Date; via: 'online' | 'cash'; paymentId?: string; recordedBy?: string },
  ): Promise<DossierRow> {
    await feeRequestsRepo.markPaid(trx, request.id, {
      paid_at: paid.at,
      paid_via: paid.via,
      payment_id: paid.paymentId ?? null,
      recorded_by: paid.recordedBy ?? null,
    });
    const total = Number(request.total);
    await dossiersRepo.addEvent(trx, {
      dossierId: row.id,
      kind: 'fee_paid',
      status: row.status,
      note: `${total} VND${paid.via === 'cash' ? ' (tiền mặt)' : ''}`,
      actorKind: ctx.actor.kind,
    });
    await recordAudit(trx, ctx, {
      action: 'dossiers.requested_fee_paid',
      subjectType: 'dossier',
      subjectIds: paid.paymentId ? [row.id, paid.paymentId] : [row.id],
      agencyId: row.agency_id,
      details: { code: row.code, requestId: request.id, amount: total, via: paid.via },
    });
    // Paid after the dossier left the wait (withdrawn meanwhile): the money is recorded, nothing moves.
    if (row.status !== 'awaiting_payment') return row;
    const set: Parameters<typeof dossiersRepo.update>[2] = {};
    if (row.due_at) {
      const waited = deps.calendar.workingDaysBetween(localDay(request.requested_at), localDay(paid.at));
      if (waited > 0) {
        const day = localDay(row.due_at);
        const shift = deps.calendar.addWorkingDays(day, waited) - day;
        set.due_at = new Date(row.due_at.getTime() + shift * 86_400_000);
      }
    }
    const resumed = await changeStatus(deps, trx, ctx, row, 'processing', { set });
    const w = await workflowOfDossier(trx, row);
    const last = (await stepsRepo.ofDossier(trx, row.id)).at(-1);
    await engine.open(trx, ctx, resumed, w, last?.step_index ?? 0, {
      assignee: last?.assignee_id ? { id: last.assignee_id, name: last.assignee_name ?? '' } : null,
    });
    return resumed;
  }

  return {
    /**
     * The officer holding the open step (or a leader of its unit, or the head of the agency) asks
     * the applicant for a financial obligation: TrangThaiHoSo 6, the step suspended, the applicant
     * notified. Version as every action (409 DOSSIER_CONFLICT).
     */
    async requestPayment(
      ctx: RequestContext,
      id: string,
      o: {
        version?: number | undefined;
        items: { name?: unknown; amount?: unknown }[];
        note?: string | undefined;
      },
    ): Promise<DossierView> {
      const items = cleanItems(o.items);
      const total = items.reduce((s, i) => s + i.amount, 0);
      const note = o.note?.trim().slice(0, 2000) || null;
      const name = await officerName(deps, ctx);
      return db.transaction().execute(async (trx) => {
        const row = await agencyDossier(trx, ctx, id, true);
        requireVersion(row, o.version);
        requireState(row, ['received', 'processing']);
        const step = await stepsRepo.open(trx, row.id);
        if (!step) throw NoOpenStep();
        if (hasRole(ctx.actor, 'unit_leader', 'admin')) requireLeader(ctx, step);
        else {
          requireHolder(ctx, step);
          if (!step.assignee_id) throw StepNotYours(); // a queued step is taken before fees are asked
        }
        const lines = items.map((i) => `${i.name}: ${vnd(i.amount)}`).join('; ');
        const text = `${lines}${note ? ` — ${note}` : ''}`.slice(0, 2000);
        await engine.close(trx, ctx, row, step, 'suspended', `Yêu cầu thực hiện nghĩa vụ tài chính: ${text}`);
        await feeRequestsRepo.insert(trx, {
          id: randomUUID(),
          dossier_id: row.id,
          agency_id: row.agency_id,
          items: JSON.stringify(items) as never,
          total,
          note,
          requested_by: ctx.actor.kind === 'official' ? ctx.actor.accountId : null,
          requested_by_name: name,
          requested_at: deps.now(),
          paid_at: null,
          paid_via: null,
          payment_id: null,
          recorded_by: null,
        });
        const updated = await changeStatus(deps, trx, ctx, row, 'awaiting_payment', { note: text });
        await recordAudit(trx, ctx, {
          action: 'dossiers.payment_requested',
          subjectType: 'dossier',
          subjectIds: [row.id],
          agencyId: row.agency_id,
          details: { code: row.code, amount: total, items: items.length },
        });
        return toView(updated);
      });
    },

    /**
     * At the counter: the officer records the requested amount as received in cash (one-stop
     * officers, unit leaders, the head of the agency, or whoever asked); the dossier resumes.
     * `requestId` names the request the cash pays (the page's form carries it): another one than
     * the request waiting is refused — already paid (409 DOSSIER_FEE_REQUEST_PAID) or unknown.
     */
    async recordPayment(
      ctx: RequestContext,
      id: string,
      o: { version?: number | undefined; requestId?: string | undefined } = {},
    ) {
      return db.transaction().execute(async (trx) => {
        const row = await agencyDossier(trx, ctx, id, true);
        requireVersion(row, o.version);
        requireState(row, ['awaiting_payment']);
        const request = await feeRequestsRepo.unpaid(trx, row.id);
        if (o.requestId !== undefined && request?.id !== o.requestId) {
          const named = (await feeRequestsRepo.ofDossier(trx, row.id)).find((r) => r.id === o.requestId);
          throw named?.paid_at ? FeeRequestPaid() : NoFeeToPay();
        }
        if (!request) throw NoFeeToPay();
        if (
          ctx.actor.kind !== 'official' ||
          !(
            hasRole(ctx.actor, 'one_stop_officer', 'unit_leader', 'admin') ||
            request.requested_by === ctx.actor.accountId
          )
        )
          throw StepNotYours();
        return toView(
          await settle(trx, ctx, row, request, {
            at: deps.now(),
            via: 'cash',
            recordedBy: ctx.actor.accountId,
          }),
        );
      });
    },

    /**
     * The dossier's fee requests, for its applicant and the agency's officers, with any money
     * taken online after a request was settled (and whether it is refunded yet).
     */
    async feeRequests(ctx: RequestContext, id: string): Promise<FeeRequestView[]> {
      await readable(db, ctx, id);
      const rows = await feeRequestsRepo.ofDossier(db, id);
      const payments =
        deps.payments && rows.some((r) => r.paid_at) ? await deps.payments.paymentsOf(ctx, id) : [];
      return rows.map((r) => toRequestView(r, payments));
    },

    /**
     * The applicant starts paying the request: a payment through the payments module (created
     * now, not at the request: a payment expires after minutes); returns where to send the browser.
     * Once per request: a payment of it still waiting (two tabs, a double submit) is given back,
     * and a request already paid is refused (409 DOSSIER_FEE_REQUEST_PAID).
     */
    async payRequested(ctx: RequestContext, id: string): Promise<string> {
      const row = await ownDossier(db, ctx, id);
      const requests = await feeRequestsRepo.ofDossier(db, row.id);
      const request = requests.find((r) => r.paid_at === null);
      if (!request) throw requests.length ? FeeRequestPaid() : NoFeeToPay();
      requireState(row, ['awaiting_payment']);
      if (!deps.payments || !row.applicant_account_id) throw NoFeeToPay();
      // The payments module gives back the payment of these same lines still waiting, under a
      // lock of the dossier's payments: one payment per request at a time, however many clicks.
      const { payment } = await deps.payments.createPayment(ctx, {
        payerAccountId: row.applicant_account_id,
        payerName: row.applicant_name,
        agencyId: row.agency_id,
        agencyName: row.agency_name,
        reference: { kind: 'dossier', id: row.id, code: row.code ?? row.id },
        items: request.items.map((i, n) => ({
          kind: 'phi' as const,
          code: `YC-${request.id}-${n + 1}`,
          name: i.name,
          amount: i.amount,
        })),
        expectedTotal: Number(request.total),
        description: `Nghĩa vụ tài chính hồ sơ ${row.code ?? ''}`.slice(0, 255),
        returnPath: `/dossiers/${row.id}`,
        reuseWaiting: true,
      });
      return `/payments/${payment.id}/pay`;
    },

    /**
     * The payments hook for a request's payment, inside the paying transaction: the request paid
     * and the dossier back to processing, once (the payments module answers a repeated
     * notification itself). A payment of another amount than asked settles nothing, whenever it
     * comes: recorded and refunded (`amountMismatch`); another payment of the amount for a request
     * already settled is money taken twice: recorded and refunded too (`paidTwice`).
     */
    async onRequestPaid(trx: Tx, payment: PaymentView, requestId: string): Promise<void> {
      const row = await dossiersRepo.byId(trx, payment.reference.id, true);
      if (!row) return;
      const request = (await feeRequestsRepo.ofDossier(trx, row.id)).find((r) => r.id === requestId);
      if (!request) return;
      if (request.paid_at && request.payment_id === payment.id) return;
      if (Number(request.total) !== payment.amount) return amountMismatch(trx, row, request, payment);
      if (request.paid_at) return paidTwice(trx, row, request, payment);
      await settle(trx, systemContext('dossiers.requested_fee_paid'), row, request, {
        at: payment.paidAt ? new Date(payment.paidAt) : deps.now(),
        via: 'online',
        paymentId: payment.id,
      });
    },
  };
}
