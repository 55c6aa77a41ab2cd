// Who sees which parts of an inter-agency dossier. Anything else answers 404 (never 403).
import { hasRole, isPlatformAdmin, type Actor } from '../../../platform/context.ts';

/** Back-office roles that may see an agency's dossiers (and so its part). */
const roles = ['one_stop_officer', 'specialist', 'unit_leader', 'admin', 'records_clerk'] as const;

export type PartsScope = { kind: 'all' } | { kind: 'own'; agencyId: string } | { kind: 'none' };

/**
 * The applicant, the filing agency's officials and platform administrators see every part; an
 * official of a part's agency sees that part only; anyone else nothing.
 */
export function partsScope(
  actor: Actor,
  d: { applicantAccountId: string | null; agencyId: string; partAgencyIds: readonly (string | null)[] },
): PartsScope {
  if (actor.kind === 'citizen')
    return d.applicantAccountId !== null && actor.accountId === d.applicantAccountId
      ? { kind: 'all' }
      : { kind: 'none' };
  if (actor.kind !== 'official') return { kind: 'none' };
  if (isPlatformAdmin(actor)) return { kind: 'all' };
  if (!hasRole(actor, ...roles)) return { kind: 'none' };
  if (actor.agencyId === d.agencyId) return { kind: 'all' };
  if (d.partAgencyIds.includes(actor.agencyId)) return { kind: 'own', agencyId: actor.agencyId };
  return { kind: 'none' };
}

/** Defining inter-agency procedures: platform administrators (and the system seed). */
export const mayDefineProcedures = (actor: Actor): boolean => isPlatformAdmin(actor);
