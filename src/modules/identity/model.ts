import type { Logger } from 'pino';
import { Forbidden, Unauthenticated, type AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Role } from '../../platform/context.ts';
import type { DirectoryService, SearchHit, SearchQuery } from '../directory/index.ts';
import type { NotifyService } from '../notify/index.ts';
import type { PersonalDataKeys } from './pii-crypto.ts';
import type { CitizenRepo } from './repo-citizens.ts';
import { defaultPasswordHashing, type IdentityKeys, type PasswordHashing } from './crypto.ts';
import type { Decision } from './policies.ts';
import type { AccountRecord, ClientRow, IdentityRepo } from './repo.ts';
import type { SessionCache } from './session-cache.ts';
import type { AccountKind, AccountStatus } from './tables.ts';

/** Tunables of the identity module; tests shorten them and pass their own clock. */
export interface IdentityOptions {
  passwordHashing: PasswordHashing;
  /** A session ends after this long without a request. */
  sessionIdleMinutes: number;
  /** A session ends this long after sign-in, whatever happens. */
  sessionAbsoluteHours: number;
  /** Failed attempts in a row that lock an account ... */
  lockoutThreshold: number;
  /** ... for this long. */
  lockoutMinutes: number;
  accessTokenSeconds: number;
  /** Time allowed between the password step and the TOTP step of a sign-in. */
  loginChallengeSeconds: number;
  now: () => Date;
}

export const defaultIdentityOptions: IdentityOptions = {
  passwordHashing: defaultPasswordHashing,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
  accessTokenSeconds: 600,
  loginChallengeSeconds: 300,
  now: () => new Date(),
};

/** What every part of the identity service uses. */
export interface ServiceDeps {
  db: Db;
  repo: IdentityRepo;
  directory: AdminUnitDirectory;
  logger: Logger;
  keys: IdentityKeys;
  options: IdentityOptions;
  baseUrl: string;
  /** Validated sessions of this process; forget an account after a commit that changes its sessions. */
  sessions: SessionCache;
}

/** An account as shown to people and APIs: never a hash or a secret. */
export interface AccountView {
  id: string;
  kind: AccountKind;
  username: string;
  fullName: string;
  email: string;
  phone: string | null;
  status: AccountStatus;
  agencyId: string | null;
  /** The official's unit within the agency (a directory agency below it), if any. */
  unitId: string | null;
  roles: Role[];
  totpEnabled: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  createdAt: string;
}

export function toAccountView(a: AccountRecord, now: Date): AccountView {
  return {
    id: a.id,
    kind: a.kind,
    username: a.username,
    fullName: a.full_name,
    email: a.email,
    phone: a.phone,
    status: a.status,
    agencyId: a.agency_id,
    unitId: a.unit_id,
    roles: a.roles,
    totpEnabled: a.totp_enabled_at !== null,
    lockedUntil: a.locked_until && a.locked_until > now ? a.locked_until.toISOString() : null,
    mustChangePassword: a.must_change_password,
    createdAt: a.created_at.toISOString(),
  };
}

export interface ClientView {
  id: string;
  agencyId: string;
  name: string;
  scopes: string[];
  status: AccountStatus;
  createdAt: string;
}

export function toClientView(c: ClientRow): ClientView {
  return {
    id: c.id,
    agencyId: c.agency_id,
    name: c.name,
    scopes: c.scopes,
    status: c.status,
    createdAt: c.created_at.toISOString(),
  };
}

/** Turns a policy decision into the error to throw, or nothing when allowed. */
export function enforce(decision: Decision, hidden: () => AppError): void {
  switch (decision) {
    case 'allow':
      return;
    case 'unauthenticated':
      throw Unauthenticated();
    case 'forbidden':
      throw Forbidden();
    case 'hidden':
      throw hidden();
  }
}

/** Password rule: 10–200 characters, not the username. */
export function acceptablePassword(password: string, username: string): boolean {
  return password.length >= 10 && password.length <= 200 && password.toLowerCase() !== username.toLowerCase();
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/** The notify service as identity uses it: one call, inside the registration's transaction. */
export type VerificationNotifier = Pick<NotifyService, 'notify'>;

/** The directory as the address pickers use it: resolve a code, search units under a parent. */
export type AdminUnitDirectory = DirectoryService & {
  search(query: SearchQuery): Promise<{ items: SearchHit[]; page: number; hasNext: boolean }>;
};

/** What the citizen and business side uses besides the shared deps. */
export interface CitizenServiceDeps extends ServiceDeps {
  citizens: CitizenRepo;
  pii: PersonalDataKeys;
  notify: VerificationNotifier | null;
  adminUnits: AdminUnitDirectory;
  /** Registration codes: lifetime and attempts. */
  codeMinutes: number;
  codeAttempts: number;
}
