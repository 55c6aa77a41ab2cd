-- Audit trail of the platform kernel: one hash-chained event per mutation.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE audit_events (
  seq          bigint PRIMARY KEY,
  id           uuid NOT NULL UNIQUE,
  occurred_at  timestamptz NOT NULL,
  actor_kind   text NOT NULL,
  actor_id     text,
  agency_id    uuid,
  action       text NOT NULL,
  subject_type text,
  subject_ids  text[] NOT NULL DEFAULT '{}',
  outcome      text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  request_id   text,
  ip           text,
  details      jsonb NOT NULL DEFAULT '{}',
  prev_hash    text NOT NULL,
  hash         text NOT NULL
);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at DESC);
CREATE INDEX audit_events_agency ON audit_events (agency_id, seq DESC);
CREATE INDEX audit_events_action ON audit_events (action, seq DESC);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq DESC);
CREATE INDEX audit_events_subjects ON audit_events USING gin (subject_ids);

-- The head of the chain: writers lock this row, so events are chained in commit order,
-- and deleting the newest events is detected because the head no longer matches.
CREATE TABLE audit_chain_head (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));
