/** Who may do what in reporting. Small pure functions, tested as tables in policies.test.ts. */
import { actorAgencyId, hasRole, isPlatformAdmin, type Actor } from '../../platform/context.ts';

/** The scope a machine client needs to submit reports for its agency. */
export const REPORTING_SCOPE = 'reporting';

/** Defining, versioning and publishing a regime: platform administrators or the recipient's administrators. */
export function canDefineRegime(actor: Actor, recipientAgencyId: string): boolean {
  return isPlatformAdmin(actor) || (actorAgencyId(actor) === recipientAgencyId && hasRole(actor, 'admin'));
}

/** Filling, saving and submitting a unit's report: its reporting staff or its own software. */
export function canReportFor(actor: Actor, unitId: string): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'client') return actor.agencyId === unitId && actor.scopes.includes(REPORTING_SCOPE);
  return actorAgencyId(actor) === unitId && hasRole(actor, 'reporting_officer', 'unit_leader', 'admin');
}

/** Approving or returning at a level: the reviewing agency's leaders, reporting officers and admins. */
export function canDecideFor(actor: Actor, agencyId: string): boolean {
  if (actor.kind === 'system') return true;
  return (
    actor.kind === 'official' &&
    actorAgencyId(actor) === agencyId &&
    hasRole(actor, 'reporting_officer', 'unit_leader', 'admin')
  );
}

/**
 * Reading a unit's submissions and aggregates: the unit itself or any of its ancestors in the
 * period's hierarchy for that regime (the recipient included), and platform administrators.
 */
export function canReadUnit(actor: Actor, ancestorIds: readonly string[]): boolean {
  if (isPlatformAdmin(actor)) return true;
  const agency = actorAgencyId(actor);
  return agency !== null && ancestorIds.includes(agency);
}
