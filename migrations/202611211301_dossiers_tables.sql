-- Dossiers (hồ sơ) filed online by citizens: the dossier with its form values and the procedure
-- version it was filed under, the papers attached, every status change (the timeline), and the
-- counter that numbers dossier codes per agency and day. Codes are never reused.

CREATE TABLE dossiers_dossiers (
  id                   uuid PRIMARY KEY,
  code                 text UNIQUE CHECK (length(code) <= 100),
  applicant_account_id uuid NOT NULL,
  applicant_name       text NOT NULL CHECK (length(applicant_name) BETWEEN 1 AND 200),
  procedure_code       text NOT NULL CHECK (length(procedure_code) <= 100),
  procedure_name       text NOT NULL CHECK (length(procedure_name) <= 500),
  version_id           uuid NOT NULL,
  agency_id            uuid NOT NULL,
  agency_name          text NOT NULL CHECK (length(agency_name) <= 300),
  agency_code          text NOT NULL CHECK (length(agency_code) <= 60),
  status               text NOT NULL CHECK (status IN ('draft', 'submitted', 'received', 'refused',
                         'processing', 'awaiting_supplement', 'awaiting_payment', 'withdrawn', 'stopped',
                         'result_ready', 'delivered')),
  form_values          jsonb NOT NULL DEFAULT '{}'::jsonb,
  fee_total            bigint NOT NULL DEFAULT 0 CHECK (fee_total >= 0),
  fee_paid_at          timestamptz,
  lookup_secret_hash   text CHECK (length(lookup_secret_hash) = 64),
  receipt_sha256       text CHECK (receipt_sha256 ~ '^[0-9a-f]{64}$'),
  result_sha256        text CHECK (result_sha256 ~ '^[0-9a-f]{64}$'),
  supplement_note      text CHECK (length(supplement_note) <= 2000),
  submitted_at         timestamptz,
  due_at               timestamptz,
  finished_at          timestamptz,
  rating               smallint CHECK (rating BETWEEN 1 AND 5),
  feedback             text CHECK (length(feedback) <= 2000),
  feedback_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'draft') = (code IS NULL))
);
CREATE INDEX dossiers_dossiers_applicant ON dossiers_dossiers (applicant_account_id, created_at DESC);
CREATE INDEX dossiers_dossiers_agency ON dossiers_dossiers (agency_id, status, submitted_at DESC);
CREATE INDEX dossiers_dossiers_procedure ON dossiers_dossiers (procedure_code) WHERE status <> 'draft';
CREATE INDEX dossiers_dossiers_version ON dossiers_dossiers (version_id);

CREATE TABLE dossiers_papers (
  id          uuid PRIMARY KEY,
  dossier_id  uuid NOT NULL REFERENCES dossiers_dossiers (id),
  paper_key   text NOT NULL CHECK (length(paper_key) <= 40),
  purpose     text NOT NULL CHECK (purpose IN ('paper', 'supplement')),
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  media_type  text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes       integer NOT NULL CHECK (bytes > 0),
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossiers_papers_dossier ON dossiers_papers (dossier_id, uploaded_at);

-- The timeline: every status change and the other events a citizen sees (fee paid, feedback).
CREATE TABLE dossiers_events (
  id          bigserial PRIMARY KEY,
  dossier_id  uuid NOT NULL REFERENCES dossiers_dossiers (id),
  kind        text NOT NULL CHECK (kind IN ('status', 'fee_paid', 'supplemented', 'feedback')),
  status      text NOT NULL,
  note        text CHECK (length(note) <= 2000),
  actor_kind  text NOT NULL CHECK (length(actor_kind) <= 20),
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossiers_events_dossier ON dossiers_events (dossier_id, id);

-- One row per agency and local day: taken with an upsert that locks it, so codes are
-- consecutive, distinct under concurrency, and a rolled-back filing gives its number back.
CREATE TABLE dossiers_counters (
  agency_id uuid NOT NULL,
  day       text NOT NULL CHECK (day ~ '^\d{8}$'),
  last      integer NOT NULL CHECK (last > 0),
  PRIMARY KEY (agency_id, day)
);
