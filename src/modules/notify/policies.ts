import { isPlatformAdmin, type Actor } from '../../platform/context.ts';

/** The account whose in-app notices the actor may read: only a signed-in person's own. */
export function noticeOwner(actor: Actor): string | null {
  return actor.kind === 'official' || actor.kind === 'citizen' ? actor.accountId : null;
}

/** Delivery status, the local outbox and retries belong to the operator of the instance. */
export function canAdministerNotify(actor: Actor): boolean {
  return isPlatformAdmin(actor);
}
