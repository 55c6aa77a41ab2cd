/**
 * The Excel channel over HTTP: the API (template download; upload of the .xlsx as the raw body)
 * and the page `/reports/excel` (download link and an upload form that works without
 * JavaScript: the browser posts multipart/form-data, read by the kernel's bounded reader).
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../../platform/errors.ts';
import { parseMultipartBody } from '../../../platform/http/multipart.ts';
import type { App } from '../../../platform/http/types.ts';
import { button, errorSummary, form, linkButton, notice, table } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { MAX_XLSX_BYTES, XLSX_TYPE } from '../excel.ts';
import { periodLabel } from '../periods.ts';
import { submissionSchema } from '../schemas.ts';
import type { ReportingService } from '../service.ts';
import { reportingMessages as m } from './messages.ts';

const tags = ['reporting'];
const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const templateQuery = z.object({
  regime: z.string().max(64),
  period: z.string().max(20),
  unit: z.uuid().optional(),
});
const pageBody = z.object({
  regime: z.string().max(64),
  period: z.string().max(20),
  unit: z
    .uuid()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  action: z.enum(['save', 'submit']).default('submit'),
  _csrf: z.string().max(200).optional(),
  file: z.instanceof(Buffer).nullable(),
});

interface Problem {
  cell: string;
  field: string;
  message: string;
}

function problemsOf(error: unknown): Problem[] | null {
  if (error instanceof AppError && error.code === 'REPORTING_EXCEL_INVALID')
    return (error.details as { problems: Problem[] }).problems;
  return null;
}

/** Registers the Excel API routes and the upload page. */
export async function registerExcelRoutes(app: App, service: ReportingService): Promise<void> {
  const { excel } = service;
  const templateUrl = (q: { regime: string; period: string; unit?: string | undefined }) =>
    `/api/v1/reporting/excel/template?regime=${encodeURIComponent(q.regime)}&period=${encodeURIComponent(q.period)}${q.unit ? `&unit=${q.unit}` : ''}`;

  app.get(
    '/api/v1/reporting/excel/template',
    {
      schema: {
        tags,
        security,
        summary: 'The Excel template of a regime × period × unit, filled with the latest values',
        querystring: templateQuery,
        produces: [XLSX_TYPE],
      },
    },
    async (request, reply) => {
      const t = await excel.template(request.ctx, request.query);
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename="${t.filename}"`)
        .send(t.bytes);
    },
  );

  await app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(
      XLSX_TYPE,
      { parseAs: 'buffer', bodyLimit: MAX_XLSX_BYTES },
      (_r, body, next) => next(null, body),
    );
    // The page's form: a few short fields and one file (the kernel's bounded multipart reader).
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit: MAX_XLSX_BYTES + 16_384 },
      (request, body, next) => {
        parseMultipartBody(body as Buffer, request.headers['content-type'], {
          maxParts: 12,
          maxFieldBytes: 1024,
          maxFiles: 1,
          maxFileBytes: MAX_XLSX_BYTES,
        }).then(
          ({ fields, files }) =>
            next(null, { ...fields, file: files.find((f) => f.field === 'file')?.data ?? null }),
          (error: Error) => next(error),
        );
      },
    );

    scope.post(
      '/api/v1/reporting/excel',
      {
        bodyLimit: MAX_XLSX_BYTES,
        schema: {
          tags,
          security,
          summary: 'Upload a filled Excel template (the .xlsx as the body; up to 2 MB)',
          description:
            'All or nothing: any invalid value refuses the file with 400 REPORTING_EXCEL_INVALID and ' +
            '`details.problems[{ cell, field, message, messages }]`, one per cell (e.g. "C7"). ' +
            'A template of another regime version, period or unit is 409 REPORTING_EXCEL_MISMATCH.',
          consumes: [XLSX_TYPE],
          querystring: z.object({ submit: z.enum(['true', 'false']).default('true') }),
          body: z.instanceof(Buffer),
          response: { 200: submissionSchema },
        },
      },
      async (request) => excel.upload(request.ctx, request.body, { submit: request.query.submit === 'true' }),
    );

    scope.post(
      '/reports/excel',
      { bodyLimit: MAX_XLSX_BYTES + 16_384, schema: { hide: true, body: pageBody } },
      async (request, reply) => {
        const b = request.body;
        const q = { regime: b.regime, period: b.period, unit: b.unit };
        if (!b.file)
          return renderUpload(request, reply, q, {
            status: 400,
            problems: [{ cell: '', field: 'file', message: m.t('chooseFile', request.locale) }],
          });
        try {
          const s = await excel.upload(request.ctx, b.file, {
            submit: b.action === 'submit',
            expect: { regime: b.regime, period: b.period, ...(b.unit ? { unit: b.unit } : {}) },
          });
          const unit = `&unit=${s.agencyId}`;
          return reply.redirect(
            `/reports/form?regime=${encodeURIComponent(s.regimeCode)}&period=${s.periodKey}${unit}&done=${b.action === 'submit' ? 'submitted' : 'saved'}`,
            303,
          );
        } catch (error) {
          const problems = problemsOf(error);
          if (problems) return renderUpload(request, reply, q, { status: 400, problems });
          if (error instanceof AppError && error.status < 500 && error.status !== 404)
            return renderUpload(request, reply, q, {
              status: error.status,
              problems: [{ cell: '', field: 'file', message: error.message }],
            });
          throw error;
        }
      },
    );
    done();
  });

  function renderUpload(
    request: FastifyRequest,
    reply: FastifyReply,
    q: { regime: string; period: string; unit?: string | undefined },
    o: { status?: number; problems?: Problem[] } = {},
  ) {
    const l = request.locale;
    const title = m.t('excelTitle', l, { regime: q.regime, period: periodLabel(q.period, l) });
    const problems = o.problems ?? [];
    const cells = problems.filter((p) => p.cell);
    const body = html`<h1>${title}</h1>
      ${errorSummary(
        problems.length > 0
          ? [{ field: 'file', message: m.t('excelRefused', l, { count: problems.length }) }]
          : [],
        l,
      )}
      ${
        cells.length > 0
          ? table({
              caption: m.t('excelReport', l),
              headers: [m.t('cell', l), m.t('code', l), m.t('problem', l)],
              rows: cells.map((p) => [p.cell, p.field, p.message]),
              empty: '—',
            })
          : problems.map((p) => notice(p.message, 'warning'))
      }
      <p>${m.t('excelSteps', l)}</p>
      <p>${linkButton(m.t('downloadTemplate', l), templateUrl(q))}</p>
      ${form({
        action: '/reports/excel',
        csrfToken: reply.generateCsrf(),
        enctype: 'multipart/form-data',
        label: title,
        body: html`<input type="hidden" name="regime" value="${q.regime}" />
          <input type="hidden" name="period" value="${q.period}" />
          <input type="hidden" name="unit" value="${q.unit ?? ''}" />
          <div class="field${problems.length > 0 ? ' field--error' : ''}">
            <label for="f-file">${m.t('excelFile', l)}</label>
            <p class="hint" id="f-file-hint">${m.t('excelHint', l)}</p>
            <input
              id="f-file"
              name="file"
              type="file"
              accept=".xlsx,${XLSX_TYPE}"
              aria-describedby="f-file-hint"
            />
          </div>
          <p>
            ${button(m.t('saveDraft', l), { variant: 'secondary', name: 'action', value: 'save' })}
            ${button(m.t('submit', l), { name: 'action', value: 'submit' })}
          </p>`,
      })}`;
    return renderPage(request, reply, { title, body, ...(o.status ? { status: o.status } : {}) });
  }

  app.get(
    '/reports/excel',
    { schema: { hide: true, querystring: templateQuery } },
    async (request, reply) => {
      // Reading the unit's report first answers 404 for another agency's unit, as everywhere.
      const unit =
        request.query.unit ??
        (request.ctx.actor.kind === 'official' ? request.ctx.actor.agencyId : undefined);
      await service.submissions.current(request.ctx, request.query.regime, request.query.period, unit ?? '');
      return renderUpload(request, reply, { ...request.query, unit });
    },
  );
}
