import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isPlatformAdmin } from '../../../platform/context.ts';
import { formatDate } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  summaryList,
  table,
  tag,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { App } from '../../../platform/http/types.ts';
import type { IdentityRouteDeps } from '../routes.ts';
import { scopeSchema } from '../schemas.ts';
import { m } from './messages.ts';
import { csrfField, requirePerson } from './session.ts';

const listQuery = z.object({ agencyCode: z.string().max(50).optional() });
const createForm = z.object({
  name: z.string().max(1000).default(''),
  scopes: z.string().max(2000).default(''),
  agencyCode: z.string().max(100).optional(),
  ...csrfField,
});
const statusForm = z.object({ status: z.enum(['active', 'disabled']), ...csrfField });

/** Machine clients of an agency: list, create (secret shown once), disable. */
export function registerAdminClientPages(app: App, deps: IdentityRouteDeps): void {
  const { service, directory } = deps;

  const agencyIdOf = async (code: string | undefined) => {
    if (!code?.trim()) return undefined;
    return (await directory.resolveCode(code.trim()))?.current.id ?? null;
  };

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: {
      agencyCode?: string | undefined;
      errors?: FieldError[];
      values?: { name: string; scopes: string };
      status?: number;
    },
  ) => {
    const l = request.locale;
    const platform = isPlatformAdmin(request.ctx.actor);
    const errors = o.errors ?? [];
    const err = (f: string) => errors.find((e) => e.field === f)?.message;
    const agencyId = platform ? await agencyIdOf(o.agencyCode) : undefined;
    const clients = agencyId === null ? [] : await service.listClients(request.ctx, { agencyId });
    const csrfToken = reply.generateCsrf();
    const body = html`<h1>${m.t('clientsTitle', l)}</h1>
      <p class="lead">${m.t('clientsLead', l)}</p>
      ${errorSummary(errors, l)}
      ${
        platform
          ? form({
              action: '/admin/clients',
              method: 'get',
              csrfToken: '',
              label: m.t('filter', l),
              body: html`<div class="search-form">
                ${input({ name: 'agencyCode', label: m.t('agencyCode', l), hint: m.t('agencyCodeHint', l), value: o.agencyCode ?? '', width: 'medium' })}
                ${button(m.t('filter', l), { variant: 'secondary' })}
              </div>`,
            })
          : ''
      }
      ${table({
        caption: m.t('clientsCaption', l),
        headers: [
          m.t('clientName', l),
          m.t('clientId', l),
          m.t('scopes', l),
          m.t('started', l),
          m.t('status', l),
          m.t('actions', l),
        ],
        rows: clients.map((c) => [
          c.name,
          html`<code>${c.id}</code>`,
          c.scopes.join(' '),
          formatDate(c.createdAt),
          c.status === 'active' ? tag(m.t('active', l), 'green') : tag(m.t('disabled', l), 'red'),
          form({
            action: `/admin/clients/${c.id}/status`,
            csrfToken,
            label: `${c.name}: ${m.t(c.status === 'active' ? 'disable' : 'enable', l)}`,
            body: html`<input
                type="hidden"
                name="status"
                value="${c.status === 'active' ? 'disabled' : 'active'}"
              />${button(m.t(c.status === 'active' ? 'disable' : 'enable', l), { variant: 'secondary' })}`,
          }),
        ]),
        empty: m.t('noClients', l),
      })}
      <h2>${m.t('create', l)}</h2>
      ${form({
        action: '/admin/clients',
        csrfToken,
        label: m.t('create', l),
        body: html`${input({ name: 'name', label: m.t('clientName', l), value: o.values?.name ?? '', maxLength: 200, error: err('name') })}
        ${input({ name: 'scopes', label: m.t('scopes', l), value: o.values?.scopes ?? '', maxLength: 1000, error: err('scopes') })}
        ${platform ? input({ name: 'agencyCode', label: m.t('agencyCode', l), hint: m.t('agencyCodeHint', l), width: 'medium', error: err('agencyCode') }) : ''}
        ${button(m.t('create', l))}`,
      })}`;
    return reply.send(
      renderPage(request, reply, {
        title: m.t('clientsTitle', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  };

  app.get('/admin/clients', { schema: { hide: true, querystring: listQuery } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    return listPage(request, reply, { agencyCode: request.query.agencyCode });
  });

  app.post('/admin/clients', { schema: { hide: true, body: createForm } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    const l = request.locale;
    const b = request.body;
    const errors: FieldError[] = [];
    const scopes = b.scopes.split(/[\s,]+/).filter(Boolean);
    if (!b.name.trim() || b.name.length > 200)
      errors.push({ field: 'name', message: m.t('clientNameMissing', l) });
    if (scopes.length > 20 || scopes.some((s) => !scopeSchema.safeParse(s).success))
      errors.push({ field: 'scopes', message: m.t('scopesInvalid', l) });
    const actor = request.ctx.actor;
    const agencyId = isPlatformAdmin(actor)
      ? await agencyIdOf(b.agencyCode)
      : actor.kind === 'official'
        ? actor.agencyId
        : null;
    if (!agencyId) errors.push({ field: 'agencyCode', message: m.t('agencyUnknown', l) });
    if (errors.length > 0 || !agencyId) return listPage(request, reply, { errors, values: b, status: 400 });
    const created = await service.createClient(request.ctx, { agencyId, name: b.name, scopes });
    const body = html`<h1>${m.t('clientCreated', l, { name: created.client.name })}</h1>
      ${notice(
        html`<p>${m.t('shownOnce', l)}</p>
          ${summaryList([
            [m.t('clientId', l), html`<code id="client-id">${created.client.id}</code>`],
            [m.t('clientSecret', l), html`<code id="client-secret">${created.clientSecret}</code>`],
          ])}`,
        'warning',
      )}
      <p>${linkButton(m.t('back', l), '/admin/clients')}</p>`;
    return reply.send(renderPage(request, reply, { title: m.t('clientsTitle', l), body, status: 201 }));
  });

  app.post(
    '/admin/clients/:id/status',
    { schema: { hide: true, params: z.object({ id: z.uuid() }), body: statusForm } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      await service.setClientStatus(request.ctx, request.params.id, request.body.status);
      return reply.redirect('/admin/clients', 303);
    },
  );
}
