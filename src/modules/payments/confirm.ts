/**
 * How a payment becomes paid, failed or expired: only from a result the gateway signed and
 * that arrived server-to-server (the IPN, or our own query). The return page asks the gateway
 * itself; it never trusts the browser's query string to mark a payment paid.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, recordAuditAlone } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { GatewayUnavailable, type GatewayResult } from './gateway-client.ts';
import { PaymentNotFound, SignatureInvalid } from './errors.ts';
import { canReadPayment } from './policies.ts';
import {
  ipnAnswers,
  resultCodes,
  transactionStatuses,
  type GatewayMessage,
  type IpnAnswer,
} from './protocol.ts';
import { paymentsRepo, type PaymentRow } from './repo.ts';
import type { PaymentView } from './schemas.ts';
import { isPaidStatus, toAmount, toPaymentView, type PaymentCore, type PaymentsDeps } from './service.ts';

type Channel = 'ipn' | 'return' | 'query';

/** What became of one gateway result: the answer for the gateway and a word for the logs. */
interface Applied {
  answer: IpnAnswer;
  outcome: string;
  payment: PaymentRow | null;
}

const isSuccess = (r: GatewayResult) =>
  r.responseCode === resultCodes.success && r.transactionStatus === transactionStatuses.success;

export function createConfirmation(deps: PaymentsDeps, core: PaymentCore) {
  const { db, logger } = deps;

  async function markPaid(trx: Tx, ctx: RequestContext, row: PaymentRow, r: GatewayResult, channel: Channel) {
    const paid = await paymentsRepo.update(trx, row.id, {
      status: 'paid',
      gateway_transaction_no: r.transactionNo,
      bank_code: r.bankCode,
      paid_at: r.payDate ?? deps.now(),
      closed_at: deps.now(),
      failure_code: null,
    });
    const view = toPaymentView(paid);
    for (const hook of deps.onPaid) await hook(trx, view);
    await recordAudit(trx, ctx, {
      action: 'payments.paid',
      subjectType: 'payment',
      subjectIds: [row.id, row.reference_id],
      agencyId: row.agency_id,
      details: { txnRef: row.txn_ref, amount: view.amount, transactionNo: r.transactionNo, via: channel },
    });
    return paid;
  }

  /** Applies a signed result inside one transaction that locks the payment: twice pays once. */
  async function apply(ctx: RequestContext, r: GatewayResult, channel: Channel): Promise<Applied> {
    const applied = await db.transaction().execute(async (trx): Promise<Applied> => {
      const row = await paymentsRepo.byTxnRefForUpdate(trx, r.txnRef);
      let result: Applied;
      if (!row) result = { answer: ipnAnswers.notFound, outcome: 'unknown_reference', payment: null };
      else if (toAmount(row.amount) !== r.amount)
        result = { answer: ipnAnswers.invalidAmount, outcome: 'amount_mismatch', payment: row };
      else if (isPaidStatus(row.status))
        result = {
          answer: ipnAnswers.alreadyConfirmed,
          outcome: row.gateway_transaction_no === r.transactionNo ? 'duplicate' : 'second_transaction',
          payment: row,
        };
      else if (row.status === 'expired')
        result = {
          answer: isSuccess(r) ? ipnAnswers.expired : ipnAnswers.alreadyConfirmed,
          outcome: isSuccess(r) ? 'paid_after_expiry' : 'duplicate',
          payment: row,
        };
      else if (isSuccess(r))
        result = {
          answer: ipnAnswers.confirmed,
          outcome: 'paid',
          payment: await markPaid(trx, ctx, row, r, channel),
        };
      else if (r.transactionStatus === transactionStatuses.pending)
        result = { answer: ipnAnswers.confirmed, outcome: 'still_pending', payment: row };
      else if (row.status === 'failed')
        result = { answer: ipnAnswers.alreadyConfirmed, outcome: 'duplicate', payment: row };
      else {
        const failed = await paymentsRepo.update(trx, row.id, {
          status: 'failed',
          failure_code: r.responseCode,
          closed_at: deps.now(),
        });
        await recordAudit(trx, ctx, {
          action: 'payments.failed',
          subjectType: 'payment',
          subjectIds: [row.id],
          agencyId: row.agency_id,
          details: { txnRef: row.txn_ref, responseCode: r.responseCode, via: channel },
        });
        result = { answer: ipnAnswers.confirmed, outcome: 'failed', payment: failed };
      }
      await paymentsRepo.insertNotification(trx, {
        id: randomUUID(),
        channel,
        payment_id: row?.id ?? null,
        txn_ref: r.txnRef.slice(0, 100),
        transaction_no: r.transactionNo,
        amount: r.amount,
        response_code: r.responseCode,
        signature_valid: true,
        answer_code: result.answer.RspCode,
        outcome: result.outcome,
      });
      // Refusals of a signed result are evidence for reconciliation: they go in the audit chain.
      if (
        ['amount_mismatch', 'paid_after_expiry', 'second_transaction', 'unknown_reference'].includes(
          result.outcome,
        )
      )
        await recordAudit(trx, ctx, {
          action: 'payments.notification_refused',
          subjectType: 'payment',
          subjectIds: row ? [row.id] : [],
          agencyId: row?.agency_id ?? null,
          outcome: 'failure',
          details: { txnRef: r.txnRef.slice(0, 100), reason: result.outcome, amount: r.amount, via: channel },
        });
      return result;
    });
    const level = applied.answer.RspCode === '00' || applied.outcome === 'duplicate' ? 'info' : 'warn';
    logger[level](
      {
        action: `payments.${channel}`,
        txnRef: r.txnRef.slice(0, 100),
        outcome: applied.outcome,
        paymentId: applied.payment?.id,
      },
      'gateway result applied',
    );
    return applied;
  }

  /** Asks the gateway for the truth about a payment and applies it; null when it knows nothing. */
  async function queryAndApply(ctx: RequestContext, row: PaymentRow): Promise<Applied | null> {
    const gateway = core.requireGateway();
    const answer = await gateway.query({
      txnRef: row.txn_ref,
      createdAt: row.created_at,
      ipAddr: '127.0.0.1',
    });
    if (!answer.found || !answer.result) return null;
    return apply(ctx, answer.result, 'query');
  }

  async function refuseUnsigned(
    ctx: RequestContext,
    message: GatewayMessage,
    channel: Channel,
  ): Promise<void> {
    const txnRef = typeof message['gw_TxnRef'] === 'string' ? message['gw_TxnRef'].slice(0, 100) : null;
    await db.transaction().execute(async (trx) => {
      await paymentsRepo.insertNotification(trx, {
        id: randomUUID(),
        channel,
        payment_id: null,
        txn_ref: txnRef,
        transaction_no: null,
        amount: null,
        response_code: null,
        signature_valid: false,
        answer_code: ipnAnswers.invalidSignature.RspCode,
        outcome: 'invalid_signature',
      });
    });
    await recordAuditAlone(db, ctx, {
      action: 'payments.notification_refused',
      subjectType: 'payment',
      agencyId: null,
      outcome: 'denied',
      details: { txnRef, reason: 'invalid_signature', via: channel },
    });
    logger.warn(
      { action: `payments.${channel}`, txnRef, outcome: 'invalid_signature' },
      'unsigned gateway result',
    );
  }

  /**
   * Closes a payment whose time is up. The gateway is asked first: a payment it reports paid is
   * marked paid (a lost IPN), otherwise the payment expires. Unreachable gateway: try later.
   */
  async function expireOne(ctx: RequestContext, paymentId: string): Promise<PaymentRow['status'] | null> {
    const row = await paymentsRepo.byId(db, paymentId);
    if (!row || (row.status !== 'created' && row.status !== 'pending')) return row?.status ?? null;
    if (row.expires_at.getTime() > deps.now().getTime()) return row.status;
    if (deps.gateway) {
      const applied = await queryAndApply(ctx, row);
      if (applied?.payment && applied.payment.status !== 'created' && applied.payment.status !== 'pending')
        return applied.payment.status;
    }
    return db.transaction().execute(async (trx) => {
      const locked = await paymentsRepo.byIdForUpdate(trx, paymentId);
      if (!locked || (locked.status !== 'created' && locked.status !== 'pending'))
        return locked?.status ?? null;
      await paymentsRepo.update(trx, paymentId, { status: 'expired', closed_at: deps.now() });
      await recordAudit(trx, ctx, {
        action: 'payments.expired',
        subjectType: 'payment',
        subjectIds: [paymentId],
        agencyId: locked.agency_id,
        details: { txnRef: locked.txn_ref },
      });
      logger.info({ action: 'payments.expired', paymentId, txnRef: locked.txn_ref }, 'payment expired');
      return 'expired' as const;
    });
  }

  return {
    /** The IPN: a signed result from the gateway, answered with the protocol's RspCode. */
    async handleIpn(ctx: RequestContext, message: GatewayMessage): Promise<IpnAnswer> {
      const gateway = deps.gateway;
      if (!gateway) return ipnAnswers.unknownError;
      const { signatureValid, result } = gateway.readResult(message);
      if (!signatureValid) {
        await refuseUnsigned(ctx, message, 'ipn');
        return ipnAnswers.invalidSignature;
      }
      if (!result) return ipnAnswers.notFound;
      try {
        return (await apply(ctx, result, 'ipn')).answer;
      } catch (error) {
        // A hook or the database failed: nothing was committed; the gateway will try again.
        logger.error(
          { action: 'payments.ipn', err: error, txnRef: result.txnRef.slice(0, 100) },
          'IPN failed',
        );
        return ipnAnswers.unknownError;
      }
    },

    /**
     * The payer's browser is back from the gateway. A valid signature tells us which payment;
     * its state changes only through our own query to the gateway (or an IPN already received).
     */
    async handleReturn(
      ctx: RequestContext,
      message: GatewayMessage,
    ): Promise<{
      payment: PaymentView;
      gatewaySaid: 'success' | 'cancelled' | 'failed';
      confirmed: boolean;
    }> {
      const gateway = core.requireGateway();
      const { signatureValid, result } = gateway.readResult(message);
      if (!signatureValid || !result) {
        await refuseUnsigned(ctx, message, 'return');
        throw SignatureInvalid();
      }
      const row = await paymentsRepo.byTxnRef(db, result.txnRef);
      if (
        !row ||
        !canReadPayment(ctx.actor, { payerAccountId: row.payer_account_id, agencyId: row.agency_id })
      )
        throw PaymentNotFound();
      let current = row;
      let confirmed = true;
      if (current.status === 'created' || current.status === 'pending') {
        try {
          const applied = await queryAndApply(ctx, current);
          if (applied?.payment) current = applied.payment;
        } catch (error) {
          if (!(error instanceof GatewayUnavailable)) throw error;
          logger.warn(
            { action: 'payments.return', paymentId: row.id, reason: error.message },
            'query failed',
          );
          confirmed = false;
        }
      }
      const gatewaySaid = isSuccess(result)
        ? 'success'
        : result.responseCode === resultCodes.cancelled
          ? 'cancelled'
          : 'failed';
      return { payment: toPaymentView(current), gatewaySaid, confirmed };
    },

    expireOne,

    /** Expires every payment whose time is up; returns how many were closed as expired. */
    async expireDue(ctx: RequestContext, limit = 500): Promise<number> {
      const due = await paymentsRepo.dueForExpiry(db, deps.now(), limit);
      let expired = 0;
      for (const row of due) {
        try {
          if ((await expireOne(ctx, row.id)) === 'expired') expired += 1;
        } catch (error) {
          logger.warn({ action: 'payments.expire', paymentId: row.id, err: error }, 'expiry postponed');
        }
      }
      return expired;
    },
  };
}

export type Confirmation = ReturnType<typeof createConfirmation>;
