import { z } from 'zod';
import { formatDateTime, type Locale } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import { button, form, notice, select, table, tag } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { adminListQuery, channelSchema, statusSchema } from '../schemas.ts';
import type { NotifyService } from '../service.ts';
import { templateKeys } from '../templates.ts';
import { notifyMessages as m } from './messages.ts';

const statusTone = { queued: 'yellow', sent: 'green', failed: 'red' } as const;

function templateLabel(key: string, l: Locale): string {
  return (templateKeys as readonly string[]).includes(key)
    ? m.t(`template.${key as (typeof templateKeys)[number]}`, l)
    : key;
}

/** The administrators' page: delivery status of recent notifications and, in development, the outbox. */
export function registerNotifyAdminPages(app: App, service: NotifyService): void {
  app.get(
    '/admin/notify',
    {
      schema: {
        hide: true,
        querystring: adminListQuery.extend({ done: z.enum(['retry']).optional() }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const q = request.query;
      const [rows, outbox] = await Promise.all([
        service.recent(request.ctx, { limit: q.limit, status: q.status, channel: q.channel }),
        service.outbox(request.ctx, 50),
      ]);
      const csrfToken = reply.generateCsrf();
      const body = html`<h1>${m.t('adminTitle', l)}</h1>
        <p class="lead">${m.t('adminLead', l)}</p>
        ${q.done === 'retry' ? notice(m.t('retried', l), 'success') : ''}
        ${form({
          action: '/admin/notify',
          method: 'get',
          csrfToken,
          label: m.t('filter', l),
          body: html`${select({
            name: 'status',
            label: m.t('status', l),
            includeEmpty: m.t('any', l),
            value: q.status ?? '',
            options: statusSchema.options.map((s) => ({ value: s, label: m.t(`status.${s}`, l) })),
          })}
          ${select({
            name: 'channel',
            label: m.t('channel', l),
            includeEmpty: m.t('any', l),
            value: q.channel ?? '',
            options: channelSchema.options.map((c) => ({ value: c, label: m.t(`channel.${c}`, l) })),
          })}
          ${button(m.t('filter', l), { variant: 'secondary' })}`,
        })}
        ${table({
          caption: m.t('recentCaption', l),
          headers: [
            m.t('createdAt', l),
            m.t('channel', l),
            m.t('template', l),
            m.t('recipient', l),
            m.t('status', l),
            m.t('attempts', l),
            m.t('lastError', l),
            m.t('action', l),
          ],
          rows: rows.map((r) => [
            formatDateTime(r.createdAt),
            m.t(`channel.${r.channel}`, l),
            templateLabel(r.template, l),
            r.recipient,
            tag(m.t(`status.${r.status}`, l), statusTone[r.status]),
            `${r.attempts}/${r.maxAttempts}`,
            r.lastErrorCode ? html`<code>${r.lastErrorCode}</code>` : '',
            r.status === 'failed' && r.channel !== 'in_app'
              ? form({
                  action: `/admin/notify/${r.id}/retry`,
                  csrfToken,
                  body: button(m.t('retry', l), { variant: 'secondary' }),
                })
              : '',
          ]),
          empty: m.t('noNotifications', l),
        })}
        ${
          outbox
            ? html`<h2>${m.t('outboxTitle', l)}</h2>
                <p>${m.t('outboxLead', l)}</p>
                ${table({
                  caption: m.t('outboxCaption', l),
                  headers: [
                    m.t('createdAt', l),
                    m.t('channel', l),
                    m.t('recipient', l),
                    m.t('subject', l),
                    m.t('body', l),
                  ],
                  rows: outbox.map((o) => [
                    formatDateTime(o.created_at),
                    m.t(`channel.${o.channel}`, l),
                    o.recipient,
                    o.subject ?? '',
                    html`<pre class="outbox-body">${o.body}</pre>`,
                  ]),
                  empty: m.t('outboxEmpty', l),
                })}`
            : ''
        }`;
      return reply.send(renderPage(request, reply, { title: m.t('adminTitle', l), body }));
    },
  );

  app.post(
    '/admin/notify/:id/retry',
    {
      schema: {
        hide: true,
        params: z.object({ id: z.uuid() }),
        body: z.object({ _csrf: z.string().max(500).optional() }),
      },
    },
    async (request, reply) => {
      await service.retry(request.ctx, request.params.id);
      return reply.redirect('/admin/notify?done=retry', 303);
    },
  );
}
