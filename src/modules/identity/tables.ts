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

export type IdDb = Kysely<PlatformTables & IdentityTables>;
export type IdTx = Transaction<PlatformTables & IdentityTables>;
export type IdDbOrTx = IdDb | IdTx;
