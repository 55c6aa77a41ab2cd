import { isPlatformAdmin, type Actor } from '../../platform/context.ts';
import { Forbidden, Unauthenticated } from '../../platform/errors.ts';

/**
 * The national directory is public routing information: anyone may read it. Only platform
 * administrators (and the platform itself) change it; the directory belongs to no agency,
 * so a signed-in actor without the role gets 403, an anonymous one 401.
 */
export function canEditDirectory(actor: Actor): boolean {
  return isPlatformAdmin(actor);
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless the actor may change the directory. */
export function assertCanEditDirectory(actor: Actor): void {
  if (canEditDirectory(actor)) return;
  if (actor.kind === 'anonymous') throw Unauthenticated();
  throw Forbidden();
}
