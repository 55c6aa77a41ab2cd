import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../../platform/config.ts';

export const SESSION_COOKIE = 'lt_session';
/** Holds the signed challenge between the password step and the TOTP step. */
export const LOGIN_COOKIE = 'lt_login';

const secure = (config: Config) => config.baseUrl.startsWith('https://');

/** The session cookie: httpOnly, SameSite=Lax, Secure on https, ending with the session. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure(config) });
}

export function setLoginCookie(
  reply: FastifyReply,
  config: Config,
  challenge: string,
  seconds: number,
): void {
  reply.setCookie(LOGIN_COOKIE, challenge, {
    path: '/login',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
    maxAge: seconds,
    signed: true,
  });
}

export function clearLoginCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(LOGIN_COOKIE, {
    path: '/login',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
  });
}

/** Only a local path may follow sign-in: never another site (`//evil`, `/\evil`, `https://`). */
export function safeNext(next: string | undefined): string {
  if (!next || next.length > 500) return '/account';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(next)) return '/account';
  if (next.startsWith('/login') || next.startsWith('/logout')) return '/account';
  return next;
}

/** For pages: a signed-in person, or a redirect to the sign-in page that comes back here. */
export function requirePerson(request: FastifyRequest, reply: FastifyReply): boolean {
  const kind = request.ctx.actor.kind;
  if (kind === 'official' || kind === 'citizen') return true;
  void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  return false;
}

/** A checkbox group arrives as one string or a list; always a list here. */
export const checkboxList = z
  .union([z.string().max(100), z.array(z.string().max(100)).max(50)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** Form bodies always carry the CSRF token; the kernel checks it. */
export const csrfField = { _csrf: z.string().max(500).optional() };
