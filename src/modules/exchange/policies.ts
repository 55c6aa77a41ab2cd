import { hasRole, isPlatformAdmin, type Actor } from '../../platform/context.ts';

/** Who may do what on the axis; small pure functions, tested as tables in policies.test.ts. */

/** The agency an actor sends and receives for: a machine client's agency, or an official's. */
export function exchangeAgencyOf(actor: Actor): string | null {
  if (actor.kind === 'client') return actor.agencyId;
  if (actor.kind === 'official') return actor.agencyId;
  return null;
}

/** May `actor` send packets in the name of `agencyId`? A client only as its own agency. */
export function canSendAs(actor: Actor, agencyId: string): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'client':
      return actor.agencyId === agencyId;
    case 'official':
      return actor.agencyId === agencyId && hasRole(actor, 'records_clerk', 'admin');
    case 'anonymous':
    case 'citizen':
      return false;
  }
}

/** May `actor` read the inbox, sent packets and documents of `agencyId`? */
export function canReadFor(actor: Actor, agencyId: string): boolean {
  if (isPlatformAdmin(actor)) return true;
  switch (actor.kind) {
    case 'client':
      return actor.agencyId === agencyId;
    case 'official':
      return actor.agencyId === agencyId && hasRole(actor, 'records_clerk', 'admin', 'unit_leader');
    case 'system':
    case 'anonymous':
    case 'citizen':
      return false;
  }
}

/** May `actor` see the exchange statistics of `agencyId`? Any official of it; platform admins any. */
export function canViewStats(actor: Actor, agencyId: string): boolean {
  if (isPlatformAdmin(actor)) return true;
  if (actor.kind === 'official' || actor.kind === 'client') return actor.agencyId === agencyId;
  return false;
}
