-- One-stop back office (issue 5): the processing workflow of each procedure as data, one row per
-- step instance (a line of form 06), the agency's register of result documents, and on the
-- dossier: optimistic concurrency (row_version), the applicant recorded at the counter (no
-- account needed), receipt, original and extended due dates, suspension, result, return,
-- timeliness and archiving. Indexes are designed for work lists and search at 1,000,000 dossiers.

-- ── dossiers ─────────────────────────────────────────────────────────────────────────────────
-- A dossier taken at the counter or by post may have no citizen account: the applicant is then
-- recorded by name, identity number and contacts, and follows it with the lookup key of form 01.
ALTER TABLE dossiers_dossiers ALTER COLUMN applicant_account_id DROP NOT NULL;

ALTER TABLE dossiers_dossiers
  -- Every officer action carries the version it saw; a stale one answers 409 DOSSIER_CONFLICT.
  ADD COLUMN row_version          integer NOT NULL DEFAULT 1 CHECK (row_version > 0),
  ADD COLUMN applicant_id_number  text CHECK (applicant_id_number ~ '^[0-9]{9,12}$'),
  ADD COLUMN applicant_phone      text CHECK (length(applicant_phone) <= 20),
  ADD COLUMN applicant_email      text CHECK (length(applicant_email) <= 254),
  ADD COLUMN applicant_address    text CHECK (length(applicant_address) <= 500),
  ADD COLUMN received_at          timestamptz,
  ADD COLUMN received_by          uuid,
  -- due_at is the due date in force (= extended_due_at after an extension, form 04).
  ADD COLUMN original_due_at      timestamptz,
  ADD COLUMN extended_due_at      timestamptz,
  ADD COLUMN extensions           smallint NOT NULL DEFAULT 0 CHECK (extensions >= 0),
  ADD COLUMN supplement_requested_at timestamptz,
  -- Suspension (tạm dừng) while the agency waits on something outside the applicant.
  ADD COLUMN suspended_at         timestamptz,
  ADD COLUMN suspension_reason    text CHECK (length(suspension_reason) <= 2000),
  ADD COLUMN stop_reason          text CHECK (length(stop_reason) <= 2000),
  ADD COLUMN refusal_reason       text CHECK (length(refusal_reason) <= 2000),
  -- The workflow version the dossier runs (kept when the workflow is edited later).
  ADD COLUMN workflow_id          uuid,
  -- Result document: number in the agency's register (consecutive per agency and year).
  ADD COLUMN result_year          smallint,
  ADD COLUMN result_number        integer CHECK (result_number > 0),
  ADD COLUMN result_reference     text CHECK (length(result_reference) <= 100),
  ADD COLUMN result_signature_sha256 text CHECK (result_signature_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN result_signed_at     timestamptz,
  -- HinhThuc: how the result is returned (online, at the counter, by post).
  ADD COLUMN return_method        text CHECK (return_method IN ('online', 'counter', 'post')),
  ADD COLUMN delivered_at         timestamptz,
  -- Per-dossier timeliness against the due date in force and against the original one.
  ADD COLUMN timeliness           text CHECK (timeliness IN ('early', 'on_time', 'late')),
  ADD COLUMN timeliness_original  text CHECK (timeliness_original IN ('early', 'on_time', 'late')),
  ADD COLUMN due_warned_at        timestamptz,
  ADD COLUMN overdue_at           timestamptz,
  ADD COLUMN archived_at          timestamptz;

CREATE UNIQUE INDEX dossiers_dossiers_result_number
  ON dossiers_dossiers (agency_id, result_year, result_number) WHERE result_number IS NOT NULL;

-- Work lists and search, always inside one agency, newest first, keyset (submitted_at, id).
CREATE INDEX dossiers_dossiers_agency_recent
  ON dossiers_dossiers (agency_id, submitted_at DESC, id DESC) WHERE status <> 'draft';
CREATE INDEX dossiers_dossiers_agency_status_recent
  ON dossiers_dossiers (agency_id, status, submitted_at DESC, id DESC);
CREATE INDEX dossiers_dossiers_agency_procedure_recent
  ON dossiers_dossiers (agency_id, procedure_code, submitted_at DESC, id DESC) WHERE status <> 'draft';
CREATE INDEX dossiers_dossiers_agency_channel_recent
  ON dossiers_dossiers (agency_id, channel, submitted_at DESC, id DESC) WHERE status <> 'draft';
-- Open dossiers by due date (due soon / overdue per agency, and the deadline job).
CREATE INDEX dossiers_dossiers_open_due
  ON dossiers_dossiers (agency_id, due_at, id)
  WHERE status IN ('submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment');
CREATE INDEX dossiers_dossiers_open_due_all
  ON dossiers_dossiers (due_at)
  WHERE status IN ('received', 'processing') AND overdue_at IS NULL;
-- Search by applicant name (any part, no diacritics needed: lower + trigram) and code prefix.
CREATE INDEX dossiers_dossiers_applicant_trgm
  ON dossiers_dossiers USING gin (lower(applicant_name) gin_trgm_ops);
CREATE INDEX dossiers_dossiers_code_prefix ON dossiers_dossiers (code text_pattern_ops);

-- ── workflows ────────────────────────────────────────────────────────────────────────────────
-- The processing workflow of a procedure (procedure_code '*' = the platform default), optionally
-- for one agency (agency_id NULL = every agency). Versioned: an edit adds a version; a dossier
-- keeps the version it started with. steps: [{key, name{vi,en}, role, unit?, allotted}].
CREATE TABLE dossiers_workflows (
  id             uuid PRIMARY KEY,
  procedure_code text NOT NULL CHECK (length(procedure_code) BETWEEN 1 AND 100),
  agency_id      uuid,
  version        integer NOT NULL CHECK (version > 0),
  steps          jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
  -- After a supplement the clock 'restart's from the day the papers came back, or 'pause's.
  supplement_clock text NOT NULL DEFAULT 'restart' CHECK (supplement_clock IN ('restart', 'pause')),
  created_by     text NOT NULL CHECK (length(created_by) <= 100),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dossiers_workflows_version
  ON dossiers_workflows (procedure_code, coalesce(agency_id, '00000000-0000-0000-0000-000000000000'::uuid), version);

INSERT INTO dossiers_workflows (id, procedure_code, agency_id, version, steps, created_by) VALUES (
  '0b5a7c1e-2026-4b22-8202-000000000001', '*', NULL, 1,
  '[
    {"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingDays": 1}},
    {"key": "phe_duyet", "name": {"vi": "Phê duyệt", "en": "Approval"}, "role": "unit_leader", "allotted": {"workingHours": 4}},
    {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingHours": 4}},
    {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 4}}
  ]'::jsonb,
  'migration');

-- ── step instances (form 06) ─────────────────────────────────────────────────────────────────
-- One row per step instance: who sent it, who holds it (NULL = the queue of the role in the
-- agency or unit), when it started, was due, and was handed off, with its timeliness forever.
CREATE TABLE dossiers_steps (
  id            uuid PRIMARY KEY,
  dossier_id    uuid NOT NULL REFERENCES dossiers_dossiers (id),
  agency_id     uuid NOT NULL,
  seq           integer NOT NULL CHECK (seq > 0),
  step_index    integer NOT NULL CHECK (step_index >= 0),
  step_key      text NOT NULL CHECK (length(step_key) <= 40),
  name_vi       text NOT NULL CHECK (length(name_vi) <= 200),
  name_en       text NOT NULL CHECK (length(name_en) <= 200),
  role          text NOT NULL CHECK (length(role) <= 40),
  unit_id       uuid,
  unit_name     text CHECK (length(unit_name) <= 300),
  assignee_id   uuid,
  assignee_name text CHECK (length(assignee_name) <= 200),
  sender_id     uuid,
  sender_name   text CHECK (length(sender_name) <= 200),
  started_at    timestamptz NOT NULL,
  due_at        timestamptz,
  taken_at      timestamptz,
  finished_at   timestamptz,
  finished_by   uuid,
  finished_by_name text CHECK (length(finished_by_name) <= 200),
  timeliness    text CHECK (timeliness IN ('early', 'on_time', 'late')),
  outcome       text CHECK (outcome IN ('forwarded', 'sent_back', 'reassigned', 'suspended', 'stopped',
                  'finished', 'supplement', 'withdrawn')),
  note          text CHECK (length(note) <= 2000),
  warned_at     timestamptz,
  UNIQUE (dossier_id, seq),
  CHECK ((finished_at IS NULL) = (outcome IS NULL))
);
-- At most one open step per dossier.
CREATE UNIQUE INDEX dossiers_steps_open ON dossiers_steps (dossier_id) WHERE finished_at IS NULL;
-- My tasks and my unit's queue, by due date (keyset (due_at, id)).
CREATE INDEX dossiers_steps_mine ON dossiers_steps (assignee_id, due_at, id) WHERE finished_at IS NULL;
CREATE INDEX dossiers_steps_queue ON dossiers_steps (agency_id, role, due_at, id) WHERE finished_at IS NULL;
CREATE INDEX dossiers_steps_due ON dossiers_steps (due_at) WHERE finished_at IS NULL AND warned_at IS NULL;

-- ── register of results ──────────────────────────────────────────────────────────────────────
-- One row per agency and year, taken with an upsert that locks it (like dossiers_counters).
CREATE TABLE dossiers_registers (
  agency_id uuid NOT NULL,
  year      smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  last      integer NOT NULL CHECK (last > 0),
  PRIMARY KEY (agency_id, year)
);

-- Timeline entries for the back office (step hand-offs shown to the citizen, documents issued).
ALTER TABLE dossiers_events DROP CONSTRAINT dossiers_events_kind_check;
ALTER TABLE dossiers_events ADD CONSTRAINT dossiers_events_kind_check
  CHECK (kind IN ('status', 'fee_paid', 'supplemented', 'feedback', 'step', 'document', 'archived'));
