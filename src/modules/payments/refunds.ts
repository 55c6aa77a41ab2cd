/**
 * Refunds through the gateway's signed refund call. The refund is written as "requested" before
 * the call (so two officers cannot refund the same money twice) and completed after it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorId, type RequestContext } from '../../platform/context.ts';
import { Forbidden } from '../../platform/errors.ts';
import { PaymentNotFound, PaymentNotPaid, RefundRefused, RefundTooLarge } from './errors.ts';
import { canReadPayment, canRefund } from './policies.ts';
import { paymentsRepo, type RefundRow } from './repo.ts';
import { refundRequestSchema, type PaymentView, type RefundView } from './schemas.ts';
import {
  callGateway,
  isPaidStatus,
  toAmount,
  toPaymentView,
  type PaymentCore,
  type PaymentsDeps,
} from './service.ts';
import type { z } from 'zod';

export function toRefundView(r: RefundRow): RefundView {
  return {
    id: r.id,
    amount: toAmount(r.amount),
    kind: r.kind,
    reason: r.reason,
    status: r.status,
    gatewayRefundNo: r.gateway_refund_no,
    createdAt: r.created_at.toISOString(),
  };
}

export function createRefunds(deps: PaymentsDeps, core: PaymentCore) {
  const { db, logger } = deps;

  return {
    /** Refunds `amount` (everything still refundable when omitted). Officers of the owning agency or platform admins. */
    async refund(
      ctx: RequestContext,
      paymentId: string,
      input: z.input<typeof refundRequestSchema>,
    ): Promise<{ payment: PaymentView; refund: RefundView }> {
      const gateway = core.requireGateway();
      const request = refundRequestSchema.parse(input);
      const requested = await db.transaction().execute(async (trx) => {
        const row = await paymentsRepo.byIdForUpdate(trx, paymentId);
        const owner = row && { payerAccountId: row.payer_account_id, agencyId: row.agency_id };
        if (!row || !owner || !canReadPayment(ctx.actor, owner)) throw PaymentNotFound();
        if (!canRefund(ctx.actor, owner)) throw Forbidden();
        if (!isPaidStatus(row.status) || !row.gateway_transaction_no) throw PaymentNotPaid();
        const waiting = (await paymentsRepo.refundsOf(trx, row.id))
          .filter((r) => r.status === 'requested')
          .reduce((sum, r) => sum + toAmount(r.amount), 0);
        const total = toAmount(row.amount);
        const remaining = total - toAmount(row.refunded_amount) - waiting;
        const amount = request.amount ?? remaining;
        if (amount <= 0 || amount > remaining) throw RefundTooLarge({ remaining });
        const refund = await paymentsRepo.insertRefund(trx, {
          id: randomUUID(),
          payment_id: row.id,
          request_ref: `RF${randomBytes(10).toString('hex').toUpperCase()}`,
          amount,
          kind: amount === total ? 'full' : 'partial',
          reason: request.reason,
          status: 'requested',
          gateway_refund_no: null,
          failure_code: null,
          requested_by: actorId(ctx.actor) ?? 'unknown',
          completed_at: null,
        });
        await recordAudit(trx, ctx, {
          action: 'payments.refund_requested',
          subjectType: 'payment',
          subjectIds: [row.id, refund.id],
          agencyId: row.agency_id,
          details: { txnRef: row.txn_ref, amount, kind: refund.kind },
        });
        return { row, refund };
      });

      const { row, refund } = requested;
      const answer = await callGateway(logger, 'payments.refund', () =>
        gateway.refund({
          txnRef: row.txn_ref,
          transactionNo: row.gateway_transaction_no ?? '',
          amount: toAmount(refund.amount),
          full: refund.kind === 'full',
          createdBy: refund.requested_by,
          reason: refund.reason,
          requestRef: refund.request_ref,
          ipAddr: ctx.ip ?? '127.0.0.1',
        }),
      );

      const done = await db.transaction().execute(async (trx) => {
        const locked = await paymentsRepo.byIdForUpdate(trx, row.id);
        if (!locked) throw PaymentNotFound();
        const amount = toAmount(refund.amount);
        const updatedRefund = await paymentsRepo.updateRefund(trx, refund.id, {
          status: answer.ok ? 'succeeded' : 'failed',
          gateway_refund_no: answer.refundNo,
          failure_code: answer.ok ? null : answer.code,
          completed_at: deps.now(),
        });
        let payment = locked;
        if (answer.ok) {
          const refunded = toAmount(locked.refunded_amount) + amount;
          payment = await paymentsRepo.update(trx, locked.id, {
            refunded_amount: refunded,
            status: refunded >= toAmount(locked.amount) ? 'refunded' : 'partially_refunded',
          });
        }
        await recordAudit(trx, ctx, {
          action: 'payments.refunded',
          subjectType: 'payment',
          subjectIds: [locked.id, refund.id],
          agencyId: locked.agency_id,
          outcome: answer.ok ? 'success' : 'failure',
          details: { txnRef: locked.txn_ref, amount, gatewayCode: answer.code, refundNo: answer.refundNo },
        });
        return { payment, refund: updatedRefund };
      });
      logger.info(
        {
          action: 'payments.refund',
          paymentId: row.id,
          refundId: refund.id,
          ok: answer.ok,
          code: answer.code,
        },
        'refund answered',
      );
      if (!answer.ok) throw RefundRefused({ gatewayCode: answer.code });
      return { payment: toPaymentView(done.payment), refund: toRefundView(done.refund) };
    },

    /** The refunds of a payment the actor may read. */
    async refundsOf(ctx: RequestContext, paymentId: string): Promise<RefundView[]> {
      const row = await core.readable(ctx, paymentId);
      return (await paymentsRepo.refundsOf(db, row.id)).map(toRefundView);
    },
  };
}

export type Refunds = ReturnType<typeof createRefunds>;
