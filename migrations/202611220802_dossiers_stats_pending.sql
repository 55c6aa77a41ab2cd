-- The statistics' changes are queued here inside each dossier transaction (an insert, no shared
-- row locked) and folded into the counters by one folder at a time, in the background and before
-- every read, as the audit chain is sealed. Counters per agency × procedure × day were updated in
-- the dossier's own transaction and held to its commit, which queued every submission of a
-- procedure at an agency behind the one before.
CREATE TABLE dossiers_stats_pending (
  id             bigserial PRIMARY KEY,
  agency_id      uuid NOT NULL,
  procedure_code text NOT NULL CHECK (length(procedure_code) <= 100),
  channel        text NOT NULL CHECK (length(channel) <= 40),
  deltas         jsonb NOT NULL,
  agency_name    text CHECK (length(agency_name) <= 500),
  procedure_name text CHECK (length(procedure_name) <= 500)
);
