import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import { format, formatDateTime } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
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
import { m, roleLabel } from './messages.ts';
import { clearSessionCookie, csrfField, requirePerson } from './session.ts';
import { endOidcSession } from '../oidc/routes.ts';

const doneQuery = z.object({ done: z.enum(['password', 'totp_on', 'totp_off']).optional() });
const passwordBody = z.object({
  currentPassword: z.string().max(1000).default(''),
  newPassword: z.string().max(1000).default(''),
  confirmPassword: z.string().max(1000).default(''),
  ...csrfField,
});
const codeBody = z.object({ code: z.string().max(100).default(''), ...csrfField });
const passwordOnly = z.object({ password: z.string().max(1000).default(''), ...csrfField });
const emptyBody = z.object(csrfField).optional();

/** The signed-in person's own account: profile, password, TOTP, sessions. */
export function registerAccountPages(app: App, deps: IdentityRouteDeps): void {
  const { service, config, directory } = deps;

  const accountPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { errors?: FieldError[]; done?: string | undefined; status?: number } = {},
  ) => {
    const l = request.locale;
    const errors = o.errors ?? [];
    const err = (f: string) => errors.find((e) => e.field === f)?.message;
    const me = await service.me(request.ctx);
    const agency = me.agencyId ? await directory.getAgency(me.agencyId) : null;
    const pending = await service.pendingTotp(request.ctx);
    const sessions = await service.mySessions(request.ctx);
    const csrfToken = reply.generateCsrf();
    const done = { password: 'passwordChanged', totp_on: 'totpEnabled', totp_off: 'totpDisabled' } as const;
    const totpSection = me.totpEnabled
      ? html`<p>${tag(m.t('active', l), 'green')}</p>
          ${form({
            action: '/account/totp/disable',
            csrfToken,
            label: m.t('totpDisable', l),
            body: html`${input({ name: 'password', label: m.t('password', l), type: 'password', autocomplete: 'current-password', width: 'medium', error: err('password') })}
            ${button(m.t('totpDisable', l), { variant: 'warning' })}`,
          })}`
      : pending
        ? html`<p>${m.t('totpPending', l)}</p>
            ${summaryList([
              [m.t('totpSecret', l), html`<code id="totp-secret">${pending.secret}</code>`],
              [m.t('totpUri', l), html`<code id="totp-uri">${pending.uri}</code>`],
            ])}
            ${form({
              action: '/account/totp/confirm',
              csrfToken,
              label: m.t('totpConfirm', l),
              body: html`${input({ name: 'code', label: m.t('code', l), autocomplete: 'one-time-code', inputmode: 'numeric', maxLength: 6, width: 'short', error: err('code') })}
              ${button(m.t('totpConfirm', l))}`,
            })}`
        : html`<p>${m.t('totpOff', l)}</p>
            ${form({ action: '/account/totp/start', csrfToken, label: m.t('totpStart', l), body: button(m.t('totpStart', l), { variant: 'secondary' }) })}`;
    const body = html`<h1>${m.t('accountTitle', l)}</h1>
      ${o.done ? notice(m.t(done[o.done as keyof typeof done], l), 'success') : ''}
      ${me.mustChangePassword ? notice(m.t('mustChange', l), 'warning') : ''} ${errorSummary(errors, l)}
      ${summaryList([
        [m.t('username', l), me.username],
        [m.t('fullName', l), me.fullName],
        [m.t('email', l), me.email || m.t('none', l)],
        [m.t('phone', l), me.phone ?? m.t('none', l)],
        [m.t('agency', l), agency?.name ?? m.t('none', l)],
        [m.t('roles', l), me.roles.map((r) => roleLabel(r, l)).join(', ') || m.t('none', l)],
      ])}
      <h2>${m.t('changePassword', l)}</h2>
      ${form({
        action: '/account/password',
        csrfToken,
        label: m.t('changePassword', l),
        body: html`${input({ name: 'currentPassword', label: m.t('currentPassword', l), type: 'password', autocomplete: 'current-password', width: 'medium', error: err('currentPassword') })}
        ${input({ name: 'newPassword', label: m.t('newPassword', l), hint: m.t('newPasswordHint', l), type: 'password', autocomplete: 'new-password', maxLength: 200, width: 'medium', error: err('newPassword') })}
        ${input({ name: 'confirmPassword', label: m.t('confirmPassword', l), type: 'password', autocomplete: 'new-password', maxLength: 200, width: 'medium', error: err('confirmPassword') })}
        ${button(m.t('changePassword', l))}`,
      })}
      <h2 id="totp">${m.t('totpSection', l)}</h2>
      ${totpSection}
      <h2>${m.t('sessions', l)}</h2>
      ${table({
        caption: m.t('sessionsCaption', l),
        headers: [m.t('started', l), m.t('lastSeen', l), m.t('device', l), ''],
        rows: sessions.map((s) => [
          formatDateTime(s.createdAt),
          formatDateTime(s.lastSeenAt),
          s.userAgent ?? m.t('none', l),
          s.current ? tag(m.t('thisSession', l), 'blue') : '',
        ]),
        empty: m.t('noSessions', l),
      })}
      ${form({ action: '/account/sessions/revoke-all', csrfToken, label: m.t('logoutEverywhere', l), body: button(m.t('logoutEverywhere', l), { variant: 'warning' }) })}`;
    return reply.send(
      renderPage(request, reply, {
        title: m.t('accountTitle', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  };

  /** Domain errors of a form come back on the same page next to `field`. */
  const onSamePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    field: string,
    run: () => Promise<string>,
  ) => {
    try {
      return reply.redirect(await run(), 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      return accountPage(request, reply, {
        errors: [{ field, message: format(error.text, request.locale) }],
        status: 400,
      });
    }
  };

  app.get('/account', { schema: { hide: true, querystring: doneQuery } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    return accountPage(request, reply, { done: request.query.done });
  });

  app.post('/account/password', { schema: { hide: true, body: passwordBody } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    const l = request.locale;
    const b = request.body;
    const errors: FieldError[] = [];
    if (!b.currentPassword) errors.push({ field: 'currentPassword', message: m.t('passwordMissing', l) });
    if (b.newPassword.length < 10) errors.push({ field: 'newPassword', message: m.t('newPasswordHint', l) });
    else if (b.newPassword !== b.confirmPassword)
      errors.push({ field: 'confirmPassword', message: m.t('passwordsDiffer', l) });
    if (errors.length > 0) return accountPage(request, reply, { errors, status: 400 });
    const field = (code: string) => (code === 'CURRENT_PASSWORD_WRONG' ? 'currentPassword' : 'newPassword');
    try {
      await service.changePassword(request.ctx, {
        currentPassword: b.currentPassword,
        newPassword: b.newPassword,
      });
      return reply.redirect('/account?done=password', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      return accountPage(request, reply, {
        errors: [{ field: field(error.code), message: format(error.text, l) }],
        status: 400,
      });
    }
  });

  app.post('/account/totp/start', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    await service.startTotp(request.ctx);
    return reply.redirect('/account#totp', 303);
  });

  app.post('/account/totp/confirm', { schema: { hide: true, body: codeBody } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    return onSamePage(request, reply, 'code', async () => {
      await service.confirmTotp(request.ctx, { code: request.body.code.replace(/\s/g, '') });
      return '/account?done=totp_on';
    });
  });

  app.post(
    '/account/totp/disable',
    { schema: { hide: true, body: passwordOnly } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      return onSamePage(request, reply, 'password', async () => {
        await service.disableTotp(request.ctx, { password: request.body.password });
        return '/account?done=totp_off';
      });
    },
  );

  app.post(
    '/account/sessions/revoke-all',
    { schema: { hide: true, body: emptyBody } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      await endOidcSession(deps, request, reply);
      await service.logoutEverywhere(request.ctx);
      clearSessionCookie(reply, config);
      return reply.redirect('/login', 303);
    },
  );
}
