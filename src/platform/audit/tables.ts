import type { Generated } from 'kysely';

export interface AuditTables {
  audit_events: {
    seq: string;
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
    prev_hash: string;
    hash: string;
  };
  audit_chain_head: { id: Generated<boolean>; seq: string; hash: string };
}
