import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import { button, form, linkButton, notice, tag } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { noticeOwner } from '../policies.ts';
import type { NotifyService } from '../service.ts';
import { notifyMessages as m } from './messages.ts';

const csrfBody = z.object({ _csrf: z.string().max(500).optional() });

/** Pages for people who are not signed in send them to sign in, then back here. */
function requirePerson(request: FastifyRequest, reply: FastifyReply): boolean {
  if (noticeOwner(request.ctx.actor)) return true;
  void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  return false;
}

/** "My notices": the signed-in person's in-app notices, readable without JavaScript. */
export function registerNoticePages(app: App, service: NotifyService): void {
  app.get(
    '/notices',
    { schema: { hide: true, querystring: z.object({ before: z.uuid().optional() }) } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      const l = request.locale;
      const { notices, unread, nextBefore } = await service.listNotices(request.ctx, {
        limit: 20,
        before: request.query.before,
      });
      const csrfToken = reply.generateCsrf();
      const body = html`<h1>${m.t('noticesTitle', l)}</h1>
        <p class="lead">${m.t('noticesLead', l)}</p>
        <p>${m.t('unreadCount', l, { count: unread })}</p>
        ${
          unread > 0
            ? form({
                action: '/notices/read-all',
                csrfToken,
                body: button(m.t('markAllRead', l), { variant: 'secondary' }),
              })
            : ''
        }
        ${
          notices.length === 0
            ? notice(m.t('noNotices', l))
            : html`<ul class="notice-list">
                ${notices.map(
                  (n) =>
                    html`<li>
                      <article aria-labelledby="n-${n.id}">
                        <h2 id="n-${n.id}">${n.title}</h2>
                        <p>
                          ${n.readAt ? tag(m.t('read', l)) : tag(m.t('unread', l), 'blue')}
                          ${m.t('receivedAt', l, { time: formatDateTime(n.createdAt) })}
                        </p>
                        ${n.body.split(/\n{2,}/).map((p) => html`<p>${p}</p>`)}
                        ${
                          n.readAt
                            ? ''
                            : form({
                                action: `/notices/${n.id}/read`,
                                csrfToken,
                                body: button(m.t('markRead', l), { variant: 'secondary' }),
                              })
                        }
                      </article>
                    </li>`,
                )}
              </ul>`
        }
        <p>
          ${request.query.before ? linkButton(m.t('newest', l), '/notices') : ''}
          ${nextBefore ? linkButton(m.t('older', l), `/notices?before=${nextBefore}`) : ''}
        </p>`;
      return reply.send(renderPage(request, reply, { title: m.t('noticesTitle', l), body }));
    },
  );

  app.post(
    '/notices/:id/read',
    { schema: { hide: true, params: z.object({ id: z.uuid() }), body: csrfBody } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      await service.markRead(request.ctx, request.params.id);
      return reply.redirect('/notices', 303);
    },
  );

  app.post('/notices/read-all', { schema: { hide: true, body: csrfBody } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    await service.markAllRead(request.ctx);
    return reply.redirect('/notices', 303);
  });
}
