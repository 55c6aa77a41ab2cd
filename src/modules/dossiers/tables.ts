import type { Generated } from 'kysely';

/** Internal states of a dossier; every state but `draft` maps to a national TrangThaiHoSo. */
export const dossierStatuses = [
  'draft',
  'submitted',
  'received',
  'refused',
  'processing',
  'awaiting_supplement',
  'awaiting_payment',
  'withdrawn',
  'stopped',
  'result_ready',
  'delivered',
] as const;
export type DossierStatus = (typeof dossierStatuses)[number];

export const paperMediaTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type PaperMediaType = (typeof paperMediaTypes)[number];

/** How the dossier reached the agency (receiving channel). */
export const dossierChannels = ['online', 'counter', 'post', 'national_portal'] as const;
export type DossierChannel = (typeof dossierChannels)[number];

export const eventKinds = [
  'status',
  'fee_paid',
  'supplemented',
  'feedback',
  'step',
  'document',
  'archived',
] as const;
export type EventKind = (typeof eventKinds)[number];

export const timelinessValues = ['early', 'on_time', 'late'] as const;
export type TimelinessValue = (typeof timelinessValues)[number];

/** How a step instance ended (form 06). */
export const stepOutcomes = [
  'forwarded',
  'sent_back',
  'reassigned',
  'suspended',
  'stopped',
  'finished',
  'supplement',
  'withdrawn',
] as const;
export type StepOutcome = (typeof stepOutcomes)[number];

export const documentForms = ['01', '02', '03', '04', '05', '06', 'result', 'signature'] as const;
export type DocumentForm = (typeof documentForms)[number];

/** HinhThuc: how the result reaches the applicant. */
export const returnMethods = ['online', 'counter', 'post'] as const;
export type ReturnMethod = (typeof returnMethods)[number];

/** Time allotted to a step: working days or working hours on the holiday calendar. */
export type Allotted = { workingDays: number } | { workingHours: number };

/** One step of a procedure's workflow, as stored in `dossiers_workflows.steps`. */
export interface WorkflowStepDef {
  /** Stable key, e.g. `tham_dinh`. */
  key: string;
  name: { vi: string; en: string };
  /** Role that handles it (`officialRoles`): specialist, unit_leader, one_stop_officer, admin… */
  role: string;
  /** Optional sub-unit (an agency id) whose officers handle it; else the dossier's agency. */
  unit?: string;
  allotted: Allotted;
}

/** A line of an officer's fee request: what it is for and its amount in whole đồng. */
export interface FeeRequestItem {
  name: string;
  amount: number;
}

export type DossiersTables = {
  dossiers_dossiers: {
    id: string;
    code: string | null;
    /** Null for a dossier taken at the counter or by post for someone without an account. */
    applicant_account_id: string | null;
    applicant_name: string;
    procedure_code: string;
    procedure_name: string;
    version_id: string;
    agency_id: string;
    agency_name: string;
    agency_code: string;
    status: DossierStatus;
    channel: Generated<DossierChannel>;
    form_values: Record<string, unknown>;
    /** BIGINT comes back as a string. */
    fee_total: string | number;
    fee_paid_at: Date | null;
    lookup_secret_hash: string | null;
    receipt_sha256: string | null;
    result_sha256: string | null;
    supplement_note: string | null;
    submitted_at: Date | null;
    due_at: Date | null;
    finished_at: Date | null;
    rating: number | null;
    feedback: string | null;
    feedback_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    /** Optimistic concurrency: every officer action carries the version it saw. */
    row_version: Generated<number>;
    applicant_id_number: Generated<string | null>;
    applicant_phone: Generated<string | null>;
    applicant_email: Generated<string | null>;
    applicant_address: Generated<string | null>;
    received_at: Generated<Date | null>;
    received_by: Generated<string | null>;
    /** due_at is the due date in force; these keep the original and the extended one (form 04). */
    original_due_at: Generated<Date | null>;
    extended_due_at: Generated<Date | null>;
    extensions: Generated<number>;
    supplement_requested_at: Generated<Date | null>;
    suspended_at: Generated<Date | null>;
    suspension_reason: Generated<string | null>;
    stop_reason: Generated<string | null>;
    refusal_reason: Generated<string | null>;
    workflow_id: Generated<string | null>;
    result_year: Generated<number | null>;
    result_number: Generated<number | null>;
    /** Number as printed, e.g. `15/2026/KQ-000.00.01.H41`. */
    result_reference: Generated<string | null>;
    /** SHA-256 (blob address) of the XML-DSig signed manifest of the result PDF. */
    result_signature_sha256: Generated<string | null>;
    result_signed_at: Generated<Date | null>;
    return_method: Generated<ReturnMethod | null>;
    delivered_at: Generated<Date | null>;
    timeliness: Generated<TimelinessValue | null>;
    timeliness_original: Generated<TimelinessValue | null>;
    due_warned_at: Generated<Date | null>;
    overdue_at: Generated<Date | null>;
    archived_at: Generated<Date | null>;
  };
  dossiers_workflows: {
    id: string;
    /** `*` is the platform default. */
    procedure_code: string;
    agency_id: string | null;
    version: number;
    steps: WorkflowStepDef[];
    supplement_clock: Generated<'restart' | 'pause'>;
    created_by: string;
    created_at: Generated<Date>;
  };
  /** One row per step instance: a line of form 06. */
  dossiers_steps: {
    id: string;
    dossier_id: string;
    agency_id: string;
    seq: number;
    step_index: number;
    step_key: string;
    name_vi: string;
    name_en: string;
    role: string;
    unit_id: string | null;
    unit_name: string | null;
    /** Null: waiting in the queue of `role` at the agency (or unit). */
    assignee_id: string | null;
    assignee_name: string | null;
    sender_id: string | null;
    sender_name: string | null;
    started_at: Date;
    due_at: Date | null;
    taken_at: Date | null;
    finished_at: Date | null;
    finished_by: string | null;
    finished_by_name: string | null;
    timeliness: TimelinessValue | null;
    outcome: StepOutcome | null;
    note: string | null;
    warned_at: Generated<Date | null>;
  };
  dossiers_registers: { agency_id: string; year: number; last: number };
  /** Forms issued on a dossier (01–06, result, signature), by blob SHA-256. */
  dossiers_documents: {
    id: string;
    dossier_id: string;
    form: DocumentForm;
    sha256: string;
    created_at: Generated<Date>;
  };
  dossiers_papers: {
    id: string;
    dossier_id: string;
    paper_key: string;
    purpose: 'paper' | 'supplement';
    file_name: string;
    media_type: PaperMediaType;
    sha256: string;
    bytes: number;
    uploaded_at: Generated<Date>;
  };
  /** A receipt's source until its first download (migrations/202611250201_dossiers_receipt_sources.sql). */
  dossiers_receipt_sources: { dossier_id: string; sha256: string; source: Buffer };
  dossiers_events: {
    id: Generated<string>;
    dossier_id: string;
    kind: EventKind;
    status: DossierStatus;
    note: string | null;
    actor_kind: string;
    at: Generated<Date>;
  };
  dossiers_counters: { agency_id: string; day: string; last: number };
  /** Fees an officer asked for after filing (TrangThaiHoSo 6); at most one unpaid per dossier. */
  dossiers_fee_requests: {
    id: string;
    dossier_id: string;
    agency_id: string;
    items: FeeRequestItem[];
    total: string | number;
    note: string | null;
    requested_by: string | null;
    requested_by_name: string | null;
    requested_at: Date;
    paid_at: Date | null;
    paid_via: 'online' | 'cash' | null;
    payment_id: string | null;
    recorded_by: string | null;
  };
};
