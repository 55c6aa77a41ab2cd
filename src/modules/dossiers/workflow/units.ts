// Who may work on a step routed to a unit. A step with a unit belongs to that unit: only its
// officials holding the step's role take it, only its leaders reassign, extend or stop it. A step
// without a unit is the agency's: every official with the role, in a unit or not. The head of the
// agency (`admin`) and platform administrators are bound to no unit: they oversee them all.
import { defineError } from '../../../platform/errors.ts';
import { hasRole, type Actor } from '../../../platform/context.ts';

export const StepOfOtherUnit = defineError('DOSSIER_STEP_OF_OTHER_UNIT', 403, {
  vi: 'Bước xử lý này được giao cho một đơn vị khác; chỉ cán bộ của đơn vị đó được nhận và xử lý.',
  en: 'This processing step is routed to another unit; only that unit’s officials may take and process it.',
});

type Official = Extract<Actor, { kind: 'official' }>;

/** Heads of agency and platform administrators see and act on every unit's steps. */
export function overseesUnits(actor: Actor): boolean {
  return actor.kind === 'official' && hasRole(actor, 'admin');
}

/** True when a step of `stepUnitId` (null: the agency's) is within the official's reach. */
export function inUnitOf(actor: Official, stepUnitId: string | null): boolean {
  return stepUnitId === null || overseesUnits(actor) || (actor.unitId ?? null) === stepUnitId;
}

/**
 * Which open steps the official's unit lists show: `all` for those who oversee every unit,
 * else the agency's steps plus those of their own unit (`unitId` null: the agency's only).
 */
export function unitScope(actor: Official): 'all' | { unitId: string | null } {
  return overseesUnits(actor) ? 'all' : { unitId: actor.unitId ?? null };
}
