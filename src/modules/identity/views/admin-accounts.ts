import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isPlatformAdmin, officialRoles, type Role } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { format, formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import {
  breadcrumbs,
  button,
  checkboxes,
  errorSummary,
  select,
  form,
  input,
  linkButton,
  notice,
  pagination,
  summaryList,
  table,
  tag,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { App } from '../../../platform/http/types.ts';
import type { AccountView } from '../model.ts';
import type { IdentityRouteDeps } from '../routes.ts';
import { roleSchema, usernameSchema } from '../schemas.ts';
import { m, roleLabel } from './messages.ts';
import { checkboxList, csrfField, requirePerson } from './session.ts';

const listQuery = z.object({
  q: z.string().max(100).optional(),
  agencyCode: z.string().max(50).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
const idParams = z.object({ id: z.uuid() });
const newBody = z.object({
  username: z.string().max(1000).default(''),
  fullName: z.string().max(1000).default(''),
  email: z.string().max(1000).default(''),
  phone: z.string().max(1000).default(''),
  agencyCode: z.string().max(100).optional(),
  roles: checkboxList,
  ...csrfField,
});
const membershipForm = z.object({
  agencyCode: z.string().max(100).optional(),
  unitId: z.union([z.uuid(), z.literal('')]).optional(),
  roles: checkboxList,
  ...csrfField,
});
const statusForm = z.object({ status: z.enum(['active', 'disabled']), ...csrfField });
const emptyBody = z.object(csrfField).optional();
const doneQuery = z.object({ done: z.enum(['roles', 'status', 'totp']).optional() });

/** Account administration pages for agency and platform administrators. */
export function registerAdminAccountPages(app: App, deps: IdentityRouteDeps): void {
  const { service, directory } = deps;

  const agencyIdOf = async (code: string | undefined) => {
    if (!code?.trim()) return undefined;
    return (await directory.resolveCode(code.trim()))?.current.id ?? null;
  };
  const roleOptions = (l: FastifyRequest['locale'], request: FastifyRequest) =>
    officialRoles
      .filter((r) => r !== 'platform_admin' || isPlatformAdmin(request.ctx.actor))
      .map((r) => ({ value: r, label: roleLabel(r, l) }));
  const pickRoles = (values: string[]): Role[] =>
    values.filter((v): v is Role => roleSchema.safeParse(v).success);
  const statusTag = (a: AccountView, l: FastifyRequest['locale']) =>
    a.status === 'active'
      ? a.lockedUntil
        ? tag(m.t('lockedUntil', l, { time: formatDateTime(a.lockedUntil) }), 'yellow')
        : tag(m.t('active', l), 'green')
      : tag(m.t('disabled', l), 'red');

  app.get('/admin/accounts', { schema: { hide: true, querystring: listQuery } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    const l = request.locale;
    const q = request.query;
    const platform = isPlatformAdmin(request.ctx.actor);
    const agencyId = platform ? await agencyIdOf(q.agencyCode) : undefined;
    const errors: FieldError[] =
      agencyId === null ? [{ field: 'agencyCode', message: m.t('agencyUnknown', l) }] : [];
    const result =
      agencyId === null
        ? { accounts: [], hasNext: false }
        : await service.listAccounts(request.ctx, { agencyId, search: q.q, page: q.page, pageSize: 25 });
    const names = new Map<string, string>();
    for (const a of result.accounts)
      if (a.agencyId && !names.has(a.agencyId))
        names.set(a.agencyId, (await directory.getAgency(a.agencyId))?.name ?? '');
    const body = html`<h1>${m.t('accountsTitle', l)}</h1>
      ${errorSummary(errors, l)}
      ${form({
        action: '/admin/accounts',
        method: 'get',
        csrfToken: '',
        label: m.t('filter', l),
        body: html`<div class="search-form">
          ${input({ name: 'q', label: m.t('search', l), type: 'search', value: q.q ?? '', width: 'medium', maxLength: 100 })}
          ${platform ? input({ name: 'agencyCode', label: m.t('agencyCode', l), hint: m.t('agencyCodeHint', l), value: q.agencyCode ?? '', width: 'medium', error: errors[0]?.message }) : ''}
          ${button(m.t('filter', l), { variant: 'secondary' })}
        </div>`,
      })}
      <p>${linkButton(m.t('newAccount', l), '/admin/accounts/new', 'primary')}</p>
      ${table({
        caption: m.t('accountsCaption', l),
        headers: [
          m.t('username', l),
          m.t('fullName', l),
          m.t('agency', l),
          m.t('roles', l),
          m.t('status', l),
        ],
        rows: result.accounts.map((a) => [
          html`<a href="/admin/accounts/${a.id}">${a.username}</a>`,
          a.fullName,
          a.agencyId ? (names.get(a.agencyId) ?? '') : m.t('none', l),
          a.roles.map((r) => roleLabel(r, l)).join(', '),
          statusTag(a, l),
        ]),
        empty: m.t('noAccounts', l),
      })}
      ${pagination({ page: q.page, hasNext: result.hasNext, baseUrl: '/admin/accounts', query: { q: q.q, agencyCode: q.agencyCode }, locale: l })}`;
    return reply.send(renderPage(request, reply, { title: m.t('accountsTitle', l), body }));
  });

  const newPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { errors: FieldError[]; values: Partial<z.infer<typeof newBody>>; status?: number },
  ) => {
    const l = request.locale;
    const err = (f: string) => o.errors.find((e) => e.field === f)?.message;
    const v = o.values;
    const body = html`${breadcrumbs([{ href: '/admin/accounts', label: m.t('accountsTitle', l) }, { label: m.t('newAccount', l) }], l)}
      <h1>${m.t('newAccount', l)}</h1>
      ${errorSummary(o.errors, l)}
      ${form({
        action: '/admin/accounts/new',
        csrfToken: reply.generateCsrf(),
        body: html`${input({ name: 'username', label: m.t('username', l), value: v.username ?? '', maxLength: 64, width: 'medium', error: err('username') })}
        ${input({ name: 'fullName', label: m.t('fullName', l), value: v.fullName ?? '', maxLength: 200, error: err('fullName') })}
        ${input({ name: 'email', label: m.t('email', l), type: 'email', value: v.email ?? '', maxLength: 254, error: err('email') })}
        ${input({ name: 'phone', label: m.t('phone', l), type: 'tel', value: v.phone ?? '', maxLength: 32, width: 'medium', error: err('phone') })}
        ${isPlatformAdmin(request.ctx.actor) ? input({ name: 'agencyCode', label: m.t('agencyCode', l), hint: m.t('agencyCodeHint', l), value: v.agencyCode ?? '', width: 'medium', error: err('agencyCode') }) : ''}
        ${checkboxes({ name: 'roles', legend: m.t('roles', l), options: roleOptions(l, request), checked: v.roles ?? [] })}
        ${button(m.t('create', l))}`,
      })}`;
    return reply.send(
      renderPage(request, reply, {
        title: m.t('newAccount', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  };

  app.get('/admin/accounts/new', { schema: { hide: true } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    await service.listAccounts(request.ctx, { page: 1, pageSize: 1 }); // refuses non-administrators
    return newPage(request, reply, { errors: [], values: {} });
  });

  app.post('/admin/accounts/new', { schema: { hide: true, body: newBody } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    const l = request.locale;
    const b = request.body;
    const actor = request.ctx.actor;
    const errors: FieldError[] = [];
    if (!usernameSchema.safeParse(b.username.trim()).success)
      errors.push({ field: 'username', message: m.t('fieldInvalid', l) });
    if (!b.fullName.trim() || b.fullName.length > 200)
      errors.push({ field: 'fullName', message: m.t('fieldInvalid', l) });
    if (!z.email().max(254).safeParse(b.email.trim()).success)
      errors.push({ field: 'email', message: m.t('fieldInvalid', l) });
    if (b.phone.length > 32) errors.push({ field: 'phone', message: m.t('fieldInvalid', l) });
    const agencyId = isPlatformAdmin(actor)
      ? await agencyIdOf(b.agencyCode)
      : actor.kind === 'official'
        ? actor.agencyId
        : null;
    if (!agencyId) errors.push({ field: 'agencyCode', message: m.t('agencyUnknown', l) });
    if (errors.length > 0 || !agencyId) return newPage(request, reply, { errors, values: b, status: 400 });
    try {
      const created = await service.createAccount(request.ctx, {
        username: b.username.trim(),
        fullName: b.fullName,
        email: b.email,
        phone: b.phone || null,
        agencyId,
        roles: pickRoles(b.roles),
      });
      const body = html`<h1>${m.t('accountCreated', l, { username: created.account.username })}</h1>
        ${notice(
          html`<p>${m.t('shownOnce', l)}</p>
            ${summaryList([
              [m.t('username', l), created.account.username],
              [
                m.t('temporaryPassword', l),
                html`<code id="temporary-password">${created.temporaryPassword ?? ''}</code>`,
              ],
            ])}`,
          'warning',
        )}
        <p>${linkButton(m.t('account', l), `/admin/accounts/${created.account.id}`)}</p>`;
      return reply
        .code(201)
        .send(renderPage(request, reply, { title: m.t('newAccount', l), body, status: 201 }));
    } catch (error) {
      if (
        !(error instanceof AppError) ||
        (error.code !== 'USERNAME_TAKEN' && error.code !== 'ROLE_NOT_GRANTABLE')
      )
        throw error;
      const field = error.code === 'USERNAME_TAKEN' ? 'username' : 'roles';
      return newPage(request, reply, {
        errors: [{ field, message: format(error.text, l) }],
        values: b,
        status: 400,
      });
    }
  });

  app.get(
    '/admin/accounts/:id',
    { schema: { hide: true, params: idParams, querystring: doneQuery } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      const l = request.locale;
      const a = await service.getAccount(request.ctx, request.params.id);
      const history = await service.membershipHistory(request.ctx, a.id);
      const units = a.agencyId ? await service.unitsOf(request.ctx, a.agencyId) : [];
      const agencyName = async (id: string) => (await directory.getAgency(id))?.name ?? id;
      const historyRows = [];
      for (const h of history)
        historyRows.push([
          await agencyName(h.agencyId),
          h.unitId ? await agencyName(h.unitId) : m.t('none', l),
          h.roles.map((r) => roleLabel(r, l)).join(', '),
          formatDate(h.validFrom),
          h.validTo ? formatDate(h.validTo) : m.t('none', l),
        ]);
      const csrfToken = reply.generateCsrf();
      const done = { roles: 'membershipSaved', status: 'statusSaved', totp: 'totpReset' } as const;
      const base = `/admin/accounts/${a.id}`;
      const body = html`${breadcrumbs([{ href: '/admin/accounts', label: m.t('accountsTitle', l) }, { label: a.username }], l)}
        <h1>${a.fullName}</h1>
        ${request.query.done ? notice(m.t(done[request.query.done], l), 'success') : ''}
        ${summaryList([
          [m.t('username', l), a.username],
          [m.t('email', l), a.email || m.t('none', l)],
          [m.t('phone', l), a.phone ?? m.t('none', l)],
          [m.t('agency', l), a.agencyId ? await agencyName(a.agencyId) : m.t('none', l)],
          [m.t('unit', l), a.unitId ? await agencyName(a.unitId) : m.t('noUnit', l)],
          [m.t('status', l), statusTag(a, l)],
          [m.t('totpSection', l), a.totpEnabled ? tag(m.t('active', l), 'green') : m.t('none', l)],
        ])}
        <h2>${m.t('membership', l)}</h2>
        ${form({
          action: `${base}/membership`,
          csrfToken,
          label: m.t('membership', l),
          body: html`${isPlatformAdmin(request.ctx.actor) ? input({ name: 'agencyCode', label: m.t('agencyCode', l), hint: m.t('agencyCodeHint', l), width: 'medium' }) : ''}
          ${units.length || a.unitId ? select({ name: 'unitId', label: m.t('unit', l), hint: m.t('unitHint', l), includeEmpty: m.t('noUnit', l), options: units.map((u) => ({ value: u.id, label: u.name })), value: a.unitId ?? '' }) : ''}
          ${checkboxes({ name: 'roles', legend: m.t('roles', l), options: roleOptions(l, request), checked: a.roles })}
          ${button(m.t('saveRoles', l))}`,
        })}
        <h2>${m.t('actions', l)}</h2>
        ${form({ action: `${base}/status`, csrfToken, label: m.t('status', l), body: html`<input type="hidden" name="status" value="${a.status === 'active' ? 'disabled' : 'active'}" />${button(m.t(a.status === 'active' ? 'disable' : 'enable', l), { variant: 'warning' })}` })}
        ${form({ action: `${base}/reset-password`, csrfToken, label: m.t('resetPassword', l), body: button(m.t('resetPassword', l), { variant: 'secondary' }) })}
        ${a.totpEnabled ? form({ action: `${base}/reset-totp`, csrfToken, label: m.t('resetTotp', l), body: button(m.t('resetTotp', l), { variant: 'secondary' }) }) : ''}
        <h2>${m.t('history', l)}</h2>
        ${table({ caption: m.t('history', l), headers: [m.t('agency', l), m.t('unit', l), m.t('roles', l), m.t('from', l), m.t('to', l)], rows: historyRows, empty: m.t('none', l) })}`;
      return reply.send(renderPage(request, reply, { title: a.fullName, body }));
    },
  );

  app.post(
    '/admin/accounts/:id/membership',
    { schema: { hide: true, params: idParams, body: membershipForm } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      const current = await service.getAccount(request.ctx, request.params.id);
      const chosen = isPlatformAdmin(request.ctx.actor)
        ? await agencyIdOf(request.body.agencyCode)
        : undefined;
      const agencyId = chosen ?? current.agencyId;
      if (!agencyId) return reply.redirect(`/admin/accounts/${current.id}`, 303);
      // The unit list on the page is the current agency's: a move starts without a unit.
      const unit = request.body.unitId;
      const unitId = agencyId !== current.agencyId ? null : unit === undefined ? undefined : unit || null;
      await service.setMembership(request.ctx, current.id, {
        agencyId,
        roles: pickRoles(request.body.roles),
        unitId,
      });
      return reply.redirect(`/admin/accounts/${current.id}?done=roles`, 303);
    },
  );

  app.post(
    '/admin/accounts/:id/status',
    { schema: { hide: true, params: idParams, body: statusForm } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      await service.updateAccount(request.ctx, request.params.id, { status: request.body.status });
      return reply.redirect(`/admin/accounts/${request.params.id}?done=status`, 303);
    },
  );

  app.post(
    '/admin/accounts/:id/reset-password',
    { schema: { hide: true, params: idParams, body: emptyBody } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      const l = request.locale;
      const { temporaryPassword } = await service.resetPassword(request.ctx, request.params.id);
      const a = await service.getAccount(request.ctx, request.params.id);
      const body = html`<h1>${m.t('resetPassword', l)}: ${a.username}</h1>
        ${notice(
          html`<p>${m.t('shownOnce', l)}</p>
            ${summaryList([[m.t('temporaryPassword', l), html`<code id="temporary-password">${temporaryPassword}</code>`]])}`,
          'warning',
        )}
        <p>${linkButton(m.t('back', l), `/admin/accounts/${a.id}`)}</p>`;
      return reply.send(renderPage(request, reply, { title: m.t('resetPassword', l), body }));
    },
  );

  app.post(
    '/admin/accounts/:id/reset-totp',
    { schema: { hide: true, params: idParams, body: emptyBody } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      await service.resetTotp(request.ctx, request.params.id);
      return reply.redirect(`/admin/accounts/${request.params.id}?done=totp`, 303);
    },
  );
}
