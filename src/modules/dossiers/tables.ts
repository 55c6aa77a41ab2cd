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

export type EventKind = 'status' | 'fee_paid' | 'supplemented' | 'feedback';

export type DossiersTables = {
  dossiers_dossiers: {
    id: string;
    code: string | null;
    applicant_account_id: string;
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
};
