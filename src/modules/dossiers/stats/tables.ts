import type { Generated } from 'kysely';
import type { DossierChannel } from '../tables.ts';

/** Counters of one agency × procedure × local day × channel (see the migration 202611220400). */
export interface DailyCounters {
  received: number;
  digitised: number;
  finished: number;
  early: number;
  on_time: number;
  late: number;
  processing_days: number;
  fee_due: number;
  fee_paid_online: number;
  result_electronic: number;
  refused: number;
  withdrawn: number;
  stopped: number;
  /** Ratings given that day, their sum, and those of 4 or 5 stars. */
  ratings: number;
  rating_sum: number;
  satisfied: number;
}

export const counterNames = [
  'received',
  'digitised',
  'finished',
  'early',
  'on_time',
  'late',
  'processing_days',
  'fee_due',
  'fee_paid_online',
  'result_electronic',
  'refused',
  'withdrawn',
  'stopped',
  'ratings',
  'rating_sum',
  'satisfied',
] as const satisfies readonly (keyof DailyCounters)[];

export type StatsTables = {
  dossiers_stats_daily: {
    agency_id: string;
    procedure_code: string;
    /** Local day, 'yyyy-MM-dd'. */
    day: string;
    channel: DossierChannel;
  } & { [K in keyof DailyCounters]: number | string };
  dossiers_stats_monthly: {
    agency_id: string;
    /** '*' = every procedure of the agency together. */
    procedure_code: string;
    /** First day of the month, 'yyyy-MM-01'. */
    month: string;
    channel: DossierChannel;
  } & { [K in keyof DailyCounters]: number | string };
  dossiers_stats_labels: { kind: 'agency' | 'procedure'; key: string; name: string };
  dossiers_stats_pending: {
    id: Generated<string>;
    agency_id: string;
    procedure_code: string;
    channel: string;
    deltas: string;
    agency_name: string | null;
    procedure_name: string | null;
  };
};
