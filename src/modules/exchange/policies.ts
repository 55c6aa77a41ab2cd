import { hasRole, isPlatformAdmin, type Actor, type Role } from '../../platform/context.ts';

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

/**
 * Processing statuses that officials of the recipient agency report by role, besides its clerks
 * and admins (who report every recipient status): a unit leader assigns (04) and may record the
 * processing of what was assigned (05, 06); a specialist records that processing (05, 06).
 * Registering (03), rejecting (02) and answering a recall (15, 16) stay with the desk.
 */
const statusesByRole: Partial<Record<Role, readonly string[]>> = {
  unit_leader: ['04', '05', '06'],
  specialist: ['05', '06'],
};

/** May `actor` send status `code` in the name of the recipient agency `agencyId`? */
export function canReportStatus(actor: Actor, agencyId: string, code: string): boolean {
  if (canSendAs(actor, agencyId)) return true;
  if (actor.kind !== 'official' || actor.agencyId !== agencyId) return false;
  return actor.roles.some((role) => statusesByRole[role]?.includes(code) ?? false);
}

/** Delivery statuses at which a document has been handed to someone (a specialist's work). */
const assignedStatuses: readonly (string | null)[] = ['04', '05', '06'];

/**
 * May `actor` read a packet delivered to `agencyId` whose delivery is at `status`? Those who read
 * the agency's inbox; and a specialist of the agency once the document is assigned (04–06), to
 * work on it — never the inbox as a whole.
 */
export function canReadDelivery(actor: Actor, agencyId: string, status: string | null): boolean {
  if (canReadFor(actor, agencyId)) return true;
  return (
    actor.kind === 'official' &&
    actor.agencyId === agencyId &&
    hasRole(actor, 'specialist') &&
    assignedStatuses.includes(status)
  );
}

/** May `actor` see the exchange statistics of `agencyId`? Any official of it; platform admins any. */
export function canViewStats(actor: Actor, agencyId: string): boolean {
  if (isPlatformAdmin(actor)) return true;
  if (actor.kind === 'official' || actor.kind === 'client') return actor.agencyId === agencyId;
  return false;
}
