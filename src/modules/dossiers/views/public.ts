// Public pages: lookup by code and the receipt's key (status, and the papers for an applicant
// without an account), and statistics.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatNumber } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  summaryList,
  table,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type HtmlValue } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { DossierService } from '../service.ts';
import { refusal } from './filing.ts';
import { statusTag } from './follow.ts';
import { bm } from './messages-backoffice.ts';
import { dm } from './messages.ts';
import { tablePage } from './multipart.ts';
import { paperName } from './one-stop-intake.ts';
import { contentDisposition } from '../../../platform/http/download.ts';

/** What a lookup posts: the dossier's code and its key (form 01). */
const lookupBody = z.object({
  code: z.string().max(100).default(''),
  secret: z.string().max(40).default(''),
  _csrf: z.string().optional(),
});
const rateLimited = { rateLimit: { max: 30, timeWindow: '1 minute' } };

export function registerPublicPages(app: App, service: DossierService): void {
  function lookupPage(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { code?: string; result?: HtmlValue; errors?: FieldError[] } = {},
  ) {
    const l = request.locale;
    const title = dm.t('lookupTitle', l);
    const errors = o.errors ?? [];
    return renderPage(request, reply, {
      title,
      status: errors.length ? 404 : 200,
      body: html`<h1>${title}</h1>
        ${errorSummary(errors, l)} ${o.result ?? ''}
        ${form({
          action: '/tra-cuu',
          csrfToken: reply.generateCsrf(),
          label: title,
          body: html`${input({ name: 'code', label: dm.t('code', l), value: o.code ?? '', maxLength: 100, error: errors[0]?.message })}
            ${input({ name: 'secret', label: dm.t('lookupSecret', l), maxLength: 40, autocomplete: 'off' })}
            <p>${button(dm.t('lookup', l))}</p>`,
        })}`,
    });
  }

  app.get('/tra-cuu', { schema: { hide: true } }, (request, reply) => lookupPage(request, reply));

  app.post(
    '/tra-cuu',
    { config: rateLimited, schema: { hide: true, body: lookupBody } },
    async (request, reply) => {
      const l = request.locale;
      const { code, secret } = request.body;
      try {
        const r = await service.lookup(code, secret);
        const { versionId, papers } = await service.lookupPapers(code, secret);
        const version = await service.versionOf(versionId);
        const csrf = reply.generateCsrf();
        // The papers, each a small form (the key travels in the body, never in a link).
        const download = (paperId: string, fileName: string) =>
          form({
            action: '/tra-cuu/giay-to',
            csrfToken: csrf,
            label: bm.t('downloadFile', l, { name: fileName }),
            body: html`<input type="hidden" name="code" value="${r.code}" />
              <input type="hidden" name="secret" value="${secret}" />
              <input type="hidden" name="paperId" value="${paperId}" />
              ${button(bm.t('downloadFile', l, { name: fileName }), { variant: 'secondary' })}`,
          });
        return lookupPage(request, reply, {
          code,
          result: html`${summaryList([
            [dm.t('code', l), r.code],
            [dm.t('procedure', l), r.procedureName],
            [dm.t('agency', l), r.agencyName],
            [dm.t('status', l), statusTag(r, l)],
            [dm.t('dueDate', l), r.dueAt ? formatDate(r.dueAt) : '—'],
          ])}
          ${
            papers.length
              ? table({
                  caption: dm.t('papers', l),
                  headers: [dm.t('paper', l), dm.t('file', l)],
                  rows: papers.map((p) => [paperName(version, p.paperKey, l), download(p.id, p.fileName)]),
                  empty: '—',
                })
              : ''
          }`,
        });
      } catch (error) {
        return lookupPage(request, reply, { code, errors: [{ field: 'code', message: refusal(error, l) }] });
      }
    },
  );

  app.post(
    '/tra-cuu/giay-to',
    { config: rateLimited, schema: { hide: true, body: lookupBody.extend({ paperId: z.uuid() }) } },
    async (request, reply) => {
      const { code, secret, paperId } = request.body;
      try {
        const f = await service.lookupPaperFile(code, secret, paperId);
        reply.header('content-disposition', contentDisposition(f.fileName));
        return reply.type(f.mediaType).send(f.bytes);
      } catch (error) {
        const message = refusal(error, request.locale);
        return lookupPage(request, reply, { code, errors: [{ field: 'code', message }] });
      }
    },
  );

  app.get(
    '/stats',
    {
      schema: {
        hide: true,
        querystring: z.object({
          agencyId: z.uuid().optional(),
          procedureCode: z.string().max(100).optional(),
        }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const rows = await service.statistics(request.query);
      const title = dm.t('statsTitle', l);
      const pct = (v: number | null) =>
        v === null ? '—' : `${formatNumber(Math.round(v * 1000) / 10, l)} %`;
      return tablePage(request, reply, {
        title,
        headers: [
          dm.t('agency', l),
          dm.t('procedure', l),
          dm.t('received', l),
          dm.t('completed', l),
          dm.t('onTimeRate', l),
          dm.t('satisfaction', l),
        ],
        rows: rows.map((r) => [
          r.agencyName,
          r.procedureName,
          formatNumber(r.received, l),
          formatNumber(r.completed, l),
          pct(r.onTimeRate),
          r.averageRating === null ? '—' : `${formatNumber(r.averageRating, l)}/5 (${r.ratings})`,
        ]),
        empty: dm.t('noStats', l),
      });
    },
  );
}
