import { sql, type Generated, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';

export type Channel = 'email' | 'sms' | 'in_app';
export type DeliveryStatus = 'queued' | 'sent' | 'failed';

export type NotifyTables = {
  notify_notifications: {
    id: string;
    channel: Channel;
    template: string;
    locale: 'vi' | 'en';
    params: Record<string, unknown>;
    account_id: string | null;
    email: string | null;
    phone: string | null;
    status: DeliveryStatus;
    attempts: Generated<number>;
    max_attempts: number;
    last_error_code: string | null;
    provider_message_id: string | null;
    dedupe_key: string | null;
    requested_by: string | null;
    request_id: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    sent_at: Date | null;
    read_at: Date | null;
  };
  notify_outbox: {
    id: string;
    notification_id: string;
    channel: 'email' | 'sms';
    recipient: string;
    subject: string | null;
    body: string;
    created_at: Generated<Date>;
  };
};

export type NotificationRow = Selectable<NotifyTables['notify_notifications']>;
export type OutboxRow = Selectable<NotifyTables['notify_outbox']>;

type NotifyDb = Kysely<NotifyTables>;
const notifyDb = (db: DbOrTx): NotifyDb => db.withTables<NotifyTables>() as unknown as NotifyDb;

/** The only file of the module that touches its tables. */
export const notifyRepo = {
  /** Inserts a notification; null when one with the same dedupe key and channel exists. */
  async insertNotification(
    db: DbOrTx,
    row: Insertable<NotifyTables['notify_notifications']>,
  ): Promise<string | null> {
    const inserted = await notifyDb(db)
      .insertInto('notify_notifications')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['dedupe_key', 'channel']).where('dedupe_key', 'is not', null).doNothing(),
      )
      .returning('id')
      .executeTakeFirst();
    return inserted?.id ?? null;
  },
  byDedupeKey(db: DbOrTx, dedupeKey: string, channel: Channel): Promise<NotificationRow | undefined> {
    return notifyDb(db)
      .selectFrom('notify_notifications')
      .selectAll()
      .where('dedupe_key', '=', dedupeKey)
      .where('channel', '=', channel)
      .executeTakeFirst();
  },
  byId(db: DbOrTx, id: string): Promise<NotificationRow | undefined> {
    return notifyDb(db)
      .selectFrom('notify_notifications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** Records a delivery; false when the row was no longer waiting (another run got there first). */
  async markSent(
    db: DbOrTx,
    id: string,
    o: { providerMessageId: string; eraseParams: boolean },
  ): Promise<boolean> {
    const r = await notifyDb(db)
      .updateTable('notify_notifications')
      .set((eb) => ({
        status: 'sent',
        attempts: eb('attempts', '+', 1),
        provider_message_id: o.providerMessageId || null,
        last_error_code: null,
        sent_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
        ...(o.eraseParams ? { params: sql<Record<string, unknown>>`'{}'::jsonb` } : {}),
      }))
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  /** Counts a failed attempt; `final` marks the notification failed. */
  async recordFailure(db: DbOrTx, id: string, o: { code: string; final: boolean }): Promise<void> {
    await notifyDb(db)
      .updateTable('notify_notifications')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error_code: o.code,
        updated_at: sql<Date>`now()`,
        ...(o.final ? { status: 'failed' as const } : {}),
      }))
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  },
  /** Puts a failed notification back in the queue; false when it was not failed. */
  async requeue(db: DbOrTx, id: string): Promise<boolean> {
    const r = await notifyDb(db)
      .updateTable('notify_notifications')
      .set({ status: 'queued', updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .where('channel', '<>', 'in_app')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  /** A person's in-app notices, newest first, after the notice `before` (keyset pagination). */
  inbox(
    db: DbOrTx,
    accountId: string,
    o: { limit: number; before?: string | undefined; unreadOnly?: boolean },
  ): Promise<NotificationRow[]> {
    let q = notifyDb(db)
      .selectFrom('notify_notifications as n')
      .selectAll('n')
      .where('n.channel', '=', 'in_app')
      .where('n.account_id', '=', accountId);
    if (o.unreadOnly) q = q.where('n.read_at', 'is', null);
    if (o.before) {
      const before = o.before;
      q = q.where(
        (eb) =>
          sql<boolean>`(${eb.ref('n.created_at')}, ${eb.ref('n.id')}) < (
            SELECT b.created_at, b.id FROM notify_notifications b
            WHERE b.id = ${before} AND b.account_id = ${accountId})`,
      );
    }
    return q.orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').limit(o.limit).execute();
  },
  async unreadCount(db: DbOrTx, accountId: string): Promise<number> {
    const r = await notifyDb(db)
      .selectFrom('notify_notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('channel', '=', 'in_app')
      .where('account_id', '=', accountId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /** Marks one of the account's notices read; undefined when it is not theirs. */
  markRead(db: DbOrTx, id: string, accountId: string): Promise<NotificationRow | undefined> {
    return notifyDb(db)
      .updateTable('notify_notifications')
      .set({ read_at: sql<Date>`coalesce(read_at, now())` })
      .where('id', '=', id)
      .where('channel', '=', 'in_app')
      .where('account_id', '=', accountId)
      .returningAll()
      .executeTakeFirst();
  },
  async markAllRead(db: DbOrTx, accountId: string): Promise<number> {
    const r = await notifyDb(db)
      .updateTable('notify_notifications')
      .set({ read_at: sql<Date>`now()` })
      .where('channel', '=', 'in_app')
      .where('account_id', '=', accountId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  /** Recent notifications for administrators, without their parameters. */
  recent(
    db: DbOrTx,
    o: { limit: number; status?: DeliveryStatus | undefined; channel?: Channel | undefined },
  ): Promise<Omit<NotificationRow, 'params'>[]> {
    let q = notifyDb(db)
      .selectFrom('notify_notifications')
      .select([
        'id',
        'channel',
        'template',
        'locale',
        'account_id',
        'email',
        'phone',
        'status',
        'attempts',
        'max_attempts',
        'last_error_code',
        'provider_message_id',
        'dedupe_key',
        'requested_by',
        'request_id',
        'created_at',
        'updated_at',
        'sent_at',
        'read_at',
      ]);
    if (o.status) q = q.where('status', '=', o.status);
    if (o.channel) q = q.where('channel', '=', o.channel);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  },
  async insertOutbox(db: DbOrTx, row: Insertable<NotifyTables['notify_outbox']>): Promise<void> {
    await notifyDb(db).insertInto('notify_outbox').values(row).execute();
  },
  recentOutbox(db: DbOrTx, limit: number): Promise<OutboxRow[]> {
    return notifyDb(db)
      .selectFrom('notify_outbox')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },
};
