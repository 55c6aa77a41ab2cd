-- Reporting (Decree 09/2019/NĐ-CP): regimes as versioned data with their indicators,
-- effective-dated assignments, periods computed from rules, submissions with versions,
-- signatures and approvals, and aggregates kept current incrementally up the hierarchy.

CREATE TABLE reporting_regimes (
  id                  uuid PRIMARY KEY,
  code                text NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
  recipient_agency_id uuid NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reporting_regimes_recipient ON reporting_regimes (recipient_agency_id);

-- One row per version: draft → published (immutable) → retired. The nine elements of
-- Decree 09 are columns; indicators are rows of reporting_indicators.
CREATE TABLE reporting_regime_versions (
  id               uuid PRIMARY KEY,
  regime_id        uuid NOT NULL REFERENCES reporting_regimes (id),
  version          integer NOT NULL CHECK (version >= 1),
  status           text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  kind             text NOT NULL CHECK (kind IN ('periodic', 'thematic', 'ad_hoc')),
  legal_basis      text NOT NULL CHECK (length(legal_basis) <= 500),
  content          text NOT NULL CHECK (length(content) <= 5000),
  reporter_scope   jsonb NOT NULL,
  channels         text[] NOT NULL,
  frequency        text NOT NULL
                   CHECK (frequency IN ('monthly', 'quarterly', 'half_year', 'nine_months', 'annual', 'ad_hoc')),
  cutoff_start_day smallint NOT NULL CHECK (cutoff_start_day BETWEEN 1 AND 28),
  deadline_days    smallint NOT NULL CHECK (deadline_days BETWEEN 0 AND 60),
  lock_days        smallint NOT NULL CHECK (lock_days BETWEEN 0 AND 365),
  instructions     text NOT NULL CHECK (length(instructions) <= 20000),
  rules            jsonb NOT NULL,
  valid_from       date NOT NULL,
  published_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (regime_id, version)
);
-- At most one draft per regime.
CREATE UNIQUE INDEX reporting_regime_versions_one_draft ON reporting_regime_versions (regime_id)
  WHERE status = 'draft';
CREATE INDEX reporting_regime_versions_published ON reporting_regime_versions (regime_id, valid_from)
  WHERE status = 'published';

CREATE TABLE reporting_indicators (
  version_id  uuid NOT NULL REFERENCES reporting_regime_versions (id),
  code        text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
  position    smallint NOT NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  unit        text NOT NULL CHECK (length(unit) <= 50),
  value_type  text NOT NULL CHECK (value_type IN ('number', 'percentage', 'text', 'choice')),
  options     text[] NOT NULL DEFAULT '{}',
  aggregation text NOT NULL CHECK (aggregation IN ('sum', 'average', 'weighted_average', 'min', 'max', 'none')),
  weight_code text,
  required    boolean NOT NULL DEFAULT false,
  min_value   numeric,
  max_value   numeric,
  PRIMARY KEY (version_id, code)
);

-- Who must report, effective-dated [valid_from, valid_to).
CREATE TABLE reporting_assignments (
  id         uuid PRIMARY KEY,
  regime_id  uuid NOT NULL REFERENCES reporting_regimes (id),
  agency_id  uuid NOT NULL,
  valid_from date NOT NULL,
  valid_to   date,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX reporting_assignments_regime ON reporting_assignments (regime_id, valid_from);
CREATE INDEX reporting_assignments_agency ON reporting_assignments (agency_id);

-- Periods are computed from the version's rules, never typed in (see periods.ts).
CREATE TABLE reporting_periods (
  id           uuid PRIMARY KEY,
  regime_id    uuid NOT NULL REFERENCES reporting_regimes (id),
  version_id   uuid NOT NULL REFERENCES reporting_regime_versions (id),
  key          text NOT NULL CHECK (length(key) <= 20),
  cutoff_start date NOT NULL,
  cutoff_end   date NOT NULL,
  due_on       date NOT NULL,
  lock_on      date NOT NULL,
  structured_at timestamptz NOT NULL DEFAULT now(),
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (regime_id, key)
);
CREATE INDEX reporting_periods_version ON reporting_periods (version_id);

-- The units expected to report in a period (assignments valid at cutoff_end) and their state.
CREATE TABLE reporting_period_units (
  period_id      uuid NOT NULL REFERENCES reporting_periods (id),
  agency_id      uuid NOT NULL,
  submitted      boolean NOT NULL DEFAULT false,
  late           boolean NOT NULL DEFAULT false,
  approved       boolean NOT NULL DEFAULT false,
  reopened_until date,
  PRIMARY KEY (period_id, agency_id)
);
CREATE INDEX reporting_period_units_agency ON reporting_period_units (agency_id);

-- The period's hierarchy materialised: every (unit, ancestor) pair at cutoff_end, depth 0 = self;
-- the regime's recipient is the top ancestor of every unit.
CREATE TABLE reporting_closure (
  period_id   uuid NOT NULL REFERENCES reporting_periods (id),
  unit_id     uuid NOT NULL,
  ancestor_id uuid NOT NULL,
  depth       smallint NOT NULL,
  PRIMARY KEY (period_id, unit_id, ancestor_id)
);
CREATE INDEX reporting_closure_ancestor ON reporting_closure (period_id, ancestor_id, depth);

CREATE TABLE reporting_submissions (
  id                uuid PRIMARY KEY,
  period_id         uuid NOT NULL REFERENCES reporting_periods (id),
  agency_id         uuid NOT NULL,
  version           integer NOT NULL CHECK (version >= 1),
  status            text NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
  superseded        boolean NOT NULL DEFAULT false,
  approval_level    smallint NOT NULL DEFAULT 0,
  channel           text NOT NULL CHECK (channel IN ('form', 'api', 'excel')),
  submitted_at      timestamptz,
  late              boolean,
  content_hash      text,
  signature_state   text CHECK (signature_state IN ('signed', 'hash_only')),
  signed_xml        text,
  signer_kind       text,
  signer_id         text,
  certificate_serial text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (period_id, agency_id, version)
);
CREATE INDEX reporting_submissions_agency ON reporting_submissions (agency_id, period_id);
-- At most one version open for editing or review per unit and period.
CREATE UNIQUE INDEX reporting_submissions_one_open ON reporting_submissions (period_id, agency_id)
  WHERE status IN ('draft', 'submitted', 'returned');

-- Values of every submission, one row per indicator (source of truth of the rebuild).
CREATE TABLE reporting_values (
  submission_id uuid NOT NULL REFERENCES reporting_submissions (id),
  code          text NOT NULL,
  num           numeric,
  txt           text,
  PRIMARY KEY (submission_id, code)
);

CREATE TABLE reporting_approvals (
  id             uuid PRIMARY KEY,
  submission_id  uuid NOT NULL REFERENCES reporting_submissions (id),
  level          smallint NOT NULL,
  agency_id      uuid NOT NULL,
  actor_id       text,
  decision       text NOT NULL CHECK (decision IN ('approve', 'return')),
  comment        text CHECK (length(comment) <= 2000),
  decided_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reporting_approvals_submission ON reporting_approvals (submission_id);

-- Aggregates per period × unit × indicator over the unit's own values and its descendants'.
-- average = sum / count; weighted average = wnum / wden.
CREATE TABLE reporting_aggregates (
  period_id uuid NOT NULL REFERENCES reporting_periods (id),
  unit_id   uuid NOT NULL,
  code      text NOT NULL,
  sum       numeric NOT NULL DEFAULT 0,
  count     integer NOT NULL DEFAULT 0,
  wnum      numeric NOT NULL DEFAULT 0,
  wden      numeric NOT NULL DEFAULT 0,
  min       numeric,
  max       numeric,
  PRIMARY KEY (period_id, unit_id, code)
);

-- Completeness and timeliness per period × unit over the unit and its descendants.
CREATE TABLE reporting_completeness (
  period_id uuid NOT NULL REFERENCES reporting_periods (id),
  unit_id   uuid NOT NULL,
  expected  integer NOT NULL DEFAULT 0,
  submitted integer NOT NULL DEFAULT 0,
  on_time   integer NOT NULL DEFAULT 0,
  late      integer NOT NULL DEFAULT 0,
  approved  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (period_id, unit_id)
);
