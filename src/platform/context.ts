import type { Locale } from './i18n/index.ts';

/** Roles an official can hold at an agency. `platform_admin` is the operator of the instance. */
export const officialRoles = [
  'platform_admin',
  'admin',
  'records_clerk',
  'one_stop_officer',
  'specialist',
  'unit_leader',
  'reporting_officer',
  'cabinet_member',
  'cabinet_secretariat',
] as const;
export type Role = (typeof officialRoles)[number];

/** Who is acting. Every service call receives one inside its RequestContext. */
export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'official';
      accountId: string;
      agencyId: string;
      roles: readonly Role[];
      sessionId: string | null;
      /** The unit (a directory agency below `agencyId`) the official belongs to, if any. */
      unitId?: string | null;
    }
  | { kind: 'client'; clientId: string; agencyId: string; scopes: readonly string[] }
  | { kind: 'citizen'; accountId: string; sessionId: string | null }
  | { kind: 'system'; name: string };

export interface RequestContext {
  actor: Actor;
  requestId: string;
  ip: string | null;
  locale: Locale;
  /**
   * The signed-in person's name, as their session knows it (shown on forms such as 06 and on
   * hand-offs), so that no module needs another read for it, least of all inside a transaction.
   * Personal data: never logged.
   */
  actorName?: string;
}

/** A context for work started by the platform itself (seed, CLI, jobs). */
export function systemContext(name: string, locale: Locale = 'vi'): RequestContext {
  return { actor: { kind: 'system', name }, requestId: `system:${name}`, ip: null, locale };
}

/** The agency an actor acts for, if any. */
export function actorAgencyId(actor: Actor): string | null {
  return actor.kind === 'official' || actor.kind === 'client' ? actor.agencyId : null;
}

/** The stable id of an actor for audit records. */
export function actorId(actor: Actor): string | null {
  switch (actor.kind) {
    case 'official':
    case 'citizen':
      return actor.accountId;
    case 'client':
      return actor.clientId;
    case 'system':
      return actor.name;
    case 'anonymous':
      return null;
  }
}

/** True when the actor holds one of `roles` (platform admins hold every role). */
export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  if (actor.kind !== 'official') return false;
  return actor.roles.includes('platform_admin') || roles.some((r) => actor.roles.includes(r));
}

export function isPlatformAdmin(actor: Actor): boolean {
  return actor.kind === 'system' || (actor.kind === 'official' && actor.roles.includes('platform_admin'));
}
