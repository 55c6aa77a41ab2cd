import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RequestContext } from '../../../platform/context.ts';
import { UpstreamLoginFailed } from '../errors.ts';
import type { IdentityService } from '../service.ts';
import { PERSONAL_ID_CLAIM } from './provider.ts';
import type { UpstreamOidcConfig } from './upstream-config.ts';

/** Where the upstream provider sends the person back. */
export const UPSTREAM_CALLBACK = '/login/eid/callback';

const metadataSchema = z.object({
  issuer: z.string().max(500),
  authorization_endpoint: z.url().max(1000),
  token_endpoint: z.url().max(1000),
  userinfo_endpoint: z.url().max(1000).optional(),
  jwks_uri: z.url().max(1000),
});
const tokenSchema = z.object({ id_token: z.string().max(20_000), access_token: z.string().max(10_000) });
const userinfoSchema = z.looseObject({
  sub: z.string().max(255),
  name: z.string().max(500).optional(),
  email: z.string().max(254).optional(),
  phone_number: z.string().max(32).optional(),
  [PERSONAL_ID_CLAIM]: z.string().max(20).optional(),
});

/** What the browser keeps (in a signed, short-lived cookie) between the redirect and the callback. */
export interface UpstreamPending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

const b64url = (bytes = 32) => randomBytes(bytes).toString('base64url');
const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Delegated login to an upstream OpenID Connect provider with jose and fetch: authorization
 * code flow with PKCE (S256), state and nonce checked, ID token verified against the provider's
 * JWKS (issuer, audience, expiry), claims from userinfo (same `sub`).
 */
export function createUpstreamLogin(deps: {
  config: UpstreamOidcConfig;
  baseUrl: string;
  service: IdentityService;
  logger: Logger;
}) {
  const { config } = deps;
  const redirectUri = `${deps.baseUrl}${UPSTREAM_CALLBACK}`;
  let metadata: Promise<z.infer<typeof metadataSchema>> | null = null;
  let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;

  const discover = () =>
    (metadata ??= (async () => {
      const response = await fetch(`${config.issuer}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      const m = metadataSchema.parse(await response.json());
      if (m.issuer.replace(/\/$/, '') !== config.issuer) throw new Error('discovery issuer mismatch');
      jwks = createRemoteJWKSet(new URL(m.jwks_uri));
      return m;
    })().catch((error: unknown) => {
      metadata = null;
      throw error;
    }));

  const fail = (reason: string, error?: unknown): never => {
    deps.logger.warn({ action: 'identity.upstream.failed', reason, err: error }, 'upstream sign-in failed');
    throw UpstreamLoginFailed({ reason });
  };

  return {
    issuer: config.issuer,

    /** The authorization URL to send the browser to, and what to keep for the callback. */
    async start(next: string): Promise<{ url: string; pending: UpstreamPending }> {
      const m = await discover().catch((e: unknown) => fail('discovery', e));
      const pending: UpstreamPending = { state: b64url(), nonce: b64url(), verifier: b64url(48), next };
      const url = new URL(m.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: config.clientId,
        redirect_uri: redirectUri,
        scope: 'openid profile email phone personal_id',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      return { url: url.toString(), pending };
    },

    /** Checks the callback, exchanges the code, verifies the ID token, and signs the person in locally. */
    async finish(
      ctx: RequestContext,
      o: { code: string; state: string; pending: UpstreamPending; userAgent: string | null },
    ) {
      if (!same(o.state, o.pending.state)) fail('state');
      const m = await discover().catch((e: unknown) => fail('discovery', e));
      const response = await fetch(m.token_endpoint, {
        method: 'POST',
        signal: AbortSignal.timeout(10_000),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: o.code,
          redirect_uri: redirectUri,
          code_verifier: o.pending.verifier,
        }).toString(),
      }).catch((e: unknown) => fail('token_request', e));
      if (!response.ok) fail(`token_${response.status}`);
      const tokens = tokenSchema.safeParse(await response.json());
      if (!tokens.success) return fail('token_response');
      const verified = await jwtVerify(tokens.data.id_token, jwks ?? fail('jwks'), {
        issuer: m.issuer,
        audience: config.clientId,
        algorithms: ['RS256', 'PS256', 'ES256'],
      }).catch((e: unknown) => fail('id_token', e));
      const sub = verified.payload.sub;
      if (!sub || verified.payload['nonce'] !== o.pending.nonce) fail('nonce');
      let claims: z.infer<typeof userinfoSchema> = { sub: sub ?? '' };
      if (m.userinfo_endpoint) {
        const info = await fetch(m.userinfo_endpoint, {
          signal: AbortSignal.timeout(10_000),
          headers: { authorization: `Bearer ${tokens.data.access_token}`, accept: 'application/json' },
        }).catch((e: unknown) => fail('userinfo', e));
        const parsed = userinfoSchema.safeParse(info.ok ? await info.json() : null);
        if (!parsed.success || parsed.data.sub !== sub) fail('userinfo_sub');
        if (parsed.success) claims = parsed.data;
      }
      const { accountId, created } = await deps.service.accountForUpstream(ctx, {
        issuer: config.issuer,
        subject: sub ?? '',
        name: claims.name ?? null,
        email: claims.email ?? null,
        phone: claims.phone_number ?? null,
        personalId: claims[PERSONAL_ID_CLAIM] ?? null,
      });
      const session = await deps.service.signInVerified(ctx, accountId, {
        userAgent: o.userAgent,
        method: 'upstream_oidc',
      });
      deps.logger.info(
        { action: 'identity.upstream.login', accountId, created },
        'signed in through upstream',
      );
      return session;
    },
  };
}
export type UpstreamLogin = ReturnType<typeof createUpstreamLogin>;
