import type { Generated } from 'kysely';

/** The federation tables (see migrations/202611211401_exchange_federation.sql). */
export type FederationTables = {
  exchange_peers: {
    id: string;
    name: string;
    node_id: string;
    base_url: string;
    public_key: string;
    status: 'active' | 'disabled';
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  exchange_peer_agencies: { agency_id: string; peer_id: string; created_at: Generated<Date> };
  exchange_peer_deliveries: {
    delivery_id: string;
    peer_id: string;
    attempts: Generated<number>;
    last_error: string | null;
    remote_packet_id: string | null;
    failed_at: Date | null;
    failed_reason: string | null;
    updated_at: Generated<Date>;
  };
  exchange_federation_inbound: {
    peer_id: string;
    idempotency_key: string;
    packet_id: string;
    received_at: Generated<Date>;
  };
};
