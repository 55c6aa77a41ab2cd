import { hasRole, isPlatformAdmin, type Actor } from '../../platform/context.ts';

/** What a policy needs to know about a payment. */
export interface PaymentOwnership {
  payerAccountId: string;
  agencyId: string;
}

/** The payer, officers of the agency that owns the reference, and platform administrators may read. */
export function canReadPayment(actor: Actor, p: PaymentOwnership): boolean {
  if (actor.kind === 'citizen') return actor.accountId === p.payerAccountId;
  if (actor.kind === 'official') return isPlatformAdmin(actor) || actor.agencyId === p.agencyId;
  if (actor.kind === 'client') return actor.agencyId === p.agencyId;
  return actor.kind === 'system';
}

/** A payment is started for oneself, or by the platform on someone's behalf (the dossiers module). */
export function canCreatePayment(actor: Actor, payerAccountId: string): boolean {
  if (actor.kind === 'citizen') return actor.accountId === payerAccountId;
  return actor.kind === 'system';
}

/** Refunds: one-stop officers, unit leaders and admins of the owning agency, or platform administrators. */
export function canRefund(actor: Actor, p: PaymentOwnership): boolean {
  if (isPlatformAdmin(actor)) return true;
  return (
    actor.kind === 'official' &&
    actor.agencyId === p.agencyId &&
    hasRole(actor, 'admin', 'one_stop_officer', 'unit_leader')
  );
}

/** The reconciliation report: officials (their agency's payments) and platform administrators (all). */
export function reconciliationScope(actor: Actor): { agencyId: string | null } | null {
  if (isPlatformAdmin(actor)) return { agencyId: null };
  if (actor.kind === 'official' && hasRole(actor, 'admin', 'one_stop_officer', 'unit_leader'))
    return { agencyId: actor.agencyId };
  return null;
}
