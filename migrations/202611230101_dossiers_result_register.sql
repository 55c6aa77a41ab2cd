-- The register of results, number by number (issue 5). `dossiers_registers` keeps the last number
-- of an agency's year; this table keeps what became of every number taken. A number is reserved
-- in the same statement that advances the counter (so it is never taken without a trace), then
-- either issued (the dossier holds it) or voided with the reason when the issuance failed after
-- numbering: the register shows no silent gap, and the primary key forbids reuse.
CREATE TABLE dossiers_register_entries (
  agency_id  uuid NOT NULL,
  year       smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  number     integer NOT NULL CHECK (number > 0),
  -- No foreign key on purpose: its check would take a key-share lock on the dossier's row inside
  -- the numbering statement, so numbering (holding the register's row) would wait for any
  -- transaction holding the dossier, which is what this table exists to avoid.
  dossier_id uuid NOT NULL,
  state      text NOT NULL CHECK (state IN ('reserved', 'issued', 'void')),
  -- Why a number was voided: a stable error code (DOSSIER_CONFLICT, …) or ABANDONED.
  reason     text CHECK (length(reason) <= 60),
  taken_at   timestamptz NOT NULL DEFAULT now(),
  taken_by   uuid,
  settled_at timestamptz,
  PRIMARY KEY (agency_id, year, number),
  CHECK ((state = 'void') = (reason IS NOT NULL)),
  CHECK ((state = 'reserved') = (settled_at IS NULL))
);
CREATE INDEX dossiers_register_entries_dossier ON dossiers_register_entries (dossier_id);
-- Reservations left behind by a process that died between numbering and writing (voided later).
CREATE INDEX dossiers_register_entries_reserved ON dossiers_register_entries (agency_id, year, taken_at)
  WHERE state = 'reserved';

-- Results issued before this table: their numbers, as issued.
INSERT INTO dossiers_register_entries (agency_id, year, number, dossier_id, state, taken_at, settled_at)
SELECT agency_id, result_year, result_number, id, 'issued',
       coalesce(result_signed_at, updated_at), coalesce(result_signed_at, updated_at)
FROM dossiers_dossiers
WHERE result_number IS NOT NULL AND result_year IS NOT NULL
ON CONFLICT DO NOTHING;
