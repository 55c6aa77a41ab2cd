import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionDetails } from 'oidc-provider';
import { z } from 'zod';
import { allowFormTargets } from '../../../platform/http/csp.ts';
import type { App } from '../../../platform/http/types.ts';
import { button, checkboxes, form, notice } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { cm } from '../views/citizen-messages.ts';
import { csrfField } from '../views/session.ts';
import type { OidcClientService } from './clients.ts';
import { endProviderSession, OIDC_PREFIX } from './provider.ts';

const param = (d: InteractionDetails, name: string): string => {
  const value = d.params[name];
  return typeof value === 'string' ? value : '';
};

const uidParams = z.object({
  uid: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w-]+$/),
});
const consentBody = z.object({
  decision: z.enum(['allow', 'deny']).default('deny'),
  personal_id: z.string().max(10).optional(),
  ...csrfField,
});

/**
 * Where a form posted on the way through an interaction ends: the relying party's redirect URI
 * (the provider checked it against the client's registration before creating the interaction).
 * `next` is the local path the login page returns to.
 */
export async function relyingPartyTargets(
  provider: () => Promise<Provider>,
  next: string,
): Promise<string[]> {
  const uid = /^\/oidc\/interaction\/([\w-]{1,100})$/.exec(next)?.[1];
  if (!uid) return [];
  try {
    const redirect = (await (await provider()).Interaction.find(uid))?.params['redirect_uri'];
    return typeof redirect === 'string' ? [redirect] : [];
  } catch {
    return [];
  }
}

/**
 * Ends the provider's session of this browser (and the grants given in it) and drops its
 * cookie; a failure is logged and does not stop signing out of Liên thông (the provider also
 * refuses a session whose Liên thông session is gone).
 */
export async function endOidcSession(
  deps: { provider: () => Promise<Provider> },
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  try {
    if (await endProviderSession(await deps.provider(), request.raw, reply.raw))
      for (const name of ['_session', '_session.sig']) reply.clearCookie(name, { path: '/' });
  } catch (error) {
    request.log.error(
      { action: 'identity.oidc.end_session_failed', err: error },
      'provider session not ended',
    );
  }
}

/**
 * Mounts oidc-provider under `/oidc` (its Koa app gets the raw Node request and response, with
 * the prefix moved to `originalUrl` so the URLs it builds keep it), and serves the login and
 * consent interactions as pages of the portal: a person already signed in to Liên thông is
 * not asked to sign in again.
 */
export function registerOidcRoutes(
  app: App,
  deps: { provider: () => Promise<Provider>; clients: OidcClientService },
): void {
  const { provider } = deps;

  void app.register((scope, _options, done) => {
    // oidc-provider reads the body itself: leave the stream untouched.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const mount = async (request: FastifyRequest, reply: FastifyReply) => {
      const p = await provider();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      const url = raw.url ?? '/';
      raw.originalUrl = url;
      raw.url = url.slice(OIDC_PREFIX.length) || '/';
      reply.hijack();
      p.callback()(raw, reply.raw);
    };
    // The provider checks its own forms (xsrf) and clients; the kernel's CSRF check stays out.
    const providerRoute = { csrf: false, rateLimit: false as const };
    scope.all(`${OIDC_PREFIX}/*`, { config: providerRoute, schema: { hide: true } }, mount);
    done();
  });

  const details = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<InteractionDetails | null> => {
    try {
      return await (await provider()).interactionDetails(request.raw, reply.raw);
    } catch {
      return null;
    }
  };

  const message = (request: FastifyRequest, reply: FastifyReply, text: string, status: number) =>
    reply.send(
      renderPage(request, reply, {
        title: cm.t('ssoTitle', request.locale),
        body: html`<h1>${cm.t('ssoTitle', request.locale)}</h1>
          ${notice(text, 'warning')}`,
        status,
      }),
    );

  const finish = async (request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>) => {
    const returnTo = await (
      await provider()
    ).interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    return reply.redirect(returnTo, 303);
  };

  const consentPage = async (request: FastifyRequest, reply: FastifyReply, d: InteractionDetails) => {
    const l = request.locale;
    const clientId = param(d, 'client_id');
    const client = await deps.clients.oidcClientName(clientId);
    const name = client?.name ?? clientId;
    const requested = (param(d, 'scope') || 'openid').split(' ');
    const shown = requested.filter((s) => ['openid', 'profile', 'email', 'phone'].includes(s));
    const wantsPersonalId = requested.includes('personal_id');
    // Allowing or refusing redirects (through /oidc/auth) to the relying party's redirect URI.
    allowFormTargets(reply, [param(d, 'redirect_uri')]);
    const body = html`<h1>${cm.t('consentTitle', l, { client: name })}</h1>
      <p class="lead">${cm.t('consentLead', l, { client: name })}</p>
      ${form({
        action: `${OIDC_PREFIX}/interaction/${d.uid}/consent`,
        csrfToken: reply.generateCsrf(),
        body: html`<ul class="list">
            ${shown.map((s) => html`<li>${cm.t(`scope_${s}` as 'scope_openid', l)}</li>`)}
          </ul>
          ${
            wantsPersonalId
              ? checkboxes({
                  name: 'personal_id',
                  legend: cm.t('personalId', l),
                  options: [{ value: 'yes', label: cm.t('scope_personal_id', l) }],
                  checked: [],
                })
              : ''
          }
          ${button(cm.t('allow', l), { name: 'decision', value: 'allow' })}
          ${button(cm.t('deny', l), { name: 'decision', value: 'deny', variant: 'secondary' })}`,
      })}`;
    return reply.send(renderPage(request, reply, { title: cm.t('consentTitle', l, { client: name }), body }));
  };

  app.get(
    `${OIDC_PREFIX}/interaction/:uid`,
    { schema: { hide: true, params: uidParams } },
    async (request, reply) => {
      const d = await details(request, reply);
      if (!d || d.uid !== request.params.uid)
        return message(request, reply, cm.t('interactionExpired', request.locale), 400);
      const actor = request.ctx.actor;
      if (actor.kind === 'official')
        return message(request, reply, cm.t('officialNoSso', request.locale), 403);
      if (actor.kind !== 'citizen')
        return reply.redirect(
          `/login?next=${encodeURIComponent(`${OIDC_PREFIX}/interaction/${d.uid}`)}`,
          303,
        );
      if (d.prompt.name === 'login' || (d.session?.accountId && d.session.accountId !== actor.accountId))
        return finish(request, reply, { login: { accountId: actor.accountId } });
      if (d.prompt.name === 'consent') return consentPage(request, reply, d);
      return finish(request, reply, { error: 'access_denied', error_description: 'unsupported prompt' });
    },
  );

  app.post(
    `${OIDC_PREFIX}/interaction/:uid/consent`,
    { schema: { hide: true, params: uidParams, body: consentBody } },
    async (request, reply) => {
      const d = await details(request, reply);
      if (!d || d.uid !== request.params.uid || d.prompt.name !== 'consent')
        return message(request, reply, cm.t('interactionExpired', request.locale), 400);
      const actor = request.ctx.actor;
      if (actor.kind !== 'citizen' || d.session?.accountId !== actor.accountId)
        return reply.redirect(
          `/login?next=${encodeURIComponent(`${OIDC_PREFIX}/interaction/${d.uid}`)}`,
          303,
        );
      if (request.body.decision !== 'allow')
        return finish(request, reply, {
          error: 'access_denied',
          error_description: 'End-user denied the request',
        });
      const p = await provider();
      const clientId = param(d, 'client_id');
      const grant =
        (d.grantId ? await p.Grant.find(d.grantId) : undefined) ??
        new p.Grant({ accountId: actor.accountId, clientId });
      const missing = d.prompt.details.missingOIDCScope ?? [];
      const sharePersonalId = request.body.personal_id === 'yes';
      const granted = missing.filter((s) => s !== 'personal_id' || sharePersonalId);
      if (granted.length > 0) grant.addOIDCScope(granted.join(' '));
      if (missing.includes('personal_id') && !sharePersonalId) grant.rejectOIDCScope('personal_id');
      if (d.prompt.details.missingOIDCClaims?.length) grant.addOIDCClaims(d.prompt.details.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(d.prompt.details.missingResourceScopes ?? {}))
        grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      return finish(request, reply, { consent: { grantId } });
    },
  );
}
