// Pages without JavaScript: /one-stop/stats (statistics with the QĐ 766 index groups) and
// /one-stop/register (form 07, paged, with filters); both link to their Excel and PDF exports.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { format, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  checkboxes,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  pagination,
  select,
  table,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { dossierChannels } from '../tables.ts';
import { indexCells, registerCells, registerHeaders, statsCells, statsHeaders } from './exports.ts';
import { sm } from './messages.ts';
import { groupHeader, labelled } from './routes.ts';
import { registerQuery, statsQuery } from './schemas.ts';
import type { StatsService } from './service.ts';

type Query = Record<string, string | number | boolean | undefined>;

function queryString(q: Query, drop: string[] = []): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q))
    if (v !== undefined && v !== '' && v !== false && !drop.includes(k))
      p.set(k, v === true ? '1' : String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const channelOptions = (l: Locale) => dossierChannels.map((c) => ({ value: c, label: sm.t(c, l) }));

function periodFields(q: Query, l: Locale, error?: string): SafeHtml {
  return html`${input({ name: 'period', label: sm.t('period', l), hint: sm.t('periodHint', l), value: (q['period'] as string | undefined) ?? '', maxLength: 7, width: 'short', error })}
  ${input({ name: 'from', label: sm.t('from', l), type: 'date', value: (q['from'] as string | undefined) ?? '', width: 'medium' })}
  ${input({ name: 'to', label: sm.t('to', l), type: 'date', value: (q['to'] as string | undefined) ?? '', width: 'medium' })}`;
}

/** The period error as a field error; anything else is thrown on. */
function periodError(error: unknown, l: Locale): FieldError[] {
  if (error instanceof AppError && error.code === 'DOSSIER_STATS_PERIOD_INVALID')
    return [{ field: 'period', message: format(error.text, l) }];
  throw error;
}

function exportLinks(base: string, q: Query, l: Locale): SafeHtml {
  const qs = queryString(q, ['page', 'pageSize']);
  return html`<p>
    ${linkButton(sm.t('exportExcel', l), `${base}/export.xlsx${qs}`)}
    ${linkButton(sm.t('exportPdf', l), `${base}/export.pdf${qs}`)}
  </p>`;
}

/** A page with its filter form (period, procedure, channel and the page's own fields) above `body`. */
function filterPage(
  request: FastifyRequest,
  reply: FastifyReply,
  o: {
    title: string;
    action: string;
    q: {
      procedureCode?: string | undefined;
      channel?: string | undefined;
      agencyId?: string | undefined;
    } & Query;
    errors: FieldError[];
    before?: SafeHtml;
    after: SafeHtml;
    body: SafeHtml;
  },
): string {
  const l = request.locale;
  const q = o.q;
  return renderPage(request, reply, {
    title: o.title,
    status: o.errors.length ? 400 : 200,
    body: html`<h1>${o.title}</h1>
      ${errorSummary(o.errors, l)}
      ${form({
        action: o.action,
        method: 'get',
        csrfToken: '',
        label: o.title,
        body: html`${periodFields(q, l, o.errors[0]?.message)} ${o.before ?? ''}
          ${input({ name: 'procedureCode', label: sm.t('procedureCode', l), value: q.procedureCode ?? '', maxLength: 100, width: 'medium' })}
          ${select({ name: 'channel', label: sm.t('channel', l), options: channelOptions(l), value: q.channel ?? '', includeEmpty: sm.t('anyChannel', l) })}
          ${o.after} ${q.agencyId ? html`<input type="hidden" name="agencyId" value="${q.agencyId}" />` : ''}
          <p>${button(sm.t('show', l))}</p>`,
      })}
      ${o.body}`,
  });
}

/** Registers the statistics and register pages. */
export function registerStatsPages(app: App, service: StatsService): void {
  app.get('/one-stop/stats', { schema: { hide: true, querystring: statsQuery } }, async (request, reply) => {
    const l = request.locale;
    const q = request.query;
    const title = sm.t('statsTitle', l);
    let errors: FieldError[] = [];
    let body: SafeHtml = html``;
    try {
      const r = labelled(await service.statistics(request.ctx, q), l);
      const first = groupHeader(r, l);
      body = html`<p>
          ${sm.t('agency', l)}: <strong>${r.agency?.name ?? sm.t('allAgencies', l)}</strong>
          ${r.units ? html`(${sm.t('withUnits', l)})` : ''} — ${sm.t('period', l)}:
          <strong>${format(r.period.label, l)}</strong>
        </p>
        ${exportLinks('/one-stop/stats', q, l)}
        ${
          r.rows.length === 0 && r.total.inProgress === 0
            ? html`<p class="empty">${sm.t('noData', l)}</p>`
            : table({
                caption: title,
                headers: statsHeaders(l, first || sm.t('total', l)),
                rows: [
                  ...r.rows.map((row) => statsCells(row, row.label, l)),
                  statsCells(r.total, sm.t('total', l), l).map((c) => html`<strong>${c}</strong>`),
                ],
                empty: sm.t('noData', l),
              })
        }
        <h2>${sm.t('indexTitle', l)}</h2>
        ${table({
          caption: sm.t('indexTitle', l),
          headers: [sm.t('indexGroup', l), sm.t('points', l), sm.t('basis', l)],
          rows: r.index.map((g) => indexCells(g, l)),
          empty: '—',
        })}
        ${notice(sm.t('indexNote', l))}`;
    } catch (error) {
      errors = periodError(error, l);
    }
    return filterPage(request, reply, {
      title,
      action: '/one-stop/stats',
      q,
      errors,
      after: html`${select({
        name: 'groupBy',
        label: sm.t('groupBy', l),
        value: q.groupBy ?? 'procedure',
        options: [
          { value: 'procedure', label: sm.t('byProcedure', l) },
          { value: 'agency', label: sm.t('byAgency', l) },
          { value: 'channel', label: sm.t('byChannel', l) },
          { value: 'month', label: sm.t('byMonth', l) },
        ],
      })}
      ${checkboxes({ name: 'units', legend: sm.t('agency', l), options: [{ value: '1', label: sm.t('withUnits', l) }], checked: q.units ? ['1'] : [] })}`,
      body,
    });
  });

  app.get(
    '/one-stop/register',
    { schema: { hide: true, querystring: registerQuery } },
    async (
      request: FastifyRequest<{ Querystring: (typeof registerQuery)['_output'] }>,
      reply: FastifyReply,
    ) => {
      const l = request.locale;
      const q = request.query;
      const title = sm.t('registerTitle', l);
      let errors: FieldError[] = [];
      let body: SafeHtml = html``;
      try {
        const r = await service.register(request.ctx, q);
        body = html`<p>
            ${sm.t('agency', l)}: <strong>${r.agency.name}</strong> — ${sm.t('period', l)}:
            <strong>${format(r.period.label, l)}</strong>
          </p>
          ${exportLinks('/one-stop/register', q, l)}
          ${table({
            caption: `${title} (${sm.t('registerForm', l)})`,
            headers: registerHeaders(l),
            rows: r.entries.map((e) => {
              const cells: (string | SafeHtml)[] = registerCells(e, l);
              cells[1] = html`<a href="/one-stop/dossiers/${e.id}">${e.code}</a>`;
              return cells;
            }),
            empty: sm.t('noData', l),
          })}
          ${pagination({
            page: r.page,
            hasNext: r.hasNext,
            baseUrl: '/one-stop/register',
            query: Object.fromEntries(
              Object.entries(q).map(([k, v]) => [k, v === undefined ? undefined : String(v)]),
            ),
            locale: l,
          })}`;
      } catch (error) {
        errors = periodError(error, l);
      }
      return filterPage(request, reply, {
        title,
        action: '/one-stop/register',
        q,
        errors,
        before: input({
          name: 'q',
          label: sm.t('search', l),
          value: q.q ?? '',
          maxLength: 100,
          type: 'search',
        }),
        after: html`${select({
          name: 'group',
          label: sm.t('group', l),
          value: q.group ?? '',
          includeEmpty: sm.t('anyGroup', l),
          options: [
            { value: 'open', label: sm.t('open', l) },
            { value: 'finished', label: sm.t('finished', l) },
            { value: 'closed', label: sm.t('closed', l) },
          ],
        })}
        ${select({
          name: 'timeliness',
          label: sm.t('timeliness', l),
          value: q.timeliness ?? '',
          includeEmpty: sm.t('anyTimeliness', l),
          options: (['early', 'on_time', 'late', 'overdue'] as const).map((v) => ({
            value: v,
            label: sm.t(v, l),
          })),
        })}`,
        body,
      });
    },
  );
}
