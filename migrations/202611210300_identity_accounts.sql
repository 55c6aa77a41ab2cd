-- Identity: accounts (officials, citizens, businesses), their memberships of agencies with
-- roles, sessions, and machine clients of agency systems.

CREATE TABLE identity_accounts (
  id                  uuid PRIMARY KEY,
  kind                text NOT NULL CHECK (kind IN ('official', 'citizen', 'business')),
  username            text NOT NULL CHECK (char_length(username) BETWEEN 3 AND 64),
  full_name           text NOT NULL CHECK (char_length(full_name) BETWEEN 1 AND 200),
  email               text NOT NULL CHECK (char_length(email) <= 254),
  phone               text CHECK (char_length(phone) <= 32),
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  password_hash       text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  -- Set when an administrator gave a temporary password: the person is asked to change it.
  must_change_password boolean NOT NULL DEFAULT false,
  failed_attempts     integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  -- TOTP secrets are encrypted with a key derived from SESSION_SECRET (AES-256-GCM).
  totp_secret         text,
  totp_enabled_at     timestamptz,
  totp_pending_secret text,
  -- The last accepted TOTP time step, so one code cannot be used twice.
  totp_last_step      bigint,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
-- Usernames are unique without regard to case.
CREATE UNIQUE INDEX identity_accounts_username ON identity_accounts (lower(username));
CREATE INDEX identity_accounts_name_trgm ON identity_accounts USING gin (lower(full_name) gin_trgm_ops);

-- An official's place in an agency, with roles there. A move closes one row and opens another.
CREATE TABLE identity_memberships (
  id          uuid PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES identity_accounts (id),
  agency_id   uuid NOT NULL,
  roles       text[] NOT NULL DEFAULT '{}',
  valid_from  timestamptz NOT NULL DEFAULT now(),
  valid_to    timestamptz,
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX identity_memberships_account ON identity_memberships (account_id, valid_from DESC);
CREATE INDEX identity_memberships_agency ON identity_memberships (agency_id) WHERE valid_to IS NULL;
-- At most one open membership per account.
CREATE UNIQUE INDEX identity_memberships_open ON identity_memberships (account_id) WHERE valid_to IS NULL;

-- Sessions keep only the SHA-256 of the random token held in the cookie.
CREATE TABLE identity_sessions (
  id           uuid PRIMARY KEY,
  account_id   uuid NOT NULL REFERENCES identity_accounts (id),
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  ip           text,
  user_agent   text CHECK (char_length(user_agent) <= 300)
);
CREATE INDEX identity_sessions_account ON identity_sessions (account_id) WHERE revoked_at IS NULL;
CREATE INDEX identity_sessions_expires ON identity_sessions (expires_at);

-- Machine clients of agency systems (OAuth 2.0 client credentials).
CREATE TABLE identity_clients (
  id          uuid PRIMARY KEY,
  agency_id   uuid NOT NULL,
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  scopes      text[] NOT NULL DEFAULT '{}',
  -- HMAC-SHA256 of the secret with a key derived from TOKEN_SECRET (a pepper).
  secret_hash bytea NOT NULL,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_clients_agency ON identity_clients (agency_id, created_at DESC);
