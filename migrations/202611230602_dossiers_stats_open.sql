-- Issue 5 at a million dossiers (helper h6), second part.
-- The dossiers open now per agency × procedure × channel (and every procedure together, '*'):
-- what the monthly rows' received − finished − refused − withdrawn − stopped sum to, kept by the
-- fold with the counters (and the rebuild). A period's carried-over dossiers are then the open
-- now less what the months since its start changed, instead of a sum over every month before it.
CREATE TABLE dossiers_stats_open (
  agency_id      uuid NOT NULL,
  procedure_code text NOT NULL CHECK (length(procedure_code) <= 100),
  channel        text NOT NULL CHECK (channel IN ('online', 'counter', 'post', 'national_portal')),
  open           integer NOT NULL DEFAULT 0,
  PRIMARY KEY (agency_id, procedure_code, channel)
);
ALTER TABLE dossiers_stats_open SET (parallel_workers = 0);
INSERT INTO dossiers_stats_open (agency_id, procedure_code, channel, open)
SELECT agency_id, procedure_code, channel, sum(received - finished - refused - withdrawn - stopped)
  FROM dossiers_stats_monthly GROUP BY 1, 2, 3;
CREATE INDEX dossiers_stats_open_all ON dossiers_stats_open (procedure_code, agency_id);
