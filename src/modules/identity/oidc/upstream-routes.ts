import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { linkButton, notice } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { IdentityRouteDeps } from '../routes.ts';
import { cm } from '../views/citizen-messages.ts';
import { safeNext, setSessionCookie } from '../views/session.ts';
import { UPSTREAM_CALLBACK, type UpstreamLogin, type UpstreamPending } from './upstream.ts';

const PENDING_COOKIE = 'lt_eid';
const pendingSchema = z.object({
  state: z.string().max(200),
  nonce: z.string().max(200),
  verifier: z.string().max(200),
  next: z.string().max(1000),
});

/** `/login/eid` sends the browser to the upstream provider; its callback signs the person in here. */
export function registerUpstreamRoutes(
  app: App,
  deps: IdentityRouteDeps & { upstream: UpstreamLogin },
): void {
  const { upstream, config } = deps;
  const cookieOptions = {
    path: '/login/eid',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.baseUrl.startsWith('https://'),
    signed: true,
  };

  app.get(
    '/login/eid',
    { schema: { hide: true, querystring: z.object({ next: z.string().max(1000).optional() }) } },
    async (request, reply) => {
      const { url, pending } = await upstream.start(safeNext(request.query.next));
      reply.setCookie(PENDING_COOKIE, JSON.stringify(pending), { ...cookieOptions, maxAge: 600 });
      return reply.redirect(url, 303);
    },
  );

  app.get(
    UPSTREAM_CALLBACK,
    {
      schema: {
        hide: true,
        querystring: z.object({
          code: z.string().max(2000).optional(),
          state: z.string().max(500).optional(),
          error: z.string().max(200).optional(),
          iss: z.string().max(500).optional(),
        }),
      },
    },
    async (request, reply) => {
      const raw = request.cookies[PENDING_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : null;
      reply.clearCookie(PENDING_COOKIE, cookieOptions);
      let pending: UpstreamPending | null;
      try {
        const parsed = pendingSchema.safeParse(unsigned?.valid ? JSON.parse(unsigned.value ?? '') : null);
        pending = parsed.success ? parsed.data : null;
      } catch {
        pending = null;
      }
      const { code, state } = request.query;
      const failed = () =>
        reply.send(
          renderPage(request, reply, {
            title: cm.t('eidButton', request.locale),
            body: html`<h1>${cm.t('eidButton', request.locale)}</h1>
              ${notice(cm.t('upstreamFailed', request.locale), 'warning')}
              ${linkButton(cm.t('ssoTitle', request.locale), '/login')}`,
            status: 401,
          }),
        );
      if (!pending || !code || !state || request.query.error) return failed();
      try {
        const session = await upstream.finish(request.ctx, {
          code,
          state,
          pending,
          userAgent: request.headers['user-agent'] ?? null,
        });
        setSessionCookie(reply, config, session.sessionToken, session.expiresAt);
        return reply.redirect(safeNext(pending.next), 303);
      } catch (error) {
        if (error instanceof AppError && error.status === 401) return failed();
        throw error;
      }
    },
  );
}
