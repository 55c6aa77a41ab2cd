import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { DbOrTx, PlatformTables } from '../../platform/db/database.ts';

/** The reporting module's tables (migrations/202611210801_reporting_tables.sql). */
export type ReportingTables = {
  reporting_regimes: { id: string; code: string; recipient_agency_id: string; created_at: Generated<Date> };
  reporting_regime_versions: {
    id: string;
    regime_id: string;
    version: number;
    status: 'draft' | 'published' | 'retired';
    title: string;
    kind: string;
    legal_basis: string;
    content: string;
    reporter_scope: unknown;
    channels: string[];
    frequency: string;
    cutoff_start_day: number;
    deadline_days: number;
    lock_days: number;
    reminder_days: Generated<number>;
    instructions: string;
    rules: unknown;
    valid_from: string;
    published_at: Date | null;
    created_at: Generated<Date>;
  };
  reporting_indicators: {
    version_id: string;
    code: string;
    position: number;
    name: string;
    unit: string;
    value_type: string;
    options: string[];
    aggregation: string;
    weight_code: string | null;
    required: boolean;
    min_value: string | null;
    max_value: string | null;
  };
  reporting_assignments: {
    id: string;
    regime_id: string;
    agency_id: string;
    valid_from: string;
    valid_to: string | null;
    created_at: Generated<Date>;
  };
  reporting_periods: {
    id: string;
    regime_id: string;
    version_id: string;
    key: string;
    cutoff_start: string;
    cutoff_end: string;
    due_on: string;
    lock_on: string;
    structured_at: Generated<Date>;
    created_at: Generated<Date>;
    /** Goes up in every transaction that changes the period's figures (bigint, as text). */
    revision: Generated<string>;
  };
  reporting_period_units: {
    period_id: string;
    agency_id: string;
    submitted: Generated<boolean>;
    late: Generated<boolean>;
    approved: Generated<boolean>;
    reopened_until: string | null;
  };
  reporting_closure: { period_id: string; unit_id: string; ancestor_id: string; depth: number };
  reporting_submissions: {
    id: string;
    period_id: string;
    agency_id: string;
    version: number;
    status: 'draft' | 'submitted' | 'returned' | 'approved';
    superseded: Generated<boolean>;
    approval_level: Generated<number>;
    channel: 'form' | 'api' | 'excel';
    submitted_at: Date | null;
    late: boolean | null;
    content_hash: string | null;
    signature_state: 'signed' | 'hash_only' | null;
    signed_xml: string | null;
    signer_kind: string | null;
    signer_id: string | null;
    certificate_serial: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  reporting_values: { submission_id: string; code: string; num: string | number | null; txt: string | null };
  reporting_approvals: {
    id: string;
    submission_id: string;
    level: number;
    agency_id: string;
    actor_id: string | null;
    decision: 'approve' | 'return';
    comment: string | null;
    decided_at: Generated<Date>;
  };
  reporting_aggregates: {
    period_id: string;
    unit_id: string;
    code: string;
    sum: string;
    count: number;
    wnum: string;
    wden: string;
    min: string | null;
    max: string | null;
  };
  reporting_contacts: {
    agency_id: string;
    email: string | null;
    account_id: string | null;
    updated_at: Generated<Date>;
  };
  reporting_completeness: {
    period_id: string;
    unit_id: string;
    /** The node's parent in the period's hierarchy (null at the top). */
    parent_id: string | null;
    expected: number;
    submitted: number;
    on_time: number;
    late: number;
    approved: number;
  };
};

export type RepDb = Kysely<PlatformTables & ReportingTables>;
export type RepTx = Transaction<PlatformTables & ReportingTables>;

/** The database or a transaction seen with the reporting tables. */
export const rep = (db: DbOrTx): RepDb => db.withTables<ReportingTables>();

export type RegimeRow = Selectable<ReportingTables['reporting_regimes']>;
export type VersionRow = Selectable<ReportingTables['reporting_regime_versions']>;
export type IndicatorRow = Selectable<ReportingTables['reporting_indicators']>;
export type PeriodRow = Selectable<ReportingTables['reporting_periods']>;
export type SubmissionRow = Selectable<ReportingTables['reporting_submissions']>;
export type PeriodUnitRow = Selectable<ReportingTables['reporting_period_units']>;
