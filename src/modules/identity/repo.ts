import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { Role } from '../../platform/context.ts';
import type { AccountKind, AccountStatus, IdDb, IdDbOrTx, IdTx, IdentityTables } from './tables.ts';

type AccountRow = IdentityTables['identity_accounts'];
export type ClientRow = IdentityTables['identity_clients'];

/** An account with its current (open) membership, as the service sees it. */
export interface AccountRecord extends AccountRow {
  agency_id: string | null;
  roles: Role[];
  membership_id: string | null;
  unit_id: string | null;
}

export interface SessionWithAccount {
  session_id: string;
  account_id: string;
  last_seen_at: Date;
  created_at: Date;
  expires_at: Date;
  kind: AccountKind;
  full_name: string;
  status: AccountStatus;
  agency_id: string | null;
  roles: Role[];
  unit_id: string | null;
}

const escapeLike = (s: string) => s.replace(/[%_\\]/g, (c) => `\\${c}`);

/** The module's queries; the only file that touches the identity tables. */
export function createIdentityRepo(platformDb: Db) {
  const db: IdDb = platformDb.withTables<IdentityTables>();

  const accountQuery = (q: IdDbOrTx) =>
    q
      .selectFrom('identity_accounts as a')
      .leftJoin('identity_memberships as m', (j) =>
        j.onRef('m.account_id', '=', 'a.id').on('m.valid_to', 'is', null),
      )
      .selectAll('a')
      .select(['m.agency_id', 'm.roles', 'm.id as membership_id', 'm.unit_id']);

  const toRecord = (r: Omit<AccountRecord, 'roles'> & { roles: string[] | null }): AccountRecord => ({
    ...r,
    roles: (r.roles ?? []) as Role[],
  });

  return {
    db,
    /** Runs `fn` in a transaction; `audit` gets the same transaction typed for the kernel. */
    transaction<T>(fn: (trx: IdTx, kernelTx: Tx) => Promise<T>): Promise<T> {
      return db.transaction().execute((trx) => fn(trx, trx as unknown as Tx));
    },

    async accountById(id: string, q: IdDbOrTx = db): Promise<AccountRecord | null> {
      const row = await accountQuery(q).where('a.id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async accountByUsername(username: string, q: IdDbOrTx = db): Promise<AccountRecord | null> {
      const row = await accountQuery(q)
        .where(sql<string>`lower(a.username)`, '=', username.toLowerCase())
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    /** A citizen or business account by email (lower case) or phone (national form `0…`). */
    async citizenAccountByContact(
      contact: { email?: string | null; phone?: string | null },
      q: IdDbOrTx = db,
    ): Promise<AccountRecord | null> {
      const query = accountQuery(q).where('a.kind', 'in', ['citizen', 'business']);
      const row = contact.email
        ? await query.where(sql<string>`lower(a.email)`, '=', contact.email.toLowerCase()).executeTakeFirst()
        : contact.phone
          ? await query.where('a.phone', '=', contact.phone).executeTakeFirst()
          : undefined;
      return row ? toRecord(row) : null;
    },

    async lockAccount(trx: IdTx, id: string): Promise<void> {
      await trx.selectFrom('identity_accounts').select('id').where('id', '=', id).forUpdate().execute();
    },

    async listAccounts(o: {
      agencyId: string | null;
      search: string | undefined;
      offset: number;
      limit: number;
    }): Promise<AccountRecord[]> {
      let q = accountQuery(db);
      if (o.agencyId) q = q.where('m.agency_id', '=', o.agencyId);
      if (o.search) {
        const like = `%${escapeLike(o.search.toLowerCase())}%`;
        q = q.where((eb) =>
          eb.or([
            eb(sql<string>`lower(a.username)`, 'like', like),
            eb(sql<string>`lower(a.full_name)`, 'like', like),
            eb(sql<string>`lower(a.email)`, 'like', like),
          ]),
        );
      }
      const rows = await q.orderBy('a.username').offset(o.offset).limit(o.limit).execute();
      return rows.map(toRecord);
    },

    async insertAccount(
      trx: IdTx,
      a: {
        kind: AccountKind;
        username: string;
        fullName: string;
        email: string;
        phone: string | null;
        passwordHash: string;
        mustChangePassword: boolean;
        now: Date;
      },
    ): Promise<string> {
      const id = randomUUID();
      await trx
        .insertInto('identity_accounts')
        .values({
          id,
          kind: a.kind,
          username: a.username,
          full_name: a.fullName,
          email: a.email,
          phone: a.phone,
          status: 'active',
          password_hash: a.passwordHash,
          password_changed_at: a.now,
          must_change_password: a.mustChangePassword,
          failed_attempts: 0,
          locked_until: null,
          totp_secret: null,
          totp_enabled_at: null,
          totp_pending_secret: null,
          totp_last_step: null,
          created_at: a.now,
          updated_at: a.now,
        })
        .execute();
      return id;
    },

    async updateAccount(trx: IdTx, id: string, values: Partial<AccountRow>): Promise<void> {
      await trx.updateTable('identity_accounts').set(values).where('id', '=', id).execute();
    },

    /** Closes the open membership (if any) and opens one at `agencyId` with `roles` (and `unitId`). */
    async moveMembership(
      trx: IdTx,
      accountId: string,
      agencyId: string,
      roles: Role[],
      now: Date,
      unitId: string | null = null,
    ) {
      await trx
        .updateTable('identity_memberships')
        .set({ valid_to: now })
        .where('account_id', '=', accountId)
        .where('valid_to', 'is', null)
        .execute();
      await trx
        .insertInto('identity_memberships')
        .values({
          id: randomUUID(),
          account_id: accountId,
          agency_id: agencyId,
          roles,
          valid_from: now,
          valid_to: null,
          unit_id: unitId,
        })
        .execute();
    },

    async setMembershipRoles(trx: IdTx, membershipId: string, roles: Role[]): Promise<void> {
      await trx.updateTable('identity_memberships').set({ roles }).where('id', '=', membershipId).execute();
    },

    async membershipHistory(accountId: string) {
      return db
        .selectFrom('identity_memberships')
        .select(['agency_id', 'unit_id', 'roles', 'valid_from', 'valid_to'])
        .where('account_id', '=', accountId)
        .orderBy('valid_from', 'desc')
        .limit(50)
        .execute();
    },

    async insertSession(
      trx: IdTx,
      s: {
        accountId: string;
        tokenHash: Buffer;
        now: Date;
        expiresAt: Date;
        ip: string | null;
        userAgent: string | null;
      },
    ): Promise<string> {
      const id = randomUUID();
      await trx
        .insertInto('identity_sessions')
        .values({
          id,
          account_id: s.accountId,
          token_hash: s.tokenHash,
          created_at: s.now,
          last_seen_at: s.now,
          expires_at: s.expiresAt,
          revoked_at: null,
          ip: s.ip,
          user_agent: s.userAgent,
        })
        .execute();
      return id;
    },

    /** The live session of a token with its account and current membership (one query per request). */
    async sessionByTokenHash(tokenHash: Buffer): Promise<SessionWithAccount | null> {
      const row = await db
        .selectFrom('identity_sessions as s')
        .innerJoin('identity_accounts as a', 'a.id', 's.account_id')
        .leftJoin('identity_memberships as m', (j) =>
          j.onRef('m.account_id', '=', 'a.id').on('m.valid_to', 'is', null),
        )
        .select([
          's.id as session_id',
          's.account_id',
          's.last_seen_at',
          's.created_at',
          's.expires_at',
          'a.kind',
          'a.full_name',
          'a.status',
          'm.agency_id',
          'm.roles',
          'm.unit_id',
        ])
        .where('s.token_hash', '=', tokenHash)
        .where('s.revoked_at', 'is', null)
        .executeTakeFirst();
      return row ? { ...row, roles: (row.roles ?? []) as Role[] } : null;
    },

    async touchSession(id: string, now: Date): Promise<void> {
      await db.updateTable('identity_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
    },

    async revokeSession(trx: IdTx, id: string, now: Date): Promise<number> {
      const r = await trx
        .updateTable('identity_sessions')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Revokes every live session of an account, except `keep` when given. */
    async revokeAllSessions(trx: IdTx, accountId: string, now: Date, keep?: string | null): Promise<number> {
      let q = trx
        .updateTable('identity_sessions')
        .set({ revoked_at: now })
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null);
      if (keep) q = q.where('id', '!=', keep);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async activeSessions(accountId: string, now: Date, idleSince: Date) {
      return db
        .selectFrom('identity_sessions')
        .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('last_seen_at', '>', idleSince)
        .orderBy('last_seen_at', 'desc')
        .limit(100)
        .execute();
    },

    async insertClient(
      trx: IdTx,
      c: {
        agencyId: string;
        name: string;
        scopes: string[];
        secretHash: Buffer;
        createdBy: string | null;
        now: Date;
      },
    ): Promise<string> {
      const id = randomUUID();
      await trx
        .insertInto('identity_clients')
        .values({
          id,
          agency_id: c.agencyId,
          name: c.name,
          scopes: c.scopes,
          secret_hash: c.secretHash,
          status: 'active',
          created_by: c.createdBy,
          created_at: c.now,
          updated_at: c.now,
        })
        .execute();
      return id;
    },

    async clientById(id: string, q: IdDbOrTx = db): Promise<ClientRow | null> {
      return (
        (await q.selectFrom('identity_clients').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
      );
    },

    async listClients(agencyId: string | null, limit: number): Promise<ClientRow[]> {
      let q = db.selectFrom('identity_clients').selectAll();
      if (agencyId) q = q.where('agency_id', '=', agencyId);
      return q.orderBy('created_at', 'desc').limit(limit).execute();
    },

    async setClientStatus(trx: IdTx, id: string, status: AccountStatus, now: Date): Promise<void> {
      await trx
        .updateTable('identity_clients')
        .set({ status, updated_at: now })
        .where('id', '=', id)
        .execute();
    },
  };
}
export type IdentityRepo = ReturnType<typeof createIdentityRepo>;
