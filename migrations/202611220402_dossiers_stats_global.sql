-- Platform-wide monthly statistics per procedure and channel, for months that have ended: past
-- months no longer change (counters move on today's row) except when a closed dossier reopens,
-- so each ended month is summed once ("sealed") from the agencies' monthly rows, the first time
-- the platform's statistics by procedure are read, and kept up to date by the observer after.
CREATE TABLE dossiers_stats_global (
  procedure_code    text NOT NULL CHECK (length(procedure_code) <= 100),
  month             date NOT NULL CHECK (extract(day FROM month) = 1),
  channel           text NOT NULL CHECK (channel IN ('online', 'counter', 'post', 'national_portal')),
  received          integer NOT NULL DEFAULT 0,
  digitised         integer NOT NULL DEFAULT 0,
  finished          integer NOT NULL DEFAULT 0,
  early             integer NOT NULL DEFAULT 0,
  on_time           integer NOT NULL DEFAULT 0,
  late              integer NOT NULL DEFAULT 0,
  processing_days   bigint NOT NULL DEFAULT 0,
  fee_due           integer NOT NULL DEFAULT 0,
  fee_paid_online   integer NOT NULL DEFAULT 0,
  result_electronic integer NOT NULL DEFAULT 0,
  refused           integer NOT NULL DEFAULT 0,
  withdrawn         integer NOT NULL DEFAULT 0,
  stopped           integer NOT NULL DEFAULT 0,
  ratings           integer NOT NULL DEFAULT 0,
  rating_sum        integer NOT NULL DEFAULT 0,
  satisfied         integer NOT NULL DEFAULT 0,
  PRIMARY KEY (procedure_code, month, channel)
);

-- The ended months already summed into dossiers_stats_global.
CREATE TABLE dossiers_stats_sealed (
  month     date PRIMARY KEY CHECK (extract(day FROM month) = 1),
  sealed_at timestamptz NOT NULL DEFAULT now()
);
