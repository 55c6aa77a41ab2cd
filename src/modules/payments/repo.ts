import { sql, type Generated, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';

export const paymentStatuses = [
  'created',
  'pending',
  'paid',
  'failed',
  'expired',
  'refunded',
  'partially_refunded',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export interface PaymentItem {
  kind: 'phi' | 'le_phi';
  code: string;
  name: string;
  amount: number;
  /** Units of a fee charged per unit (copies); `amount` = `unitAmount` × `quantity`. */
  quantity?: number | undefined;
  unitAmount?: number | undefined;
}

export type PaymentsTables = {
  payments_payments: {
    id: string;
    txn_ref: string;
    agency_id: string;
    agency_name: string;
    payer_account_id: string;
    payer_name: string;
    reference_kind: 'dossier';
    reference_id: string;
    reference_code: string;
    description: string;
    return_path: string;
    items: PaymentItem[];
    /** BIGINT comes back as a string; the service converts. */
    amount: string | number;
    refunded_amount: Generated<string | number>;
    currency: Generated<'VND'>;
    status: PaymentStatus;
    locale: 'vi' | 'en';
    gateway_transaction_no: string | null;
    bank_code: string | null;
    failure_code: string | null;
    created_at: Date;
    expires_at: Date;
    paid_at: Date | null;
    closed_at: Date | null;
    updated_at: Generated<Date>;
  };
  payments_notifications: {
    id: string;
    received_at: Generated<Date>;
    channel: 'ipn' | 'return' | 'query';
    payment_id: string | null;
    txn_ref: string | null;
    transaction_no: string | null;
    amount: string | number | null;
    response_code: string | null;
    signature_valid: boolean;
    answer_code: string;
    outcome: string;
  };
  payments_refunds: {
    id: string;
    payment_id: string;
    request_ref: string;
    amount: string | number;
    kind: 'full' | 'partial';
    reason: string;
    status: 'requested' | 'succeeded' | 'failed';
    gateway_refund_no: string | null;
    failure_code: string | null;
    requested_by: string;
    created_at: Generated<Date>;
    completed_at: Date | null;
  };
};

export type PaymentRow = Selectable<PaymentsTables['payments_payments']>;
export type RefundRow = Selectable<PaymentsTables['payments_refunds']>;
export type NotificationRow = Selectable<PaymentsTables['payments_notifications']>;

type PaymentsDb = Kysely<PaymentsTables>;
const pdb = (db: DbOrTx): PaymentsDb => db.withTables<PaymentsTables>() as unknown as PaymentsDb;

/** The only file of the module that touches its tables. */
export const paymentsRepo = {
  async insert(db: DbOrTx, row: Insertable<PaymentsTables['payments_payments']>): Promise<PaymentRow> {
    return pdb(db)
      .insertInto('payments_payments')
      .values({ ...row, items: JSON.stringify(row.items) as unknown as PaymentItem[] })
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  byId(db: DbOrTx, id: string): Promise<PaymentRow | undefined> {
    return pdb(db).selectFrom('payments_payments').selectAll().where('id', '=', id).executeTakeFirst();
  },
  byTxnRef(db: DbOrTx, txnRef: string): Promise<PaymentRow | undefined> {
    return pdb(db)
      .selectFrom('payments_payments')
      .selectAll()
      .where('txn_ref', '=', txnRef)
      .executeTakeFirst();
  },
  /** Locks the payment until the transaction ends: notifications for one reference run one at a time. */
  byTxnRefForUpdate(db: DbOrTx, txnRef: string): Promise<PaymentRow | undefined> {
    return pdb(db)
      .selectFrom('payments_payments')
      .selectAll()
      .where('txn_ref', '=', txnRef)
      .forUpdate()
      .executeTakeFirst();
  },
  byIdForUpdate(db: DbOrTx, id: string): Promise<PaymentRow | undefined> {
    return pdb(db)
      .selectFrom('payments_payments')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },
  /**
   * Serialises the creation of payments of one reference until the transaction ends (a
   * transaction-scoped advisory lock: no row to lock yet, and nothing else waits on it).
   */
  async lockReference(db: DbOrTx, kind: 'dossier', referenceId: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`payments:${kind}:${referenceId}`}, 0))`.execute(
      db,
    );
  },
  byReference(db: DbOrTx, kind: 'dossier', referenceId: string): Promise<PaymentRow[]> {
    return pdb(db)
      .selectFrom('payments_payments')
      .selectAll()
      .where('reference_kind', '=', kind)
      .where('reference_id', '=', referenceId)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
  },
  async update(
    db: DbOrTx,
    id: string,
    set: Partial<Omit<Insertable<PaymentsTables['payments_payments']>, 'id' | 'items'>>,
  ): Promise<PaymentRow> {
    return pdb(db)
      .updateTable('payments_payments')
      .set({ ...set, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  /** Payments still waiting whose time ran out, oldest first. */
  dueForExpiry(db: DbOrTx, now: Date, limit: number): Promise<PaymentRow[]> {
    return pdb(db)
      .selectFrom('payments_payments')
      .selectAll()
      .where('status', 'in', ['created', 'pending'])
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  },
  /** Payments paid within [from, to), for one agency or all. */
  paidBetween(db: DbOrTx, from: Date, to: Date, agencyId: string | null): Promise<PaymentRow[]> {
    let q = pdb(db)
      .selectFrom('payments_payments')
      .selectAll()
      .where('paid_at', '>=', from)
      .where('paid_at', '<', to);
    if (agencyId) q = q.where('agency_id', '=', agencyId);
    return q.orderBy('paid_at').limit(100_000).execute();
  },
  byTxnRefs(db: DbOrTx, refs: string[]): Promise<PaymentRow[]> {
    if (refs.length === 0) return Promise.resolve([]);
    return pdb(db).selectFrom('payments_payments').selectAll().where('txn_ref', 'in', refs).execute();
  },
  async insertNotification(
    db: DbOrTx,
    row: Insertable<PaymentsTables['payments_notifications']>,
  ): Promise<void> {
    await pdb(db).insertInto('payments_notifications').values(row).execute();
  },
  notificationsFor(db: DbOrTx, paymentId: string): Promise<NotificationRow[]> {
    return pdb(db)
      .selectFrom('payments_notifications')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .orderBy('received_at')
      .limit(200)
      .execute();
  },
  async insertRefund(db: DbOrTx, row: Insertable<PaymentsTables['payments_refunds']>): Promise<RefundRow> {
    return pdb(db).insertInto('payments_refunds').values(row).returningAll().executeTakeFirstOrThrow();
  },
  async updateRefund(
    db: DbOrTx,
    id: string,
    set: Partial<Insertable<PaymentsTables['payments_refunds']>>,
  ): Promise<RefundRow> {
    return pdb(db)
      .updateTable('payments_refunds')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  refundsOf(db: DbOrTx, paymentId: string): Promise<RefundRow[]> {
    return pdb(db)
      .selectFrom('payments_refunds')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .orderBy('created_at')
      .limit(100)
      .execute();
  },
};
