// Who may see and act on a dossier. Anything else answers 404 (never 403).
import { hasRole, type Actor } from '../../platform/context.ts';

export interface DossierOwnership {
  /** Null when the applicant filed at the counter or by post without an account. */
  applicantAccountId: string | null;
  agencyId: string;
}

/** The applicant sees their own dossier. */
export function isApplicant(actor: Actor, d: DossierOwnership): boolean {
  return actor.kind === 'citizen' && d.applicantAccountId !== null && actor.accountId === d.applicantAccountId;
}

/** One-stop officers of the dossier's agency (and platform administrators) handle it. */
export function isHandlingOfficer(actor: Actor, d: DossierOwnership): boolean {
  return (
    actor.kind === 'official' &&
    (actor.roles.includes('platform_admin') || actor.agencyId === d.agencyId) &&
    hasRole(actor, 'one_stop_officer')
  );
}

/** Reading: the applicant or a handling officer. */
export function mayReadDossier(actor: Actor, d: DossierOwnership): boolean {
  return isApplicant(actor, d) || isHandlingOfficer(actor, d);
}
