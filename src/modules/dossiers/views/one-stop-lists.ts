// Back-office pages without JavaScript: work lists (my tasks, my unit's, due soon, overdue),
// search with filters (counter / postal intake: one-stop-intake.ts). The workflow editor is in
// workflow-editor.ts (routes-workflow.ts).
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { button, form, input, select, table } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { DossierService } from '../service.ts';
import { dossierChannels, dossierStatuses } from '../tables.ts';
import { statusTag } from './follow.ts';
import { bm } from './messages-backoffice.ts';
import { nextPageLink } from './multipart.ts';
import { dm } from './messages.ts';
import { statusNames } from '../statuses.ts';

const lists = {
  mine: 'listMine',
  unit: 'listUnit',
  due_soon: 'listDueSoon',
  overdue: 'listOverdue',
} as const;

export function registerBackofficePages(app: App, service: DossierService): Promise<void> {
  app.get(
    '/one-stop/tasks',
    {
      schema: {
        hide: true,
        querystring: z.object({
          list: z.enum(['mine', 'unit', 'due_soon', 'overdue']).default('mine'),
          cursor: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const { list, cursor } = request.query;
      const page = await service.tasks(request.ctx, list, { cursor, limit: 50 });
      const title = bm.t('tasksTitle', l);
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
          <nav aria-label="${title}">
            <ul class="tabs">
              ${Object.entries(lists).map(([k, label]) =>
                k === list
                  ? html`<li><strong aria-current="page">${bm.t(label, l)}</strong></li>`
                  : html`<li><a href="/one-stop/tasks?list=${k}">${bm.t(label, l)}</a></li>`,
              )}
            </ul>
          </nav>
          ${table({
            caption: bm.t(lists[list], l),
            headers: [
              dm.t('code', l),
              bm.t('step', l),
              dm.t('applicant', l),
              bm.t('holder', l),
              bm.t('due', l),
              bm.t('timeliness', l),
            ],
            rows: page.items.map((t) => [
              html`<a href="/one-stop/dossiers/${t.dossierId}">${t.code ?? ''}</a>`,
              `${t.name[l]} — ${t.procedureName}`,
              t.applicantName,
              // A step routed to a unit waits in that unit's queue.
              t.assigneeName ?? (t.unitName ? `${bm.t('queue', l)} — ${t.unitName}` : bm.t('queue', l)),
              t.dueAt ? formatDateTime(t.dueAt) : '—',
              t.overdue ? bm.t('late', l) : t.dueSoon ? bm.t('listDueSoon', l) : '',
            ]),
            empty: '—',
          })}
          ${nextPageLink(page.next ? `/one-stop/tasks?list=${list}&cursor=${page.next}` : null, bm.t('nextPage', l))}`,
      });
    },
  );

  const searchQuery = z.object({
    q: z.string().max(100).optional(),
    status: z.union([z.enum(dossierStatuses), z.literal('')]).optional(),
    procedureCode: z.string().max(100).optional(),
    channel: z.union([z.enum(dossierChannels), z.literal('')]).optional(),
    from: z.union([z.iso.date(), z.literal('')]).optional(),
    to: z.union([z.iso.date(), z.literal('')]).optional(),
    cursor: z.string().max(200).optional(),
  });
  app.get(
    '/one-stop/search',
    { schema: { hide: true, querystring: searchQuery } },
    async (request, reply) => {
      const l = request.locale;
      const q = request.query;
      const page = await service.searchDossiers(request.ctx, {
        q: q.q || undefined,
        status: q.status || undefined,
        procedureCode: q.procedureCode || undefined,
        channel: q.channel || undefined,
        from: q.from || undefined,
        to: q.to || undefined,
        cursor: q.cursor,
        limit: 50,
      });
      const title = bm.t('searchTitle', l);
      const next = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (v && k !== 'cursor') next.set(k, v);
      if (page.next) next.set('cursor', page.next);
      const channelLabel = {
        online: 'channelOnline',
        counter: 'channelCounter',
        post: 'channelPost',
        national_portal: 'channelNational',
      } as const;
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
          ${form({
            action: '/one-stop/search',
            method: 'get',
            csrfToken: '',
            label: title,
            body: html`${input({ name: 'q', label: bm.t('q', l), type: 'search', value: q.q ?? '', maxLength: 100 })}
              ${select({ name: 'status', label: dm.t('status', l), includeEmpty: bm.t('any', l), value: q.status ?? '', options: dossierStatuses.filter((s) => s !== 'draft').map((s) => ({ value: s, label: statusNames[s][l] })) })}
              ${select({ name: 'channel', label: bm.t('channel', l), includeEmpty: bm.t('any', l), value: q.channel ?? '', options: dossierChannels.map((c) => ({ value: c, label: bm.t(channelLabel[c], l) })) })}
              ${input({ name: 'procedureCode', label: bm.t('intakeProcedure', l), value: q.procedureCode ?? '', width: 'medium', maxLength: 100 })}
              ${input({ name: 'from', label: bm.t('from', l), type: 'date', value: q.from ?? '', width: 'medium' })}
              ${input({ name: 'to', label: bm.t('to', l), type: 'date', value: q.to ?? '', width: 'medium' })}
              <p>${button(bm.t('search', l))}</p>`,
          })}
          ${table({
            caption: title,
            headers: [
              dm.t('code', l),
              dm.t('procedure', l),
              dm.t('applicant', l),
              dm.t('status', l),
              dm.t('submittedAt', l),
              dm.t('dueDate', l),
            ],
            rows: page.items.map((d) => [
              html`<a href="/one-stop/dossiers/${d.id}">${d.code ?? ''}</a>`,
              d.procedureName,
              d.applicantName,
              statusTag(d, l),
              d.submittedAt ? formatDateTime(d.submittedAt) : '—',
              d.dueAt ? formatDate(d.dueAt) : '—',
            ]),
            empty: '—',
          })}
          ${nextPageLink(page.next ? `/one-stop/search?${next.toString()}` : null, bm.t('nextPage', l))}`,
      });
    },
  );
  // Counter and postal intake: views/one-stop-intake.ts.
  return Promise.resolve();
}
