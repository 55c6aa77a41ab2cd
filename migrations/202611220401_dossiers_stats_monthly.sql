-- Monthly roll-up of the one-stop statistics, so that a year (or a whole platform) sums a few
-- thousand rows: one row per agency × procedure × month × channel, and one per agency × month ×
-- channel for every procedure together (procedure_code '*'). Kept by the same observer and
-- transaction as the daily rows; the daily rows serve custom ranges that cut a month.
CREATE TABLE dossiers_stats_monthly (
  agency_id         uuid NOT NULL,
  procedure_code    text NOT NULL CHECK (length(procedure_code) <= 100),
  month             date NOT NULL CHECK (extract(day FROM month) = 1),
  channel           text NOT NULL CHECK (channel IN ('online', 'counter', 'post', 'national_portal')),
  received          integer NOT NULL DEFAULT 0,
  digitised         integer NOT NULL DEFAULT 0,
  finished          integer NOT NULL DEFAULT 0,
  early             integer NOT NULL DEFAULT 0,
  on_time           integer NOT NULL DEFAULT 0,
  late              integer NOT NULL DEFAULT 0,
  processing_days   bigint NOT NULL DEFAULT 0,
  fee_due           integer NOT NULL DEFAULT 0,
  fee_paid_online   integer NOT NULL DEFAULT 0,
  result_electronic integer NOT NULL DEFAULT 0,
  refused           integer NOT NULL DEFAULT 0,
  withdrawn         integer NOT NULL DEFAULT 0,
  stopped           integer NOT NULL DEFAULT 0,
  ratings           integer NOT NULL DEFAULT 0,
  rating_sum        integer NOT NULL DEFAULT 0,
  satisfied         integer NOT NULL DEFAULT 0,
  PRIMARY KEY (agency_id, procedure_code, month, channel)
);
-- Every agency's totals of a period (platform administrators): procedure_code '*' by month.
CREATE INDEX dossiers_stats_monthly_all ON dossiers_stats_monthly (procedure_code, month);

-- Ratings given that day (satisfaction: 4–5 stars), counted by the observer's ratingGiven.
ALTER TABLE dossiers_stats_daily
  ADD COLUMN ratings    integer NOT NULL DEFAULT 0,
  ADD COLUMN rating_sum integer NOT NULL DEFAULT 0,
  ADD COLUMN satisfied  integer NOT NULL DEFAULT 0;
-- So ratings are no longer read from the dossiers.
DROP INDEX dossiers_dossiers_rated;
DROP INDEX dossiers_dossiers_rated_at;

-- The back office's dossiers_dossiers_agency_recent (agency_id, submitted_at DESC, id DESC)
-- serves the register book: this one is redundant.
DROP INDEX dossiers_dossiers_register;
