import { isPlatformAdmin, type Actor } from '../../platform/context.ts';

/**
 * Who manages the catalogue. Platform administrators manage every procedure, including the
 * national catalogue (procedures without an owner agency). An agency administrator (role
 * `admin`) manages the procedures its own agency owns, and creates procedures owned by it.
 * Another agency's procedure is `hidden` (404), never `forbidden`.
 */
export type Decision = 'allow' | 'unauthenticated' | 'forbidden' | 'hidden';

function isAgencyAdmin(actor: Actor): actor is Extract<Actor, { kind: 'official' }> {
  return actor.kind === 'official' && actor.roles.includes('admin');
}

/** May the actor use the catalogue administration at all? */
export function mayAdministerCatalogue(actor: Actor): Decision {
  if (isPlatformAdmin(actor) || isAgencyAdmin(actor)) return 'allow';
  return actor.kind === 'anonymous' ? 'unauthenticated' : 'forbidden';
}

/** May the actor read the drafts of, edit, publish or unpublish a procedure owned by `ownerAgencyId`? */
export function mayManageProcedure(actor: Actor, ownerAgencyId: string | null): Decision {
  const base = mayAdministerCatalogue(actor);
  if (base !== 'allow') return base;
  if (isPlatformAdmin(actor)) return 'allow';
  return isAgencyAdmin(actor) && ownerAgencyId !== null && actor.agencyId === ownerAgencyId
    ? 'allow'
    : 'hidden';
}

/** The owner of a new procedure: a platform admin chooses (or none), an agency admin gets theirs. */
export function ownerOfNewProcedure(
  actor: Actor,
  requested: string | null | undefined,
): Decision | { owner: string | null } {
  const base = mayAdministerCatalogue(actor);
  if (base !== 'allow') return base;
  if (isPlatformAdmin(actor)) return { owner: requested ?? null };
  if (!isAgencyAdmin(actor)) return 'forbidden';
  if (requested && requested !== actor.agencyId) return 'forbidden';
  return { owner: actor.agencyId };
}

/** The owner agency a list is limited to: none for platform admins, the own agency otherwise. */
export function listScope(actor: Actor): Decision | { agencyId: string | null } {
  const base = mayAdministerCatalogue(actor);
  if (base !== 'allow') return base;
  if (isPlatformAdmin(actor)) return { agencyId: null };
  return isAgencyAdmin(actor) ? { agencyId: actor.agencyId } : 'forbidden';
}
