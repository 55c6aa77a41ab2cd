-- Directory of agencies: agencies with effective-dated names, identifier codes with validity
-- periods (never overlapping for one scheme and code), and dated reorganisation events.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE directory_agencies (
  id          uuid PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('ministry', 'ministry_level', 'government_agency',
                'province_ubnd', 'province_hdnd', 'department', 'commune', 'unit', 'enterprise', 'other')),
  -- Deferrable so that a CSV import may insert children before their parents in one transaction.
  parent_id   uuid REFERENCES directory_agencies (id) DEFERRABLE INITIALLY IMMEDIATE,
  level       smallint NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 10),
  -- The name in force today (copied from directory_agency_names for listing and search).
  name        text NOT NULL,
  short_name  text,
  valid_from  date NOT NULL,
  valid_to    date,
  version     integer NOT NULL DEFAULT 1,
  -- Lower-case, diacritics removed: name, short name, former names and codes (see search.ts).
  search_text text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX directory_agencies_parent ON directory_agencies (parent_id);
CREATE INDEX directory_agencies_kind ON directory_agencies (kind, name);
CREATE INDEX directory_agencies_valid_to ON directory_agencies (valid_to);
CREATE INDEX directory_agencies_search ON directory_agencies USING gin (search_text gin_trgm_ops);

-- Names are effective-dated: [valid_from, valid_to).
CREATE TABLE directory_agency_names (
  agency_id  uuid NOT NULL REFERENCES directory_agencies (id) DEFERRABLE INITIALLY IMMEDIATE,
  name       text NOT NULL,
  short_name text,
  valid_from date NOT NULL,
  valid_to   date,
  PRIMARY KEY (agency_id, valid_from),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);

-- Identifier codes, stored normalised (QĐ20 codes always in their 13-character form).
CREATE TABLE directory_codes (
  id         uuid PRIMARY KEY,
  agency_id  uuid NOT NULL REFERENCES directory_agencies (id) DEFERRABLE INITIALLY IMMEDIATE,
  scheme     text NOT NULL CHECK (scheme IN ('QD20', 'SHORT', 'TAX', 'NODE', 'ADMIN_UNIT', 'LOCAL')),
  code       text NOT NULL,
  valid_from date NOT NULL,
  valid_to   date,
  -- False when the seed data could not confirm the code↔agency pairing in a public source.
  confirmed  boolean NOT NULL DEFAULT true,
  note       text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CONSTRAINT directory_codes_no_overlap EXCLUDE USING gist (
    scheme WITH =, code WITH =, daterange(valid_from, valid_to, '[)') WITH &&
  )
);
CREATE INDEX directory_codes_agency ON directory_codes (agency_id);
CREATE INDEX directory_codes_code ON directory_codes (code text_pattern_ops, valid_from);

-- Reorganisation events: create, rename, merge (n→1), split (1→n), transfer, close.
CREATE TABLE directory_events (
  id           uuid PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('create', 'rename', 'merge', 'split', 'transfer', 'close')),
  effective_on date NOT NULL,
  legal_basis  text,
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX directory_events_effective ON directory_events (effective_on);

CREATE TABLE directory_event_agencies (
  event_id   uuid NOT NULL REFERENCES directory_events (id),
  agency_id  uuid NOT NULL REFERENCES directory_agencies (id) DEFERRABLE INITIALLY IMMEDIATE,
  role       text NOT NULL CHECK (role IN ('subject', 'predecessor', 'successor')),
  -- For a split: the successor that takes over traffic addressed to the predecessor.
  is_default boolean NOT NULL DEFAULT false,
  PRIMARY KEY (event_id, agency_id, role)
);
CREATE INDEX directory_event_agencies_agency ON directory_event_agencies (agency_id, role);
