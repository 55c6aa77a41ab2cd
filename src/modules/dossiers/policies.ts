// Who may see and act on a dossier. Anything else answers 404 (never 403).
import { hasRole, type Actor } from '../../platform/context.ts';

export interface DossierOwnership {
  /** Null when the applicant filed at the counter or by post without an account. */
  applicantAccountId: string | null;
  agencyId: string;
}

/** The applicant sees their own dossier. */
export function isApplicant(actor: Actor, d: DossierOwnership): boolean {
  return (
    actor.kind === 'citizen' && d.applicantAccountId !== null && actor.accountId === d.applicantAccountId
  );
}

/** One-stop officers of the dossier's agency (and platform administrators) handle it. */
export function isHandlingOfficer(actor: Actor, d: DossierOwnership): boolean {
  return (
    actor.kind === 'official' &&
    (actor.roles.includes('platform_admin') || actor.agencyId === d.agencyId) &&
    hasRole(actor, 'one_stop_officer')
  );
}

/** Roles of the back office: who may see the agency's dossiers and work on their steps. */
export const backOfficeRoles = [
  'one_stop_officer',
  'specialist',
  'unit_leader',
  'admin',
  'records_clerk',
] as const;

/** Officials of the dossier's agency holding a back-office role (and platform administrators). */
export function isAgencyOfficial(actor: Actor, d: DossierOwnership): boolean {
  return (
    actor.kind === 'official' &&
    (actor.roles.includes('platform_admin') || actor.agencyId === d.agencyId) &&
    hasRole(actor, ...backOfficeRoles)
  );
}

/** Reading: the applicant or an official of the agency's back office. */
export function mayReadDossier(actor: Actor, d: DossierOwnership): boolean {
  return isApplicant(actor, d) || isAgencyOfficial(actor, d);
}
