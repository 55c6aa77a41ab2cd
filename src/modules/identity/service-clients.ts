import { randomUUID } from 'node:crypto';
import { recordAudit, recordAuditAlone } from '../../platform/audit/index.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { hashClientSecret, randomToken, sameBytes, signJwt, verifyJwt } from './crypto.ts';
import { AgencyNotFound, ClientNotFound } from './errors.ts';
import { enforce, toClientView, type ClientView, type ServiceDeps } from './model.ts';
import { listScope, mayManage } from './policies.ts';
import type { ClientRow } from './repo.ts';
import type { AccountStatus } from './tables.ts';
import { UUID_PATTERN as uuidPattern } from '../../platform/ids.ts';

/** An OAuth 2.0 token error (RFC 6749 §5.2): answered as `{ error }`, not as a domain error. */
export class OAuthError extends Error {
  readonly error: 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type';
  readonly status: number;
  constructor(error: OAuthError['error'], status = 400) {
    super(error);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
  }
}

/** Machine clients of agency systems and their access tokens. */
export function createClientService(deps: ServiceDeps) {
  const { repo, options, keys, db, directory } = deps;
  const now = () => options.now();

  const manageable = async (ctx: RequestContext, id: string): Promise<ClientRow> => {
    const client = uuidPattern.test(id) ? await repo.clientById(id) : null;
    const decision = mayManage(ctx.actor, client?.agency_id ?? null);
    enforce(client || decision === 'unauthenticated' ? decision : 'hidden', ClientNotFound);
    if (!client) throw ClientNotFound();
    return client;
  };

  return {
    /** Creates a client of an agency; the secret is returned here once and never again. */
    async createClient(
      ctx: RequestContext,
      input: { agencyId?: string | undefined; name: string; scopes: string[] },
    ): Promise<{ client: ClientView; clientSecret: string }> {
      const agencyId = input.agencyId ?? (ctx.actor.kind === 'official' ? ctx.actor.agencyId : null);
      if (!agencyId) throw AgencyNotFound();
      enforce(mayManage(ctx.actor, agencyId), AgencyNotFound);
      if (!(await directory.getAgency(agencyId))) throw AgencyNotFound();
      const secret = `lts_${randomToken()}`;
      const scopes = [...new Set(input.scopes)].sort();
      const id = await repo.transaction(async (trx, kernelTx) => {
        const newId = await repo.insertClient(trx, {
          agencyId,
          name: input.name.trim(),
          scopes,
          secretHash: hashClientSecret(secret, keys.clientSecretPepper),
          createdBy: ctx.actor.kind === 'official' ? ctx.actor.accountId : null,
          now: now(),
        });
        await recordAudit(kernelTx, ctx, {
          action: 'identity.client.created',
          subjectType: 'client',
          subjectIds: [newId],
          agencyId,
          details: { scopes },
        });
        return newId;
      });
      const client = await repo.clientById(id);
      if (!client) throw ClientNotFound();
      return { client: toClientView(client), clientSecret: secret };
    },

    async listClients(ctx: RequestContext, q: { agencyId?: string | undefined }): Promise<ClientView[]> {
      const scope = listScope(ctx.actor, q.agencyId);
      if (typeof scope === 'string') {
        enforce(scope, AgencyNotFound);
        throw AgencyNotFound();
      }
      return (await repo.listClients(scope.agencyId, 500)).map(toClientView);
    },

    async getClient(ctx: RequestContext, id: string): Promise<ClientView> {
      return toClientView(await manageable(ctx, id));
    },

    /** Disables or re-enables a client; a disabled client gets no new token. */
    async setClientStatus(ctx: RequestContext, id: string, status: AccountStatus): Promise<ClientView> {
      const client = await manageable(ctx, id);
      await repo.transaction(async (trx, kernelTx) => {
        await repo.setClientStatus(trx, client.id, status, now());
        await recordAudit(kernelTx, ctx, {
          action: status === 'disabled' ? 'identity.client.disabled' : 'identity.client.enabled',
          subjectType: 'client',
          subjectIds: [client.id],
          agencyId: client.agency_id,
        });
      });
      return toClientView((await repo.clientById(id)) ?? client);
    },

    /** The client credentials grant: checks the secret and signs a short-lived access token. */
    async issueToken(
      ctx: RequestContext,
      input: { clientId: string; clientSecret: string; scope?: string | undefined },
    ): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
      const client = uuidPattern.test(input.clientId) ? await repo.clientById(input.clientId) : null;
      const valid =
        client !== null &&
        client.status === 'active' &&
        sameBytes(hashClientSecret(input.clientSecret, keys.clientSecretPepper), client.secret_hash);
      if (!client || !valid) {
        await recordAuditAlone(db, ctx, {
          action: 'identity.token.issued',
          outcome: 'failure',
          subjectType: 'client',
          subjectIds: client ? [client.id] : [],
          agencyId: client?.agency_id ?? null,
          details: {
            reason: !client ? 'unknown_client' : client.status !== 'active' ? 'disabled' : 'wrong_secret',
          },
        });
        throw new OAuthError('invalid_client', 401);
      }
      const requested = input.scope ? input.scope.split(' ').filter(Boolean) : client.scopes;
      if (requested.some((s) => !client.scopes.includes(s))) throw new OAuthError('invalid_scope');
      const iat = Math.floor(now().getTime() / 1000);
      const token = signJwt(
        {
          iss: deps.baseUrl,
          sub: client.id,
          agency: client.agency_id,
          scope: requested.join(' '),
          typ: 'client',
          iat,
          exp: iat + options.accessTokenSeconds,
          jti: randomUUID(),
        },
        keys.accessToken,
      );
      await recordAuditAlone(
        db,
        {
          ...ctx,
          actor: { kind: 'client', clientId: client.id, agencyId: client.agency_id, scopes: requested },
        },
        {
          action: 'identity.token.issued',
          subjectType: 'client',
          subjectIds: [client.id],
          agencyId: client.agency_id,
          details: { scopes: requested, expiresIn: options.accessTokenSeconds },
        },
      );
      return {
        access_token: token,
        token_type: 'Bearer',
        expires_in: options.accessTokenSeconds,
        scope: requested.join(' '),
      };
    },

    /** The client behind an access token, checked by signature and expiry only (no database). */
    verifyAccessToken(token: string): Extract<Actor, { kind: 'client' }> | null {
      const p = verifyJwt(token, keys.accessToken, now().getTime() / 1000);
      if (!p || p['typ'] !== 'client' || typeof p['sub'] !== 'string' || typeof p['agency'] !== 'string')
        return null;
      const scope = typeof p['scope'] === 'string' ? p['scope'] : '';
      return {
        kind: 'client',
        clientId: p['sub'],
        agencyId: p['agency'],
        scopes: scope.split(' ').filter(Boolean),
      };
    },
  };
}
export type ClientService = ReturnType<typeof createClientService>;
