import type { Generated } from 'kysely';

export interface AuditTables {
  audit_events: {
    /** Null until the sealer chains the event. */
    seq: string | null;
    /** Order in which events were written; the sealer chains them in this order. */
    pending_id: Generated<string>;
    id: string;
    occurred_at: Date;
    actor_kind: string;
    actor_id: string | null;
    agency_id: string | null;
    action: string;
    subject_type: string | null;
    subject_ids: string[];
    outcome: string;
    request_id: string | null;
    ip: string | null;
    details: Record<string, unknown>;
    prev_hash: string | null;
    hash: string | null;
  };
  audit_chain_head: { id: Generated<boolean>; seq: string; hash: string };
}
