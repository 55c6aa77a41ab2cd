-- Catalogue of administrative procedures (thủ tục hành chính): procedures identified by their
-- MaTTHC, immutable published versions (dossiers reference a version id) and one editable draft,
-- templates of papers, and linked procedure sets (liên thông) with parts per agency.

CREATE TABLE services_procedures (
  id                 uuid PRIMARY KEY,
  code               text NOT NULL UNIQUE,
  -- The agency whose administrators manage the procedure; NULL: the national catalogue,
  -- managed by platform administrators only.
  owner_agency_id    uuid REFERENCES directory_agencies (id),
  status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
  current_version_id uuid,
  latest_number      integer NOT NULL DEFAULT 0,
  -- Copied from the published version (or, before the first publication, from the draft)
  -- for listing, filtering and search; see search.ts for the normalisation.
  name               text NOT NULL,
  sector_code        text NOT NULL,
  sector_name        text NOT NULL,
  agency_kinds       text[] NOT NULL DEFAULT '{}',
  agency_ids         uuid[] NOT NULL DEFAULT '{}',
  service_level      text NOT NULL,
  search_name        text NOT NULL,
  search_text        text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX services_procedures_owner ON services_procedures (owner_agency_id);
CREATE INDEX services_procedures_status_sector ON services_procedures (status, sector_code);
CREATE INDEX services_procedures_search_name ON services_procedures USING gin (search_name gin_trgm_ops);
CREATE INDEX services_procedures_search_text ON services_procedures USING gin (search_text gin_trgm_ops);
CREATE INDEX services_procedures_agency_ids ON services_procedures USING gin (agency_ids);
CREATE INDEX services_procedures_agency_kinds ON services_procedures USING gin (agency_kinds);

CREATE TABLE services_versions (
  id           uuid PRIMARY KEY,
  procedure_id uuid NOT NULL REFERENCES services_procedures (id),
  number       integer NOT NULL CHECK (number > 0),
  state        text NOT NULL CHECK (state IN ('draft', 'published', 'superseded')),
  -- The whole procedure as validated by schemas.ts (procedureContentSchema).
  content      jsonb NOT NULL,
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  published_by text,
  UNIQUE (procedure_id, number)
);
-- At most one draft per procedure: editing a published procedure opens it, publishing closes it.
CREATE UNIQUE INDEX services_versions_one_draft ON services_versions (procedure_id) WHERE state = 'draft';

ALTER TABLE services_procedures
  ADD CONSTRAINT services_procedures_current_version
  FOREIGN KEY (current_version_id) REFERENCES services_versions (id);
CREATE INDEX services_procedures_current_version ON services_procedures (current_version_id);

-- Downloadable templates of papers (mẫu đơn, tờ khai), addressed by their SHA-256.
CREATE TABLE services_templates (
  sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  file_name  text NOT NULL,
  media_type text NOT NULL,
  bytes      integer NOT NULL CHECK (bytes BETWEEN 1 AND 2097152),
  content    bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Linked procedure sets (nhóm thủ tục liên thông): one filing, parts handled by several agencies.
CREATE TABLE services_linked_sets (
  id          uuid PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  content     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
