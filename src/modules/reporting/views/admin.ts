/**
 * Administration of regimes: list, create (draft), edit the draft, publish, start a new version.
 * The definition is edited as JSON in a text box (works without JavaScript); errors are listed
 * by field under it.
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  summaryList,
  table,
  tag,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { RegimeVersion } from '../schemas.ts';
import type { ReportingService } from '../service.ts';
import { reportingMessages as m } from './messages.ts';

const statusTone = { draft: 'yellow', published: 'green', retired: 'grey' } as const;
const codeParams = z.object({ code: z.string().max(64) });

function definitionJson(v: RegimeVersion | null): string {
  return JSON.stringify(
    v?.definition ?? {
      title: '',
      reporterScope: { kind: 'all_provinces' },
      frequency: 'monthly',
      indicators: [],
    },
    null,
    2,
  );
}

function fieldErrors(error: unknown): FieldError[] | null {
  if (!(error instanceof AppError) || error.code !== 'REPORTING_REGIME_INVALID') return null;
  const d = error.details as { fields?: { field: string; message: string }[] } | undefined;
  return (d?.fields ?? []).map((f) => ({ field: 'definition', message: `${f.field}: ${f.message}` }));
}

/** Registers /admin/reports/regimes pages. */
export function registerAdminPages(app: App, service: ReportingService): void {
  const { regimes } = service;

  app.get(
    '/admin/reports/regimes',
    { schema: { hide: true, querystring: z.object({}) } },
    async (request, reply) => {
      const l = request.locale;
      const items = await regimes.listRegimes();
      const body = html`<h1>${m.t('regimes', l)}</h1>
        <p>${linkButton(m.t('newRegime', l), '/admin/reports/regimes/new', 'primary')}</p>
        ${table({
          caption: m.t('regimesCaption', l),
          headers: [
            m.t('code', l),
            m.t('title', l),
            m.t('frequency', l),
            m.t('version', l),
            m.t('status', l),
          ],
          rows: items.map((v) => [
            html`<a href="/admin/reports/regimes/${encodeURIComponent(v.code)}">${v.code}</a>`,
            v.definition.title,
            v.definition.frequency,
            String(v.version),
            tag(m.t(`vs_${v.status}`, l), statusTone[v.status]),
          ]),
          empty: m.t('noRegimes', l),
        })}`;
      return renderPage(request, reply, { title: m.t('regimes', l), body });
    },
  );

  function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { code?: string; recipient?: string; definition?: string; errors?: FieldError[] },
  ) {
    const l = request.locale;
    const errors = o.errors ?? [];
    const body = html`<h1>${m.t('newRegime', l)}</h1>
      ${errorSummary(errors, l)}
      ${form({
        action: '/admin/reports/regimes/new',
        csrfToken: reply.generateCsrf(),
        body: html`${input({ name: 'code', label: m.t('code', l), value: o.code ?? '', maxLength: 64, width: 'medium', error: errors.find((e) => e.field === 'code')?.message })}
          ${input({ name: 'recipient', label: m.t('recipient', l), value: o.recipient ?? '', maxLength: 100, error: errors.find((e) => e.field === 'recipient')?.message })}
          <p class="hint">${m.t('definitionHint', l)}</p>
          ${textarea({
            name: 'definition',
            label: m.t('definition', l),
            value: o.definition ?? definitionJson(null),
            rows: 24,
            maxLength: 200_000,
            ...(errors.some((e) => e.field === 'definition')
              ? {
                  error: errors
                    .filter((e) => e.field === 'definition')
                    .map((e) => e.message)
                    .join(' · '),
                }
              : {}),
          })}
          <p>${button(m.t('save', l))}</p>`,
      })}`;
    return renderPage(request, reply, {
      title: m.t('newRegime', l),
      body,
      ...(errors.length ? { status: 400 } : {}),
    });
  }

  app.get(
    '/admin/reports/regimes/new',
    { schema: { hide: true, querystring: z.object({}) } },
    async (request, reply) => newPage(request, reply, {}),
  );

  app.post(
    '/admin/reports/regimes/new',
    {
      schema: {
        hide: true,
        body: z.object({
          code: z.string().max(64),
          recipient: z.string().max(100),
          definition: z.string().max(200_000),
          _csrf: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const l = request.locale;
      let parsed: unknown;
      try {
        parsed = JSON.parse(b.definition);
      } catch {
        return newPage(request, reply, {
          ...b,
          errors: [{ field: 'definition', message: m.t('invalidJson', l) }],
        });
      }
      const recipientId = await service.regimes.resolveAgency(b.recipient.trim());
      if (!recipientId)
        return newPage(request, reply, {
          ...b,
          errors: [{ field: 'recipient', message: m.t('unknownRecipient', l) }],
        });
      try {
        await regimes.createRegime(request.ctx, {
          ...(parsed as object),
          code: b.code.trim(),
          recipientAgencyId: recipientId,
        } as never);
      } catch (error) {
        const errors = fieldErrors(error);
        if (errors) return newPage(request, reply, { ...b, errors });
        throw error;
      }
      return reply.redirect(`/admin/reports/regimes/${encodeURIComponent(b.code.trim())}`, 303);
    },
  );

  async function regimePage(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    o: { definition?: string; errors?: FieldError[] } = {},
  ) {
    const l = request.locale;
    const versions = await regimes.versions(code);
    const draft = versions.find((v) => v.status === 'draft')
      ? await regimes.getVersion(request.ctx, code, 'draft').catch(() => null)
      : null;
    const shown = draft ?? versions.find((v) => v.status === 'published') ?? versions[0]!;
    const d = shown.definition;
    const errors = o.errors ?? [];
    const csrf = reply.generateCsrf();
    const body = html`<h1>${d.title}</h1>
      <p>
        ${tag(m.t(`vs_${shown.status}`, l), statusTone[shown.status])} ${m.t('version', l)} ${shown.version}
      </p>
      <h2>${m.t('elements', l)}</h2>
      ${summaryList([
        [m.t('title', l), d.title],
        [m.t('content', l), d.content || '—'],
        [m.t('reporters', l), d.reporterScope.kind],
        [m.t('recipient', l), shown.recipientAgencyId],
        [m.t('channels', l), d.channels.join(', ')],
        [m.t('deadline', l), m.t('deadlineRule', l, { days: d.deadlineDays })],
        [m.t('frequency', l), d.frequency],
        [
          m.t('window', l),
          m.t('cutoffRule', l, {
            start: d.cutoffStartDay,
            end: d.cutoffStartDay === 1 ? 'cuối' : d.cutoffStartDay - 1,
          }),
        ],
        [m.t('instructions', l), d.instructions || '—'],
      ])}
      ${errorSummary(errors, l)}
      ${
        draft
          ? html`${form({
              action: `/admin/reports/regimes/${encodeURIComponent(code)}/draft`,
              csrfToken: csrf,
              body: html`<p class="hint">${m.t('definitionHint', l)}</p>
                ${textarea({ name: 'definition', label: m.t('definition', l), value: o.definition ?? definitionJson(draft), rows: 24, maxLength: 200_000, ...(errors.length ? { error: errors.map((e) => e.message).join(' · ') } : {}) })}
                <p>${button(m.t('save', l), { variant: 'secondary' })}</p>`,
            })}
            ${form({ action: `/admin/reports/regimes/${encodeURIComponent(code)}/publish`, csrfToken: csrf, body: button(m.t('publish', l)) })}`
          : form({
              action: `/admin/reports/regimes/${encodeURIComponent(code)}/versions`,
              csrfToken: csrf,
              body: button(m.t('newVersion', l), { variant: 'secondary' }),
            })
      }
      ${table({
        caption: m.t('version', l),
        headers: [m.t('version', l), m.t('status', l), ''],
        rows: versions.map((v) => [
          String(v.version),
          tag(m.t(`vs_${v.status}`, l), statusTone[v.status]),
          v.publishedAt ? formatDateTime(v.publishedAt) : '',
        ]),
        empty: '—',
      })}`;
    return renderPage(request, reply, { title: d.title, body, ...(errors.length ? { status: 400 } : {}) });
  }

  app.get(
    '/admin/reports/regimes/:code',
    { schema: { hide: true, params: codeParams } },
    async (request, reply) => regimePage(request, reply, request.params.code),
  );

  app.post(
    '/admin/reports/regimes/:code/draft',
    {
      schema: {
        hide: true,
        params: codeParams,
        body: z.object({ definition: z.string().max(200_000), _csrf: z.string().max(200).optional() }),
      },
    },
    async (request, reply) => {
      const code = request.params.code;
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.body.definition);
      } catch {
        return regimePage(request, reply, code, {
          definition: request.body.definition,
          errors: [{ field: 'definition', message: m.t('invalidJson', request.locale) }],
        });
      }
      try {
        await regimes.updateDraft(request.ctx, code, parsed as never);
      } catch (error) {
        const errors = fieldErrors(error);
        if (errors) return regimePage(request, reply, code, { definition: request.body.definition, errors });
        throw error;
      }
      return reply.redirect(`/admin/reports/regimes/${encodeURIComponent(code)}`, 303);
    },
  );

  for (const [action, run] of [
    ['publish', (r: FastifyRequest, code: string) => regimes.publish(r.ctx, code)],
    ['versions', (r: FastifyRequest, code: string) => regimes.newVersion(r.ctx, code)],
  ] as const) {
    app.post(
      `/admin/reports/regimes/:code/${action}`,
      {
        schema: { hide: true, params: codeParams, body: z.object({ _csrf: z.string().max(200).optional() }) },
      },
      async (request, reply) => {
        await run(request, request.params.code);
        return reply.redirect(`/admin/reports/regimes/${encodeURIComponent(request.params.code)}`, 303);
      },
    );
  }
}
