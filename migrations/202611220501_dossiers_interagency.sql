-- Inter-agency procedures (thủ tục liên thông): a procedure whose parts belong to several
-- agencies. The definition (data), each part of a filed dossier with its agency, due date and
-- progress (a child dossier on this instance, or a document sent through the exchange axis to an
-- agency hosted on another instance), the part's timeline, and — on the instance that receives a
-- part through the axis — the link between the received packet and the local dossier made from it.

CREATE TABLE dossiers_interagency_procedures (
  code           text PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 50),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
  -- The catalogue procedure the citizen files once (the main dossier).
  procedure_code text NOT NULL UNIQUE CHECK (length(procedure_code) <= 50),
  working_days   integer NOT NULL CHECK (working_days BETWEEN 0 AND 365),
  definition     jsonb NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dossiers_interagency_parts (
  id                uuid PRIMARY KEY,
  dossier_id        uuid NOT NULL REFERENCES dossiers_dossiers (id),
  ord               smallint NOT NULL CHECK (ord BETWEEN 1 AND 20),
  after_ords        smallint[] NOT NULL DEFAULT '{}',
  procedure_code    text NOT NULL CHECK (length(procedure_code) <= 50),
  procedure_name    text NOT NULL CHECK (length(procedure_name) <= 500),
  agency_id         uuid,
  agency_name       text CHECK (length(agency_name) <= 300),
  agency_code       text CHECK (length(agency_code) <= 60),
  route             text CHECK (route IN ('local', 'remote')),
  working_days      integer NOT NULL CHECK (working_days BETWEEN 0 AND 365),
  state             text NOT NULL CHECK (state IN ('waiting', 'sent', 'received', 'processing', 'done',
                      'refused', 'stopped', 'failed')),
  due_at            timestamptz NOT NULL,
  started_at        timestamptz,
  child_dossier_id  uuid UNIQUE REFERENCES dossiers_dossiers (id),
  -- The edXML document that carried the part to another instance (remote route).
  code_number       text CHECK (length(code_number) <= 50),
  promulgation_date date,
  document_id       text CHECK (length(document_id) <= 255),
  packet_id         uuid,
  remote_status     text CHECK (remote_status ~ '^[0-9]{2}$'),
  remote_status_at  timestamptz,
  result_sha256     text CHECK (result_sha256 ~ '^[0-9a-f]{64}$'),
  finished_at       timestamptz,
  note              text CHECK (length(note) <= 1000),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dossier_id, ord)
);
CREATE INDEX dossiers_interagency_parts_agency ON dossiers_interagency_parts (agency_id);
CREATE INDEX dossiers_interagency_parts_document ON dossiers_interagency_parts (document_id)
  WHERE document_id IS NOT NULL;

CREATE TABLE dossiers_interagency_part_events (
  id      bigserial PRIMARY KEY,
  part_id uuid NOT NULL REFERENCES dossiers_interagency_parts (id),
  state   text NOT NULL CHECK (length(state) <= 20),
  code    text CHECK (length(code) <= 2),
  note    text CHECK (length(note) <= 1000),
  at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossiers_interagency_part_events_part ON dossiers_interagency_part_events (part_id, id);

-- Receiving side: a part that reached an agency hosted here through the axis.
CREATE TABLE dossiers_interagency_inbound (
  id                 uuid PRIMARY KEY,
  packet_id          uuid NOT NULL UNIQUE,
  document_id        text NOT NULL CHECK (length(document_id) <= 255),
  sender_code        text NOT NULL CHECK (length(sender_code) <= 64),
  recipient_agency_id uuid NOT NULL,
  recipient_code     text NOT NULL CHECK (length(recipient_code) <= 64),
  code_number        text CHECK (length(code_number) <= 50),
  code_notation      text CHECK (length(code_notation) <= 100),
  promulgation_date  date,
  origin_part_id     uuid NOT NULL,
  child_dossier_id   uuid UNIQUE REFERENCES dossiers_dossiers (id),
  -- Status codes already sent back (in order), and the reply carrying the result.
  reported           text[] NOT NULL DEFAULT '{}',
  reply_packet_id    uuid,
  error              text CHECK (length(error) <= 300),
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossiers_interagency_inbound_agency ON dossiers_interagency_inbound (recipient_agency_id);
