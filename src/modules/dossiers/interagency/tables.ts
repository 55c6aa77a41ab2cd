import type { Generated } from 'kysely';

/** Where a part stands, on the dossier that was filed once. */
export const partStates = [
  'waiting',
  'sent',
  'received',
  'processing',
  'done',
  'refused',
  'stopped',
  'failed',
] as const;
export type PartState = (typeof partStates)[number];

export type InteragencyTables = {
  dossiers_interagency_procedures: {
    code: string;
    name: string;
    procedure_code: string;
    working_days: number;
    definition: unknown;
    updated_at: Generated<Date>;
  };
  dossiers_interagency_parts: {
    id: string;
    dossier_id: string;
    ord: number;
    after_ords: number[];
    procedure_code: string;
    procedure_name: string;
    agency_id: string | null;
    agency_name: string | null;
    agency_code: string | null;
    route: 'local' | 'remote' | null;
    working_days: number;
    state: PartState;
    due_at: Date;
    started_at: Date | null;
    child_dossier_id: string | null;
    code_number: string | null;
    promulgation_date: string | null;
    document_id: string | null;
    packet_id: string | null;
    remote_status: string | null;
    remote_status_at: Date | null;
    result_sha256: string | null;
    finished_at: Date | null;
    note: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  dossiers_interagency_part_events: {
    id: Generated<string>;
    part_id: string;
    state: string;
    code: string | null;
    note: string | null;
    at: Generated<Date>;
  };
  dossiers_interagency_inbound: {
    id: string;
    packet_id: string;
    document_id: string;
    sender_code: string;
    recipient_agency_id: string;
    recipient_code: string;
    code_number: string | null;
    code_notation: string | null;
    promulgation_date: string | null;
    origin_part_id: string;
    child_dossier_id: string | null;
    reported: Generated<string[]>;
    reply_packet_id: string | null;
    error: string | null;
    recall_requested_at: Date | null;
    recall_answered_at: Date | null;
    created_at: Generated<Date>;
  };
};
