import { sql } from 'kysely';
import type { AdapterPayload } from 'oidc-provider';
import { decryptSecret } from '../crypto.ts';
import type { CitizenDb } from '../tables.ts';

/**
 * oidc-provider's storage in PostgreSQL: every model (Session, Interaction, Grant,
 * AuthorizationCode, AccessToken, …) is a row of `identity_oidc_models` with a jsonb payload and
 * its expiry. `Client` is read from `identity_oidc_clients`, which platform administrators manage.
 */
export function createAdapterClass(db: CitizenDb, secretKey: Buffer) {
  return class PostgresAdapter {
    private readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered by administrators');
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      const row = {
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
        user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expires_at: expiresAt,
        consumed_at: null,
      };
      await db
        .insertInto('identity_oidc_models')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['model', 'id']).doUpdateSet({
            payload: row.payload,
            grant_id: row.grant_id,
            user_code: row.user_code,
            uid: row.uid,
            expires_at: row.expires_at,
          }),
        )
        .execute();
    }

    private async findWhere(
      column: 'id' | 'uid' | 'user_code',
      value: string,
    ): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom('identity_oidc_models')
        .select(['payload', 'consumed_at'])
        .where('model', '=', this.model)
        .where(column, '=', value)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
        .executeTakeFirst();
      if (!row) return undefined;
      const payload = row.payload as AdapterPayload;
      return row.consumed_at
        ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) }
        : payload;
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model !== 'Client') return this.findWhere('id', id);
      if (id.length > 100) return undefined;
      const c = await db
        .selectFrom('identity_oidc_clients')
        .selectAll()
        .where('client_id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (!c) return undefined;
      return {
        client_id: c.client_id,
        client_secret: decryptSecret(c.secret_cipher, secretKey),
        client_name: c.name,
        redirect_uris: c.redirect_uris,
        post_logout_redirect_uris: c.post_logout_redirect_uris,
        scope: c.scopes.join(' '),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      };
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('uid', uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db
        .updateTable('identity_oidc_models')
        .set({ consumed_at: sql<Date>`now()` })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db
        .deleteFrom('identity_oidc_models')
        .where('model', '=', this.model)
        .where('id', '=', id)
        .execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('identity_oidc_models').where('grant_id', '=', grantId).execute();
    }
  };
}

/** Removes expired rows (run now and then; expired rows are already ignored by `find`). */
export async function purgeExpiredModels(db: CitizenDb): Promise<number> {
  const r = await db
    .deleteFrom('identity_oidc_models')
    .where('expires_at', '<', sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
