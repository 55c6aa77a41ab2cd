// The sync queue page (administrators): counts, items per state with their last error, retry.
import { z } from 'zod';
import type { App } from '../../../../platform/http/types.ts';
import { isPlatformAdmin } from '../../../../platform/context.ts';
import { formatDateTime, type Locale } from '../../../../platform/i18n/index.ts';
import { button, form, notice, table, tag } from '../../../../platform/pages/components.ts';
import { html } from '../../../../platform/pages/html.ts';
import { renderPage } from '../../../../platform/pages/layout.ts';
import { outboxStates, type OutboxState } from '../repo.ts';
import type { SyncService } from '../service.ts';
import { sm } from './messages.ts';

export const QUEUE_PATH = '/admin/national-portal';

const problemKeys = [
  'UNKNOWN_AGENCY',
  'UNKNOWN_PROCEDURE',
  'AGENCY_NOT_COMPETENT',
  'CODE_TAKEN',
  'BAD_DATE',
] as const;

function problemText(problem: string, l: Locale): string {
  const key = problemKeys.find((k) => k === problem);
  return key ? sm.t(`problem.${key}`, l) : problem;
}

const tone = { pending: 'yellow', sent: 'green', failed: 'red' } as const;

const queueQuery = z.object({
  state: z.enum(outboxStates).default('pending'),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  retried: z.literal('1').optional(),
});

export function registerSyncPages(app: App, service: SyncService): void {
  app.get(QUEUE_PATH, { schema: { hide: true, querystring: queueQuery } }, async (request, reply) => {
    if (request.ctx.actor.kind === 'anonymous')
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    const l = request.locale;
    const q = request.query;
    const view = await service.queue(request.ctx, { state: q.state, before: q.before });
    const problems = await service.inboundProblems(request.ctx);
    const csrf = reply.generateCsrf();
    const stateName = (s: OutboxState) => sm.t(`state.${s}`, l);
    const body = html`<h1>${sm.t('title', l)}</h1>
      <p class="lead">${sm.t('lead', l)}</p>
      ${q.retried ? notice(sm.t('retried', l), 'success') : ''}
      <p>${sm.t('counts', l, view.counts)}</p>
      <nav aria-label="${sm.t('filter', l)}">
        <ul>
          ${outboxStates.map(
            (s) =>
              html`<li>
                <a href="${QUEUE_PATH}?state=${s}" ${s === q.state ? html`aria-current="page"` : ''}
                  >${stateName(s)} (${view.counts[s]})</a
                >
              </li>`,
          )}
        </ul>
      </nav>
      ${table({
        caption: sm.t('caption', l, { state: stateName(q.state) }),
        headers: [
          sm.t('dossierCode', l),
          sm.t('service', l),
          sm.t('nationalStatus', l),
          sm.t('attempts', l),
          q.state === 'sent' ? sm.t('sentAt', l) : sm.t('lastError', l),
          sm.t(q.state === 'sent' ? 'createdAt' : q.state === 'failed' ? 'lastAttempt' : 'nextAttempt', l),
          sm.t('action', l),
        ],
        rows: view.items.map((i) => [
          i.dossierCode,
          html`<code>${i.service}</code>`,
          tag(String(i.nationalStatus), tone[i.state]),
          String(i.attempts),
          i.state === 'sent' ? (i.sentAt ? formatDateTime(i.sentAt) : '—') : (i.lastError ?? '—'),
          formatDateTime(
            i.state === 'sent'
              ? i.createdAt
              : i.state === 'failed'
                ? (i.lastAttemptAt ?? i.createdAt)
                : i.nextAttemptAt,
          ),
          i.state === 'sent'
            ? '—'
            : form({
                action: `${QUEUE_PATH}/items/${i.id}/retry`,
                csrfToken: csrf,
                label: sm.t('retryLabel', l, { code: `${i.dossierCode} #${i.id}` }),
                body: button(sm.t('retry', l), { variant: 'secondary' }),
              }),
        ]),
        empty: sm.t('empty', l),
      })}
      ${view.next ? html`<p><a href="${QUEUE_PATH}?state=${q.state}&before=${view.next}">${sm.t('more', l)}</a></p>` : ''}
      ${
        isPlatformAdmin(request.ctx.actor)
          ? html`<h2>${sm.t('inboundTitle', l)}</h2>
              <p>${sm.t('inboundLead', l)}</p>
              ${table({
                caption: sm.t('inboundTitle', l),
                headers: [
                  sm.t('dossierCode', l),
                  sm.t('agencyCode', l),
                  sm.t('procedureCode', l),
                  sm.t('problem', l),
                  sm.t('attempts', l),
                  sm.t('filedAt', l),
                ],
                rows: problems.map((p) => [
                  p.maHoSo,
                  p.agencyCode,
                  p.procedureCode,
                  problemText(p.problem, l),
                  String(p.attempts),
                  formatDateTime(p.filedAt),
                ]),
                empty: sm.t('inboundEmpty', l),
              })}`
          : ''
      }`;
    return reply.send(renderPage(request, reply, { title: sm.t('title', l), body }));
  });

  app.post(
    `${QUEUE_PATH}/items/:id/retry`,
    {
      schema: {
        hide: true,
        params: z.object({ id: z.string().regex(/^\d{1,18}$/) }),
        body: z.object({ _csrf: z.string().max(500).optional() }),
      },
    },
    async (request, reply) => {
      const item = await service.retry(request.ctx, request.params.id);
      return reply.redirect(`${QUEUE_PATH}?state=${item.state}&retried=1`, 303);
    },
  );
}
