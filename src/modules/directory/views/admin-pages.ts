import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { format, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  notice,
  select,
  table,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type HtmlValue } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { normaliseQd20, parseSchemeCode, type CodeRef } from '../codes.ts';
import { today } from '../dates.ts';
import { AgencyNotFound, CodeInvalid } from '../errors.ts';
import type { FullDirectoryService } from '../index.ts';
import { assertCanEditDirectory } from '../policies.ts';
import type { AgencyKind } from '../types.ts';
import { agencyAdminForms, type FormValues } from './admin-forms.ts';
import { m } from './messages.ts';
import { kindOptions } from './options.ts';
import type { DetailRenderer } from './pages.ts';

const field = z.string().max(1000).optional();
const formBody = z.record(
  z.string().max(40),
  z.union([z.string().max(100_000), z.array(z.string().max(1000)).max(100)]),
);
const csvForm = z.object({ _csrf: field, csv: z.string().max(30 * 1024 * 1024) });
const idParams = z.object({ id: z.uuid() });

/** A form's refused values become messages next to the form (the error's own fields if it has some). */
function toFieldErrors(error: unknown, l: Locale, fallbackField: string): FieldError[] {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  const details = error.details as { fields?: { field: string; message: string }[] } | undefined;
  const message = format(error.text, l);
  if (details?.fields?.length)
    return details.fields.map((f) => ({
      field: f.field.split('.')[0] ?? fallbackField,
      message: `${message} (${f.field}: ${f.message})`,
    }));
  return [{ field: fallbackField, message }];
}

const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('\n') : (v ?? '')).trim();
const lines = (v: string) =>
  v
    .split(/[\n|,]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** `SCHEME:CODE`, or a QĐ20 code alone. */
function codeOf(text: string): CodeRef {
  const ref = parseSchemeCode(text);
  if (ref) return ref;
  const qd20 = normaliseQd20(text);
  if (qd20) return { scheme: 'QD20', code: qd20 };
  throw CodeInvalid({ code: text.slice(0, 120) });
}

/** The administrators' pages: create, edit, codes, close, merge, split, CSV import. */
export function registerAdminPages(
  app: App,
  service: FullDirectoryService,
  detailBody: DetailRenderer,
): void {
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    title: string,
    body: HtmlValue,
    status?: number,
  ) =>
    reply.send(
      renderPage(request, reply, {
        title,
        body,
        crumbs: [{ href: '/directory', label: m.t('title', request.locale) }, { label: title }],
        ...(status ? { status } : {}),
      }),
    );

  /** Runs an action of the agency page; on refusal shows the page again with the errors. */
  const agencyAction = (
    path: string,
    fallbackField: string,
    act: (
      request: FastifyRequest & { body: Record<string, string | string[]> },
      id: string,
    ) => Promise<unknown>,
  ) =>
    app.post(
      `/directory/agencies/:id/${path}`,
      { schema: { hide: true, params: idParams, body: formBody } },
      async (request, reply) => {
        const id = request.params.id;
        try {
          await act(request, id);
          return reply.redirect(`/directory/agencies/${id}?done=1`, 303);
        } catch (error) {
          const l = request.locale;
          const errors = toFieldErrors(error, l, fallbackField);
          const d = await service.getAgencyDetail(id);
          if (!d) throw AgencyNotFound();
          const values: FormValues = Object.fromEntries(
            Object.entries(request.body).map(([k, v]) => [k, str(v)]),
          );
          const admin = agencyAdminForms(d, l, reply.generateCsrf(), { errors, values });
          return page(
            request,
            reply,
            d.name,
            detailBody(d, l, admin),
            error instanceof AppError ? error.status : 400,
          );
        }
      },
    );

  agencyAction('edit', 'name', (request, id) => {
    const b = request.body;
    return service.updateAgency(request.ctx, id, {
      version: Number(str(b['version'])),
      name: str(b['name']),
      shortName: str(b['shortName']) || null,
      kind: str(b['kind']) as AgencyKind,
      parentId: str(b['parentId']) || null,
      effectiveOn: str(b['effectiveOn']) || today(),
      legalBasis: str(b['legalBasis']) || null,
    });
  });
  agencyAction('codes', 'code', (request, id) => {
    const b = request.body;
    const scheme = str(b['scheme']);
    const ref = parseSchemeCode(`${scheme}:${str(b['code'])}`);
    if (!ref) throw CodeInvalid({ scheme, code: str(b['code']).slice(0, 120) });
    return service.addCode(request.ctx, id, {
      scheme: ref.scheme,
      code: ref.code,
      validFrom: str(b['validFrom']) || today(),
    });
  });
  agencyAction('close-code', 'codeId', (request) =>
    service.closeCode(request.ctx, str(request.body['codeId']), str(request.body['validTo'])),
  );
  agencyAction('close', 'effectiveOn', (request, id) =>
    service.closeAgency(request.ctx, id, {
      effectiveOn: str(request.body['effectiveOn']),
      legalBasis: str(request.body['legalBasis']),
      successor: str(request.body['successor']) || null,
    }),
  );

  // Create an agency.
  const createForm = (request: FastifyRequest, reply: FastifyReply, v: FormValues, errors: FieldError[]) => {
    const l = request.locale;
    return html`<h1>${m.t('create', l)}</h1>
      ${errorSummary(errors, l)}
      ${form({
        action: '/directory/new',
        csrfToken: reply.generateCsrf(),
        body: html`${input({ name: 'name', label: m.t('name', l), value: v['name'], required: true, maxLength: 300, error: errors.find((e) => e.field === 'name')?.message })}
        ${input({ name: 'shortName', label: m.t('shortName', l), value: v['shortName'], maxLength: 100, width: 'medium' })}
        ${select({ name: 'kind', label: m.t('kind', l), value: v['kind'] ?? 'department', options: kindOptions(l) })}
        ${input({ name: 'parentId', label: m.t('parentRef', l), value: v['parentId'], maxLength: 36, width: 'medium' })}
        ${input({ name: 'codes', label: m.t('firstCode', l), value: v['codes'], maxLength: 500, error: errors.find((e) => e.field === 'codes')?.message })}
        ${input({ name: 'validFrom', label: m.t('validFrom', l), type: 'date', value: v['validFrom'] ?? today(), width: 'short' })}
        ${button(m.t('save', l))}`,
      })}`;
  };
  app.get('/directory/new', { schema: { hide: true } }, (request, reply) => {
    assertCanEditDirectory(request.ctx.actor);
    return page(request, reply, m.t('create', request.locale), createForm(request, reply, {}, []));
  });
  app.post('/directory/new', { schema: { hide: true, body: formBody } }, async (request, reply) => {
    const b = request.body;
    const values: FormValues = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, str(v)]));
    try {
      const created = await service.createAgency(request.ctx, {
        name: str(b['name']),
        shortName: str(b['shortName']) || null,
        kind: str(b['kind']) as AgencyKind,
        parentId: str(b['parentId']) || null,
        validFrom: str(b['validFrom']) || today(),
        codes: lines(str(b['codes'])).map(codeOf),
      });
      return reply.redirect(`/directory/agencies/${created.id}`, 303);
    } catch (error) {
      const errors = toFieldErrors(error, request.locale, 'codes');
      return page(
        request,
        reply,
        m.t('create', request.locale),
        createForm(request, reply, values, errors),
        (error as AppError).status,
      );
    }
  });

  // Merge and split.
  const eventForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    kind: 'merge' | 'split',
    v: FormValues,
    errors: FieldError[],
    done: boolean,
  ) => {
    const l = request.locale;
    const fields =
      kind === 'merge'
        ? html`${textarea({ name: 'predecessors', label: m.t('mergePredecessors', l), value: v['predecessors'] ?? '', rows: 4 })}
          ${input({ name: 'successor', label: m.t('successor', l), value: v['successor'], maxLength: 120, width: 'medium' })}
          ${input({ name: 'survivingCode', label: m.t('survivingCode', l), value: v['survivingCode'], maxLength: 120, width: 'medium' })}`
        : html`${input({ name: 'predecessor', label: m.t('splitPredecessor', l), value: v['predecessor'], maxLength: 120, width: 'medium' })}
          ${textarea({ name: 'successors', label: m.t('splitSuccessors', l), value: v['successors'] ?? '', rows: 4 })}
          ${input({ name: 'defaultSuccessor', label: m.t('defaultSuccessor', l), value: v['defaultSuccessor'], maxLength: 120, width: 'medium' })}`;
    return html`<h1>${m.t(kind === 'merge' ? 'mergeTitle' : 'splitTitle', l)}</h1>
      ${done ? notice(m.t('recorded', l), 'success') : ''} ${errorSummary(errors, l)}
      ${form({
        action: `/directory/events/${kind}`,
        csrfToken: reply.generateCsrf(),
        body: html`${fields}
        ${input({ name: 'effectiveOn', label: m.t('effectiveOn', l), type: 'date', value: v['effectiveOn'] ?? today(), width: 'short' })}
        ${input({ name: 'legalBasis', label: m.t('legalBasis', l), value: v['legalBasis'], required: true, maxLength: 500 })}
        ${button(m.t('record', l))}`,
      })}`;
  };
  for (const kind of ['merge', 'split'] as const) {
    const title = (l: Locale) => m.t(kind === 'merge' ? 'mergeTitle' : 'splitTitle', l);
    app.get(`/directory/events/${kind}`, { schema: { hide: true } }, (request, reply) => {
      assertCanEditDirectory(request.ctx.actor);
      return page(request, reply, title(request.locale), eventForm(request, reply, kind, {}, [], false));
    });
    app.post(
      `/directory/events/${kind}`,
      { schema: { hide: true, body: formBody } },
      async (request, reply) => {
        const b = request.body;
        const values: FormValues = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, str(v)]));
        try {
          if (kind === 'merge')
            await service.recordMerge(request.ctx, {
              predecessors: lines(str(b['predecessors'])),
              successor: str(b['successor']),
              effectiveOn: str(b['effectiveOn']),
              legalBasis: str(b['legalBasis']),
              survivingCode: str(b['survivingCode']) || null,
            });
          else
            await service.recordSplit(request.ctx, {
              predecessor: str(b['predecessor']),
              successors: lines(str(b['successors'])),
              defaultSuccessor: str(b['defaultSuccessor']),
              effectiveOn: str(b['effectiveOn']),
              legalBasis: str(b['legalBasis']),
            });
          return page(request, reply, title(request.locale), eventForm(request, reply, kind, {}, [], true));
        } catch (error) {
          const errors = toFieldErrors(
            error,
            request.locale,
            kind === 'merge' ? 'predecessors' : 'predecessor',
          );
          return page(
            request,
            reply,
            title(request.locale),
            eventForm(request, reply, kind, values, errors, false),
            (error as AppError).status,
          );
        }
      },
    );
  }

  // CSV import by textarea (no multipart on this server).
  const importForm = (request: FastifyRequest, reply: FastifyReply, csv: string, result: HtmlValue) => {
    const l = request.locale;
    return html`<h1>${m.t('importTitle', l)}</h1>
      <p>${m.t('importLead', l)}</p>
      ${result}
      ${form({
        action: '/directory/import',
        csrfToken: reply.generateCsrf(),
        body: html`${textarea({ name: 'csv', label: m.t('csv', l), value: csv, rows: 12 })}
        ${button(m.t('import', l))}`,
      })}`;
  };
  app.get('/directory/import', { schema: { hide: true } }, (request, reply) => {
    assertCanEditDirectory(request.ctx.actor);
    return page(request, reply, m.t('importTitle', request.locale), importForm(request, reply, '', ''));
  });
  app.post(
    '/directory/import',
    { bodyLimit: 32 * 1024 * 1024, schema: { hide: true, body: csvForm } },
    async (request, reply) => {
      const l = request.locale;
      const report = await service.importCsv(request.ctx, request.body.csv);
      if (report.problems.length === 0)
        return page(
          request,
          reply,
          m.t('importTitle', l),
          importForm(request, reply, '', notice(m.t('imported', l, { count: report.imported }), 'success')),
        );
      const result = html`<div class="error-summary" role="alert">
        <h2>${m.t('problems', l)}</h2>
        ${table({
          caption: m.t('problems', l),
          headers: [m.t('line', l), m.t('column', l), m.t('code', l), m.t('problem', l)],
          rows: report.problems.map((p) => [
            String(p.line),
            p.column ?? '',
            html`<code>${p.code}</code>`,
            p.message[l],
          ]),
          empty: '',
        })}
      </div>`;
      return page(
        request,
        reply,
        m.t('importTitle', l),
        importForm(request, reply, request.body.csv, result),
        400,
      );
    },
  );
}
