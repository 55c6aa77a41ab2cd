// The statistics' observer: called by the dossiers module inside every transaction that changes a
// dossier's status, it adds the change's difference to the daily counters, so statistics commit or
// roll back with the change itself.
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import type { DossierObserver, StatusChange } from '../observers.ts';
import type { Tx } from '../../../platform/db/database.ts';
import {
  closingDelta,
  outcomeOf,
  ratingDelta,
  receiptDelta,
  statusDating,
  type Delta,
  type Outcome,
} from './contributions.ts';
import { statsRepo } from './repo.ts';

/** Builds the observer that keeps `dossiers_stats_daily` up to date. */
export function createStatsObserver(deps: { calendar: WorkCalendar }): DossierObserver {
  async function closedAt(trx: Tx, change: StatusChange, outcome: Outcome): Promise<Date> {
    const d = change.dossier;
    // Processing ended at finished_at (a result, a refusal, a stop); a withdrawal by its timeline.
    if (d.finished_at) return d.finished_at;
    return (await statsRepo.enteredAt(trx, d.id, statusDating(outcome))) ?? d.updated_at;
  }

  return {
    name: 'dossier-statistics',
    async statusChanged(trx, change) {
      const d = change.dossier;
      if (change.status === 'draft') return;
      const deltas: Delta[] = [];
      let names: { agency: string; procedure: string } | null = null;
      if (change.previous === null || change.previous === 'draft') {
        deltas.push(receiptDelta(d, change.paperFiles ?? (await statsRepo.hasPaperFiles(trx, d.id))));
        names = { agency: d.agency_name, procedure: d.procedure_name };
      }
      const before = outcomeOf(change.previous);
      const after = outcomeOf(change.status);
      if (before !== after) {
        // Reopening takes back the earlier closing, dated as it was counted.
        if (before)
          deltas.push(closingDelta(deps.calendar, d, before, await closedAt(trx, change, before), -1));
        if (after) deltas.push(closingDelta(deps.calendar, d, after, await closedAt(trx, change, after), 1));
      }
      const key = { agencyId: d.agency_id, procedureCode: d.procedure_code, channel: d.channel };
      await statsRepo.queue(trx, key, deltas, names);
    },
    async ratingGiven(trx, given) {
      const d = given.dossier;
      const key = { agencyId: d.agency_id, procedureCode: d.procedure_code, channel: d.channel };
      await statsRepo.queue(trx, key, [ratingDelta(given.rating, given.at)]);
    },
  };
}
