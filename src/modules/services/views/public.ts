import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatNumber, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  form,
  linkButton,
  input,
  notice,
  pagination,
  select,
  summaryList,
  table,
  tag,
} from '../../../platform/pages/components.ts';
import { html, type HtmlValue, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { createPublishedCache } from '../cache.ts';
import { ProcedureNotFound } from '../errors.ts';
import { feeHasRule } from '../fees.ts';
import { listFields } from '../form/definition.ts';
import { codeParams, type LinkedSetContent, type ProcedureContent } from '../schemas.ts';
import type { PublishedProcedure, ServicesService } from '../service.ts';
import { feeRuleText } from './fees.ts';
import { fieldLabel } from './form-render.ts';
import { m } from './messages.ts';

const searchQuery = z.object({
  q: z.string().max(200).optional(),
  sector: z.string().max(50).optional(),
  page: z.coerce.number().int().min(1).max(500).optional(),
  lang: z.string().max(5).optional(),
});

/** The service-level tag of a procedure. */
export function levelTag(level: ProcedureContent['level']['decree42'], l: Locale): SafeHtml {
  return tag(
    m.t(`level_${level}`, l),
    level === 'toan_trinh' ? 'green' : level === 'mot_phan' ? 'blue' : 'grey',
  );
}

function money(amount: number, l: Locale): string {
  return amount === 0 ? m.t('free', l) : m.t('vnd', l, { amount: formatNumber(amount, l) });
}

function timeLimit(c: ProcedureContent, l: Locale): string {
  const parts: string[] = [];
  if (c.timeLimit.workingDays > 0) parts.push(m.t('workingDays', l, { days: c.timeLimit.workingDays }));
  if (c.timeLimit.hours) parts.push(m.t('workingHours', l, { hours: c.timeLimit.hours }));
  if (parts.length === 0) parts.push(m.t('sameDay', l));
  return [parts.join(' '), c.timeLimit.note].filter(Boolean).join(' — ');
}

/** Everything a citizen needs before starting, from one published version. */
export function procedureBody(
  p: PublishedProcedure,
  l: Locale,
  linked: readonly LinkedSetContent[],
): SafeHtml {
  const c = p.version.content;
  const papers = table({
    caption: m.t('papers', l),
    headers: [
      m.t('paper', l),
      m.t('copyKind', l),
      m.t('count', l),
      m.t('requirement', l),
      m.t('template', l),
    ],
    rows: c.papers.map((paper) => [
      paper.name,
      m.t(`copy_${paper.copyKind}`, l),
      paper.count,
      paper.requirement === 'required'
        ? m.t('req_required', l)
        : m.t('req_conditional', l, { condition: paper.condition ?? '' }),
      paper.template
        ? html`<a
            href="/services/${c.code}/papers/${paper.key}/template"
            download
            aria-label="${m.t('downloadLabel', l, { name: paper.name })}"
            >${m.t('download', l)}</a
          >`
        : m.t('noTemplate', l),
    ]),
    empty: '—',
  });
  const fees =
    c.fees.length === 0
      ? html`<p>${m.t('noFee', l)}</p>`
      : table({
          caption: m.t('fees', l),
          headers: [m.t('feeName', l), m.t('feeKind', l), m.t('amount', l), m.t('condition', l)],
          rows: c.fees.map((f) => [
            f.name,
            m.t(`fee_${f.kind}`, l),
            f.perUnit ? `${money(f.amount, l)} / 1` : money(f.amount, l),
            [f.condition, feeHasRule(f) ? feeRuleText(f, c.form, l) : ''].filter(Boolean).join(' — '),
          ]),
          empty: '—',
        });
  const fields = listFields(c.form).filter((x) => x.field.type !== 'group' || x.field.repeatable);
  const formTable = table({
    caption: m.t('formFields', l),
    headers: [m.t('fieldLabel', l), m.t('fieldType', l), m.t('fieldRequired', l)],
    rows: fields.map(({ field: f, depth }) => [
      html`<span class="indent-${depth}">${depth > 1 ? '↳ ' : ''}${fieldLabel(f, l)}</span>${
          f.repeatable
            ? html` <small
                >(${m.t('repeatable', l, { min: f.minItems ?? 0, max: f.maxItems ?? 100 })})</small
              >`
            : ''
        }`,
      m.t(`type_${f.type}`, l),
      f.required ? m.t('yes', l) : m.t('no', l),
    ]),
    empty: '—',
  });
  const sets = linked.filter((s) => s.parts.some((part) => part.procedureCode === c.code));
  return html`<p class="lead">
      ${c.sector.name} · ${m.t('code', l)} ${c.code} ${levelTag(c.level.decree42, l)}
    </p>
    ${c.codeConfirmed ? '' : notice(m.t('unconfirmedCode', l))}
    ${summaryList([
      [m.t('applicants', l), c.applicants.map((a) => m.t(`applicant_${a}`, l)).join(', ')],
      [m.t('agency', l), c.agencies.description],
      [m.t('where', l), c.where],
      [m.t('channels', l), c.channels.map((ch) => m.t(`channel_${ch}`, l)).join('; ')],
      [m.t('timeLimit', l), timeLimit(c, l)],
      [
        m.t('level', l),
        html`${m.t(`level_${c.level.decree42}`, l)}${c.level.legacy ? ` (${m.t('legacyLevel', l, { level: c.level.legacy })})` : ''}`,
      ],
      [m.t('result', l), `${c.result.name} (${m.t(`result_${c.result.type}`, l)})`],
    ])}
    <h2>${m.t('papers', l)}</h2>
    ${papers}
    <h2>${m.t('fees', l)}</h2>
    ${fees} ${c.feeNote ? html`<p>${c.feeNote}</p>` : ''}
    ${
      c.steps.length > 0
        ? html`<h2>${m.t('steps', l)}</h2>
            <ol>
              ${c.steps.map((s) => html`<li>${s}</li>`)}
            </ol>`
        : ''
    }
    <h2>${m.t('formFields', l)}</h2>
    ${formTable}
    ${sets.map(
      (s) =>
        html`<h2>${m.t('linkedSets', l)}: ${s.name}</h2>
          <p>${s.description}</p>
          <ol>
            ${s.parts.map((part) => html`<li>${m.t('linkedPart', l, { order: part.order, agency: part.agencyDescription, days: part.workingDays })}: ${part.result}</li>`)}
          </ol>
          <p>${m.t('linkedTotal', l, { days: s.workingDays })}</p>`,
    )}
    <h2>${m.t('legalBasis', l)}</h2>
    <ul>
      ${c.legalBasis.map((d) => html`<li>${d.number}: ${d.title}${d.issuedOn ? ` (${formatDate(d.issuedOn)})` : ''}</li>`)}
    </ul>
    ${
      c.note
        ? html`<h2>${m.t('note', l)}</h2>
            <p>${c.note}</p>`
        : ''
    }
    <p class="hint">
      ${m.t('version', l, { number: p.version.number, date: p.version.publishedAt ? formatDate(p.version.publishedAt) : '' })}
    </p>`;
}

/** The public pages: `/services` (search and sector filter) and `/services/:code` (the procedure). */
export function registerPublicPages(app: App, service: ServicesService): void {
  // Rendered bodies by version and language: a new version has a new id, so nothing goes stale.
  const bodies = createPublishedCache<{ html: SafeHtml }>({ max: 2000, ttlMs: 10 * 60_000 });
  // Kept as UTF-8 bytes: encoding a 50 KB Vietnamese page on every answer was most of its cost.
  const pages = createPublishedCache<{ bytes: Buffer }>({ max: 2000, ttlMs: 10 * 60_000 });

  app.get('/services', { schema: { hide: true, querystring: searchQuery } }, async (request, reply) => {
    const l = request.locale;
    const q = request.query;
    const [result, sectors] = await Promise.all([
      service.search({ q: q.q, sector: q.sector, page: q.page }),
      service.sectors(),
    ]);
    const body = html`<h1>${m.t('title', l)}</h1>
      <p class="lead">${m.t('lead', l)}</p>
      ${form({
        action: '/services',
        method: 'get',
        csrfToken: '',
        label: m.t('search', l),
        body: html`${input({ name: 'q', label: m.t('query', l), type: 'search', value: q.q, hint: m.t('queryHint', l), maxLength: 200 })}
        ${select({
          name: 'sector',
          label: m.t('sector', l),
          value: q.sector ?? '',
          includeEmpty: m.t('allSectors', l),
          options: sectors.map((s) => ({ value: s.code, label: `${s.name} (${s.count})` })),
        })}
        ${button(m.t('search', l))}`,
      })}
      <h2>${m.t('results', l)}</h2>
      ${table({
        caption: m.t('results', l),
        headers: [m.t('name', l), m.t('sector', l), m.t('level', l), m.t('code', l)],
        rows: result.items.map((hit): HtmlValue[] => [
          html`<a href="/services/${hit.code}">${hit.name}</a>`,
          hit.sector.name,
          levelTag(hit.serviceLevel, l),
          hit.code,
        ]),
        empty: m.t('noResults', l),
      })}
      ${pagination({ page: result.page, hasNext: result.hasNext, baseUrl: '/services', query: { q: q.q, sector: q.sector }, locale: l })}`;
    return reply.send(renderPage(request, reply, { title: m.t('title', l), body }));
  });

  app.get('/services/:code', { schema: { hide: true, params: codeParams } }, async (request, reply) => {
    const l = request.locale;
    const p = await service.getPublished(request.params.code);
    if (!p) throw ProcedureNotFound();
    // An anonymous visitor's page depends only on the version, the language and the URL
    // (no account area, no form token), so the whole page is kept; others get the body.
    const pageKey =
      request.ctx.actor.kind === 'anonymous' && request.url.length <= 200
        ? `${p.version.id}:${l}:${request.url}`
        : null;
    const whole = pageKey ? pages.get(pageKey) : undefined;
    if (whole) return reply.type('text/html; charset=utf-8').send(whole.bytes);
    const key = `${p.version.id}:${l}`;
    let cached = bodies.get(key);
    if (!cached) {
      cached = { html: procedureBody(p, l, await service.linkedSets()) };
      bodies.set(key, cached);
    }
    const rendered = renderPage(request, reply, {
      title: p.version.content.name,
      body: html`<h1>${p.version.content.name}</h1>
        ${
          p.version.content.channels.includes('online')
            ? linkButton(
                m.t('fileOnline', l),
                `/dossiers/new?procedure=${encodeURIComponent(p.procedure.code)}`,
                'primary',
              )
            : ''
        }
        ${cached.html}`,
      crumbs: [{ href: '/services', label: m.t('nav', l) }, { label: p.version.content.name }],
    });
    if (!pageKey) return reply.send(rendered);
    const bytes = Buffer.from(rendered, 'utf8');
    pages.set(pageKey, { bytes });
    return reply.type('text/html; charset=utf-8').send(bytes);
  });
}
