import { hasRole, type Actor } from '../../platform/context.ts';

/** Who may do what at the records desk; small pure functions, tested as a table in policies.test.ts. */

export type DeskAction =
  | 'read'
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
 * issue; unit leaders assign; specialists process what was assigned. A clerk may record an
 * assignment or a processing step decided on paper (small agencies keep one desk for all).
 * Only officials of the agency itself; everyone else sees nothing (404).
 */
export function canAtDesk(actor: Actor, agencyId: string, action: DeskAction): boolean {
  if (actor.kind !== 'official' || actor.agencyId !== agencyId) return false;
  switch (action) {
    case 'read':
      return hasRole(actor, 'records_clerk', 'admin', 'unit_leader', 'specialist');
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
