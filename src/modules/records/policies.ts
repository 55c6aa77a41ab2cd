import { hasRole, type Actor } from '../../platform/context.ts';

/** Who may do what at the records desk; small pure functions, tested as a table in policies.test.ts. */

export type DeskAction =
  | 'read'
  | 'readOutgoing'
  | 'register'
  | 'reject'
  | 'assign'
  | 'process'
  | 'answerRecall'
  | 'compose'
  | 'recall'
  | 'updateRecipients';

/**
 * The records desk of an agency: its clerks (văn thư) register, reject, answer recalls and
 * issue; unit leaders assign and follow the outgoing register; specialists process what was
 * assigned (nothing else: not the inbox, not the outgoing register). A clerk may record an
 * assignment or a processing step decided on paper (small agencies keep one desk for all).
 * Only officials of the agency itself; everyone else sees nothing (404). The exchange checks
 * the same roles again when the desk reads or reports for the actor (no role is lent).
 */
export function canAtDesk(actor: Actor, agencyId: string, action: DeskAction): boolean {
  if (actor.kind !== 'official' || actor.agencyId !== agencyId) return false;
  switch (action) {
    case 'read':
      return hasRole(actor, 'records_clerk', 'admin', 'unit_leader', 'specialist');
    case 'readOutgoing':
      return hasRole(actor, 'records_clerk', 'admin', 'unit_leader');
    case 'register':
    case 'reject':
    case 'answerRecall':
    case 'compose':
    case 'recall':
    case 'updateRecipients':
      return hasRole(actor, 'records_clerk', 'admin');
    case 'assign':
      return hasRole(actor, 'records_clerk', 'admin', 'unit_leader');
    case 'process':
      return hasRole(actor, 'records_clerk', 'admin', 'unit_leader', 'specialist');
  }
}

/** A specialist who is not also on the desk sees only documents handed to someone (04–06). */
export function seesOnlyAssigned(actor: Actor): boolean {
  return (
    actor.kind === 'official' &&
    !hasRole(actor, 'records_clerk', 'admin', 'unit_leader') &&
    hasRole(actor, 'specialist')
  );
}

/** The agency whose desk the actor works at, if any. */
export function deskAgencyOf(actor: Actor): string | null {
  return actor.kind === 'official' ? actor.agencyId : null;
}
