import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { IdentityRepo } from './repo.ts';
import type { CitizenDb, CitizenTables, CitizenTx, IdTx, IdentityTables } from './tables.ts';

type Registration = CitizenTables['identity_registrations'];
export type ProfileRow = CitizenTables['identity_citizen_profiles'];
export type AddressRow = CitizenTables['identity_addresses'];
export type AccessRow = CitizenTables['identity_personal_data_access'];

/** Queries of the citizen and business side (registrations, profiles, addresses, access log, links). */
export function createCitizenRepo(platformDb: Db, accounts: IdentityRepo) {
  const db: CitizenDb = platformDb.withTables<IdentityTables & CitizenTables>();

  return {
    db,
    /** One transaction for citizen tables, the account tables and the kernel (audit, outbox). */
    transaction<T>(fn: (trx: CitizenTx, accountTx: IdTx, kernelTx: Tx) => Promise<T>): Promise<T> {
      return db.transaction().execute((trx) => fn(trx, trx as unknown as IdTx, trx as unknown as Tx));
    },

    async contactTaken(o: { email: string | null; phone: string | null }): Promise<boolean> {
      if (o.email && (await accounts.citizenAccountByContact({ email: o.email }))) return true;
      if (o.phone && (await accounts.citizenAccountByContact({ phone: o.phone }))) return true;
      return false;
    },

    async profileByPersonalIdHash(hash: Buffer): Promise<ProfileRow | null> {
      return (
        (await db
          .selectFrom('identity_citizen_profiles')
          .selectAll()
          .where('personal_id_hash', '=', hash)
          .executeTakeFirst()) ?? null
      );
    },

    async profileByTaxCode(taxCode: string): Promise<ProfileRow | null> {
      return (
        (await db
          .selectFrom('identity_citizen_profiles')
          .selectAll()
          .where('tax_code', '=', taxCode)
          .executeTakeFirst()) ?? null
      );
    },

    async profile(accountId: string): Promise<ProfileRow | null> {
      return (
        (await db
          .selectFrom('identity_citizen_profiles')
          .selectAll()
          .where('account_id', '=', accountId)
          .executeTakeFirst()) ?? null
      );
    },

    async upsertProfile(trx: CitizenTx, row: ProfileRow): Promise<void> {
      await trx
        .insertInto('identity_citizen_profiles')
        .values(row)
        .onConflict((oc) =>
          oc.column('account_id').doUpdateSet({
            personal_id_cipher: row.personal_id_cipher,
            personal_id_hash: row.personal_id_hash,
            personal_id_verified_at: row.personal_id_verified_at,
            tax_code: row.tax_code,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },

    async insertRegistration(trx: CitizenTx, row: Registration): Promise<void> {
      await trx.insertInto('identity_registrations').values(row).execute();
    },

    /** The registration, locked for the verification attempt. */
    async registrationForUpdate(trx: CitizenTx, id: string): Promise<Registration | null> {
      return (
        (await trx
          .selectFrom('identity_registrations')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst()) ?? null
      );
    },

    async registration(id: string): Promise<Registration | null> {
      return (
        (await db.selectFrom('identity_registrations').selectAll().where('id', '=', id).executeTakeFirst()) ??
        null
      );
    },

    async countAttempt(trx: CitizenTx, id: string): Promise<void> {
      await trx
        .updateTable('identity_registrations')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },

    /** A new code; attempts keep counting, so asking again never buys more guesses. */
    async replaceCode(trx: CitizenTx, id: string, codeHash: Buffer, expiresAt: Date): Promise<void> {
      await trx
        .updateTable('identity_registrations')
        .set({ code_hash: codeHash, expires_at: expiresAt })
        .where('id', '=', id)
        .execute();
    },

    async deleteRegistration(trx: CitizenTx, id: string): Promise<void> {
      await trx.deleteFrom('identity_registrations').where('id', '=', id).execute();
    },

    async deleteExpiredRegistrations(before: Date): Promise<number> {
      const r = await db
        .deleteFrom('identity_registrations')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async addresses(accountId: string): Promise<AddressRow[]> {
      return db
        .selectFrom('identity_addresses')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('kind', 'asc')
        .limit(2)
        .execute();
    },

    async upsertAddress(trx: CitizenTx, row: AddressRow): Promise<void> {
      const { account_id: _a, kind: _k, ...rest } = row;
      await trx
        .insertInto('identity_addresses')
        .values(row)
        .onConflict((oc) => oc.columns(['account_id', 'kind']).doUpdateSet(rest))
        .execute();
    },

    async insertAccess(trx: CitizenTx, row: Omit<AccessRow, 'id'>): Promise<void> {
      await trx
        .insertInto('identity_personal_data_access')
        .values({ id: randomUUID(), ...row })
        .execute();
    },

    async accessLog(subjectAccountId: string, limit: number): Promise<AccessRow[]> {
      return db
        .selectFrom('identity_personal_data_access')
        .selectAll()
        .where('subject_account_id', '=', subjectAccountId)
        .orderBy('at', 'desc')
        .limit(limit)
        .execute();
    },

    async upstreamLink(issuer: string, subject: string) {
      return (
        (await db
          .selectFrom('identity_upstream_links')
          .selectAll()
          .where('issuer', '=', issuer)
          .where('subject', '=', subject)
          .executeTakeFirst()) ?? null
      );
    },

    async insertUpstreamLink(
      trx: CitizenTx,
      o: { issuer: string; subject: string; accountId: string; now: Date },
    ) {
      await trx
        .insertInto('identity_upstream_links')
        .values({
          issuer: o.issuer,
          subject: o.subject,
          account_id: o.accountId,
          created_at: o.now,
          last_login_at: o.now,
        })
        .execute();
    },

    async touchUpstreamLink(trx: CitizenTx, issuer: string, subject: string, now: Date): Promise<void> {
      await trx
        .updateTable('identity_upstream_links')
        .set({ last_login_at: now })
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .execute();
    },
  };
}
export type CitizenRepo = ReturnType<typeof createCitizenRepo>;
