-- Identity, citizen and business side: registrations waiting for their code, profiles with the
-- personal identification number encrypted and findable by a keyed hash, addresses (old triple
-- and 2025 pair), the log of officials' reads of personal data, links to an upstream identity
-- provider, and the OpenID Connect provider's storage (clients, signing keys, models).

-- Citizens and businesses sign in by email or phone: unique among them (officials keep usernames).
CREATE UNIQUE INDEX identity_accounts_citizen_email ON identity_accounts (lower(email))
  WHERE kind IN ('citizen', 'business') AND email <> '';
CREATE UNIQUE INDEX identity_accounts_citizen_phone ON identity_accounts (phone)
  WHERE kind IN ('citizen', 'business') AND phone IS NOT NULL;

-- A registration waits here until its code is verified; then the account is created.
CREATE TABLE identity_registrations (
  id                 uuid PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('citizen', 'business')),
  full_name          text NOT NULL CHECK (char_length(full_name) BETWEEN 1 AND 200),
  email              text CHECK (char_length(email) <= 254),
  phone              text CHECK (char_length(phone) <= 32),
  password_hash      text NOT NULL,
  -- Personal identification number: AES-256-GCM ciphertext with its key id, and HMAC-SHA256.
  personal_id_cipher text,
  personal_id_hash   bytea,
  tax_code           text CHECK (char_length(tax_code) <= 14),
  -- SHA-256 of (registration id, code): the 6-digit code itself is never stored.
  code_hash          bytea NOT NULL,
  attempts           integer NOT NULL DEFAULT 0,
  expires_at         timestamptz NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX identity_registrations_expires ON identity_registrations (expires_at);

-- One profile per citizen or business account.
CREATE TABLE identity_citizen_profiles (
  account_id              uuid PRIMARY KEY REFERENCES identity_accounts (id),
  personal_id_cipher      text,
  personal_id_hash        bytea,
  -- Set when an identity provider vouched for the number (declared numbers stay null).
  personal_id_verified_at timestamptz,
  tax_code                text CHECK (char_length(tax_code) <= 14),
  date_of_birth           date,
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX identity_citizen_profiles_personal_id ON identity_citizen_profiles (personal_id_hash)
  WHERE personal_id_hash IS NOT NULL;
CREATE UNIQUE INDEX identity_citizen_profiles_tax_code ON identity_citizen_profiles (tax_code)
  WHERE tax_code IS NOT NULL;

-- Addresses: the 2025 pair (province, commune) chosen from the directory, and the pre-2025
-- triple (tỉnh/huyện/xã) as entered, with the admin-unit version the pair refers to.
CREATE TABLE identity_addresses (
  account_id          uuid NOT NULL REFERENCES identity_accounts (id),
  kind                text NOT NULL CHECK (kind IN ('permanent', 'current')),
  street              text NOT NULL CHECK (char_length(street) <= 300),
  province_code       text NOT NULL CHECK (province_code ~ '^\d{2}$'),
  province_name       text NOT NULL CHECK (char_length(province_name) <= 200),
  commune_code        text NOT NULL CHECK (commune_code ~ '^\d{5}$'),
  commune_name        text NOT NULL CHECK (char_length(commune_name) <= 200),
  old_province_code   text CHECK (old_province_code ~ '^\d{2}$'),
  old_province_name   text CHECK (char_length(old_province_name) <= 200),
  old_district_code   text CHECK (old_district_code ~ '^\d{3}$'),
  old_district_name   text CHECK (char_length(old_district_name) <= 200),
  old_commune_code    text CHECK (old_commune_code ~ '^\d{5}$'),
  old_commune_name    text CHECK (char_length(old_commune_name) <= 200),
  mapping_version     text NOT NULL CHECK (char_length(mapping_version) <= 40),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, kind)
);

-- Every read of a person's data by someone else: an official (profile, number revealed) or a
-- relying party of the OpenID Connect provider (the number, with the person's consent).
CREATE TABLE identity_personal_data_access (
  id                  uuid PRIMARY KEY,
  subject_account_id  uuid NOT NULL REFERENCES identity_accounts (id),
  accessor_kind       text NOT NULL CHECK (accessor_kind IN ('official', 'oidc_client', 'system')),
  accessor_id         text NOT NULL CHECK (char_length(accessor_id) <= 200),
  accessor_name       text CHECK (char_length(accessor_name) <= 200),
  accessor_agency_id  uuid,
  what                text NOT NULL CHECK (what IN ('profile', 'personal_id', 'lookup')),
  request_id          text NOT NULL CHECK (char_length(request_id) <= 200),
  at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_personal_data_access_subject ON identity_personal_data_access (subject_account_id, at DESC);
CREATE INDEX identity_personal_data_access_agency ON identity_personal_data_access (accessor_agency_id, at DESC);

-- A local account linked to a subject at an upstream OpenID Connect provider (e.g. the national e-ID).
CREATE TABLE identity_upstream_links (
  issuer      text NOT NULL CHECK (char_length(issuer) <= 500),
  subject     text NOT NULL CHECK (char_length(subject) <= 255),
  account_id  uuid NOT NULL REFERENCES identity_accounts (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX identity_upstream_links_account ON identity_upstream_links (account_id);

-- Relying parties of our OpenID Connect provider, registered by platform administrators.
CREATE TABLE identity_oidc_clients (
  client_id                 text PRIMARY KEY CHECK (char_length(client_id) <= 100),
  name                      text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  -- The secret is compared by the provider, so it is kept encrypted (AES-256-GCM), not hashed.
  secret_cipher             text NOT NULL,
  redirect_uris             text[] NOT NULL CHECK (cardinality(redirect_uris) BETWEEN 1 AND 10),
  post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
  scopes                    text[] NOT NULL DEFAULT '{openid}',
  status                    text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_by                text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);

-- The provider's signing keys (private JWKs), encrypted with a key derived from SESSION_SECRET.
CREATE TABLE identity_oidc_keys (
  kid         text PRIMARY KEY CHECK (char_length(kid) <= 100),
  alg         text NOT NULL,
  sealed_jwk  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);

-- oidc-provider's models (sessions, interactions, grants, codes, tokens) as jsonb with expiry.
CREATE TABLE identity_oidc_models (
  model       text NOT NULL CHECK (char_length(model) <= 60),
  id          text NOT NULL CHECK (char_length(id) <= 200),
  payload     jsonb NOT NULL,
  grant_id    text,
  user_code   text,
  uid         text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX identity_oidc_models_grant ON identity_oidc_models (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX identity_oidc_models_uid ON identity_oidc_models (uid) WHERE uid IS NOT NULL;
CREATE INDEX identity_oidc_models_user_code ON identity_oidc_models (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX identity_oidc_models_expires ON identity_oidc_models (expires_at);
