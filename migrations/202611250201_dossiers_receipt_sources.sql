-- What a submitted dossier's receipt (form 01) is made of, kept beside the row until the receipt
-- is first downloaded and rendered (then the PDF goes to the blob store and this row is deleted).
-- Written by the submitting statement itself: a submission creates no file. Holds the lookup key
-- printed on the receipt, as the blob it replaces did; `sha256` is the dossier's receipt_sha256.
CREATE TABLE dossiers_receipt_sources (
  dossier_id  uuid PRIMARY KEY REFERENCES dossiers_dossiers (id) ON DELETE CASCADE,
  sha256      text NOT NULL CHECK (length(sha256) = 64),
  source      bytea NOT NULL CHECK (length(source) <= 1048576)
);
