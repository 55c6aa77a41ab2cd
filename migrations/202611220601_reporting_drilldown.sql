-- Drill-down reads (nation → province → commune): every node of a period's hierarchy records
-- its parent in the hierarchy beside its completeness counts, so "a unit and the units directly
-- below it" is one index range instead of a walk of the closure. A period's revision goes up
-- in every transaction that changes its figures: readers cache a drill-down until it moves.
-- The aggregates are updated in place by every submission: leave room on their pages for HOT
-- updates.

ALTER TABLE reporting_periods ADD COLUMN revision bigint NOT NULL DEFAULT 0;

ALTER TABLE reporting_completeness ADD COLUMN parent_id uuid;

UPDATE reporting_completeness n SET parent_id = x.parent_id
FROM (
  SELECT DISTINCT ON (a.period_id, a.ancestor_id) a.period_id, a.ancestor_id AS node_id, p.ancestor_id AS parent_id
  FROM reporting_closure a
  JOIN reporting_closure p ON p.period_id = a.period_id AND p.unit_id = a.unit_id AND p.depth = a.depth + 1
  ORDER BY a.period_id, a.ancestor_id
) x
WHERE n.period_id = x.period_id AND n.unit_id = x.node_id;

CREATE INDEX reporting_completeness_parent ON reporting_completeness (period_id, parent_id);

ALTER TABLE reporting_aggregates SET (fillfactor = 70);
ALTER TABLE reporting_completeness SET (fillfactor = 70);
