// The "Các phần liên thông / Inter-agency parts" section (a render function the dossier pages can
// call) and two pages that show it: the citizen's and the officer's.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Timeliness } from '../../../platform/calendar/index.ts';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatDateTime, type Locale } from '../../../platform/i18n/index.ts';
import { summaryList, table, tag } from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { im } from './messages.ts';
import type { InteragencyService, InteragencyView, PartView } from './service.ts';
import { contentDisposition } from '../../../platform/http/download.ts';

const params = z.object({ id: z.uuid() });
const resultParams = z.object({ id: z.uuid(), order: z.coerce.number().int().min(1).max(20) });

function timelinessTag(t: Timeliness | null, locale: Locale): SafeHtml {
  if (t === 'early') return tag(im.t('early', locale), 'green');
  if (t === 'on_time') return tag(im.t('onTime', locale), 'blue');
  if (t === 'late') return tag(im.t('late', locale), 'red');
  return tag(im.t('notYet', locale), 'grey');
}

function stateTag(p: PartView, locale: Locale): SafeHtml {
  const tone =
    p.state === 'done' ? 'green' : ['refused', 'stopped', 'failed'].includes(p.state) ? 'red' : 'yellow';
  return tag(p.stateName[locale], tone);
}

/**
 * The section of an inter-agency dossier: every part the viewer may see, with its agency, route,
 * progress, due date, finish and timeliness, and the whole's due date and timeliness. `base` is the
 * path the part results are served under (`/dossiers/:id` or `/one-stop/dossiers/:id`).
 */
export function renderInteragencyParts(view: InteragencyView, locale: Locale, base: string): SafeHtml {
  const rows = view.parts.map((p) => [
    html`${String(p.order)}${p.after.length > 0 ? html`<br /><small>${im.t('waitsFor', locale, { list: p.after.join(', ') })}</small>` : ''}`,
    p.procedureName,
    html`${p.agencyName ?? '—'}${p.childDossierCode ? html`<br /><small>${im.t('childDossier', locale, { code: p.childDossierCode })}</small>` : ''}`,
    p.route === 'remote'
      ? im.t('routeRemote', locale)
      : p.route === 'local'
        ? im.t('routeLocal', locale)
        : '—',
    html`${stateTag(p, locale)}${p.remoteStatus ? html`<br /><small>${im.t('remoteStatus', locale, { code: p.remoteStatus })}</small>` : ''}`,
    formatDate(p.dueAt),
    p.finishedAt ? formatDateTime(p.finishedAt) : '—',
    timelinessTag(p.timeliness, locale),
    p.hasResult
      ? html`<a href="${base}/lien-thong/${String(p.order)}/result.pdf"
          >${im.t('download', locale, { n: p.order })}</a
        >`
      : '—',
  ]);
  return html`<section aria-labelledby="lien-thong-heading">
    <h2 id="lien-thong-heading">${im.t('section', locale)}</h2>
    <p>${view.scope === 'own' ? im.t('ownScope', locale) : im.t('intro', locale)}</p>
    ${
      view.scope === 'all'
        ? summaryList([
            [im.t('wholeDue', locale), view.dueAt ? formatDate(view.dueAt) : '—'],
            [im.t('wholeFinished', locale), view.finishedAt ? formatDateTime(view.finishedAt) : '—'],
            [
              im.t('wholeTimeliness', locale),
              html`${timelinessTag(view.timeliness, locale)}${view.lateParts.length > 0 ? html` ${im.t('lateParts', locale, { list: view.lateParts.join(', ') })}` : ''}`,
            ],
          ])
        : ''
    }
    ${table({
      caption: im.t('section', locale),
      headers: [
        im.t('part', locale),
        im.t('procedure', locale),
        im.t('agency', locale),
        im.t('route', locale),
        im.t('state', locale),
        im.t('dueDate', locale),
        im.t('finished', locale),
        im.t('timeliness', locale),
        im.t('result', locale),
      ],
      rows,
      empty: '—',
    })}
  </section>`;
}

/** `/dossiers/:id/lien-thong` (applicant) and `/one-stop/dossiers/:id/lien-thong` (officials). */
export function registerInteragencyPages(app: App, service: InteragencyService): void {
  async function page(request: FastifyRequest, reply: FastifyReply, id: string, base: string) {
    const l = request.locale;
    const view = await service.partsOf(request.ctx, id);
    // An agency that handles one part goes back to its own dossier of that part.
    const own = view.scope === 'own' ? view.parts.find((p) => p.childDossierId) : undefined;
    const back = own?.childDossierId ? `/one-stop/dossiers/${own.childDossierId}` : base;
    return renderPage(request, reply, {
      title: im.t('title', l, { code: view.dossier.code ?? '' }),
      crumbs: [
        { href: back, label: own?.childDossierCode ?? view.dossier.code ?? im.t('back', l) },
        { label: im.t('section', l) },
      ],
      body: html`<h1>${im.t('title', l, { code: view.dossier.code ?? '' })}</h1>
        <p>${view.dossier.procedureName} — ${view.dossier.agencyName}</p>
        ${renderInteragencyParts(view, l, base)}
        <p><a href="${back}">${im.t('back', l)}</a></p>`,
    });
  }
  async function result(request: FastifyRequest, reply: FastifyReply, id: string, order: number) {
    const r = await service.partResult(request.ctx, id, order);
    return reply
      .type('application/pdf')
      .header('content-disposition', contentDisposition(r.name))
      .send(r.stream);
  }
  app.get('/dossiers/:id/lien-thong', { schema: { hide: true, params } }, (request, reply) =>
    page(request, reply, request.params.id, `/dossiers/${request.params.id}`),
  );
  app.get('/one-stop/dossiers/:id/lien-thong', { schema: { hide: true, params } }, (request, reply) =>
    page(request, reply, request.params.id, `/one-stop/dossiers/${request.params.id}`),
  );
  app.get(
    '/dossiers/:id/lien-thong/:order/result.pdf',
    { schema: { hide: true, params: resultParams } },
    (request, reply) => result(request, reply, request.params.id, request.params.order),
  );
  app.get(
    '/one-stop/dossiers/:id/lien-thong/:order/result.pdf',
    { schema: { hide: true, params: resultParams } },
    (request, reply) => result(request, reply, request.params.id, request.params.order),
  );
}
