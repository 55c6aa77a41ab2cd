-- One-stop statistics kept incrementally (issue 5, items 7–8). One row per agency × procedure ×
-- local day (Asia/Ho_Chi_Minh) × receiving channel, updated by an observer inside every
-- transaction that changes a dossier's status, so the statistics of any period are a sum over a
-- few thousand narrow rows instead of a scan of the dossiers. `received` is counted on the day
-- of submission; the closing counters (finished with a result, refused, withdrawn, stopped) on
-- the day the dossier closed, under the channel it was received by. A rebuild recomputes the
-- whole table from the dossiers and their timelines.
CREATE TABLE dossiers_stats_daily (
  agency_id         uuid NOT NULL,
  procedure_code    text NOT NULL CHECK (length(procedure_code) <= 100),
  day               date NOT NULL,
  channel           text NOT NULL CHECK (channel IN ('online', 'counter', 'post', 'national_portal')),
  -- Submitted that day, and how many of them came with their papers in electronic form.
  received          integer NOT NULL DEFAULT 0,
  digitised         integer NOT NULL DEFAULT 0,
  -- Settled with a result that day (TrangThaiHoSo 9/10), by timeliness against the due date.
  finished          integer NOT NULL DEFAULT 0,
  early             integer NOT NULL DEFAULT 0,
  on_time           integer NOT NULL DEFAULT 0,
  late              integer NOT NULL DEFAULT 0,
  -- Sum of working days from submission to result, of the finished ones (average = sum / finished).
  processing_days   bigint NOT NULL DEFAULT 0,
  -- Of the finished ones: with a fee, with the fee paid online, with an electronic result.
  fee_due           integer NOT NULL DEFAULT 0,
  fee_paid_online   integer NOT NULL DEFAULT 0,
  result_electronic integer NOT NULL DEFAULT 0,
  -- Closed without a result that day.
  refused           integer NOT NULL DEFAULT 0,
  withdrawn         integer NOT NULL DEFAULT 0,
  stopped           integer NOT NULL DEFAULT 0,
  PRIMARY KEY (agency_id, day, procedure_code, channel)
);
-- Platform-wide periods (administrators) read by day.
CREATE INDEX dossiers_stats_daily_day ON dossiers_stats_daily (day);

-- Names shown beside the codes in statistics (the latest name seen for each procedure and agency).
CREATE TABLE dossiers_stats_labels (
  kind text NOT NULL CHECK (kind IN ('agency', 'procedure')),
  key  text NOT NULL CHECK (length(key) <= 100),
  name text NOT NULL CHECK (length(name) <= 500),
  PRIMARY KEY (kind, key)
);

-- The register book (form 07) and its search read one agency's dossiers by submission time.
CREATE INDEX dossiers_dossiers_register ON dossiers_dossiers (agency_id, submitted_at)
  WHERE status <> 'draft';
-- Satisfaction: ratings of an agency by the time they were given (index-only scans).
CREATE INDEX dossiers_dossiers_rated ON dossiers_dossiers (agency_id, feedback_at)
  INCLUDE (procedure_code, channel, rating) WHERE rating IS NOT NULL;
-- Ratings of every agency in a period (administrators).
CREATE INDEX dossiers_dossiers_rated_at ON dossiers_dossiers (feedback_at)
  INCLUDE (agency_id, procedure_code, channel, rating) WHERE rating IS NOT NULL;
