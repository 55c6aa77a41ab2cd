/** The administrators' pages: list, create, edit (structured or JSON), versions, preview, publish. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { format, formatDateTime, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  pagination,
  table,
  tag,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type HtmlValue } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { validateFormValues } from '../form/validate.ts';
import type { ProcedureContent } from '../schemas.ts';
import type { ServicesService } from '../service.ts';
import { a } from './admin-messages.ts';
import { editorForm, type EditorState } from './admin-forms.ts';
import { contentFromPost, editorValues, rowsFromPost, rowsOf, str, type Posted } from './editor-codec.ts';
import { formErrorMessage, renderFormFields, valuesFromFormPost } from './form-render.ts';
import { m } from './messages.ts';
import { levelTag, procedureBody } from './public.ts';

const formBody = z.record(
  z.string().max(40),
  z.union([z.string().max(500_000), z.array(z.string().max(2000)).max(50)]),
);
const idParams = z.object({ id: z.uuid() });
const listQuery = z.object({
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(1000).optional(),
  done: z.string().max(20).optional(),
});

/** Where an error of a content path is shown in the editor. */
const FIELD_OF: [RegExp, string][] = [
  [/^sector\.code/, 'sectorCode'],
  [/^sector\.name/, 'sectorName'],
  [/^agencies\.kinds/, 'agencyKinds'],
  [/^agencies\.agencyIds/, 'agencyIds'],
  [/^agencies\.description/, 'agencyDescription'],
  [/^timeLimit\.workingDays/, 'workingDays'],
  [/^timeLimit\.hours/, 'hours'],
  [/^result\.name/, 'resultName'],
  [/^(papers|fees|legalBasis|steps|applicants|channels|name|code|where)/, ''],
];

/** A refused save becomes messages next to the editor's inputs (rows for form fields). */
function editorErrors(error: unknown, l: Locale, paths: readonly (string | null)[]): FieldError[] {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  const message = format(error.text, l);
  const fields =
    (error.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? [];
  if (fields.length === 0) return [{ field: 'name', message }];
  return fields.map((f) => {
    let target = 'form';
    if (f.field.startsWith('form')) {
      let best = -1;
      paths.forEach((p, i) => {
        if (
          p &&
          (f.field === p || f.field.startsWith(`${p}.`)) &&
          (best < 0 || p.length > (paths[best] ?? '').length)
        )
          best = i;
      });
      if (best >= 0) target = `fk.${best}`;
    } else {
      const hit = FIELD_OF.find(([re]) => re.test(f.field));
      target = hit ? hit[1] || (f.field.split('.')[0] ?? 'name') : 'name';
    }
    return { field: target, message: `${message} (${f.field}: ${f.message})` };
  });
}

function stateOf(c: ProcedureContent, baseNumber: number | undefined): EditorState {
  return {
    values: editorValues(c),
    multi: { applicants: c.applicants, agencyKinds: c.agencies.kinds, channels: c.channels },
    rows: rowsOf(c.form.fields),
    errors: [],
    creating: false,
    baseNumber,
  };
}

function stateFromPost(body: Posted, creating: boolean, errors: FieldError[]): EditorState {
  const multi = (k: string) => {
    const v = body[k];
    return Array.isArray(v) ? v : v ? [v] : [];
  };
  return {
    values: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, str(v)])),
    multi: {
      applicants: multi('applicants'),
      agencyKinds: multi('agencyKinds'),
      channels: multi('channels'),
    },
    rows: rowsFromPost(body).filter((r) => r.key !== ''),
    errors,
    creating,
    baseNumber: Number(str(body['baseNumber'])) || undefined,
  };
}

export function registerAdminPages(app: App, service: ServicesService): void {
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
        body: html`<h1>${title}</h1>
          ${body}`,
        crumbs: [{ href: '/admin/services', label: a.t('title', request.locale) }, { label: title }],
        ...(status ? { status } : {}),
      }),
    );

  app.get('/admin/services', { schema: { hide: true, querystring: listQuery } }, async (request, reply) => {
    const l = request.locale;
    const { items, hasNext } = await service.listForAdmin(request.ctx, request.query);
    const rows = items.map((p): HtmlValue[] => [
      html`<a href="/admin/services/${p.id}">${p.name}</a>`,
      p.code,
      p.sector.name,
      html`${tag(a.t(`status_${p.status}`, l), p.status === 'published' ? 'green' : 'grey')}
      ${p.hasDraft ? tag(a.t('hasDraft', l), 'yellow') : ''}`,
      p.latestNumber,
    ]);
    return page(
      request,
      reply,
      a.t('title', l),
      html`<p class="lead">${a.t('lead', l)}</p>
        <p>${linkButton(a.t('create', l), '/admin/services/new', 'primary')}</p>
        ${form({
          action: '/admin/services',
          method: 'get',
          csrfToken: '',
          body: html`${input({ name: 'q', label: a.t('query', l), type: 'search', value: request.query.q, maxLength: 200 })}
          ${button(a.t('search', l), { variant: 'secondary' })}`,
        })}
        ${table({ caption: a.t('list', l), headers: [m.t('name', l), m.t('code', l), m.t('sector', l), a.t('status', l), a.t('versionCol', l)], rows, empty: a.t('empty', l) })}
        ${pagination({ page: request.query.page ?? 1, hasNext, baseUrl: '/admin/services', query: { q: request.query.q }, locale: l })}
        <h2>${a.t('importTitle', l)}</h2>
        ${form({
          action: '/admin/services/import',
          csrfToken: reply.generateCsrf(),
          body: html`<p class="hint">${a.t('importHint', l)}</p>
            ${textarea({ name: 'json', label: a.t('json', l), rows: 6, maxLength: 500_000 })}
            ${button(a.t('importAction', l), { variant: 'secondary' })}`,
        })}`,
    );
  });

  app.post('/admin/services/import', { schema: { hide: true, body: formBody } }, async (request, reply) => {
    const l = request.locale;
    let parsed: unknown;
    try {
      parsed = JSON.parse(str(request.body['json']));
    } catch {
      parsed = null;
    }
    try {
      const r = await service.importProcedure(request.ctx, { content: parsed });
      return reply.redirect(`/admin/services/${r.procedure.id}?done=saved`, 303);
    } catch (error) {
      const errors = editorErrors(error, l, []).map((e) => ({ ...e, field: 'json' }));
      return page(
        request,
        reply,
        a.t('importTitle', l),
        html`${errorSummary(errors, l)}
        ${form({
          action: '/admin/services/import',
          csrfToken: reply.generateCsrf(),
          body: html`${textarea({ name: 'json', label: a.t('json', l), rows: 12, value: str(request.body['json']), maxLength: 500_000, ...(errors[0] ? { error: errors[0].message } : {}) })}
          ${button(a.t('importAction', l))}`,
        })}`,
        error instanceof AppError ? error.status : 400,
      );
    }
  });

  app.get('/admin/services/new', { schema: { hide: true } }, (request, reply) => {
    service.assertMayAdminister(request.ctx);
    const state: EditorState = {
      values: { workingDays: '0' },
      multi: { applicants: ['citizen'], agencyKinds: [], channels: ['online', 'counter'] },
      rows: [],
      errors: [],
      creating: true,
    };
    return page(
      request,
      reply,
      a.t('create', request.locale),
      editorForm({
        action: '/admin/services/new',
        csrfToken: reply.generateCsrf(),
        state,
        locale: request.locale,
      }),
    );
  });

  app.post('/admin/services/new', { schema: { hide: true, body: formBody } }, async (request, reply) => {
    const body = request.body as Posted;
    const { content, paths } = contentFromPost(body, rowsFromPost(body));
    try {
      const created = await service.createProcedure(request.ctx, {
        ownerAgencyId: str(body['ownerAgencyId']) || null,
        content,
      });
      return reply.redirect(`/admin/services/${created.id}?done=saved`, 303);
    } catch (error) {
      const state = stateFromPost(body, true, editorErrors(error, request.locale, paths));
      return page(
        request,
        reply,
        a.t('create', request.locale),
        editorForm({
          action: '/admin/services/new',
          csrfToken: reply.generateCsrf(),
          state,
          locale: request.locale,
        }),
        error instanceof AppError ? error.status : 400,
      );
    }
  });

  app.get(
    '/admin/services/:id',
    { schema: { hide: true, params: idParams, querystring: listQuery } },
    async (request, reply) => {
      const l = request.locale;
      const view = await service.getForAdmin(request.ctx, request.params.id);
      const p = view.procedure;
      const id = p.id;
      const done = request.query.done;
      const csrf = reply.generateCsrf();
      const action = (path: string, label: string, variant: 'primary' | 'secondary' | 'warning') =>
        form({ action: `/admin/services/${id}/${path}`, csrfToken: csrf, body: button(label, { variant }) });
      return page(
        request,
        reply,
        p.name,
        html`${done === 'saved' ? notice(a.t('saved', l), 'success') : done === 'published' ? notice(a.t('publishedDone', l), 'success') : done === 'unpublished' ? notice(a.t('unpublishedDone', l), 'success') : ''}
          <p>
            ${p.code} · ${p.sector.name} ·
            ${tag(a.t(`status_${p.status}`, l), p.status === 'published' ? 'green' : 'grey')}
            ${levelTag(p.serviceLevel, l)}
          </p>
          <p>
            ${linkButton(a.t('edit', l), `/admin/services/${id}/edit`, 'primary')}
            ${linkButton(a.t('editJson', l), `/admin/services/${id}/json`)}
            ${linkButton(a.t('preview', l), `/admin/services/${id}/preview`)}
            ${linkButton(a.t('exportJson', l), `/api/v1/services/admin/procedures/${id}/export`)}
            ${p.status === 'published' ? linkButton(a.t('publicPage', l), `/services/${p.code}`) : ''}
          </p>
          ${view.draft ? action('publish', a.t('publish', l), 'primary') : p.status === 'unpublished' ? action('publish', a.t('republish', l), 'primary') : ''}
          ${p.status === 'published' ? action('unpublish', a.t('unpublish', l), 'warning') : ''}
          ${table({
            caption: a.t('versions', l),
            headers: [a.t('versionCol', l), a.t('status', l), a.t('updated', l), a.t('publishedAt', l)],
            rows: view.versions.map((v): HtmlValue[] => [
              html`<a href="/admin/services/${id}/versions/${v.number}">${v.number}</a>`,
              a.t(`state_${v.state}`, l),
              formatDateTime(v.updatedAt),
              v.publishedAt ? formatDateTime(v.publishedAt) : '—',
            ]),
            empty: '—',
          })}`,
      );
    },
  );

  for (const act of ['publish', 'unpublish'] as const) {
    app.post(
      `/admin/services/:id/${act}`,
      { schema: { hide: true, params: idParams, body: formBody } },
      async (request, reply) => {
        await service[act](request.ctx, request.params.id);
        return reply.redirect(`/admin/services/${request.params.id}?done=${act}ed`, 303);
      },
    );
  }

  app.get(
    '/admin/services/:id/edit',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const view = await service.getForAdmin(request.ctx, request.params.id);
      const v = view.draft ?? view.current;
      if (!v) throw new Error('a procedure always has a version');
      const state = stateOf(v.content, v.number);
      return page(
        request,
        reply,
        `${a.t('edit', request.locale)}: ${view.procedure.name}`,
        editorForm({
          action: `/admin/services/${view.procedure.id}/edit`,
          csrfToken: reply.generateCsrf(),
          state,
          locale: request.locale,
        }),
      );
    },
  );

  app.post(
    '/admin/services/:id/edit',
    { schema: { hide: true, params: idParams, body: formBody } },
    async (request, reply) => {
      const body = request.body as Posted;
      const { content, paths } = contentFromPost(body, rowsFromPost(body));
      try {
        await service.saveDraft(request.ctx, request.params.id, {
          baseNumber: Number(str(body['baseNumber'])),
          content,
        });
        return reply.redirect(`/admin/services/${request.params.id}?done=saved`, 303);
      } catch (error) {
        const state = stateFromPost(body, false, editorErrors(error, request.locale, paths));
        return page(
          request,
          reply,
          a.t('edit', request.locale),
          editorForm({
            action: `/admin/services/${request.params.id}/edit`,
            csrfToken: reply.generateCsrf(),
            state,
            locale: request.locale,
          }),
          error instanceof AppError ? error.status : 400,
        );
      }
    },
  );

  const jsonPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    json: string,
    base: number,
    errors: FieldError[],
    status?: number,
  ) => {
    const l = request.locale;
    return page(
      request,
      reply,
      a.t('editJson', l),
      html`${errorSummary(errors, l)}
      ${form({
        action: `/admin/services/${id}/json`,
        csrfToken: reply.generateCsrf(),
        body: html`<input type="hidden" name="baseNumber" value="${base}" />
          ${textarea({ name: 'json', label: a.t('json', l), value: json, rows: 30, maxLength: 500_000, ...(errors[0] ? { error: errors[0].message } : {}) })}
          ${button(a.t('save', l))}`,
      })}`,
      status,
    );
  };
  app.get(
    '/admin/services/:id/json',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const view = await service.getForAdmin(request.ctx, request.params.id);
      const v = view.draft ?? view.current;
      if (!v) throw new Error('a procedure always has a version');
      return jsonPage(request, reply, request.params.id, JSON.stringify(v.content, null, 2), v.number, []);
    },
  );
  app.post(
    '/admin/services/:id/json',
    { schema: { hide: true, params: idParams, body: formBody } },
    async (request, reply) => {
      const json = str(request.body['json']);
      try {
        let content: unknown = null;
        try {
          content = JSON.parse(json);
        } catch {
          // not JSON: the schema refuses null with a clear message
        }
        await service.saveDraft(request.ctx, request.params.id, {
          baseNumber: Number(str(request.body['baseNumber'])),
          content,
        });
        return reply.redirect(`/admin/services/${request.params.id}?done=saved`, 303);
      } catch (error) {
        const errors = editorErrors(error, request.locale, []).map((e) => ({ ...e, field: 'json' }));
        return jsonPage(
          request,
          reply,
          request.params.id,
          json,
          Number(str(request.body['baseNumber'])),
          errors,
          error instanceof AppError ? error.status : 400,
        );
      }
    },
  );

  app.get(
    '/admin/services/:id/versions/:number',
    {
      schema: {
        hide: true,
        params: z.object({ id: z.uuid(), number: z.coerce.number().int().min(1).max(100_000) }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const view = await service.getForAdmin(request.ctx, request.params.id);
      const version = await service.getVersionForAdmin(request.ctx, request.params.id, request.params.number);
      return page(
        request,
        reply,
        `${view.procedure.name} — ${a.t('versionCol', l)} ${version.number} (${a.t(`state_${version.state}`, l)})`,
        procedureBody({ procedure: view.procedure, version }, l, await service.linkedSets()),
      );
    },
  );

  const previewPage = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    body: Posted | null,
  ) => {
    const l = request.locale;
    const view = await service.getForAdmin(request.ctx, request.params.id);
    const v = view.draft ?? view.current;
    if (!v) throw new Error('a procedure always has a version');
    const def = v.content.form;
    const values = body ? valuesFromFormPost(def, body) : {};
    const result = body ? validateFormValues(def, values) : null;
    const errors = result && !result.ok ? result.errors : [];
    const summary = errors.map((e) => ({ field: `f.${e.path}`, message: formErrorMessage(e, def, l) }));
    return page(
      request,
      reply,
      a.t('previewTitle', l, { name: v.content.name }),
      html`<p class="lead">${a.t('previewLead', l)}</p>
        <p>${a.t('previewOf', l, { number: v.number, state: a.t(`state_${v.state}`, l) })}</p>
        ${
          result?.ok
            ? html`${notice(a.t('previewOk', l), 'success')}
                <pre>${JSON.stringify(result.values, null, 2)}</pre>`
            : ''
        }
        ${errorSummary(summary, l)}
        ${form({ action: `/admin/services/${request.params.id}/preview`, csrfToken: reply.generateCsrf(), body: html`${renderFormFields(def, values, { locale: l, errors })} ${button(a.t('check', l))}` })}`,
      errors.length > 0 ? 400 : undefined,
    );
  };
  app.get('/admin/services/:id/preview', { schema: { hide: true, params: idParams } }, (request, reply) =>
    previewPage(request, reply, null),
  );
  app.post(
    '/admin/services/:id/preview',
    { schema: { hide: true, params: idParams, body: formBody } },
    (request, reply) => previewPage(request, reply, request.body as Posted),
  );
}
