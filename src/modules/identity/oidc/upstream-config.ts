import { z } from 'zod';

/**
 * The environment of delegated login to an upstream OpenID Connect provider (such as the
 * national e-ID). All three or none: without them the "electronic identity" button is hidden.
 */
export const upstreamEnvironmentSchema = z.object({
  OIDC_UPSTREAM_ISSUER: z.url().max(500).optional(),
  OIDC_UPSTREAM_CLIENT_ID: z.string().min(1).max(200).optional(),
  OIDC_UPSTREAM_CLIENT_SECRET: z.string().min(8).max(500).optional(),
});

export interface UpstreamOidcConfig {
  /** Issuer identifier; its discovery document is at `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Parses the three variables; null when none is set, an error naming what is missing otherwise. */
export function upstreamConfigFromEnv(env: Record<string, string | undefined>): UpstreamOidcConfig | null {
  const e = upstreamEnvironmentSchema.parse(env);
  const given = [e.OIDC_UPSTREAM_ISSUER, e.OIDC_UPSTREAM_CLIENT_ID, e.OIDC_UPSTREAM_CLIENT_SECRET];
  if (given.every((v) => v === undefined)) return null;
  if (!e.OIDC_UPSTREAM_ISSUER || !e.OIDC_UPSTREAM_CLIENT_ID || !e.OIDC_UPSTREAM_CLIENT_SECRET)
    throw new Error(
      'OIDC_UPSTREAM_ISSUER, OIDC_UPSTREAM_CLIENT_ID and OIDC_UPSTREAM_CLIENT_SECRET go together: set all three or none',
    );
  return {
    issuer: e.OIDC_UPSTREAM_ISSUER.replace(/\/$/, ''),
    clientId: e.OIDC_UPSTREAM_CLIENT_ID,
    clientSecret: e.OIDC_UPSTREAM_CLIENT_SECRET,
  };
}
