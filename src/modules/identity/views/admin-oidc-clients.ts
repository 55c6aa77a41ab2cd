import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import {
  button,
  checkboxes,
  errorSummary,
  form,
  input,
  notice,
  table,
  tag,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { App } from '../../../platform/http/types.ts';
import { oidcScopes, OIDC_PREFIX } from '../oidc/provider.ts';
import type { IdentityRouteDeps } from '../routes.ts';
import { fieldErrors } from './citizen.ts';
import { cm } from './citizen-messages.ts';
import { checkboxList, csrfField, requirePerson } from './session.ts';

const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 11);

/** Platform administrators register the portals that sign citizens in through Liên thông. */
export function registerOidcClientPages(app: App, deps: IdentityRouteDeps): void {
  const { clients, config } = deps;

  const page = async (
    request: Parameters<typeof renderPage>[0],
    reply: Parameters<typeof renderPage>[1],
    o: {
      errors?: FieldError[];
      created?: { id: string; secret: string };
      values?: { name: string; redirectUris: string; postLogoutRedirectUris: string; scopes: string[] };
      status?: number;
    } = {},
  ) => {
    const l = request.locale;
    const list = await clients.listOidcClients(request.ctx);
    const errors = o.errors ?? [];
    const err = (f: string) => errors.find((e) => e.field === f)?.message;
    const body = html`<h1>${cm.t('oidcClientsTitle', l)}</h1>
      <p>
        ${cm.t('discovery', l)}: <code>${config.baseUrl}${OIDC_PREFIX}/.well-known/openid-configuration</code>
      </p>
      ${o.created ? notice(cm.t('clientCreated', l, { id: o.created.id, secret: o.created.secret }), 'success') : ''}
      ${table({
        caption: cm.t('oidcClientsTitle', l),
        headers: [
          cm.t('clientName', l),
          'client_id',
          cm.t('redirectUris', l),
          cm.t('scopes', l),
          cm.t('status', l),
          '',
        ],
        rows: list.map((c) => [
          c.name,
          html`<code>${c.clientId}</code>`,
          c.redirectUris.join(' '),
          c.scopes.join(' '),
          c.status === 'active' ? tag(cm.t('active', l), 'green') : tag(cm.t('disabled', l), 'red'),
          form({
            action: `/admin/oidc-clients/${encodeURIComponent(c.clientId)}/status`,
            csrfToken: reply.generateCsrf(),
            body: html`<input
                type="hidden"
                name="status"
                value="${c.status === 'active' ? 'disabled' : 'active'}"
              />
              ${button(c.status === 'active' ? cm.t('disable', l) : cm.t('enable', l), { variant: 'secondary' })}`,
          }),
        ]),
        empty: cm.t('clientsEmpty', l),
      })}
      <h2>${cm.t('createClient', l)}</h2>
      ${errorSummary(errors, l)}
      ${form({
        action: '/admin/oidc-clients',
        csrfToken: reply.generateCsrf(),
        body: html`${input({ name: 'name', label: cm.t('clientName', l), value: o.values?.name ?? '', maxLength: 200, error: err('name') })}
        ${textarea({ name: 'redirectUris', label: cm.t('redirectUris', l), value: o.values?.redirectUris ?? '', rows: 3, maxLength: 5000, ...(err('redirectUris') ? { error: err('redirectUris') } : {}) })}
        ${textarea({ name: 'postLogoutRedirectUris', label: cm.t('postLogoutUris', l), value: o.values?.postLogoutRedirectUris ?? '', rows: 2, maxLength: 5000, ...(err('postLogoutRedirectUris') ? { error: err('postLogoutRedirectUris') } : {}) })}
        ${checkboxes({ name: 'scopes', legend: cm.t('scopes', l), options: oidcScopes.map((s) => ({ value: s, label: s })), checked: o.values?.scopes ?? ['openid', 'profile'], error: err('scopes') })}
        ${button(cm.t('createClient', l))}`,
      })}
      <p><small>${formatDateTime(new Date())}</small></p>`;
    return reply.send(
      renderPage(request, reply, {
        title: cm.t('oidcClientsTitle', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  };

  app.get('/admin/oidc-clients', { schema: { hide: true } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    return page(request, reply);
  });

  app.post(
    '/admin/oidc-clients',
    {
      schema: {
        hide: true,
        body: z.object({
          name: z.string().max(200).default(''),
          redirectUris: z.string().max(5000).default(''),
          postLogoutRedirectUris: z.string().max(5000).default(''),
          scopes: checkboxList,
          ...csrfField,
        }),
      },
    },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      const b = request.body;
      try {
        const { client, clientSecret } = await clients.createOidcClient(request.ctx, {
          name: b.name,
          redirectUris: lines(b.redirectUris),
          postLogoutRedirectUris: lines(b.postLogoutRedirectUris),
          scopes: b.scopes,
        });
        return page(request, reply, { created: { id: client.clientId, secret: clientSecret }, status: 201 });
      } catch (error) {
        const errors = fieldErrors(error, request.locale);
        if (!errors || !(error instanceof AppError)) throw error;
        return page(request, reply, { errors, values: { ...b, scopes: b.scopes }, status: 400 });
      }
    },
  );

  app.post(
    '/admin/oidc-clients/:clientId/status',
    {
      schema: {
        hide: true,
        params: z.object({ clientId: z.string().max(100) }),
        body: z.object({ status: z.enum(['active', 'disabled']), ...csrfField }),
      },
    },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      await clients.setOidcClientStatus(request.ctx, request.params.clientId, request.body.status);
      return reply.redirect('/admin/oidc-clients', 303);
    },
  );
}
