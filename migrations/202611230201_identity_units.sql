-- An official may belong to one unit (phòng, ban) of the agency of their membership: a directory
-- agency below it. Steps of a workflow routed to a unit go to that unit's officials. Changing
-- the unit closes the membership row and opens another, so the history shows where they were.
ALTER TABLE identity_memberships ADD COLUMN unit_id uuid;
CREATE INDEX identity_memberships_unit ON identity_memberships (unit_id) WHERE valid_to IS NULL AND unit_id IS NOT NULL;
