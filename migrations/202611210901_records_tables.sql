-- The records desk (văn thư) of agencies without document software of their own: the yearly
-- incoming and outgoing registers (sổ văn bản đến / đi) and a searchable index of the documents
-- the desk received and sent through the exchange module. Exchange packets are referred to by id
-- only (another module's tables): the packets, attachments and statuses stay in `exchange_*`.

-- One counter per agency, register and year: numbers restart at 1 every year; the row is locked
-- while a number is taken, so numbers have no gaps and no duplicates.
CREATE TABLE records_counters (
  agency_id    uuid NOT NULL,
  register     text NOT NULL CHECK (register IN ('incoming', 'outgoing')),
  year         integer NOT NULL CHECK (year BETWEEN 2000 AND 2999),
  last_number  integer NOT NULL DEFAULT 0 CHECK (last_number >= 0),
  PRIMARY KEY (agency_id, register, year)
);

-- Where the desk stopped reading its agency's exchange inbox (an inbox sequence number).
CREATE TABLE records_inbox_cursors (
  agency_id  uuid PRIMARY KEY,
  cursor     bigint NOT NULL DEFAULT 0
);

CREATE TABLE records_incoming (
  id                  uuid PRIMARY KEY,
  agency_id           uuid NOT NULL,
  packet_id           uuid NOT NULL,
  inbox_seq           bigint NOT NULL,
  -- 0 new, 3 replace (a replacing document is a document of its own).
  business_type       smallint NOT NULL CHECK (business_type IN (0, 3)),
  document_id         text NOT NULL CHECK (length(document_id) <= 255),
  sender_agency_id    uuid NOT NULL,
  sender_code         text NOT NULL CHECK (length(sender_code) <= 64),
  sender_name         text CHECK (length(sender_name) <= 300),
  code_number         text CHECK (length(code_number) <= 50),
  code_notation       text CHECK (length(code_notation) <= 100),
  subject             text CHECK (length(subject) <= 500),
  type_name           text CHECK (length(type_name) <= 200),
  promulgation_date   date,
  due_date            date,
  priority            smallint CHECK (priority BETWEEN 0 AND 4),
  received_at         timestamptz NOT NULL,
  -- Lower case, no diacritics: subject, số/ký hiệu, sender name and code.
  search_text         text NOT NULL CHECK (length(search_text) <= 2000),
  -- Mirror of the delivery's processing status and recall state in the exchange (for filters).
  status              text NOT NULL DEFAULT '01' CHECK (status IN ('01', '02', '03', '04', '05', '06')),
  recall_state        text CHECK (recall_state IN ('requested', 'accepted', 'refused')),
  withdrawn           boolean NOT NULL DEFAULT false,
  replaces_packet_id  uuid,
  replaced_by_packet_id uuid,
  -- Sổ văn bản đến: number in the register of `reg_year`.
  reg_year            integer,
  reg_number          integer,
  registered_at       timestamptz,
  registered_by       text CHECK (length(registered_by) <= 100),
  rejected_reason     text CHECK (length(rejected_reason) <= 1000),
  assignee_kind       text CHECK (assignee_kind IN ('unit', 'person')),
  assignee_name       text CHECK (length(assignee_name) <= 200),
  assignment_note     text CHECK (length(assignment_note) <= 1000),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agency_id, packet_id),
  UNIQUE (agency_id, reg_year, reg_number),
  CHECK ((reg_year IS NULL) = (reg_number IS NULL))
);
CREATE INDEX records_incoming_received ON records_incoming (agency_id, received_at DESC);
CREATE INDEX records_incoming_status ON records_incoming (agency_id, status);
CREATE INDEX records_incoming_sender ON records_incoming (agency_id, sender_agency_id);
CREATE INDEX records_incoming_packet ON records_incoming (packet_id);
CREATE INDEX records_incoming_document ON records_incoming (agency_id, document_id);
CREATE INDEX records_incoming_search ON records_incoming USING gin (search_text gin_trgm_ops);

CREATE TABLE records_outgoing (
  id                  uuid PRIMARY KEY,
  agency_id           uuid NOT NULL,
  -- Sổ văn bản đi: number in the register of `year` (the promulgation year).
  year                integer NOT NULL,
  number              integer NOT NULL CHECK (number > 0),
  notation            text NOT NULL CHECK (length(notation) <= 100),
  document_id         text NOT NULL CHECK (length(document_id) <= 255),
  -- 'sent' once the exchange accepted the packet; 'failed' keeps a taken number visible.
  state               text NOT NULL CHECK (state IN ('numbered', 'sent', 'failed')),
  failure             text CHECK (length(failure) <= 300),
  packet_id           uuid,
  type_name           text NOT NULL CHECK (length(type_name) <= 200),
  subject             text NOT NULL CHECK (length(subject) <= 500),
  content             text CHECK (length(content) <= 500),
  signer_competence   text CHECK (length(signer_competence) <= 200),
  signer_position     text CHECK (length(signer_position) <= 200),
  signer_name         text CHECK (length(signer_name) <= 200),
  place               text CHECK (length(place) <= 150),
  promulgation_date   date NOT NULL,
  priority            smallint NOT NULL CHECK (priority BETWEEN 0 AND 4),
  steering_type       smallint CHECK (steering_type BETWEEN 0 AND 3),
  due_date            date,
  to_places           text[] NOT NULL DEFAULT '{}' CHECK (cardinality(to_places) <= 30),
  -- [{ agencyId, code, name }]: who the document is addressed to now (after updates).
  recipients          jsonb NOT NULL,
  replaces_id         uuid REFERENCES records_outgoing (id),
  replaced_by_id      uuid REFERENCES records_outgoing (id),
  recalled_at         timestamptz,
  recall_reason       text CHECK (length(recall_reason) <= 1000),
  search_text         text NOT NULL CHECK (length(search_text) <= 2000),
  created_by          text CHECK (length(created_by) <= 100),
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agency_id, year, number)
);
CREATE INDEX records_outgoing_created ON records_outgoing (agency_id, created_at DESC);
CREATE INDEX records_outgoing_packet ON records_outgoing (packet_id) WHERE packet_id IS NOT NULL;
CREATE INDEX records_outgoing_replaces ON records_outgoing (replaces_id) WHERE replaces_id IS NOT NULL;
CREATE INDEX records_outgoing_replaced_by ON records_outgoing (replaced_by_id) WHERE replaced_by_id IS NOT NULL;
CREATE INDEX records_outgoing_search ON records_outgoing USING gin (search_text gin_trgm_ops);

-- What the desk did with an incoming document, for its timeline (the statuses also travel to the
-- sender through the exchange).
CREATE TABLE records_incoming_events (
  id           uuid PRIMARY KEY,
  incoming_id  uuid NOT NULL REFERENCES records_incoming (id),
  code         text NOT NULL CHECK (code IN ('02', '03', '04', '05', '06', '15', '16')),
  note         text CHECK (length(note) <= 1000),
  actor_id     text CHECK (length(actor_id) <= 100),
  occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX records_incoming_events_incoming ON records_incoming_events (incoming_id, occurred_at);
