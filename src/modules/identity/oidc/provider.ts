import { hkdfSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type KoaContextLike } from 'oidc-provider';
import type { Logger } from 'pino';
import { originsOf, widenFormAction } from '../../../platform/http/csp.ts';
import { escapeHtml } from '../../../platform/pages/html.ts';
import type { IdentityRepo } from '../repo.ts';
import type { CitizenDb } from '../tables.ts';
import { SESSION_COOKIE } from '../views/session.ts';
import { createAdapterClass } from './adapter.ts';
import { loadSigningKeys } from './keys.ts';

export const OIDC_PREFIX = '/oidc';

/** Scopes the provider knows; `personal_id` releases the personal identification number. */
export const oidcScopes = ['openid', 'profile', 'email', 'phone', 'personal_id'] as const;
export type OidcScope = (typeof oidcScopes)[number];

/** Our national-number claim (released only with the `personal_id` scope and the person's consent). */
export const PERSONAL_ID_CLAIM = 'personal_id_number';

export interface ProviderDeps {
  baseUrl: string;
  trustProxy: boolean;
  cookieSecret: string;
  db: CitizenDb;
  storageKey: Buffer;
  repo: IdentityRepo;
  logger: Logger;
  /** The number, decrypted and access-logged as read by the client. */
  personalIdForClient(accountId: string, client: { id: string; name: string }): Promise<string | null>;
  /** Ends the Liên thông session of this cookie token (RP-initiated logout ends both). */
  endSessionByToken(token: string): Promise<void>;
  /** The citizen or business account signed in with this Liên thông session token, if it is live. */
  sessionAccount(token: string): Promise<string | null>;
}

/**
 * Ends the provider's own session of this browser (cookie `_session`) and revokes the grants
 * given in it (their codes and tokens), as RP-initiated logout does: a relying party can then
 * no longer sign the person in without a new sign-in on Liên thông.
 */
export async function endProviderSession(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const session = await provider.Session.get({ req, res });
  if (!session.accountId) return false;
  for (const { grantId } of Object.values(session.authorizations ?? {})) {
    if (!grantId) continue;
    await provider.AccessToken.adapter.revokeByGrantId(grantId);
    await provider.Grant.adapter.destroy(grantId);
  }
  await session.destroy();
  return true;
}

/** A plain page in the portal's stylesheet, for the few screens oidc-provider draws itself. */
function standalonePage(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — Liên thông</title><link rel="stylesheet" href="/assets/style.css"></head><body><header class="header"><div class="container header-inner"><a class="brand" href="/"><span class="brand-name">Liên thông</span></a></div></header><main id="main" class="container">${body}</main></body></html>`;
}

/** E.164 for the `phone_number` claim: `0912345678` → `+84912345678`. */
const e164 = (phone: string) => (phone.startsWith('0') ? `+84${phone.slice(1)}` : phone);

/** Builds the OpenID Connect provider (issuer `{BASE_URL}/oidc`) once its signing keys are loaded. */
export async function createOidcProvider(deps: ProviderDeps): Promise<Provider> {
  const jwks = await loadSigningKeys(deps.db, deps.storageKey);
  const cookieKey = Buffer.from(
    hkdfSync('sha256', deps.cookieSecret, 'lienthong-identity', 'oidc-cookies', 32),
  ).toString('base64url');

  const provider = new Provider(`${deps.baseUrl}${OIDC_PREFIX}`, {
    adapter: createAdapterClass(deps.db, deps.storageKey),
    jwks: { keys: jwks },
    cookies: { keys: [cookieKey] },
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
      personal_id: [PERSONAL_ID_CLAIM],
    },
    scopes: [...oidcScopes],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx: KoaContextLike, form: string) {
          ctx.type = 'html';
          // The confirmation form ends at the client's registered post-logout URI (another site).
          const policy = ctx.res.getHeader('content-security-policy');
          const targets = originsOf(ctx.oidc?.client?.postLogoutRedirectUris ?? []);
          if (typeof policy === 'string' && targets.length > 0)
            ctx.set('Content-Security-Policy', widenFormAction(policy, targets));
          ctx.body = standalonePage(
            'Đăng xuất',
            `<h1>Đăng xuất khỏi Liên thông?</h1><p class="lead">Bạn sẽ đăng xuất khỏi Liên thông và khỏi các ứng dụng đã đăng nhập bằng tài khoản này. <span lang="en">Sign out of Liên thông and the applications you signed in to with it?</span></p>${form}<p><button class="button button--primary" type="submit" form="op.logoutForm" name="logout" value="yes">Đăng xuất / Sign out</button> <button class="button button--secondary" type="submit" form="op.logoutForm">Không / No</button></p>`,
          );
        },
        postLogoutSuccessSource(ctx: KoaContextLike) {
          ctx.type = 'html';
          ctx.body = standalonePage(
            'Đã đăng xuất',
            '<h1>Bạn đã đăng xuất</h1><p class="lead">Bạn đã đăng xuất khỏi Liên thông. <span lang="en">You have signed out.</span></p><p><a href="/">Trang chủ / Home</a></p>',
          );
        },
      },
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 900,
      Session: 12 * 3600,
      Grant: 12 * 3600,
    },
    interactions: {
      url: (_ctx: KoaContextLike, interaction: { uid: string }) =>
        `${OIDC_PREFIX}/interaction/${interaction.uid}`,
    },
    renderError(ctx: KoaContextLike, out: Record<string, unknown>) {
      ctx.type = 'html';
      const error = typeof out['error'] === 'string' ? out['error'] : 'server_error';
      const description = typeof out['error_description'] === 'string' ? out['error_description'] : '';
      ctx.body = standalonePage(
        'Lỗi đăng nhập',
        `<h1>Không thực hiện được yêu cầu đăng nhập</h1><p class="lead"><span lang="en">The sign-in request could not be completed.</span></p><p><code>${escapeHtml(error)}</code> ${escapeHtml(description)}</p>`,
      );
    },
    async findAccount(ctx: KoaContextLike, sub: string) {
      const account = await deps.repo.accountById(sub);
      if (!account || account.kind === 'official' || account.status !== 'active') return undefined;
      return {
        accountId: sub,
        async claims(use: string, scope: string) {
          const scopes = new Set(scope.split(' '));
          const claims: Record<string, unknown> = { sub };
          if (scopes.has('profile')) claims['name'] = account.full_name;
          if (scopes.has('email') && account.email) {
            claims['email'] = account.email;
            claims['email_verified'] = true;
          }
          if (scopes.has('phone') && account.phone) {
            claims['phone_number'] = e164(account.phone);
            claims['phone_number_verified'] = !account.email;
          }
          const client = ctx.oidc?.client;
          if (use === 'userinfo' && scopes.has('personal_id') && client) {
            const number = await deps.personalIdForClient(sub, {
              id: client.clientId,
              name: client.clientName ?? client.clientId,
            });
            if (number) claims[PERSONAL_ID_CLAIM] = number;
          }
          return claims;
        },
      };
    },
  });
  provider.proxy = deps.trustProxy;

  // RP-initiated logout ends the Liên thông session too; otherwise the next authorization
  // request would sign the person straight back in from our session.
  provider.use(async (ctx, next) => {
    // The provider's session lives only as long as the Liên thông session of the same person in
    // this browser: signed out here (this device, everywhere, or expired), an authorization
    // request — `prompt=none` included — finds no session and asks for a new sign-in.
    if (ctx.path === '/auth' && ctx.method !== 'OPTIONS') {
      const session = await provider.Session.get(ctx);
      if (session.accountId) {
        const token = ctx.cookies.get(SESSION_COOKIE, { signed: false });
        const live = token ? await deps.sessionAccount(token) : null;
        if (live !== session.accountId) await session.destroy();
      }
    }
    await next();
    if (ctx.oidc?.route !== 'end_session_confirm' || ctx.oidc.body?.['logout'] !== 'yes') return;
    if (ctx.status !== 302 && ctx.status !== 303) return;
    const token = ctx.cookies.get(SESSION_COOKIE, { signed: false });
    if (token) await deps.endSessionByToken(token);
    ctx.cookies.set(SESSION_COOKIE, null, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      overwrite: true,
      signed: false,
    });
  });
  provider.on('server_error', (_ctx: unknown, error: unknown) => {
    deps.logger.error({ action: 'identity.oidc.server_error', err: error }, 'OpenID Connect provider error');
  });
  return provider;
}
