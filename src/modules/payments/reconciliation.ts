/**
 * The daily reconciliation: our payments paid on a Vietnamese calendar day against the
 * gateway's list of transactions of that day, reference by reference.
 */
import type { RequestContext } from '../../platform/context.ts';
import { Forbidden } from '../../platform/errors.ts';
import { reconciliationScope } from './policies.ts';
import { paymentsRepo, type PaymentRow } from './repo.ts';
import type { Reconciliation, ReconciliationLine } from './schemas.ts';
import { callGateway, isPaidStatus, toAmount, type PaymentCore, type PaymentsDeps } from './service.ts';

const order: Record<ReconciliationLine['outcome'], number> = {
  amount_mismatch: 0,
  missing_here: 1,
  missing_at_gateway: 2,
  matched: 3,
};

export function createReconciliation(deps: PaymentsDeps, core: PaymentCore) {
  const { db, logger } = deps;

  return {
    /** Compares one day (yyyy-MM-dd, Vietnam time); officials see their agency's payments, platform admins all. */
    async reconcile(ctx: RequestContext, date: string): Promise<Reconciliation> {
      const scope = reconciliationScope(ctx.actor);
      if (!scope) throw Forbidden();
      const gateway = core.requireGateway();
      const from = new Date(`${date}T00:00:00+07:00`);
      const to = new Date(from.getTime() + 24 * 3600 * 1000);
      const theirs = await callGateway(logger, 'payments.reconcile', () =>
        gateway.list(date.replace(/-/g, '')),
      );
      const ours = await paymentsRepo.paidBetween(db, from, to, scope.agencyId);
      const byRef = new Map<string, PaymentRow>(ours.map((r) => [r.txn_ref, r]));
      // Gateway transactions we did not count as paid that day: our row may exist in another state.
      const unknownRefs = theirs.map((t) => t.txnRef).filter((ref) => !byRef.has(ref));
      for (const r of await paymentsRepo.byTxnRefs(db, unknownRefs)) byRef.set(r.txn_ref, r);

      const lines: ReconciliationLine[] = [];
      const seen = new Set<string>();
      for (const t of theirs) {
        const mine = byRef.get(t.txnRef);
        if (scope.agencyId && (!mine || mine.agency_id !== scope.agencyId)) continue;
        seen.add(t.txnRef);
        const paidHere = mine && isPaidStatus(mine.status);
        const outcome: ReconciliationLine['outcome'] = !paidHere
          ? 'missing_here'
          : toAmount(mine.amount) !== t.amount
            ? 'amount_mismatch'
            : 'matched';
        lines.push({
          txnRef: t.txnRef,
          outcome,
          ourAmount: mine ? toAmount(mine.amount) : null,
          gatewayAmount: t.amount,
          ourStatus: mine?.status ?? null,
          gatewayTransactionNo: t.transactionNo,
          paidAt: t.payDate.toISOString(),
        });
      }
      for (const mine of ours) {
        if (seen.has(mine.txn_ref)) continue;
        lines.push({
          txnRef: mine.txn_ref,
          outcome: 'missing_at_gateway',
          ourAmount: toAmount(mine.amount),
          gatewayAmount: null,
          ourStatus: mine.status,
          gatewayTransactionNo: mine.gateway_transaction_no,
          paidAt: mine.paid_at ? mine.paid_at.toISOString() : null,
        });
      }
      lines.sort((a, b) => order[a.outcome] - order[b.outcome] || a.txnRef.localeCompare(b.txnRef));
      const count = (o: ReconciliationLine['outcome']) => lines.filter((l) => l.outcome === o).length;
      return {
        date,
        totals: {
          matched: count('matched'),
          missingHere: count('missing_here'),
          missingAtGateway: count('missing_at_gateway'),
          amountMismatch: count('amount_mismatch'),
        },
        lines,
      };
    },
  };
}

const csvCell = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  // A leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The report as CSV (UTF-8 with BOM so spreadsheets show Vietnamese correctly). */
export function reconciliationCsv(report: Reconciliation): string {
  const header = [
    'txn_ref',
    'outcome',
    'our_amount',
    'gateway_amount',
    'our_status',
    'gateway_transaction_no',
    'paid_at',
  ];
  const rows = report.lines.map((l) =>
    [l.txnRef, l.outcome, l.ourAmount, l.gatewayAmount, l.ourStatus, l.gatewayTransactionNo, l.paidAt]
      .map(csvCell)
      .join(','),
  );
  return `\uFEFF${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
