import { z } from 'zod';
import { formatDate } from '../../../platform/i18n/index.ts';
import type { Locale } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import {
  button,
  form,
  input,
  linkButton,
  pagination,
  select,
  summaryList,
  table,
  tag,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { AgencyNotFound } from '../errors.ts';
import type { FullDirectoryService } from '../index.ts';
import { canEditDirectory } from '../policies.ts';
import { agencyKinds, type AgencyDetail, type AgencySummary } from '../types.ts';
import { registerAdminPages } from './admin-pages.ts';
import { agencyAdminForms } from './admin-forms.ts';
import { m } from './messages.ts';
import { kindLabel, kindOptions } from './options.ts';

type Key = Parameters<typeof m.t>[0];
const date = (d: string | null) => (d ? formatDate(d) : '—');
export const agencyLink = (a: { id: string; name: string }) =>
  html`<a href="/directory/agencies/${a.id}">${a.name}</a>`;
const statusTag = (a: AgencySummary, l: Locale) =>
  a.active ? tag(m.t('active', l), 'green') : tag(m.t('closed', l), 'grey');
const confirmedTag = (c: { confirmed: boolean }, l: Locale) =>
  c.confirmed ? tag(m.t('confirmed', l), 'blue') : tag(m.t('unconfirmed', l), 'yellow');

const searchPageQuery = z.object({
  q: z.string().max(200).optional(),
  kind: z.string().max(40).optional(),
  status: z.enum(['active', 'closed', 'all', '']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

function detailBody(d: AgencyDetail, l: Locale, admin: SafeHtml | ''): SafeHtml {
  const list = (xs: AgencySummary[]) =>
    xs.length === 0
      ? m.t('none', l)
      : html`<ul>
          ${xs.map((x) => html`<li>${agencyLink(x)} ${statusTag(x, l)}</li>`)}
        </ul>`;
  return html`<h1>${d.name}</h1>
    ${summaryList([
      [m.t('shortName', l), d.shortName ?? '—'],
      [m.t('kind', l), kindLabel(d.kind, l)],
      [m.t('level', l), String(d.level)],
      [m.t('status', l), statusTag(d, l)],
      [m.t('validFrom', l), date(d.validFrom)],
      [m.t('validTo', l), date(d.validTo)],
      [m.t('parent', l), d.parent ? agencyLink(d.parent) : '—'],
      [m.t('predecessors', l), list(d.predecessors)],
      [m.t('successors', l), list(d.successors)],
    ])}
    <h2>${m.t('codesHistory', l)}</h2>
    ${table({
      caption: m.t('codesHistory', l),
      headers: [
        m.t('scheme', l),
        m.t('code', l),
        m.t('validFrom', l),
        m.t('validTo', l),
        m.t('confirmed', l),
        m.t('note', l),
      ],
      rows: d.codes.map((c) => [
        c.scheme,
        html`<code>${c.code}</code>`,
        date(c.validFrom),
        date(c.validTo),
        confirmedTag(c, l),
        c.note ?? '',
      ]),
      empty: m.t('none', l),
    })}
    <h2>${m.t('namesHistory', l)}</h2>
    ${table({
      caption: m.t('namesHistory', l),
      headers: [m.t('name', l), m.t('shortName', l), m.t('validFrom', l), m.t('validTo', l)],
      rows: d.names.map((n) => [n.name, n.shortName ?? '', date(n.validFrom), date(n.validTo)]),
      empty: m.t('none', l),
    })}
    <h2>${m.t('events', l)}</h2>
    ${table({
      caption: m.t('events', l),
      headers: [m.t('effectiveOn', l), m.t('eventKind', l), m.t('agencies', l), m.t('legalBasis', l)],
      rows: d.events.map((e) => [
        date(e.effectiveOn),
        m.t(`event_${e.kind}` as Key, l),
        html`<ul>
          ${e.agencies.map(
            (a) =>
              html`<li>
                ${agencyLink({ id: a.agencyId, name: a.name })}
                (${m.t(`role_${a.role}` as Key, l)}${a.isDefault && e.kind === 'split' ? `, ${m.t('defaultSuccessorTag', l)}` : ''})
              </li>`,
          )}
        </ul>`,
        e.legalBasis ?? '',
      ]),
      empty: m.t('none', l),
    })}
    <h2>${m.t('children', l)}</h2>
    ${table({
      caption: m.t('children', l),
      headers: [m.t('name', l), m.t('kind', l), m.t('status', l)],
      rows: d.children.map((c) => [agencyLink(c), kindLabel(c.kind, l), statusTag(c, l)]),
      empty: m.t('none', l),
    })}
    ${admin}`;
}

/** The directory's pages: public search and agency view; administrators' forms. */
export function registerDirectoryPages(app: App, service: FullDirectoryService): void {
  app.get('/directory', { schema: { hide: true, querystring: searchPageQuery } }, async (request, reply) => {
    const l = request.locale;
    const q = request.query;
    const kind = (agencyKinds as readonly string[]).includes(q.kind ?? '') ? q.kind : undefined;
    const result = await service.search({
      q: q.q,
      kind,
      status: q.status || 'all',
      page: q.page,
      pageSize: 20,
    });
    const admin = canEditDirectory(request.ctx.actor);
    const body = html`<h1>${m.t('title', l)}</h1>
      <p class="lead">${m.t('lead', l)}</p>
      ${form({
        action: '/directory',
        method: 'get',
        csrfToken: '',
        label: m.t('search', l),
        body: html`<div class="search-form">
          ${input({ name: 'q', label: m.t('query', l), hint: m.t('queryHint', l), value: q.q ?? '', type: 'search', maxLength: 200 })}
          ${select({ name: 'kind', label: m.t('kind', l), value: kind ?? '', includeEmpty: m.t('any', l), options: kindOptions(l) })}
          ${select({
            name: 'status',
            label: m.t('status', l),
            value: q.status ?? '',
            includeEmpty: m.t('any', l),
            options: [
              { value: 'active', label: m.t('statusActive', l) },
              { value: 'closed', label: m.t('statusClosed', l) },
            ],
          })}
          ${button(m.t('search', l))}
        </div>`,
      })}
      <p>
        ${linkButton(m.t('export', l), '/api/v1/directory/export')}
        ${
          admin
            ? html`${linkButton(m.t('create', l), '/directory/new')}
              ${linkButton(m.t('mergeTitle', l), '/directory/events/merge')}
              ${linkButton(m.t('splitTitle', l), '/directory/events/split')}
              ${linkButton(m.t('importTitle', l), '/directory/import')}`
            : ''
        }
      </p>
      ${table({
        caption: m.t('results', l),
        headers: [m.t('name', l), m.t('codes', l), m.t('kind', l), m.t('status', l)],
        rows: result.items.map((a) => [
          agencyLink(a),
          html`${a.codes.map((c) => html`<code>${c.code}</code> `)}`,
          kindLabel(a.kind, l),
          statusTag(a, l),
        ]),
        empty: m.t('noResults', l),
      })}
      ${pagination({ page: result.page, hasNext: result.hasNext, baseUrl: '/directory', query: { q: q.q, kind, status: q.status }, locale: l })}`;
    return reply.send(renderPage(request, reply, { title: m.t('title', l), body }));
  });

  app.get(
    '/directory/agencies/:id',
    {
      schema: {
        hide: true,
        params: z.object({ id: z.string().max(100) }),
        querystring: z.object({ done: z.string().max(20).optional() }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const d = await service.getAgencyDetail(request.params.id);
      if (!d) throw AgencyNotFound();
      const admin = canEditDirectory(request.ctx.actor)
        ? agencyAdminForms(d, l, reply.generateCsrf(), {})
        : '';
      const body = html`${request.query.done ? html`<div class="notice notice--success" role="status">${m.t('saved', l)}</div>` : ''}${detailBody(d, l, admin)}`;
      return reply.send(
        renderPage(request, reply, {
          title: d.name,
          body,
          crumbs: [{ href: '/directory', label: m.t('title', l) }, { label: d.name }],
        }),
      );
    },
  );

  registerAdminPages(app, service, detailBody);
}
export type DetailRenderer = typeof detailBody;
