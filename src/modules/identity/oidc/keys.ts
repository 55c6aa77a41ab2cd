import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { exportJWK, generateKeyPair } from 'jose';
import { decryptSecret, encryptSecret } from '../crypto.ts';
import type { CitizenDb } from '../tables.ts';

/**
 * The provider's RS256 signing keys: generated on first start, kept as private JWKs encrypted
 * (AES-256-GCM) in `identity_oidc_keys`, so every process of the instance signs with the same
 * key and the JWKS survives restarts. An advisory lock stops two processes generating at once.
 */
export async function loadSigningKeys(db: CitizenDb, key: Buffer): Promise<Record<string, unknown>[]> {
  const read = async () =>
    db
      .selectFrom('identity_oidc_keys')
      .select(['sealed_jwk'])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute();
  let rows = await read();
  if (rows.length === 0) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('identity_oidc_keys'))`.execute(trx);
      const existing = await trx.selectFrom('identity_oidc_keys').select('kid').limit(1).execute();
      if (existing.length > 0) return;
      await trx
        .insertInto('identity_oidc_keys')
        .values({
          kid,
          alg: 'RS256',
          sealed_jwk: encryptSecret(JSON.stringify(jwk), key),
          created_at: new Date(),
          retired_at: null,
        })
        .execute();
    });
    rows = await read();
  }
  return rows.map((r) => JSON.parse(decryptSecret(r.sealed_jwk, key)) as Record<string, unknown>);
}
