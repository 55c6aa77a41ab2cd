-- Payments: one row per online payment of a dossier's fees through the gateway (amounts in VND,
-- whole numbers), every notification the gateway sent (kept for reconciliation, valid or not),
-- and refunds. The transaction reference (MaThamChieu) is the key the gateway knows us by.

CREATE TABLE payments_payments (
  id                     uuid PRIMARY KEY,
  txn_ref                text NOT NULL UNIQUE CHECK (txn_ref ~ '^[A-Z0-9]{8,34}$'),
  agency_id              uuid NOT NULL,
  agency_name            text NOT NULL CHECK (length(agency_name) BETWEEN 1 AND 300),
  payer_account_id       uuid NOT NULL,
  payer_name             text NOT NULL CHECK (length(payer_name) BETWEEN 1 AND 200),
  reference_kind         text NOT NULL CHECK (reference_kind IN ('dossier')),
  reference_id           uuid NOT NULL,
  reference_code         text NOT NULL CHECK (length(reference_code) <= 100),
  description            text NOT NULL CHECK (length(description) <= 255),
  return_path            text NOT NULL CHECK (return_path ~ '^/' AND length(return_path) <= 500),
  items                  jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array'),
  amount                 bigint NOT NULL CHECK (amount > 0 AND amount <= 999999999999),
  refunded_amount        bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  currency               text NOT NULL DEFAULT 'VND' CHECK (currency = 'VND'),
  status                 text NOT NULL CHECK (status IN
                           ('created', 'pending', 'paid', 'failed', 'expired', 'refunded', 'partially_refunded')),
  locale                 text NOT NULL CHECK (locale IN ('vi', 'en')),
  gateway_transaction_no text CHECK (length(gateway_transaction_no) <= 100),
  bank_code              text CHECK (length(bank_code) <= 50),
  failure_code           text CHECK (length(failure_code) <= 20),
  created_at             timestamptz NOT NULL DEFAULT now(),
  expires_at             timestamptz NOT NULL,
  paid_at                timestamptz,
  closed_at              timestamptz,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IN ('paid', 'refunded', 'partially_refunded')) = (paid_at IS NOT NULL))
);
CREATE INDEX payments_payments_payer ON payments_payments (payer_account_id, created_at DESC);
CREATE INDEX payments_payments_agency ON payments_payments (agency_id, created_at DESC);
CREATE INDEX payments_payments_reference ON payments_payments (reference_kind, reference_id);
-- The expiry sweep looks only at payments still waiting.
CREATE INDEX payments_payments_waiting ON payments_payments (expires_at) WHERE status IN ('created', 'pending');
-- Reconciliation reads a day's payments by the time they were paid.
CREATE INDEX payments_payments_paid_at ON payments_payments (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX payments_payments_gateway_no ON payments_payments (gateway_transaction_no)
  WHERE gateway_transaction_no IS NOT NULL;

-- Every notification (IPN) or return the gateway sent, with what we answered: the evidence a
-- reconciliation needs when money moved but our side refused (late, wrong amount).
CREATE TABLE payments_notifications (
  id              uuid PRIMARY KEY,
  received_at     timestamptz NOT NULL DEFAULT now(),
  channel         text NOT NULL CHECK (channel IN ('ipn', 'return', 'query')),
  payment_id      uuid REFERENCES payments_payments (id),
  txn_ref         text CHECK (length(txn_ref) <= 100),
  transaction_no  text CHECK (length(transaction_no) <= 100),
  amount          bigint,
  response_code   text CHECK (length(response_code) <= 10),
  signature_valid boolean NOT NULL,
  answer_code     text NOT NULL CHECK (length(answer_code) <= 10),
  outcome         text NOT NULL CHECK (length(outcome) <= 50)
);
CREATE INDEX payments_notifications_payment ON payments_notifications (payment_id);
CREATE INDEX payments_notifications_txn_ref ON payments_notifications (txn_ref);
CREATE INDEX payments_notifications_received ON payments_notifications (received_at);

CREATE TABLE payments_refunds (
  id                uuid PRIMARY KEY,
  payment_id        uuid NOT NULL REFERENCES payments_payments (id),
  request_ref       text NOT NULL UNIQUE CHECK (length(request_ref) <= 34),
  amount            bigint NOT NULL CHECK (amount > 0),
  kind              text NOT NULL CHECK (kind IN ('full', 'partial')),
  reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status            text NOT NULL CHECK (status IN ('requested', 'succeeded', 'failed')),
  gateway_refund_no text CHECK (length(gateway_refund_no) <= 100),
  failure_code      text CHECK (length(failure_code) <= 20),
  requested_by      text NOT NULL CHECK (length(requested_by) <= 200),
  created_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz
);
CREATE INDEX payments_refunds_payment ON payments_refunds (payment_id, created_at);
