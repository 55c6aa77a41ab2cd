/**
 * Per-response widening of the Content-Security-Policy's `form-action`. The kernel's policy says
 * `form-action 'self'`, and browsers apply it to every redirect a form submission follows; a
 * page whose form must end at another site (the OpenID Connect login and consent pages, whose
 * redirect chain ends at the relying party's registered redirect URI) adds exactly that origin
 * for that one response. Everything else in the policy stays as it is.
 */
import type { FastifyReply } from 'fastify';

const HEADER = 'content-security-policy';

/** The http(s) origins of the URLs (others are dropped), without duplicates. */
export function originsOf(urls: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    if (typeof u !== 'string' || u.length > 2000) continue;
    try {
      const url = new URL(u);
      if (url.protocol === 'https:' || url.protocol === 'http:') out.add(url.origin);
    } catch {
      // not a URL: nothing to allow
    }
  }
  return [...out];
}

/** The policy with `form-action` widened to its sources plus `origins` (already clean origins). */
export function widenFormAction(policy: string, origins: readonly string[]): string {
  if (origins.length === 0) return policy;
  const directives = policy.split(';').map((d) => d.trim());
  const at = directives.findIndex((d) => d.toLowerCase().startsWith('form-action'));
  if (at < 0) return policy; // no form-action: nothing restricts forms
  const sources = new Set((directives[at] ?? '').split(/\s+/).slice(1));
  for (const o of origins) sources.add(o);
  directives[at] = `form-action ${[...sources].join(' ')}`;
  return directives.filter(Boolean).join(';');
}

/** Lets this response's forms end at the origins of `urls` (http(s) only). */
export function allowFormTargets(reply: FastifyReply, urls: readonly unknown[]): void {
  const origins = originsOf(urls);
  if (origins.length === 0) return;
  const current = reply.getHeader(HEADER) ?? reply.raw.getHeader(HEADER);
  if (typeof current !== 'string') return;
  const widened = widenFormAction(current, origins);
  reply.raw.setHeader(HEADER, widened);
  if (reply.hasHeader(HEADER)) reply.header(HEADER, widened);
}
