import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import { format } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { allowFormTargets } from '../../../platform/http/csp.ts';
import type { App } from '../../../platform/http/types.ts';
import { endOidcSession, relyingPartyTargets } from '../oidc/routes.ts';
import type { IdentityRouteDeps } from '../routes.ts';
import type { LoginResult } from '../service-auth.ts';
import { cm } from './citizen-messages.ts';
import { m } from './messages.ts';
import {
  LOGIN_COOKIE,
  clearLoginCookie,
  clearSessionCookie,
  csrfField,
  safeNext,
  setLoginCookie,
  setSessionCookie,
} from './session.ts';

const loginBody = z.object({
  username: z.string().max(1000).default(''),
  password: z.string().max(1000).default(''),
  next: z.string().max(1000).optional(),
  ...csrfField,
});
const totpBody = z.object({
  code: z.string().max(100).default(''),
  next: z.string().max(1000).optional(),
  ...csrfField,
});
const nextQuery = z.object({ next: z.string().max(1000).optional() });

/** Sign-in (password, then TOTP when on) and sign-out pages. */
export function registerLoginPages(app: App, deps: IdentityRouteDeps): void {
  const { service, config } = deps;
  const rateLimit = { max: config.loginRateLimit, timeWindow: '1 minute' };

  // A sign-in on the way to a relying party ends, through redirects, at its redirect URI.
  const allowRelyingParty = async (reply: FastifyReply, next: string) =>
    allowFormTargets(reply, await relyingPartyTargets(deps.provider, next));

  const loginPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { errors: FieldError[]; username: string; next: string; status?: number },
  ) => {
    await allowRelyingParty(reply, o.next);
    const l = request.locale;
    const fieldError = (f: string) => o.errors.find((e) => e.field === f)?.message;
    const body = html`<h1>${m.t('loginTitle', l)}</h1>
      <p class="lead">${m.t('loginLead', l)}</p>
      ${errorSummary(o.errors, l)}
      ${form({
        action: '/login',
        csrfToken: reply.generateCsrf(),
        body: html`<input type="hidden" name="next" value="${o.next}" />
          ${input({ name: 'username', label: m.t('username', l), value: o.username, autocomplete: 'username', maxLength: 254, width: 'medium', hint: cm.t('loginContactHint', l), error: fieldError('username') })}
          ${input({ name: 'password', label: m.t('password', l), type: 'password', autocomplete: 'current-password', maxLength: 200, width: 'medium', error: fieldError('password') })}
          ${button(m.t('signIn', l))}`,
      })}
      ${
        deps.upstream
          ? html`<p>${cm.t('or', l)}</p>
              <p>${linkButton(cm.t('eidButton', l), `/login/eid?next=${encodeURIComponent(o.next)}`)}</p>`
          : ''
      }
      <p><a href="/register">${cm.t('noAccount', l)}</a></p>`;
    return reply.send(
      renderPage(request, reply, {
        title: m.t('loginTitle', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  };

  const totpPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { errors: FieldError[]; next: string; status?: number },
  ) => {
    await allowRelyingParty(reply, o.next);
    const l = request.locale;
    const body = html`<h1>${m.t('totpTitle', l)}</h1>
      <p class="lead">${m.t('totpLead', l)}</p>
      ${errorSummary(o.errors, l)}
      ${form({
        action: '/login/totp',
        csrfToken: reply.generateCsrf(),
        body: html`<input type="hidden" name="next" value="${o.next}" />
          ${input({ name: 'code', label: m.t('code', l), autocomplete: 'one-time-code', inputmode: 'numeric', maxLength: 6, width: 'short', error: o.errors[0]?.message })}
          ${button(m.t('verify', l))}`,
      })}`;
    return reply.send(
      renderPage(request, reply, {
        title: m.t('totpTitle', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  };

  const finish = (
    reply: FastifyReply,
    result: Extract<LoginResult, { status: 'signed_in' }>,
    next: string,
  ) => {
    clearLoginCookie(reply, config);
    setSessionCookie(reply, config, result.sessionToken, result.expiresAt);
    return reply.redirect(next, 303);
  };

  app.get('/login', { schema: { hide: true, querystring: nextQuery } }, (request, reply) => {
    const next = safeNext(request.query.next);
    if (request.ctx.actor.kind === 'official' || request.ctx.actor.kind === 'citizen')
      return reply.redirect(next, 303);
    return loginPage(request, reply, { errors: [], username: '', next });
  });

  app.post(
    '/login',
    { config: { rateLimit }, schema: { hide: true, body: loginBody } },
    async (request, reply) => {
      const l = request.locale;
      const { username, password } = request.body;
      const next = safeNext(request.body.next);
      const errors: FieldError[] = [];
      if (!username.trim()) errors.push({ field: 'username', message: m.t('usernameMissing', l) });
      if (!password) errors.push({ field: 'password', message: m.t('passwordMissing', l) });
      if (errors.length > 0) return loginPage(request, reply, { errors, username, next, status: 400 });
      try {
        const result = await service.login(request.ctx, {
          username,
          password,
          userAgent: request.headers['user-agent'] ?? null,
        });
        if (result.status === 'signed_in') return finish(reply, result, next);
        setLoginCookie(reply, config, result.challenge, service.options.loginChallengeSeconds);
        return reply.redirect(`/login/totp?next=${encodeURIComponent(next)}`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 401) throw error;
        return loginPage(request, reply, {
          errors: [{ field: 'username', message: format(error.text, l) }],
          username,
          next,
          status: 401,
        });
      }
    },
  );

  app.get('/login/totp', { schema: { hide: true, querystring: nextQuery } }, (request, reply) => {
    if (!request.cookies[LOGIN_COOKIE]) return reply.redirect('/login', 303);
    return totpPage(request, reply, { errors: [], next: safeNext(request.query.next) });
  });

  app.post(
    '/login/totp',
    { config: { rateLimit }, schema: { hide: true, body: totpBody } },
    async (request, reply) => {
      const l = request.locale;
      const next = safeNext(request.body.next);
      const cookie = request.cookies[LOGIN_COOKIE];
      const unsigned = cookie ? request.unsignCookie(cookie) : null;
      if (!unsigned?.valid || !unsigned.value) return reply.redirect('/login', 303);
      const code = request.body.code.replace(/\s/g, '');
      if (!/^\d{6}$/.test(code))
        return totpPage(request, reply, {
          errors: [{ field: 'code', message: m.t('codeMissing', l) }],
          next,
          status: 400,
        });
      try {
        const result = await service.completeTotp(request.ctx, {
          challenge: unsigned.value,
          code,
          userAgent: request.headers['user-agent'] ?? null,
        });
        if (result.status === 'signed_in') return finish(reply, result, next);
        return reply.redirect('/login', 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 401) throw error;
        if (error.code === 'LOGIN_CHALLENGE_EXPIRED' || error.code === 'LOGIN_FAILED')
          clearLoginCookie(reply, config);
        return totpPage(request, reply, {
          errors: [{ field: 'code', message: format(error.text, l) }],
          next,
          status: 401,
        });
      }
    },
  );

  app.post(
    '/logout',
    { schema: { hide: true, body: z.object(csrfField).optional() } },
    async (request, reply) => {
      // The provider's session too: otherwise a relying party could sign the person back in.
      await endOidcSession(deps, request, reply);
      await service.logout(request.ctx);
      clearSessionCookie(reply, config);
      return reply.redirect('/', 303);
    },
  );
}
