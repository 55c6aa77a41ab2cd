import type { Generated } from 'kysely';
import type { PackedRun } from './original.ts';

/** The exchange module's tables (see migrations/202611210501_exchange_packets.sql). */
export type ExchangeTables = {
  exchange_packets: {
    id: string;
    seq: Generated<string>;
    kind: 'edoc' | 'status';
    business_type: number | null;
    status_code: string | null;
    sender_agency_id: string;
    sender_code: string;
    sender_name: string | null;
    document_id: string;
    dedupe_key: string;
    target_packet_id: string | null;
    code_number: string | null;
    code_notation: string | null;
    subject: string | null;
    type_name: string | null;
    promulgation_date: string | null;
    due_date: string | null;
    priority: number | null;
    description: string | null;
    signature: 'valid' | 'untrusted' | 'none';
    signature_algorithm: string | null;
    signer_subject: string | null;
    original_sha256: string;
    original_bytes: string | number;
    hop_organ_id: string;
    hop_at: Date;
    trace_offset: string | number | null;
    trace_xml: string | null;
    traces: string | { organId: string | null; timestamp: string | null }[];
    sent_by_kind: string;
    sent_by: string | null;
    replaced_by: string | null;
    recall_requested_at: Date | null;
    received_at: Generated<Date>;
  };
  exchange_attachments: {
    packet_id: string;
    n: number;
    content_id: string | null;
    name: string | null;
    description: string | null;
    declared_content_type: string | null;
    sniffed_type: string;
    zipped: boolean;
    inner_name: string | null;
    bytes: string | number;
    sha256: string;
  };
  exchange_inbox_counters: { agency_id: string; last_seq: string | number };
  exchange_deliveries: {
    id: string;
    packet_id: string;
    recipient_agency_id: string;
    addressee_agency_id: string;
    addressed_codes: string[];
    route: string;
    state: Generated<'pending' | 'delivered' | 'withdrawn'>;
    inbox_seq: string | null;
    attempts: Generated<number>;
    last_attempt_at: Date | null;
    delivered_at: Date | null;
    acknowledged_at: Date | null;
    withdrawn_at: Date | null;
    current_status: string | null;
    status_at: Date | null;
    recall_state: 'requested' | 'accepted' | 'refused' | null;
    added_by_packet_id: string | null;
    created_at: Generated<Date>;
  };
  /** Packets kept without their attachments' base64 text (see original.ts). */
  exchange_packet_originals: {
    packet_id: string;
    skeleton: Buffer;
    runs: string | PackedRun[];
  };
  exchange_status_events: {
    id: string;
    delivery_id: string;
    code: string;
    description: string | null;
    staff: string | null;
    occurred_at: Date;
    recorded_at: Generated<Date>;
    source_packet_id: string | null;
  };
};
