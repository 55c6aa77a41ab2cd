-- PKI: the platform's certification authority, the certificates it issues, and the trust list.
-- Private keys are stored only encrypted (AES-256-GCM, key derived from a platform secret).

CREATE TABLE pki_authorities (
  id                 uuid PRIMARY KEY,
  name               text NOT NULL CHECK (length(name) <= 300),
  subject            text NOT NULL CHECK (length(subject) <= 1000),
  serial_number      text NOT NULL CHECK (length(serial_number) <= 100),
  fingerprint_sha256 text NOT NULL UNIQUE CHECK (length(fingerprint_sha256) = 64),
  certificate_pem    text NOT NULL CHECK (length(certificate_pem) <= 20000),
  private_key_enc    bytea NOT NULL,
  not_before         timestamptz NOT NULL,
  not_after          timestamptz NOT NULL,
  crl_der            bytea,
  crl_this_update    timestamptz,
  current            boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now()
);
-- One current internal CA: two processes creating it at once collide here, and one wins.
CREATE UNIQUE INDEX pki_authorities_one_current ON pki_authorities (current) WHERE current;

CREATE TABLE pki_certificates (
  id                 uuid PRIMARY KEY,
  authority_id       uuid NOT NULL REFERENCES pki_authorities (id),
  holder_kind        text NOT NULL CHECK (holder_kind IN ('agency', 'official')),
  agency_id          uuid NOT NULL,
  agency_code        text NOT NULL CHECK (length(agency_code) <= 100),
  account_id         uuid,
  subject            text NOT NULL CHECK (length(subject) <= 1000),
  serial_number      text NOT NULL CHECK (length(serial_number) <= 100),
  fingerprint_sha256 text NOT NULL UNIQUE CHECK (length(fingerprint_sha256) = 64),
  certificate_pem    text NOT NULL CHECK (length(certificate_pem) <= 20000),
  private_key_enc    bytea NOT NULL,
  not_before         timestamptz NOT NULL,
  not_after          timestamptz NOT NULL,
  revoked_at         timestamptz,
  revocation_reason  text CHECK (length(revocation_reason) <= 50),
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (authority_id, serial_number)
);
CREATE INDEX pki_certificates_authority_revoked ON pki_certificates (authority_id, revoked_at);
CREATE INDEX pki_certificates_agency ON pki_certificates (agency_id, holder_kind, created_at DESC);
CREATE INDEX pki_certificates_account ON pki_certificates (account_id) WHERE account_id IS NOT NULL;

-- External certification authorities trusted for verification (Government CA, VNPT CA, ...).
CREATE TABLE pki_trust_anchors (
  id                 uuid PRIMARY KEY,
  name               text NOT NULL CHECK (length(name) <= 300),
  subject            text NOT NULL CHECK (length(subject) <= 1000),
  fingerprint_sha256 text NOT NULL UNIQUE CHECK (length(fingerprint_sha256) = 64),
  certificate_pem    text NOT NULL CHECK (length(certificate_pem) <= 20000),
  not_before         timestamptz NOT NULL,
  not_after          timestamptz NOT NULL,
  crl_der            bytea,
  created_at         timestamptz NOT NULL DEFAULT now()
);
