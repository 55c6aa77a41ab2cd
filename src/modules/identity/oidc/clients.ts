import { recordAudit } from '../../../platform/audit/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { encryptSecret, randomToken } from '../crypto.ts';
import { CitizenInputInvalid, OidcClientNotFound } from '../errors.ts';
import { enforce } from '../model.ts';
import { mayManageOidcClients } from '../policies.ts';
import type { CitizenDb, CitizenTables } from '../tables.ts';
import { oidcScopes } from './provider.ts';

type ClientRow = CitizenTables['identity_oidc_clients'];

export interface OidcClientView {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  status: 'active' | 'disabled';
  createdAt: string;
}

export interface OidcClientInput {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[] | undefined;
  scopes: string[];
}

const toView = (c: ClientRow): OidcClientView => ({
  clientId: c.client_id,
  name: c.name,
  redirectUris: c.redirect_uris,
  postLogoutRedirectUris: c.post_logout_redirect_uris,
  scopes: c.scopes,
  status: c.status,
  createdAt: c.created_at.toISOString(),
});

/**
 * A redirect URI a relying party may use: absolute, no fragment, https — or http on a loopback
 * or local host outside production (development portals and tests).
 */
export function acceptableRedirectUri(value: string, production: boolean): boolean {
  if (value.length > 500) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash) return false;
  if (url.protocol === 'https:') return true;
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.test');
  return url.protocol === 'http:' && (!production || local);
}

/** Relying parties of the OpenID Connect provider, registered by platform administrators. */
export function createOidcClientService(deps: {
  db: CitizenDb;
  storageKey: Buffer;
  production: boolean;
  now: () => Date;
}) {
  const { db } = deps;
  const find = async (clientId: string) =>
    clientId.length > 100
      ? undefined
      : db
          .selectFrom('identity_oidc_clients')
          .selectAll()
          .where('client_id', '=', clientId)
          .executeTakeFirst();

  const validate = (input: OidcClientInput) => {
    const fields: Record<string, string> = {};
    const name = input.name.trim();
    if (name.length < 1 || name.length > 200) fields['name'] = 'required';
    const redirectUris = [...new Set(input.redirectUris.map((u) => u.trim()).filter(Boolean))];
    if (
      redirectUris.length < 1 ||
      redirectUris.length > 10 ||
      !redirectUris.every((u) => acceptableRedirectUri(u, deps.production))
    )
      fields['redirectUris'] = 'redirect_uri';
    const postLogout = [
      ...new Set((input.postLogoutRedirectUris ?? []).map((u) => u.trim()).filter(Boolean)),
    ];
    if (postLogout.length > 10 || !postLogout.every((u) => acceptableRedirectUri(u, deps.production)))
      fields['postLogoutRedirectUris'] = 'redirect_uri';
    const scopes = [...new Set(['openid', ...input.scopes])];
    if (!scopes.every((s) => (oidcScopes as readonly string[]).includes(s))) fields['scopes'] = 'scope';
    if (Object.keys(fields).length > 0) throw CitizenInputInvalid({ fields });
    return { name, redirectUris, postLogout, scopes };
  };

  return {
    async listOidcClients(ctx: RequestContext): Promise<OidcClientView[]> {
      enforce(mayManageOidcClients(ctx.actor), OidcClientNotFound);
      const rows = await db
        .selectFrom('identity_oidc_clients')
        .selectAll()
        .orderBy('created_at', 'desc')
        .limit(500)
        .execute();
      return rows.map(toView);
    },

    async getOidcClient(ctx: RequestContext, clientId: string): Promise<OidcClientView> {
      enforce(mayManageOidcClients(ctx.actor), OidcClientNotFound);
      const row = await find(clientId);
      if (!row) throw OidcClientNotFound();
      return toView(row);
    },

    /** Registers a relying party; the secret is returned once and kept encrypted. */
    async createOidcClient(
      ctx: RequestContext,
      input: OidcClientInput,
    ): Promise<{ client: OidcClientView; clientSecret: string }> {
      enforce(mayManageOidcClients(ctx.actor), OidcClientNotFound);
      const v = validate(input);
      const clientSecret = randomToken(32);
      const at = deps.now();
      const row: ClientRow = {
        client_id: `lt-${randomToken(12).replace(/[^A-Za-z0-9]/g, 'x')}`,
        name: v.name,
        secret_cipher: encryptSecret(clientSecret, deps.storageKey),
        redirect_uris: v.redirectUris,
        post_logout_redirect_uris: v.postLogout,
        scopes: v.scopes,
        status: 'active',
        created_by: ctx.actor.kind === 'official' ? ctx.actor.accountId : null,
        created_at: at,
        updated_at: at,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('identity_oidc_clients').values(row).execute();
        await recordAudit(trx, ctx, {
          action: 'identity.oidc_client.created',
          subjectType: 'oidc_client',
          subjectIds: [row.client_id],
          agencyId: null,
          details: { name: v.name, redirectUris: v.redirectUris, scopes: v.scopes },
        });
      });
      return { client: toView(row), clientSecret };
    },

    /** Disables or enables a relying party (a disabled one is unknown to the provider). */
    async setOidcClientStatus(
      ctx: RequestContext,
      clientId: string,
      status: 'active' | 'disabled',
    ): Promise<OidcClientView> {
      enforce(mayManageOidcClients(ctx.actor), OidcClientNotFound);
      const row = await find(clientId);
      if (!row) throw OidcClientNotFound();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('identity_oidc_clients')
          .set({ status, updated_at: deps.now() })
          .where('client_id', '=', clientId)
          .execute();
        await recordAudit(trx, ctx, {
          action: 'identity.oidc_client.status_changed',
          subjectType: 'oidc_client',
          subjectIds: [clientId],
          agencyId: null,
          details: { status },
        });
      });
      return toView({ ...row, status });
    },

    /** The name shown on the consent page (null for an unknown client). */
    async oidcClientName(clientId: string): Promise<{ name: string; scopes: string[] } | null> {
      const row = await find(clientId);
      return row ? { name: row.name, scopes: row.scopes } : null;
    },
  };
}
export type OidcClientService = ReturnType<typeof createOidcClientService>;
