import { isPlatformAdmin, type Actor, type Role } from '../../platform/context.ts';

/**
 * Who may manage accounts and machine clients. A decision names the answer to give:
 * another agency's things are `hidden` (404), never `forbidden`, so their existence leaks nothing.
 */
export type Decision = 'allow' | 'unauthenticated' | 'forbidden' | 'hidden';

function isAgencyAdmin(actor: Actor): actor is Extract<Actor, { kind: 'official' }> {
  return actor.kind === 'official' && actor.roles.includes('admin');
}

/** May the actor use the account and client administration at all (lists, create forms)? */
export function mayAdminister(actor: Actor): Decision {
  if (actor.kind === 'anonymous') return 'unauthenticated';
  if (isPlatformAdmin(actor) || isAgencyAdmin(actor)) return 'allow';
  return 'forbidden';
}

/**
 * May the actor read or change an account or client that belongs to `agencyId`
 * (null: a citizen or business account, or an official without a current agency)?
 */
export function mayManage(actor: Actor, agencyId: string | null): Decision {
  const base = mayAdminister(actor);
  if (base !== 'allow') return base === 'forbidden' ? 'hidden' : base;
  if (isPlatformAdmin(actor)) return 'allow';
  return isAgencyAdmin(actor) && agencyId !== null && actor.agencyId === agencyId ? 'allow' : 'hidden';
}

/** The agency a list is limited to: a platform admin may choose one or none, an agency admin gets theirs. */
export function listScope(
  actor: Actor,
  requested: string | undefined,
): Decision | { agencyId: string | null } {
  const base = mayAdminister(actor);
  if (base !== 'allow') return base;
  if (isPlatformAdmin(actor)) return { agencyId: requested ?? null };
  if (actor.kind !== 'official') return 'forbidden';
  if (requested !== undefined && requested !== actor.agencyId) return 'hidden';
  return { agencyId: actor.agencyId };
}

/** Only a platform administrator grants or removes the platform administrator role. */
export function mayGrantRoles(actor: Actor, before: readonly Role[], after: readonly Role[]): boolean {
  if (isPlatformAdmin(actor)) return true;
  return before.includes('platform_admin') === after.includes('platform_admin');
}

/** Roles whose work needs a citizen's data: receiving and processing dossiers, administering accounts. */
const citizenDataRoles: readonly Role[] = ['one_stop_officer', 'specialist', 'unit_leader', 'admin'];

/**
 * May the actor look up citizens and read their profiles? Officials holding a role whose work
 * needs it (every read is access-logged); a citizen never reads another person's data, and
 * for them the answer is `hidden` (404), as if the person did not exist.
 */
export function mayReadCitizenData(actor: Actor): Decision {
  if (actor.kind === 'anonymous') return 'unauthenticated';
  if (actor.kind === 'citizen') return 'hidden';
  if (actor.kind !== 'official') return 'forbidden';
  if (isPlatformAdmin(actor) || actor.roles.some((r) => citizenDataRoles.includes(r))) return 'allow';
  return 'forbidden';
}

/** May the actor register relying parties of the OpenID Connect provider? Platform administrators only. */
export function mayManageOidcClients(actor: Actor): Decision {
  if (actor.kind === 'anonymous') return 'unauthenticated';
  return isPlatformAdmin(actor) ? 'allow' : 'forbidden';
}
