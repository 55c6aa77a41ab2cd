-- Synchronisation with the national public service portal (Cổng DVCQG), see
-- src/modules/dossiers/sync/README.md.
--
-- The outbox: one row per item to send (a DongBoHoSoMC dossier snapshot at a status change, or a
-- CapNhatTienDoHoSoMC processing step), written in the transaction that changes the dossier. The
-- id orders a dossier's items; item_id (MaDongBo) is the idempotency key the portal sees.
CREATE TABLE dossiers_sync_outbox (
  id              bigserial PRIMARY KEY,
  item_id         uuid NOT NULL UNIQUE,
  dossier_id      uuid NOT NULL REFERENCES dossiers_dossiers (id),
  agency_id       uuid NOT NULL,
  dossier_code    text NOT NULL CHECK (length(dossier_code) BETWEEN 1 AND 100),
  service         text NOT NULL CHECK (service IN ('DongBoHoSoMC', 'CapNhatTienDoHoSoMC')),
  national_status smallint NOT NULL CHECK (national_status BETWEEN 1 AND 10),
  is_updating     boolean NOT NULL,
  payload         jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text CHECK (length(last_error) <= 500),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
-- The next item of a dossier, and what is still to send.
CREATE INDEX dossiers_sync_outbox_unsent ON dossiers_sync_outbox (dossier_id, id) WHERE state <> 'sent';
CREATE INDEX dossiers_sync_outbox_due ON dossiers_sync_outbox (next_attempt_at) WHERE state = 'pending';
-- The queue page: per state, per agency, newest first.
CREATE INDEX dossiers_sync_outbox_state ON dossiers_sync_outbox (state, id DESC);
CREATE INDEX dossiers_sync_outbox_agency ON dossiers_sync_outbox (agency_id, state, id DESC);

-- Dossiers filed on the national portal and pulled in, keyed on their code there (MaHoSo): a code
-- is imported once. A row in 'problem' (unknown unit or procedure, code taken) is tried again.
CREATE TABLE dossiers_sync_inbound (
  ma_ho_so    text PRIMARY KEY CHECK (length(ma_ho_so) BETWEEN 1 AND 100),
  state       text NOT NULL CHECK (state IN ('imported', 'problem')),
  dossier_id  uuid UNIQUE REFERENCES dossiers_dossiers (id),
  agency_code text NOT NULL CHECK (length(agency_code) <= 60),
  filed_at    timestamptz NOT NULL,
  item        jsonb NOT NULL CHECK (jsonb_typeof(item) = 'object'),
  problem     text CHECK (length(problem) <= 500),
  attempts    integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'imported') = (dossier_id IS NOT NULL))
);
CREATE INDEX dossiers_sync_inbound_problems ON dossiers_sync_inbound (updated_at) WHERE state = 'problem';

-- Where the inbound listing stopped: the (NgayNop, MaHoSo) of the last dossier seen.
CREATE TABLE dossiers_sync_cursor (
  name       text PRIMARY KEY CHECK (name = 'inbound'),
  ngay_nop   text NOT NULL CHECK (ngay_nop ~ '^\d{14}$'),
  ma_ho_so   text NOT NULL CHECK (length(ma_ho_so) <= 100),
  updated_at timestamptz NOT NULL DEFAULT now()
);
