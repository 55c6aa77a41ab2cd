import type { Generated } from 'kysely';

/** The records module's tables (see migrations/202611210901_records_tables.sql). */
export type RecordsTables = {
  records_counters: {
    agency_id: string;
    register: 'incoming' | 'outgoing';
    year: number;
    last_number: Generated<number>;
  };
  records_inbox_cursors: { agency_id: string; cursor: Generated<string> };
  records_incoming: {
    id: string;
    agency_id: string;
    packet_id: string;
    inbox_seq: string;
    business_type: number;
    document_id: string;
    sender_agency_id: string;
    sender_code: string;
    sender_name: string | null;
    code_number: string | null;
    code_notation: string | null;
    subject: string | null;
    type_name: string | null;
    promulgation_date: string | null;
    due_date: string | null;
    priority: number | null;
    received_at: Date;
    search_text: string;
    status: Generated<string>;
    recall_state: 'requested' | 'accepted' | 'refused' | null;
    withdrawn: Generated<boolean>;
    replaces_packet_id: string | null;
    replaced_by_packet_id: string | null;
    reg_year: number | null;
    reg_number: number | null;
    registered_at: Date | null;
    registered_by: string | null;
    rejected_reason: string | null;
    assignee_kind: 'unit' | 'person' | null;
    assignee_name: string | null;
    assignment_note: string | null;
    updated_at: Generated<Date>;
  };
  records_incoming_events: {
    id: string;
    incoming_id: string;
    code: string;
    note: string | null;
    actor_id: string | null;
    occurred_at: Generated<Date>;
  };
  records_outgoing: {
    id: string;
    agency_id: string;
    year: number;
    number: number;
    notation: string;
    document_id: string;
    state: 'numbered' | 'sent' | 'failed';
    failure: string | null;
    packet_id: string | null;
    type_name: string;
    subject: string;
    content: string | null;
    signer_competence: string | null;
    signer_position: string | null;
    signer_name: string | null;
    place: string | null;
    promulgation_date: string;
    priority: number;
    steering_type: number | null;
    due_date: string | null;
    to_places: string[];
    recipients: string | OutgoingRecipient[];
    replaces_id: string | null;
    replaced_by_id: string | null;
    recalled_at: Date | null;
    recall_reason: string | null;
    search_text: string;
    created_by: string | null;
    created_at: Generated<Date>;
  };
};

/** A recipient of an outgoing document as the desk keeps it. */
export interface OutgoingRecipient {
  agencyId: string;
  code: string;
  name: string;
}
