-- Federation of Liên thông instances (issue 3, item 8): peers, the agencies each hosts, the
-- outbound attempts to peers and the requests received from them (idempotency).

CREATE TABLE exchange_peers (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The peer's own node id: the OrganId of its TraceHeader, and the key id of its signatures.
  node_id     text NOT NULL UNIQUE CHECK (length(node_id) BETWEEN 1 AND 64),
  base_url    text NOT NULL CHECK (length(base_url) BETWEEN 8 AND 500),
  -- The peer's public key (PEM, SPKI; Ed25519 or RSA) verifying its request signatures.
  public_key  text NOT NULL CHECK (length(public_key) <= 4000),
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Which agencies a peer hosts: one peer per agency; an agency not listed is hosted here.
CREATE TABLE exchange_peer_agencies (
  agency_id   uuid PRIMARY KEY,
  peer_id     uuid NOT NULL REFERENCES exchange_peers (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_peer_agencies_peer ON exchange_peer_agencies (peer_id);

-- Outbound: one row per delivery handed to a peer (attempts, last error, permanent failure).
CREATE TABLE exchange_peer_deliveries (
  delivery_id       uuid PRIMARY KEY REFERENCES exchange_deliveries (id),
  peer_id           uuid NOT NULL REFERENCES exchange_peers (id),
  attempts          integer NOT NULL DEFAULT 0,
  last_error        text CHECK (length(last_error) <= 500),
  remote_packet_id  uuid,
  failed_at         timestamptz,
  failed_reason     text CHECK (length(failed_reason) <= 500),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_peer_deliveries_peer ON exchange_peer_deliveries (peer_id);

-- Inbound: each request of a peer once (its delivery id is the idempotency key).
CREATE TABLE exchange_federation_inbound (
  peer_id          uuid NOT NULL REFERENCES exchange_peers (id),
  idempotency_key  text NOT NULL CHECK (length(idempotency_key) <= 100),
  packet_id        uuid NOT NULL REFERENCES exchange_packets (id),
  received_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (peer_id, idempotency_key)
);
CREATE INDEX exchange_federation_inbound_packet ON exchange_federation_inbound (packet_id);

-- A delivery handed to a peer is delivered without a number in a local inbox.
DO $$
DECLARE c text;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'exchange_deliveries'::regclass AND contype = 'c'
              AND pg_get_constraintdef(oid) LIKE '%(inbox_seq IS NULL) = (delivered_at IS NULL)%'
  LOOP
    EXECUTE format('ALTER TABLE exchange_deliveries DROP CONSTRAINT %I', c);
  END LOOP;
END $$;
ALTER TABLE exchange_deliveries
  ADD CONSTRAINT exchange_deliveries_inbox_seq CHECK (
    CASE WHEN route = 'local' THEN (inbox_seq IS NULL) = (delivered_at IS NULL) ELSE inbox_seq IS NULL END);
