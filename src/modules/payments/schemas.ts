import { z } from 'zod';
import { paymentStatuses } from './repo.ts';

const MAX_AMOUNT = 999_999_999_999;

/** Amounts are whole đồng: never a fraction, never a float. */
export const vndAmount = z.number().int().min(1).max(MAX_AMOUNT);

export const paymentItemSchema = z.object({
  kind: z.enum(['phi', 'le_phi']).describe('phí (fee) or lệ phí (charge)'),
  code: z.string().min(1).max(50),
  name: z.string().min(1).max(300),
  amount: vndAmount,
  /** Units charged (a fee per copy); `amount` = `unitAmount` × `quantity`. */
  quantity: z.number().int().min(1).max(1000).optional(),
  unitAmount: z.number().int().min(0).max(MAX_AMOUNT).optional(),
});

/** What the dossiers module asks for when a citizen pays a dossier's fees. */
export const createPaymentSchema = z.object({
  payerAccountId: z.uuid(),
  /** The payer's full name as printed on the receipt (HoTenNguoiNop). */
  payerName: z.string().trim().min(1).max(200),
  /** The agency that owns the reference and collects the fees. */
  agencyId: z.uuid(),
  /** Its name, printed on the receipt (TenDonVi). */
  agencyName: z.string().trim().min(1).max(300),
  reference: z.object({ kind: z.literal('dossier'), id: z.uuid(), code: z.string().min(1).max(100) }),
  items: z
    .array(paymentItemSchema)
    .min(1)
    .max(20)
    .refine(
      (items) =>
        items.every(
          (i) =>
            i.quantity === undefined || i.unitAmount === undefined || i.unitAmount * i.quantity === i.amount,
        ),
      'PAYMENTS_ITEM_QUANTITY',
    ),
  /** The total the caller computed (a dossier's fee_total): the items must add up to it exactly. */
  expectedTotal: vndAmount.optional(),
  description: z.string().trim().min(1).max(255),
  /** Where the citizen goes back to after paying: a path on this portal. */
  returnPath: z
    .string()
    .max(500)
    .regex(/^\/(?!\/)[^\s\\]*$/, 'a path on this portal, such as /dossiers/…'),
  /**
   * Give back the payer's payment of the same reference and the same items still waiting
   * (created or pending, not expired) instead of creating another: a double submit or a second
   * tab makes one payment to pay.
   */
  reuseWaiting: z.boolean().optional(),
});
export type CreatePaymentInput = z.input<typeof createPaymentSchema>;

export const paymentStatusSchema = z.enum(paymentStatuses);

export const paymentSchema = z
  .object({
    id: z.uuid(),
    txnRef: z.string().max(34).describe('Our transaction reference at the gateway (MaThamChieu)'),
    status: paymentStatusSchema,
    amount: vndAmount,
    refundedAmount: z.number().int().min(0).max(MAX_AMOUNT),
    currency: z.literal('VND'),
    agencyId: z.uuid(),
    agencyName: z.string().max(300),
    payerAccountId: z.uuid(),
    payerName: z.string().max(200),
    reference: z.object({ kind: z.literal('dossier'), id: z.uuid(), code: z.string().max(100) }),
    items: z.array(paymentItemSchema).max(20),
    description: z.string().max(255),
    returnPath: z.string().max(500),
    gatewayTransactionNo: z
      .string()
      .max(100)
      .nullable()
      .describe('The gateway’s transaction id (MaGiaoDich)'),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Payment' });
export type PaymentView = z.infer<typeof paymentSchema>;

export const refundSchema = z
  .object({
    id: z.uuid(),
    amount: vndAmount,
    kind: z.enum(['full', 'partial']),
    reason: z.string().max(500),
    status: z.enum(['requested', 'succeeded', 'failed']),
    gatewayRefundNo: z.string().max(100).nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PaymentRefund' });
export type RefundView = z.infer<typeof refundSchema>;

export const refundRequestSchema = z.object({
  /** Omitted: refund everything not yet refunded. */
  amount: vndAmount.optional(),
  reason: z.string().trim().min(1).max(500),
});

/** A day of reconciliation: the Vietnamese calendar date, yyyy-MM-dd. */
export const reconciliationQuery = z.object({
  date: z.iso.date(),
});

export const reconciliationLineSchema = z.object({
  txnRef: z.string().max(100),
  outcome: z.enum(['matched', 'missing_here', 'missing_at_gateway', 'amount_mismatch']),
  ourAmount: z.number().int().nullable(),
  gatewayAmount: z.number().int().nullable(),
  ourStatus: paymentStatusSchema.nullable(),
  gatewayTransactionNo: z.string().max(100).nullable(),
  paidAt: z.iso.datetime().nullable(),
});
export type ReconciliationLine = z.infer<typeof reconciliationLineSchema>;

export const reconciliationSchema = z
  .object({
    date: z.iso.date(),
    totals: z.object({
      matched: z.number().int().min(0),
      missingHere: z.number().int().min(0),
      missingAtGateway: z.number().int().min(0),
      amountMismatch: z.number().int().min(0),
    }),
    lines: z.array(reconciliationLineSchema).max(100_000),
  })
  .meta({ id: 'PaymentReconciliation' });
export type Reconciliation = z.infer<typeof reconciliationSchema>;

export const idParams = z.object({ id: z.uuid() });

/** The IPN's query: gateway fields, each bounded; unknown fields are kept for the signature. */
export const gatewayQuerySchema = z.record(z.string().max(64), z.string().max(2000));
export const ipnAnswerSchema = z.object({ RspCode: z.string().max(10), Message: z.string().max(200) });
