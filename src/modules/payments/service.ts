import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { recordAudit } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db, DbOrTx, Tx } from '../../platform/db/database.ts';
import { Forbidden } from '../../platform/errors.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import { GatewayUnavailable, type GatewayClient } from './gateway-client.ts';
import {
  GatewayUnreachable,
  PaymentInvalid,
  PaymentNotFound,
  PaymentNotPayable,
  PaymentsUnavailable,
} from './errors.ts';
import { canCreatePayment, canReadPayment } from './policies.ts';
import { gatewayTime } from './protocol.ts';
import type { ExpiryJob } from './jobs.ts';
import { paymentsRepo, type PaymentItem, type PaymentRow } from './repo.ts';
import { createPaymentSchema, type CreatePaymentInput, type PaymentView } from './schemas.ts';

/** Called inside the transaction that marks a payment paid: a failure rolls the payment back too. */
export type PaidHook = (trx: Tx, payment: PaymentView) => Promise<void>;

export interface PaymentsDeps {
  db: Db;
  logger: Logger;
  /** The portal's public URL: the gateway sends the payer back to `${baseUrl}/payments/return`. */
  baseUrl: string;
  gateway: GatewayClient | null;
  /** Minutes a payment waits for the payer before it expires. */
  expiryMinutes: number;
  now: () => Date;
  onPaid: readonly PaidHook[];
  /** The job that expires one payment; set by the module factory. */
  expiryJob?: ExpiryJob;
}

/** Minutes after `expires_at` before the expiry job runs: late results from the gateway arrive first. */
export const EXPIRY_GRACE_MINUTES = 2;

/** Amounts are bigint columns; they fit JavaScript numbers exactly (at most 12 digits). */
export const toAmount = (v: string | number): number => (typeof v === 'number' ? v : Number(v));

/** What callers, pages and the API see of a payment. */
export function toPaymentView(r: PaymentRow): PaymentView {
  return {
    id: r.id,
    txnRef: r.txn_ref,
    status: r.status,
    amount: toAmount(r.amount),
    refundedAmount: toAmount(r.refunded_amount),
    currency: 'VND',
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    payerAccountId: r.payer_account_id,
    payerName: r.payer_name,
    reference: { kind: r.reference_kind, id: r.reference_id, code: r.reference_code },
    items: r.items,
    description: r.description,
    returnPath: r.return_path,
    gatewayTransactionNo: r.gateway_transaction_no,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    paidAt: r.paid_at ? r.paid_at.toISOString() : null,
  };
}

/** What a payment item charges, to recognise the same charge again (`reuseWaiting`). */
const chargeOf = (i: Pick<PaymentItem, 'kind' | 'code' | 'amount' | 'quantity'>) =>
  [i.kind, i.code, i.amount, i.quantity ?? null] as const;

/** A transaction reference (MaThamChieu): LT + Vietnamese time to the second + 8 random characters. */
export function newTxnRef(now: Date): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const random = [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
  return `LT${gatewayTime(now).slice(2)}${random}`;
}

/** Orders sent to the gateway carry plain ASCII descriptions, as most bank pages expect. */
export function asciiOrderInfo(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '')
    .slice(0, 255);
}

export const isPaidStatus = (s: PaymentRow['status']) =>
  s === 'paid' || s === 'refunded' || s === 'partially_refunded';

/** Creating, reading and starting payments. Confirmation, refunds and reports live next door. */
export function createPaymentCore(deps: PaymentsDeps) {
  const { db, logger } = deps;

  function requireGateway(): GatewayClient {
    if (!deps.gateway) throw PaymentsUnavailable();
    return deps.gateway;
  }

  function payUrl(row: PaymentRow, ip: string | null): string {
    return requireGateway().payUrl({
      txnRef: row.txn_ref,
      amount: toAmount(row.amount),
      orderInfo: asciiOrderInfo(`${row.description} ${row.reference_code}`),
      locale: row.locale,
      returnUrl: `${deps.baseUrl}/payments/return`,
      ipAddr: ip ?? '127.0.0.1',
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    });
  }

  /** Reads a payment the actor may see; anyone else gets the same 404 as for a missing one. */
  async function readable(ctx: RequestContext, id: string, tx: DbOrTx = db): Promise<PaymentRow> {
    const row = await paymentsRepo.byId(tx, id);
    if (!row || !canReadPayment(ctx.actor, { payerAccountId: row.payer_account_id, agencyId: row.agency_id }))
      throw PaymentNotFound();
    return row;
  }

  return {
    requireGateway,
    readable,
    payUrl,
    /** What the module's service offers (spread into it). */
    api: {
      /** Records a payment of a reference's fees and returns it with the signed URL to the gateway. */
      async createPayment(
        ctx: RequestContext,
        input: CreatePaymentInput,
      ): Promise<{ payment: PaymentView; redirectUrl: string }> {
        requireGateway();
        const parsed = createPaymentSchema.safeParse(input);
        if (!parsed.success)
          throw PaymentInvalid({
            fields: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
          });
        const p = parsed.data;
        if (!canCreatePayment(ctx.actor, p.payerAccountId)) throw Forbidden();
        const amount = p.items.reduce((sum, item) => sum + item.amount, 0);
        if (!Number.isSafeInteger(amount) || amount > 999_999_999_999)
          throw PaymentInvalid({ field: 'items' });
        if (p.expectedTotal !== undefined && p.expectedTotal !== amount)
          throw PaymentInvalid({ field: 'expectedTotal' });
        const now = deps.now();
        const expiresAt = new Date(now.getTime() + deps.expiryMinutes * 60_000);
        const sameCharge = (r: PaymentRow) =>
          r.payer_account_id === p.payerAccountId &&
          (r.status === 'created' || r.status === 'pending') &&
          r.expires_at.getTime() > now.getTime() &&
          JSON.stringify(r.items.map(chargeOf)) === JSON.stringify(p.items.map(chargeOf));
        let reused = false;
        const row = await db.transaction().execute(async (trx) => {
          if (p.reuseWaiting) {
            await paymentsRepo.lockReference(trx, 'dossier', p.reference.id);
            const waiting = (await paymentsRepo.byReference(trx, 'dossier', p.reference.id)).find(sameCharge);
            if (waiting) {
              reused = true;
              return waiting;
            }
          }
          const inserted = await paymentsRepo.insert(trx, {
            id: randomUUID(),
            txn_ref: newTxnRef(now),
            agency_id: p.agencyId,
            agency_name: p.agencyName,
            payer_account_id: p.payerAccountId,
            payer_name: p.payerName,
            reference_kind: 'dossier',
            reference_id: p.reference.id,
            reference_code: p.reference.code,
            description: p.description,
            return_path: p.returnPath,
            items: p.items,
            amount,
            status: 'created',
            locale: ctx.locale,
            gateway_transaction_no: null,
            bank_code: null,
            failure_code: null,
            created_at: now,
            expires_at: expiresAt,
            paid_at: null,
            closed_at: null,
          });
          if (deps.expiryJob)
            await enqueue(
              trx,
              deps.expiryJob,
              { paymentId: inserted.id },
              {
                runAt: new Date(expiresAt.getTime() + EXPIRY_GRACE_MINUTES * 60_000),
                jobKey: `payments.expire:${inserted.id}`,
              },
            );
          await recordAudit(trx, ctx, {
            action: 'payments.created',
            subjectType: 'payment',
            subjectIds: [inserted.id, p.reference.id],
            agencyId: p.agencyId,
            details: {
              txnRef: inserted.txn_ref,
              amount,
              items: p.items.length,
              referenceCode: p.reference.code,
            },
          });
          return inserted;
        });
        logger.info(
          { action: reused ? 'payments.reused' : 'payments.created', paymentId: row.id, txnRef: row.txn_ref },
          reused ? 'waiting payment given back' : 'payment created',
        );
        return { payment: toPaymentView(row), redirectUrl: payUrl(row, ctx.ip) };
      },

      async getPayment(ctx: RequestContext, id: string): Promise<PaymentView> {
        return toPaymentView(await readable(ctx, id));
      },

      /** Payments of a reference (a dossier) the actor may see, newest first. */
      async paymentsOf(ctx: RequestContext, referenceId: string): Promise<PaymentView[]> {
        const rows = await paymentsRepo.byReference(db, 'dossier', referenceId);
        return rows
          .filter((r) =>
            canReadPayment(ctx.actor, { payerAccountId: r.payer_account_id, agencyId: r.agency_id }),
          )
          .map(toPaymentView);
      },

      /**
       * The payer leaves for the gateway: created → pending, and the signed URL to send the browser
       * to. Only the payer; a payment no longer waiting, or past its time, cannot be started.
       */
      async startPayment(ctx: RequestContext, id: string): Promise<string> {
        requireGateway();
        const row = await db.transaction().execute(async (trx) => {
          const current = await paymentsRepo.byIdForUpdate(trx, id);
          if (!current || ctx.actor.kind !== 'citizen' || ctx.actor.accountId !== current.payer_account_id)
            throw PaymentNotFound();
          if (
            (current.status !== 'created' && current.status !== 'pending') ||
            current.expires_at.getTime() <= deps.now().getTime()
          )
            throw PaymentNotPayable({ status: current.status });
          if (current.status === 'pending') return current;
          const updated = await paymentsRepo.update(trx, id, { status: 'pending' });
          await recordAudit(trx, ctx, {
            action: 'payments.started',
            subjectType: 'payment',
            subjectIds: [id],
            agencyId: current.agency_id,
            details: { txnRef: current.txn_ref },
          });
          return updated;
        });
        return payUrl(row, ctx.ip);
      },
    },
  };
}

export type PaymentCore = ReturnType<typeof createPaymentCore>;

/** Runs a gateway call and maps its failure to the domain's 503. */
export async function callGateway<T>(logger: Logger, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GatewayUnavailable) {
      logger.warn({ action, reason: error.message }, 'payment gateway unavailable');
      throw GatewayUnreachable();
    }
    throw error;
  }
}
