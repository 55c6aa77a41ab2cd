// What one dossier adds to the daily counters: its receipt on the day it was submitted, and its
// closing (a result with its timeliness, or a refusal, withdrawal or stop) on the day it closed.
// The observer applies the difference a status change makes; the rebuild (repo.ts) computes the
// same figures in SQL, and the tests hold the two equal.
import { isoDateOfDay, localDay, type WorkCalendar } from '../../../platform/calendar/index.ts';
import type { DossierRow } from '../repo.ts';
import type { DossierStatus } from '../tables.ts';
import type { DailyCounters } from './tables.ts';

export type Outcome = 'finished' | 'refused' | 'withdrawn' | 'stopped';

/** How a status closes a dossier, or null while it is open (or a draft). */
export function outcomeOf(status: DossierStatus | null): Outcome | null {
  if (status === 'result_ready' || status === 'delivered') return 'finished';
  if (status === 'refused' || status === 'withdrawn' || status === 'stopped') return status;
  return null;
}

/** The status whose timeline entry dates an outcome (a result is dated by its first state, 9). */
export function statusDating(outcome: Outcome): DossierStatus {
  return outcome === 'finished' ? 'result_ready' : outcome;
}

/** 'yyyy-MM-dd' of an instant in Vietnam. */
export const localDate = (at: Date): string => isoDateOfDay(localDay(at));

export interface Delta {
  day: string;
  counters: Partial<DailyCounters>;
}

/** The receipt of a dossier: one received, digitised when its papers were filed as files. */
export function receiptDelta(d: DossierRow, digitised: boolean): Delta {
  return {
    day: localDate(d.submitted_at ?? d.created_at),
    counters: { received: 1, digitised: digitised ? 1 : 0 },
  };
}

/** The closing of a dossier at `closedAt` with `outcome`, signed (+1 to add, −1 to take back). */
export function closingDelta(
  calendar: WorkCalendar,
  d: DossierRow,
  outcome: Outcome,
  closedAt: Date,
  sign: 1 | -1,
): Delta {
  const day = localDate(closedAt);
  if (outcome !== 'finished') return { day, counters: { [outcome]: sign } };
  const timeliness = d.due_at ? calendar.timeliness(closedAt, d.due_at) : 'on_time';
  // Processing time runs from acceptance at the desk (or submission, when never accepted).
  const from = localDay(d.received_at ?? d.submitted_at ?? d.created_at);
  const days = calendar.workingDaysBetween(from, localDay(closedAt));
  const fee = Number(d.fee_total) > 0;
  return {
    day,
    counters: {
      finished: sign,
      [timeliness]: sign,
      processing_days: sign * days,
      fee_due: fee ? sign : 0,
      fee_paid_online: fee && d.fee_paid_at ? sign : 0,
      result_electronic: d.result_sha256 ? sign : 0,
    },
  };
}

/** A rating (1–5) given at `at`: counted, summed, and satisfied when 4 or 5. */
export function ratingDelta(rating: number, at: Date): Delta {
  return { day: localDate(at), counters: { ratings: 1, rating_sum: rating, satisfied: rating >= 4 ? 1 : 0 } };
}
