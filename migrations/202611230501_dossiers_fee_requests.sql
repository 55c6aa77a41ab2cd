-- Financial obligations the officer asks for during processing (TrangThaiHoSo 6, "Yêu cầu thực
-- hiện nghĩa vụ tài chính"): fees whose condition is only words, charged once the officer knows
-- them. One row per request, its lines as they were asked; paid online (a payment of the payments
-- module whose items carry the request's id) or recorded as received in cash at the counter.
-- Kept apart from `fee_total` (what submission computed from the form), which the filing fee's
-- payment must still add up to.
CREATE TABLE dossiers_fee_requests (
  id                uuid PRIMARY KEY,
  dossier_id        uuid NOT NULL REFERENCES dossiers_dossiers (id),
  agency_id         uuid NOT NULL,
  items             jsonb NOT NULL,
  total             bigint NOT NULL CHECK (total > 0 AND total <= 10000000000),
  note              text CHECK (length(note) <= 2000),
  requested_by      uuid,
  requested_by_name text,
  requested_at      timestamptz NOT NULL,
  paid_at           timestamptz,
  paid_via          text CHECK (paid_via IN ('online', 'cash')),
  payment_id        uuid,
  recorded_by       uuid,
  CHECK ((paid_at IS NULL) = (paid_via IS NULL))
);
-- At most one request waits for payment per dossier.
CREATE UNIQUE INDEX dossiers_fee_requests_unpaid ON dossiers_fee_requests (dossier_id) WHERE paid_at IS NULL;
CREATE INDEX dossiers_fee_requests_dossier ON dossiers_fee_requests (dossier_id, requested_at);
