import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorId, type RequestContext } from '../../platform/context.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import { Forbidden, Unauthenticated } from '../../platform/errors.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import {
  NoDeliverableChannel,
  NoticeNotFound,
  NotificationNotFound,
  NotificationNotRetryable,
  NotifyRequestInvalid,
} from './errors.ts';
import type { DeliveryJob } from './jobs.ts';
import { canAdministerNotify, noticeOwner } from './policies.ts';
import {
  notifyRepo,
  type Channel,
  type DeliveryStatus,
  type NotificationRow,
  type OutboxRow,
} from './repo.ts';
import {
  notifyRequestSchema,
  type NoticeView,
  type NotificationAdminView,
  type NotifyRequest,
} from './schemas.ts';
import { checkTemplateParams, renderTemplate, templateOf } from './templates.ts';

export interface NotifyResult {
  notifications: { id: string; channel: Channel; status: DeliveryStatus; deduplicated: boolean }[];
  /** Requested channels the recipient has no address for. */
  skipped: Channel[];
}

/** Masks an address for administrators: enough to tell two apart, not enough to contact anyone. */
export function maskRecipient(
  row: Pick<NotificationRow, 'channel' | 'email' | 'phone' | 'account_id'>,
): string {
  if (row.channel === 'email' && row.email) {
    const [local = '', domain = ''] = row.email.split('@');
    return `${local.slice(0, 1)}•••@${domain}`;
  }
  if (row.channel === 'sms' && row.phone) return `•••••••${row.phone.slice(-3)}`;
  return row.account_id ? `#${row.account_id.slice(0, 8)}` : '';
}

/** Notices: asked for by other modules in their transaction, read by their recipients. */
export function createNotifyService(deps: {
  db: Db;
  logger: Logger;
  deliveryJob: DeliveryJob;
  portalUrl: string;
  maxAttempts: number;
  /** The local outbox is shown to administrators only outside production. */
  showOutbox: boolean;
}) {
  const { db, deliveryJob } = deps;

  function toNotice(row: NotificationRow, locale: Locale): NoticeView {
    const rendered = renderTemplate(row.template, locale, row.params, { portalUrl: deps.portalUrl });
    return {
      id: row.id,
      template: row.template,
      title: rendered.title,
      body: rendered.body,
      createdAt: row.created_at.toISOString(),
      readAt: row.read_at?.toISOString() ?? null,
    };
  }

  function ownerOf(ctx: RequestContext): string {
    const owner = noticeOwner(ctx.actor);
    if (!owner) throw Unauthenticated();
    return owner;
  }

  function requireAdmin(ctx: RequestContext): void {
    if (canAdministerNotify(ctx.actor)) return;
    throw ctx.actor.kind === 'anonymous' ? Unauthenticated() : Forbidden();
  }

  async function write(trx: DbOrTx, ctx: RequestContext, input: NotifyRequest): Promise<NotifyResult> {
    const parsed = notifyRequestSchema.safeParse(input);
    // Only the paths of what is wrong: the values are addresses and codes.
    if (!parsed.success)
      throw NotifyRequestInvalid({ fields: parsed.error.issues.map((i) => i.path.join('.')) });
    const request = parsed.data;
    const template = templateOf(request.template);
    const check = checkTemplateParams(request.template, request.params);
    if (!check.ok) throw NotifyRequestInvalid({ fields: check.fields.map((f) => `params.${f}`) });
    // Codes must not sit in an inbox where a shared session could read them.
    if (template.sensitive && request.channels.includes('in_app'))
      throw NotifyRequestInvalid({ fields: ['channels'] });
    const { recipient } = request;
    const address: Record<Channel, boolean> = {
      email: recipient.email !== undefined,
      sms: recipient.phone !== undefined,
      in_app: recipient.accountId !== undefined,
    };
    const channels = [...new Set(request.channels)];
    const skipped = channels.filter((c) => !address[c]);
    const deliverable = channels.filter((c) => address[c]);
    if (deliverable.length === 0) throw NoDeliverableChannel({ channels });

    const result: NotifyResult = { notifications: [], skipped };
    for (const channel of deliverable) {
      const id = randomUUID();
      const inApp = channel === 'in_app';
      const inserted = await notifyRepo.insertNotification(trx, {
        id,
        channel,
        template: request.template,
        locale: recipient.locale,
        params: request.params,
        account_id: recipient.accountId ?? null,
        email: channel === 'email' ? (recipient.email ?? null) : null,
        phone: channel === 'sms' ? (recipient.phone ?? null) : null,
        // An in-app notice is delivered when it commits: the inbox reads it from here.
        status: inApp ? 'sent' : 'queued',
        max_attempts: deps.maxAttempts,
        dedupe_key: request.dedupeKey ?? null,
        requested_by: actorId(ctx.actor),
        request_id: ctx.requestId.slice(0, 200),
        sent_at: inApp ? new Date() : null,
      });
      if (inserted === null) {
        const existing = await notifyRepo.byDedupeKey(trx, request.dedupeKey ?? '', channel);
        if (existing)
          result.notifications.push({
            id: existing.id,
            channel,
            status: existing.status,
            deduplicated: true,
          });
        continue;
      }
      if (!inApp)
        await enqueue(
          trx,
          deliveryJob,
          { notificationId: id },
          { maxAttempts: deps.maxAttempts, jobKey: `notify:${id}` },
        );
      result.notifications.push({ id, channel, status: inApp ? 'sent' : 'queued', deduplicated: false });
    }
    deps.logger.info(
      {
        action: 'notify.requested',
        template: request.template,
        ids: result.notifications.map((n) => n.id),
        requestId: ctx.requestId,
      },
      'notification requested',
    );
    return result;
  }

  return {
    /**
     * Asks for a notice on each channel. Pass the caller's transaction as `trx` so the notice
     * exists (and is sent) if and only if the caller's change commits: the transactional
     * outbox. The caller's own audit event covers the change; rows here record the delivery.
     */
    async notify(ctx: RequestContext, input: NotifyRequest, trx?: DbOrTx): Promise<NotifyResult> {
      if (trx) return write(trx, ctx, input);
      return db.transaction().execute((t) => write(t, ctx, input));
    },

    /** The signed-in person's in-app notices, newest first, in the reader's language. */
    async listNotices(
      ctx: RequestContext,
      o: { limit: number; before?: string | undefined; unreadOnly?: boolean },
    ): Promise<{ notices: NoticeView[]; unread: number; nextBefore: string | null }> {
      const owner = ownerOf(ctx);
      const [rows, unread] = await Promise.all([
        notifyRepo.inbox(db, owner, { ...o, limit: o.limit + 1 }),
        notifyRepo.unreadCount(db, owner),
      ]);
      const page = rows.slice(0, o.limit);
      const last = page[page.length - 1];
      return {
        notices: page.map((r) => toNotice(r, ctx.locale)),
        unread,
        nextBefore: rows.length > o.limit && last ? last.id : null,
      };
    },

    async unreadCount(ctx: RequestContext): Promise<number> {
      return notifyRepo.unreadCount(db, ownerOf(ctx));
    },

    /**
     * Marks one of the person's notices read; anyone else's answers 404. A read marker is the
     * reader's own bookkeeping, not a change of record, so it is not audited.
     */
    async markRead(ctx: RequestContext, id: string): Promise<NoticeView> {
      const row = await notifyRepo.markRead(db, id, ownerOf(ctx));
      if (!row) throw NoticeNotFound();
      return toNotice(row, ctx.locale);
    },

    async markAllRead(ctx: RequestContext): Promise<number> {
      return notifyRepo.markAllRead(db, ownerOf(ctx));
    },

    /** Recent notifications and their delivery status, for administrators (no bodies, masked addresses). */
    async recent(
      ctx: RequestContext,
      o: { limit: number; status?: DeliveryStatus | undefined; channel?: Channel | undefined },
    ): Promise<NotificationAdminView[]> {
      requireAdmin(ctx);
      const rows = await notifyRepo.recent(db, o);
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        template: r.template,
        locale: r.locale,
        recipient: maskRecipient(r),
        status: r.status,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        lastErrorCode: r.last_error_code,
        createdAt: r.created_at.toISOString(),
        sentAt: r.sent_at?.toISOString() ?? null,
      }));
    },

    /** The development outbox (empty list in production, where it is never shown). */
    async outbox(ctx: RequestContext, limit: number): Promise<OutboxRow[] | null> {
      requireAdmin(ctx);
      if (!deps.showOutbox) return null;
      return notifyRepo.recentOutbox(db, limit);
    },

    /** Sends a failed notification again (after the provider recovers), with a fresh set of attempts. */
    async retry(ctx: RequestContext, id: string): Promise<void> {
      requireAdmin(ctx);
      await db.transaction().execute(async (trx) => {
        const row = await notifyRepo.byId(trx, id);
        if (!row) throw NotificationNotFound();
        if (!(await notifyRepo.requeue(trx, id))) throw NotificationNotRetryable();
        await enqueue(
          trx,
          deliveryJob,
          { notificationId: id },
          { maxAttempts: row.max_attempts, jobKey: `notify:${id}` },
        );
        await recordAudit(trx, ctx, {
          action: 'notify.notification.retry',
          subjectType: 'notify_notification',
          subjectIds: [id],
          details: { channel: row.channel, template: row.template, lastErrorCode: row.last_error_code },
        });
      });
    },
  };
}

export type NotifyService = ReturnType<typeof createNotifyService>;
