-- Documents the back office issues on a dossier (forms 01–06 and the result's signed manifest),
-- kept in the blob store by SHA-256: what was handed to the applicant, forever.
CREATE TABLE dossiers_documents (
  id          uuid PRIMARY KEY,
  dossier_id  uuid NOT NULL REFERENCES dossiers_dossiers (id),
  form        text NOT NULL CHECK (form IN ('01', '02', '03', '04', '05', '06', 'result', 'signature')),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossiers_documents_dossier ON dossiers_documents (dossier_id, form, created_at DESC);

-- Search by procedure name inside the agency (trigram, like the applicant's name).
CREATE INDEX dossiers_dossiers_procedure_trgm
  ON dossiers_dossiers USING gin (lower(procedure_name) gin_trgm_ops);
