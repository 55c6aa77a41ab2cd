import { actorAgencyId, hasRole, isPlatformAdmin, type Actor } from '../../platform/context.ts';

/** Issuing, revoking and editing the trust list belong to the operator of the instance. */
export function canAdministerPki(actor: Actor): boolean {
  return isPlatformAdmin(actor);
}

/** An agency's administrators see its certificates; platform administrators see all. */
export function canSeeAgencyCertificates(actor: Actor, agencyId: string): boolean {
  return isPlatformAdmin(actor) || (actorAgencyId(actor) === agencyId && hasRole(actor, 'admin'));
}

/** Signing as an agency: its clerks and admins, its machine clients, or the platform itself. */
export function canSignAs(actor: Actor, agencyId: string): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'client') return actor.agencyId === agencyId;
  return actorAgencyId(actor) === agencyId && hasRole(actor, 'records_clerk', 'admin');
}
