import type { Kysely, Transaction } from 'kysely';
import type { PlatformTables } from '../../platform/db/database.ts';

export type AccountKind = 'official' | 'citizen' | 'business';
export type AccountStatus = 'active' | 'disabled';

/** The identity module's own tables. */
export type IdentityTables = {
  identity_accounts: {
    id: string;
    kind: AccountKind;
    username: string;
    full_name: string;
    email: string;
    phone: string | null;
    status: AccountStatus;
    password_hash: string;
    password_changed_at: Date;
    must_change_password: boolean;
    failed_attempts: number;
    locked_until: Date | null;
    totp_secret: string | null;
    totp_enabled_at: Date | null;
    totp_pending_secret: string | null;
    totp_last_step: string | null;
    created_at: Date;
    updated_at: Date;
  };
  identity_memberships: {
    id: string;
    account_id: string;
    agency_id: string;
    roles: string[];
    valid_from: Date;
    valid_to: Date | null;
    /** The official's unit: a directory agency below `agency_id`. */
    unit_id: string | null;
  };
  identity_sessions: {
    id: string;
    account_id: string;
    token_hash: Buffer;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
    ip: string | null;
    user_agent: string | null;
  };
  identity_clients: {
    id: string;
    agency_id: string;
    name: string;
    scopes: string[];
    secret_hash: Buffer;
    status: AccountStatus;
    created_by: string | null;
    created_at: Date;
    updated_at: Date;
  };
};

/** Tables of the citizen and business side and of the OpenID Connect provider. */
export type CitizenTables = {
  identity_registrations: {
    id: string;
    kind: 'citizen' | 'business';
    full_name: string;
    email: string | null;
    phone: string | null;
    password_hash: string;
    personal_id_cipher: string | null;
    personal_id_hash: Buffer | null;
    tax_code: string | null;
    code_hash: Buffer;
    attempts: number;
    expires_at: Date;
    created_at: Date;
  };
  identity_citizen_profiles: {
    account_id: string;
    personal_id_cipher: string | null;
    personal_id_hash: Buffer | null;
    personal_id_verified_at: Date | null;
    tax_code: string | null;
    date_of_birth: string | null;
    updated_at: Date;
  };
  identity_addresses: {
    account_id: string;
    kind: 'permanent' | 'current';
    street: string;
    province_code: string;
    province_name: string;
    commune_code: string;
    commune_name: string;
    old_province_code: string | null;
    old_province_name: string | null;
    old_district_code: string | null;
    old_district_name: string | null;
    old_commune_code: string | null;
    old_commune_name: string | null;
    mapping_version: string;
    updated_at: Date;
  };
  identity_personal_data_access: {
    id: string;
    subject_account_id: string;
    accessor_kind: 'official' | 'oidc_client' | 'system';
    accessor_id: string;
    accessor_name: string | null;
    accessor_agency_id: string | null;
    what: 'profile' | 'personal_id' | 'lookup';
    request_id: string;
    at: Date;
  };
  identity_upstream_links: {
    issuer: string;
    subject: string;
    account_id: string;
    created_at: Date;
    last_login_at: Date;
  };
  identity_oidc_clients: {
    client_id: string;
    name: string;
    secret_cipher: string;
    redirect_uris: string[];
    post_logout_redirect_uris: string[];
    scopes: string[];
    status: AccountStatus;
    created_by: string | null;
    created_at: Date;
    updated_at: Date;
  };
  identity_oidc_keys: {
    kid: string;
    alg: string;
    sealed_jwk: string;
    created_at: Date;
    retired_at: Date | null;
  };
  identity_oidc_models: {
    model: string;
    id: string;
    payload: unknown;
    grant_id: string | null;
    user_code: string | null;
    uid: string | null;
    expires_at: Date | null;
    consumed_at: Date | null;
  };
};

export type CitizenDb = Kysely<PlatformTables & IdentityTables & CitizenTables>;
export type CitizenTx = Transaction<PlatformTables & IdentityTables & CitizenTables>;

export type IdDb = Kysely<PlatformTables & IdentityTables>;
export type IdTx = Transaction<PlatformTables & IdentityTables>;
export type IdDbOrTx = IdDb | IdTx;
