-- The document axis: accepted packets, their attachments, one delivery per resolved recipient,
-- and the status timeline of each delivery. Packet and attachment bytes live in the blob store
-- (content-addressed); rows keep their sha256.

CREATE TABLE exchange_packets (
  id                   uuid PRIMARY KEY,
  -- Order of acceptance: the cursor of GET /sent.
  seq                  bigserial NOT NULL UNIQUE,
  kind                 text NOT NULL CHECK (kind IN ('edoc', 'status')),
  -- 0 new, 1 revoke, 2 update, 3 replace (edoc packets only).
  business_type        smallint CHECK (business_type BETWEEN 0 AND 3),
  status_code          text CHECK (status_code IN ('01', '02', '03', '04', '05', '06', '13', '15', '16')),
  sender_agency_id     uuid NOT NULL,
  sender_code          text NOT NULL CHECK (length(sender_code) <= 64),
  sender_name          text CHECK (length(sender_name) <= 300),
  -- DocumentId as written (edoc), or the answered DocumentId (status).
  document_id          text NOT NULL CHECK (length(document_id) <= 255),
  -- Duplicate detection: one document per (sender agency, DocumentId, business type or status code).
  dedupe_key           text NOT NULL CHECK (length(dedupe_key) <= 300),
  -- The document a revoke, update, replace or status packet is about (resolved at acceptance).
  target_packet_id     uuid REFERENCES exchange_packets (id),
  code_number          text CHECK (length(code_number) <= 50),
  code_notation        text CHECK (length(code_notation) <= 100),
  subject              text CHECK (length(subject) <= 500),
  type_name            text CHECK (length(type_name) <= 200),
  promulgation_date    date,
  due_date             date,
  priority             smallint,
  description          text CHECK (length(description) <= 1000),
  signature            text NOT NULL CHECK (signature IN ('valid', 'untrusted', 'none')),
  signature_algorithm  text CHECK (length(signature_algorithm) <= 200),
  signer_subject       text CHECK (length(signer_subject) <= 1000),
  original_sha256      text NOT NULL CHECK (length(original_sha256) = 64),
  original_bytes       bigint NOT NULL,
  -- This hop's TraceHeader and where it goes in the original bytes (null: delivered as received).
  hop_organ_id         text NOT NULL CHECK (length(hop_organ_id) <= 64),
  hop_at               timestamptz NOT NULL,
  trace_offset         bigint,
  trace_xml            text CHECK (length(trace_xml) <= 2000),
  traces               jsonb NOT NULL DEFAULT '[]',
  sent_by_kind         text NOT NULL CHECK (length(sent_by_kind) <= 20),
  sent_by              text CHECK (length(sent_by) <= 100),
  -- Set on the replaced document when a replace packet names it.
  replaced_by          uuid REFERENCES exchange_packets (id),
  recall_requested_at  timestamptz,
  received_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (sender_agency_id, dedupe_key)
);
CREATE INDEX exchange_packets_document ON exchange_packets (document_id);
CREATE INDEX exchange_packets_sender_seq ON exchange_packets (sender_agency_id, seq);
CREATE INDEX exchange_packets_target ON exchange_packets (target_packet_id) WHERE target_packet_id IS NOT NULL;
CREATE INDEX exchange_packets_replaced_by ON exchange_packets (replaced_by) WHERE replaced_by IS NOT NULL;
CREATE INDEX exchange_packets_received ON exchange_packets (received_at);

CREATE TABLE exchange_attachments (
  packet_id             uuid NOT NULL REFERENCES exchange_packets (id),
  n                     smallint NOT NULL CHECK (n >= 0 AND n < 100),
  content_id            text CHECK (length(content_id) <= 300),
  name                  text CHECK (length(name) <= 200),
  description           text CHECK (length(description) <= 1000),
  declared_content_type text CHECK (length(declared_content_type) <= 255),
  sniffed_type          text NOT NULL CHECK (length(sniffed_type) <= 20),
  zipped                boolean NOT NULL,
  inner_name            text CHECK (length(inner_name) <= 500),
  bytes                 bigint NOT NULL,
  sha256                text NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (packet_id, n)
);
CREATE INDEX exchange_attachments_sha ON exchange_attachments (sha256);

-- Per-agency inbox counters: a delivery takes the next number of its recipient's inbox while it
-- holds the counter row, so numbers commit in order and a cursor never skips a late commit.
CREATE TABLE exchange_inbox_counters (
  agency_id  uuid PRIMARY KEY,
  last_seq   bigint NOT NULL DEFAULT 0
);

CREATE TABLE exchange_deliveries (
  id                   uuid PRIMARY KEY,
  packet_id            uuid NOT NULL REFERENCES exchange_packets (id),
  -- The agency that receives: the current holder of the addressed code (a successor when closed).
  recipient_agency_id  uuid NOT NULL,
  -- The agency that was addressed (differs from the recipient when forwarded to a successor).
  addressee_agency_id  uuid NOT NULL,
  addressed_codes      text[] NOT NULL CHECK (cardinality(addressed_codes) BETWEEN 1 AND 20),
  -- 'local' (an inbox on this instance) or 'peer:<id>' (another instance; federation).
  route                text NOT NULL CHECK (route = 'local' OR route ~ '^peer:[A-Za-z0-9._-]{1,100}$'),
  state                text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'withdrawn')),
  inbox_seq            bigint,
  attempts             integer NOT NULL DEFAULT 0,
  last_attempt_at      timestamptz,
  delivered_at         timestamptz,
  acknowledged_at      timestamptz,
  withdrawn_at         timestamptz,
  current_status       text,
  status_at            timestamptz,
  recall_state         text CHECK (recall_state IN ('requested', 'accepted', 'refused')),
  -- The packet (update) that added this recipient after the first send.
  added_by_packet_id   uuid REFERENCES exchange_packets (id),
  created_at           timestamptz NOT NULL DEFAULT now(),
  -- One delivery per packet and recipient agency: two codes of one agency deliver once.
  UNIQUE (packet_id, recipient_agency_id),
  CHECK ((state = 'pending') = (delivered_at IS NULL) OR state = 'withdrawn'),
  CHECK ((inbox_seq IS NULL) = (delivered_at IS NULL))
);
-- A number of an agency's inbox is used once: a delivery cannot land twice.
CREATE UNIQUE INDEX exchange_deliveries_inbox ON exchange_deliveries (recipient_agency_id, inbox_seq)
  WHERE inbox_seq IS NOT NULL;
CREATE INDEX exchange_deliveries_packet ON exchange_deliveries (packet_id);
CREATE INDEX exchange_deliveries_pending ON exchange_deliveries (last_attempt_at) WHERE state = 'pending';
CREATE INDEX exchange_deliveries_added_by ON exchange_deliveries (added_by_packet_id)
  WHERE added_by_packet_id IS NOT NULL;
CREATE INDEX exchange_deliveries_recipient_delivered ON exchange_deliveries (recipient_agency_id, delivered_at);

CREATE TABLE exchange_status_events (
  id                uuid PRIMARY KEY,
  delivery_id       uuid NOT NULL REFERENCES exchange_deliveries (id),
  code              text NOT NULL CHECK (code IN ('01', '02', '03', '04', '05', '06', '13', '15', '16')),
  description       text CHECK (length(description) <= 1000),
  staff             text CHECK (length(staff) <= 300),
  -- When it happened (the status packet's Timestamp, or the delivery instant for 01).
  occurred_at       timestamptz NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  source_packet_id  uuid REFERENCES exchange_packets (id),
  -- Each status once per delivery: repeats are no-ops, and 01 "arrived" cannot be recorded twice.
  UNIQUE (delivery_id, code)
);
CREATE INDEX exchange_status_events_source ON exchange_status_events (source_packet_id)
  WHERE source_packet_id IS NOT NULL;
CREATE INDEX exchange_status_events_code_time ON exchange_status_events (code, occurred_at);
