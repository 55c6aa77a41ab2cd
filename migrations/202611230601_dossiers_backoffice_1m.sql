-- Issue 5 at a million dossiers (helper h6).
-- Work lists `unit`, `due_soon`, `overdue` filter `role IN (…)` and the unit, and sort by due:
-- with this index the scan follows the due order inside the agency and stops at the page size
-- instead of reading and sorting every open step of the roles.
CREATE INDEX dossiers_steps_agency_due ON dossiers_steps (agency_id, due_at, id) WHERE finished_at IS NULL;

-- The statistics' tables are read a few thousand rows at a time: parallel workers cost more to
-- start (milliseconds, on a loaded machine) than the scan they share.
ALTER TABLE dossiers_stats_daily SET (parallel_workers = 0);
ALTER TABLE dossiers_stats_monthly SET (parallel_workers = 0);
ALTER TABLE dossiers_stats_global SET (parallel_workers = 0);

-- The whole platform by procedure reads the months not yet sealed (the current one) of every
-- agency per procedure: by month, not through the (procedure_code, month) index with every code.
CREATE INDEX dossiers_stats_monthly_month ON dossiers_stats_monthly (month) WHERE procedure_code <> '*';
