import { recordAudit } from '../../platform/audit/index.ts';
import type { RequestContext, Role } from '../../platform/context.ts';
import { hashPassword, temporaryPassword } from './crypto.ts';
import {
  AccountNotFound,
  AgencyNotFound,
  PasswordTooWeak,
  RoleNotGrantable,
  UsernameTaken,
} from './errors.ts';
import {
  acceptablePassword,
  enforce,
  isUniqueViolation,
  toAccountView,
  type AccountView,
  type ServiceDeps,
} from './model.ts';
import { listScope, mayGrantRoles, mayManage } from './policies.ts';
import type { AccountRecord } from './repo.ts';
import type { AccountKind, AccountStatus } from './tables.ts';
import { requireUnitOf, unitsOf } from './units.ts';

export interface CreateAccountInput {
  kind?: AccountKind;
  username: string;
  fullName: string;
  email: string;
  phone?: string | null;
  /** Required for officials. */
  agencyId?: string | null;
  /** A unit of the agency (a directory agency below it) the official belongs to. */
  unitId?: string | null;
  roles?: Role[];
  /** When absent, a temporary password is generated, returned once, and must be changed. */
  password?: string;
}

/** Administration of accounts: agency admins for their agency, platform admins for all. */
export function createAccountService(deps: ServiceDeps) {
  const { repo, options, directory } = deps;
  const now = () => options.now();

  /** Loads an account the actor may manage; anything else is "not found". */
  const manageable = async (ctx: RequestContext, id: string): Promise<AccountRecord> => {
    const account = await repo.accountById(id);
    const decision = mayManage(ctx.actor, account?.agency_id ?? null);
    enforce(account || decision === 'unauthenticated' ? decision : 'hidden', AccountNotFound);
    if (!account) throw AccountNotFound();
    return account;
  };

  const knownAgency = async (ctx: RequestContext, agencyId: string) => {
    enforce(mayManage(ctx.actor, agencyId), AgencyNotFound);
    const agency = await directory.getAgency(agencyId);
    if (!agency) throw AgencyNotFound();
    return agency;
  };

  const reload = async (id: string): Promise<AccountView> => {
    const account = await repo.accountById(id);
    if (!account) throw AccountNotFound();
    return toAccountView(account, now());
  };

  const audit = (account: AccountRecord, action: string, details: Record<string, unknown> = {}) => ({
    action,
    subjectType: 'account',
    subjectIds: [account.id],
    agencyId: account.agency_id,
    details,
  });

  return {
    /** True when the username is taken (seeding only: no authorisation, never exposed to people). */
    async accountExists(username: string): Promise<boolean> {
      return (await repo.accountByUsername(username)) !== null;
    },

    async listAccounts(
      ctx: RequestContext,
      q: { agencyId?: string | undefined; search?: string | undefined; page: number; pageSize: number },
    ): Promise<{ accounts: AccountView[]; hasNext: boolean }> {
      const scope = listScope(ctx.actor, q.agencyId);
      if (typeof scope === 'string') {
        enforce(scope, AgencyNotFound);
        throw AgencyNotFound();
      }
      const rows = await repo.listAccounts({
        agencyId: scope.agencyId,
        search: q.search?.trim() || undefined,
        offset: (q.page - 1) * q.pageSize,
        limit: q.pageSize + 1,
      });
      const at = now();
      return {
        accounts: rows.slice(0, q.pageSize).map((r) => toAccountView(r, at)),
        hasNext: rows.length > q.pageSize,
      };
    },

    async getAccount(ctx: RequestContext, id: string): Promise<AccountView> {
      return toAccountView(await manageable(ctx, id), now());
    },

    /** Where the account has been: its memberships, newest first. */
    async membershipHistory(ctx: RequestContext, id: string) {
      const account = await manageable(ctx, id);
      const rows = await repo.membershipHistory(account.id);
      return rows.map((r) => ({
        agencyId: r.agency_id,
        unitId: r.unit_id,
        roles: r.roles as Role[],
        validFrom: r.valid_from.toISOString(),
        validTo: r.valid_to ? r.valid_to.toISOString() : null,
      }));
    },

    async createAccount(
      ctx: RequestContext,
      input: CreateAccountInput,
    ): Promise<{ account: AccountView; temporaryPassword: string | null }> {
      const kind = input.kind ?? 'official';
      const roles = [...new Set(input.roles ?? [])];
      if (kind === 'official') {
        if (!input.agencyId) throw AgencyNotFound();
        await knownAgency(ctx, input.agencyId);
        if (input.unitId) await requireUnitOf(directory, input.agencyId, input.unitId);
      } else enforce(mayManage(ctx.actor, null), AgencyNotFound);
      if (!mayGrantRoles(ctx.actor, [], roles)) throw RoleNotGrantable();
      if (input.password !== undefined && !acceptablePassword(input.password, input.username))
        throw PasswordTooWeak();
      const generated = input.password === undefined ? temporaryPassword() : null;
      const hash = await hashPassword(input.password ?? generated ?? '', options.passwordHashing);
      const at = now();
      try {
        const id = await repo.transaction(async (trx, kernelTx) => {
          const newId = await repo.insertAccount(trx, {
            kind,
            username: input.username.trim(),
            fullName: input.fullName.trim(),
            email: input.email.trim(),
            phone: input.phone?.trim() || null,
            passwordHash: hash,
            mustChangePassword: generated !== null,
            now: at,
          });
          if (kind === 'official' && input.agencyId)
            await repo.moveMembership(trx, newId, input.agencyId, roles, at, input.unitId ?? null);
          await recordAudit(kernelTx, ctx, {
            action: 'identity.account.created',
            subjectType: 'account',
            subjectIds: [newId],
            agencyId: input.agencyId ?? null,
            details: { kind, roles },
          });
          return newId;
        });
        const account = await repo.accountById(id);
        if (!account) throw AccountNotFound();
        return { account: toAccountView(account, now()), temporaryPassword: generated };
      } catch (error) {
        if (isUniqueViolation(error)) throw UsernameTaken();
        throw error;
      }
    },

    /** Changes profile fields and the status; disabling ends every session. */
    async updateAccount(
      ctx: RequestContext,
      id: string,
      input: { fullName?: string; email?: string; phone?: string | null; status?: AccountStatus },
    ): Promise<AccountView> {
      const account = await manageable(ctx, id);
      const changed = Object.entries(input)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k);
      await repo.transaction(async (trx, kernelTx) => {
        await repo.updateAccount(trx, account.id, {
          ...(input.fullName !== undefined ? { full_name: input.fullName.trim() } : {}),
          ...(input.email !== undefined ? { email: input.email.trim() } : {}),
          ...(input.phone !== undefined ? { phone: input.phone?.trim() || null } : {}),
          ...(input.status !== undefined ? { status: input.status } : {}),
          updated_at: now(),
        });
        let ended = 0;
        if (input.status === 'disabled') ended = await repo.revokeAllSessions(trx, account.id, now());
        await recordAudit(
          kernelTx,
          ctx,
          audit(account, 'identity.account.updated', {
            fields: changed,
            ...(input.status ? { status: input.status, sessionsEnded: ended } : {}),
          }),
        );
      });
      deps.sessions.forgetAccount(account.id); // name and status are part of a session
      return reload(id);
    },

    /**
     * Sets the roles at the current agency, or moves the official to another agency with new roles;
     * `unitId` places them in a unit of that agency (null: none; absent: unchanged unless they
     * move). A new unit closes the membership row and opens another, so the history shows it.
     */
    async setMembership(
      ctx: RequestContext,
      id: string,
      input: { agencyId: string; roles: Role[]; unitId?: string | null | undefined },
    ): Promise<AccountView> {
      const account = await manageable(ctx, id);
      await knownAgency(ctx, input.agencyId);
      const roles = [...new Set(input.roles)];
      if (!mayGrantRoles(ctx.actor, account.roles, roles)) throw RoleNotGrantable();
      const moved = account.agency_id !== input.agencyId || !account.membership_id;
      const unitId = input.unitId === undefined ? (moved ? null : account.unit_id) : input.unitId;
      if (unitId) await requireUnitOf(directory, input.agencyId, unitId);
      const unitChanged = !moved && unitId !== account.unit_id;
      await repo.transaction(async (trx, kernelTx) => {
        if (moved || unitChanged)
          await repo.moveMembership(trx, account.id, input.agencyId, roles, now(), unitId);
        else if (account.membership_id) await repo.setMembershipRoles(trx, account.membership_id, roles);
        const action = moved
          ? 'identity.account.moved'
          : unitChanged
            ? 'identity.account.unit_changed'
            : 'identity.account.roles_changed';
        await recordAudit(kernelTx, ctx, {
          ...audit(account, action),
          agencyId: input.agencyId,
          details: {
            fromAgencyId: account.agency_id,
            toAgencyId: input.agencyId,
            fromUnitId: account.unit_id,
            toUnitId: unitId,
            before: account.roles,
            after: roles,
          },
        });
      });
      deps.sessions.forgetAccount(account.id);
      return reload(id);
    },

    /** The units of an agency an official may be placed in (the actor must manage the agency). */
    async unitsOf(ctx: RequestContext, agencyId: string) {
      await knownAgency(ctx, agencyId);
      return (await unitsOf(directory, agencyId)).map((u) => ({ id: u.id, name: u.name }));
    },

    /** Gives a new temporary password (shown once), unlocks the account and ends its sessions. */
    async resetPassword(ctx: RequestContext, id: string): Promise<{ temporaryPassword: string }> {
      const account = await manageable(ctx, id);
      const password = temporaryPassword();
      const hash = await hashPassword(password, options.passwordHashing);
      await repo.transaction(async (trx, kernelTx) => {
        const at = now();
        await repo.updateAccount(trx, account.id, {
          password_hash: hash,
          password_changed_at: at,
          must_change_password: true,
          failed_attempts: 0,
          locked_until: null,
          updated_at: at,
        });
        const ended = await repo.revokeAllSessions(trx, account.id, at);
        await recordAudit(
          kernelTx,
          ctx,
          audit(account, 'identity.account.password_reset', { sessionsEnded: ended }),
        );
      });
      deps.sessions.forgetAccount(account.id);
      return { temporaryPassword: password };
    },

    /** Removes the second factor (the person lost their phone); they may enrol again. */
    async resetTotp(ctx: RequestContext, id: string): Promise<AccountView> {
      const account = await manageable(ctx, id);
      await repo.transaction(async (trx, kernelTx) => {
        await repo.updateAccount(trx, account.id, {
          totp_secret: null,
          totp_pending_secret: null,
          totp_enabled_at: null,
          updated_at: now(),
        });
        await recordAudit(
          kernelTx,
          ctx,
          audit(account, 'identity.account.totp_reset', { wasEnabled: account.totp_enabled_at !== null }),
        );
      });
      return reload(id);
    },
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
