// Filing pages: choose the agency, fill the form (save draft, errors next to fields), attach
// papers, review and submit. Every step is a plain form post; no JavaScript needed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import type { Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  select,
  summaryList,
  table,
  tag,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import {
  formErrorMessage,
  renderFeeLines,
  renderFormFields,
  valuesFromFormPost,
  type FormIssue,
} from '../../services/index.ts';
import type { DossierService } from '../service.ts';
import { dm } from './messages.ts';
import { registerUpload } from './multipart.ts';

const idParams = z.object({ id: z.uuid() });
const posted = z.record(
  z.string().max(200),
  z.union([z.string().max(10_000), z.array(z.string().max(10_000)).max(100)]),
);

/** The file input of an upload form, with its hint and inline error. */
export function fileInput(
  name: string,
  label: string,
  l: Locale,
  maxBytes: number,
  error?: string,
  multiple = false,
) {
  const id = `f-${name}`;
  return html`<div class="field${error ? ' field--error' : ''}">
    <label for="${id}">${label}</label>
    <p class="hint" id="${id}-hint">${dm.t('fileHint', l, { size: Math.round(maxBytes / 1024 / 1024) })}</p>
    ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
    <input
      id="${id}"
      name="${name}"
      type="file"
      accept="application/pdf,image/jpeg,image/png"
      aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"
      ${error ? html`aria-invalid="true"` : ''}
      ${multiple ? html`multiple` : ''}
    />
  </div>`;
}

/** The message of a refused action, in the reader's language. */
export const refusal = (error: unknown, l: Locale): string => {
  if (error instanceof AppError && error.status < 500) return error.text[l];
  throw error;
};

/** Registers the filing pages (async: the upload route has its own multipart scope). */
export async function registerFilingPages(app: App, service: DossierService): Promise<void> {
  async function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    q: string,
    errors: FieldError[] = [],
    name = '',
  ) {
    const l = request.locale;
    const { version, agencies } = await service.procedureForFiling(code, q || undefined);
    const title = dm.t('newTitle', l, { name: version.content.name });
    const err = (f: string) => errors.find((e) => e.field === f)?.message;
    return renderPage(request, reply, {
      title,
      status: errors.length ? 400 : 200,
      crumbs: [{ href: '/dossiers', label: dm.t('mineTitle', l) }, { label: title }],
      body: html`<h1>${title}</h1>
        ${errorSummary(errors, l)}
        <form method="get" action="/dossiers/new" class="search-form" aria-label="${dm.t('findAgency', l)}">
          <input type="hidden" name="procedure" value="${code}" />
          ${input({ name: 'q', label: dm.t('findAgency', l), value: q, type: 'search', maxLength: 200 })}
          <p>${button(dm.t('find', l), { variant: 'secondary' })}</p>
        </form>
        ${
          agencies.length === 0
            ? notice(dm.t('noAgency', l), 'warning')
            : form({
                action: '/dossiers/new',
                csrfToken: reply.generateCsrf(),
                body: html`<input type="hidden" name="procedure" value="${code}" />
                  ${select({
                    name: 'agencyId',
                    label: dm.t('chooseAgency', l),
                    options: agencies.map((a) => ({ value: a.id, label: `${a.name} (${a.code})` })),
                    error: err('agencyId'),
                  })}
                  ${input({ name: 'applicantName', label: dm.t('applicantName', l), value: name, maxLength: 200, autocomplete: 'name', error: err('applicantName') })}
                  <p>${button(dm.t('start', l))}</p>`,
              })
        }`,
    });
  }

  app.get(
    '/dossiers/new',
    {
      schema: {
        hide: true,
        querystring: z.object({ procedure: z.string().min(1).max(100), q: z.string().max(200).default('') }),
      },
    },
    (request, reply) => newPage(request, reply, request.query.procedure, request.query.q),
  );

  app.post(
    '/dossiers/new',
    {
      schema: {
        hide: true,
        body: z.object({
          procedure: z.string().min(1).max(100),
          agencyId: z.string().max(40).default(''),
          applicantName: z.string().max(200).default(''),
          _csrf: z.string().optional(),
        }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const b = request.body;
      if (!b.applicantName.trim())
        return newPage(request, reply, b.procedure, '', [
          { field: 'applicantName', message: dm.t('required', l, { label: dm.t('applicantName', l) }) },
        ]);
      try {
        const d = await service.createDraft(request.ctx, {
          procedureCode: b.procedure,
          agencyId: b.agencyId,
          applicantName: b.applicantName,
        });
        return reply.redirect(`/dossiers/${d.id}/edit`, 303);
      } catch (error) {
        return newPage(
          request,
          reply,
          b.procedure,
          '',
          [{ field: 'agencyId', message: refusal(error, l) }],
          b.applicantName,
        );
      }
    },
  );

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    o: { values?: Record<string, unknown>; issues?: FormIssue[]; saved?: boolean } = {},
  ) {
    const l = request.locale;
    const d = await service.get(request.ctx, id);
    if (d.status !== 'draft') return reply.redirect(`/dossiers/${id}`, 303);
    const version = await service.versionOf(d.versionId);
    const def = version.content.form;
    const issues = o.issues ?? [];
    const errors = issues.map((i) => ({ field: `f.${i.path}`, message: formErrorMessage(i, def, l) }));
    const title = dm.t('editTitle', l);
    return renderPage(request, reply, {
      title,
      status: issues.length ? 400 : 200,
      crumbs: [{ href: '/dossiers', label: dm.t('mineTitle', l) }, { label: d.procedureName }],
      body: html`<h1>${title}</h1>
        <p>${d.procedureName} — ${d.agencyName}</p>
        ${o.saved ? notice(dm.t('saved', l), 'success') : ''} ${errorSummary(errors, l)}
        ${form({
          action: `/dossiers/${id}/edit`,
          csrfToken: reply.generateCsrf(),
          label: title,
          body: html`${renderFormFields(def, o.values ?? d.values, { locale: l, errors: issues })}
            <p>
              ${button(dm.t('continue', l), { name: 'action', value: 'review' })}
              ${button(dm.t('saveDraft', l), { name: 'action', value: 'save', variant: 'secondary' })}
            </p>`,
        })}`,
    });
  }

  app.get(
    '/dossiers/:id/edit',
    {
      schema: {
        hide: true,
        params: idParams,
        querystring: z.object({ saved: z.string().max(1).optional() }),
      },
    },
    (request, reply) => editPage(request, reply, request.params.id, { saved: request.query.saved === '1' }),
  );

  app.post(
    '/dossiers/:id/edit',
    { schema: { hide: true, params: idParams, body: posted } },
    async (request, reply) => {
      const { id } = request.params;
      const d = await service.get(request.ctx, id);
      const def = (await service.versionOf(d.versionId)).content.form;
      const values = valuesFromFormPost(def, request.body);
      await service.saveValues(request.ctx, id, values);
      if (request.body['action'] === 'save') return reply.redirect(`/dossiers/${id}/edit?saved=1`, 303);
      const issues = await service.checkValues(request.ctx, id);
      if (issues.length > 0) return editPage(request, reply, id, { values, issues });
      return reply.redirect(`/dossiers/${id}/review`, 303);
    },
  );

  async function reviewPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors: FieldError[] = [],
  ) {
    const l = request.locale;
    const d = await service.get(request.ctx, id);
    if (d.status !== 'draft') return reply.redirect(`/dossiers/${id}`, 303);
    const version = await service.versionOf(d.versionId);
    const papers = await service.papers(request.ctx, id);
    const problems = await service.problems(request.ctx, id);
    const fees = await service.fees(request.ctx, id);
    const title = dm.t('reviewTitle', l);
    const wanted = version.content.papers.filter((p) => p.template?.kind !== 'generated');
    const all: FieldError[] = [
      ...errors,
      ...(problems.form.length
        ? [{ field: 'values', message: dm.t('formIncomplete', l, { n: problems.form.length }) }]
        : []),
    ];
    return renderPage(request, reply, {
      title,
      status: errors.length ? 400 : 200,
      crumbs: [{ href: '/dossiers', label: dm.t('mineTitle', l) }, { label: d.procedureName }],
      body: html`<h1>${title}</h1>
        ${errorSummary(all, l)}
        <h2 id="f-values">${dm.t('values', l)}</h2>
        ${summaryList([
          [dm.t('procedure', l), d.procedureName],
          [dm.t('agency', l), d.agencyName],
          [dm.t('applicantName', l), d.applicantName],
        ])}
        <p>${linkButton(dm.t('editValues', l), `/dossiers/${id}/edit`)}</p>
        <h2 id="f-fees">${dm.t('fees', l)}</h2>
        ${renderFeeLines(fees, l)}
        <h2>${dm.t('papers', l)}</h2>
        ${table({
          caption: dm.t('papers', l),
          headers: [dm.t('paper', l), dm.t('file', l)],
          rows: wanted.map((p) => {
            const files = papers.filter((x) => x.paperKey === p.key);
            return [
              html`${p.name} ${p.requirement === 'required' ? tag(dm.t('requiredPaper', l), 'yellow') : ''}`,
              files.length ? files.map((f) => html`<span>${f.fileName}</span> `) : dm.t('notUploaded', l),
            ];
          }),
          empty: '—',
        })}
        ${
          wanted.length > 0
            ? form({
                action: `/dossiers/${id}/papers`,
                csrfToken: reply.generateCsrf(),
                enctype: 'multipart/form-data',
                label: dm.t('upload', l),
                body: html`${select({ name: 'paperKey', label: dm.t('paper', l), options: wanted.map((p) => ({ value: p.key, label: p.name })) })}
                  ${fileInput('file', dm.t('file', l), l, service.limits.maxFileBytes, errors.find((e) => e.field === 'file')?.message)}
                  <p>${button(dm.t('upload', l), { variant: 'secondary' })}</p>`,
              })
            : ''
        }
        ${form({ action: `/dossiers/${id}/submit`, csrfToken: reply.generateCsrf(), body: html`<p>${button(dm.t('submit', l))}</p>` })}`,
    });
  }

  app.get('/dossiers/:id/review', { schema: { hide: true, params: idParams } }, (request, reply) =>
    reviewPage(request, reply, request.params.id),
  );

  app.post('/dossiers/:id/submit', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const l = request.locale;
    const { id } = request.params;
    try {
      await service.submit(request.ctx, id);
      return reply.redirect(`/dossiers/${id}?submitted=1`, 303);
    } catch (error) {
      const message = refusal(error, l);
      const problems = await service.problems(request.ctx, id);
      const version = await service.versionOf((await service.get(request.ctx, id)).versionId);
      const missing = problems.missingPapers.map((key) => ({
        field: 'file',
        message: dm.t('missingPaper', l, {
          name: version.content.papers.find((p) => p.key === key)?.name ?? key,
        }),
      }));
      return reviewPage(request, reply, id, missing.length ? missing : [{ field: 'values', message }]);
    }
  });

  // The paper upload posts multipart/form-data, parsed in this scope only.
  const bodyLimit = service.limits.maxFileBytes + 64 * 1024;
  await registerUpload(app, '/dossiers/:id/papers', bodyLimit, async (request, reply, id, body) => {
    const l = request.locale;
    const file = body.files[0];
    const paperKey = typeof body['paperKey'] === 'string' ? body['paperKey'] : '';
    if (!file) return reviewPage(request, reply, id, [{ field: 'file', message: dm.t('chooseFile', l) }]);
    try {
      await service.addPaper(request.ctx, id, { paperKey, fileName: file.filename, bytes: file.data });
    } catch (error) {
      return reviewPage(request, reply, id, [{ field: 'file', message: refusal(error, l) }]);
    }
    return reply.redirect(`/dossiers/${id}/review`, 303);
  });
}
