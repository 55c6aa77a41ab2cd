-- Audit events are written unsealed inside the caller's transaction (no lock taken), and a
-- single sealer chains them afterwards: it locks the head, numbers the pending events in the
-- order they were written (pending_id), hashes them onto the chain and moves the head. Writers
-- no longer queue behind one head row, so the platform's transactions run in parallel.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events ADD COLUMN pending_id bigserial NOT NULL;
ALTER TABLE audit_events ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE audit_events ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_events ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_key UNIQUE (seq);
ALTER TABLE audit_events ADD CONSTRAINT audit_events_sealed_whole
  CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL));
CREATE INDEX audit_events_unsealed ON audit_events (pending_id) WHERE seq IS NULL;
