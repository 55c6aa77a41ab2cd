import { z } from 'zod';
import type { Config } from '../../platform/config.ts';
import { errorBodySchema } from '../../platform/http/errors.ts';
import type { App } from '../../platform/http/types.ts';
import type { DirectoryService } from '../directory/index.ts';
import {
  accountSchema,
  clientSchema,
  createAccountBody,
  createClientBody,
  idParams,
  listAccountsQuery,
  membershipBody,
  membershipSchema,
  oauthErrorSchema,
  statusBody,
  tokenRequest,
  tokenResponse,
  updateAccountBody,
  whoamiSchema,
} from './schemas.ts';
import { OAuthError } from './service-clients.ts';
import type { IdentityService } from './service.ts';
import { registerAccountPages } from './views/account.ts';
import { registerAdminAccountPages } from './views/admin-accounts.ts';
import { registerAdminClientPages } from './views/admin-clients.ts';
import { registerLoginPages } from './views/login.ts';
import type Provider from 'oidc-provider';
import type { OidcClientService } from './oidc/clients.ts';
import { registerOidcRoutes } from './oidc/routes.ts';
import type { UpstreamLogin } from './oidc/upstream.ts';
import { registerUpstreamRoutes } from './oidc/upstream-routes.ts';
import { registerCitizenApi } from './routes-citizens.ts';
import { registerCitizenPages } from './views/citizen.ts';
import { registerOfficialCitizenPages } from './views/official-citizens.ts';
import { registerOidcClientPages } from './views/admin-oidc-clients.ts';

export { SESSION_COOKIE } from './views/session.ts';

export interface IdentityRouteDeps {
  service: IdentityService;
  config: Config;
  directory: DirectoryService;
  /** The OpenID Connect provider, built on first use. */
  provider: () => Promise<Provider>;
  clients: OidcClientService;
  /** Delegated login, when an upstream provider is configured. */
  upstream: UpstreamLogin | null;
}

const tags = ['identity'];
const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const errors = { 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1) or from the body. */
function clientCredentials(
  header: string | undefined,
  body: z.infer<typeof tokenRequest>,
): { clientId: string; clientSecret: string; viaHeader: boolean } | null {
  if (header && /^basic\s/i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
        viaHeader: true,
      };
    } catch {
      return null;
    }
  }
  if (body.client_id && body.client_secret)
    return { clientId: body.client_id, clientSecret: body.client_secret, viaHeader: false };
  return null;
}

/** The identity API (JSON under /api/v1) and its pages. */
export function registerIdentityRoutes(app: App, deps: IdentityRouteDeps): void {
  const { service, config } = deps;

  app.post(
    '/api/v1/oauth/token',
    {
      config: { csrf: false, rateLimit: { max: config.loginRateLimit * 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['oauth'],
        summary: 'Access token for a machine client (OAuth 2.0 client credentials grant)',
        description:
          'Send the client id and secret with HTTP Basic authentication (preferred) or as `client_id`/`client_secret` in a form or JSON body, with `grant_type=client_credentials`. The token is an HS256 JWT valid for 10 minutes; send it as `Authorization: Bearer`.',
        body: tokenRequest,
        response: { 200: tokenResponse, 400: oauthErrorSchema, 401: oauthErrorSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      const body = request.body ?? {};
      const credentials = clientCredentials(request.headers.authorization, body);
      try {
        if (body.grant_type !== 'client_credentials')
          throw new OAuthError(body.grant_type ? 'unsupported_grant_type' : 'invalid_request');
        if (!credentials) throw new OAuthError('invalid_client', 401);
        return reply.send(await service.issueToken(request.ctx, { ...credentials, scope: body.scope }));
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        if (error.status === 401 && credentials?.viaHeader)
          reply.header('www-authenticate', 'Basic realm="lienthong", charset="UTF-8"');
        return reply.code(error.status as 400 | 401).send({ error: error.error });
      }
    },
  );

  app.get(
    '/api/v1/identity/whoami',
    {
      schema: {
        tags,
        summary: 'Who the request is authenticated as (to check a token or a session)',
        security,
        response: { 200: whoamiSchema, 401: errorBodySchema },
      },
    },
    (request) => {
      const a = request.ctx.actor;
      return {
        kind: a.kind,
        accountId: a.kind === 'official' || a.kind === 'citizen' ? a.accountId : null,
        clientId: a.kind === 'client' ? a.clientId : null,
        agencyId: a.kind === 'official' || a.kind === 'client' ? a.agencyId : null,
        unitId: a.kind === 'official' ? (a.unitId ?? null) : null,
        roles: a.kind === 'official' ? [...a.roles] : [],
        scopes: a.kind === 'client' ? [...a.scopes] : [],
      };
    },
  );

  app.get(
    '/api/v1/identity/accounts',
    {
      schema: {
        tags,
        summary: "List accounts (an agency admin sees its agency's; a platform admin may filter by agency)",
        security,
        querystring: listAccountsQuery,
        response: {
          200: z.object({ accounts: z.array(accountSchema).max(100), hasNext: z.boolean() }),
          ...errors,
        },
      },
    },
    (request) => {
      const q = request.query;
      return service.listAccounts(request.ctx, {
        agencyId: q.agencyId,
        search: q.q,
        page: q.page,
        pageSize: q.pageSize,
      });
    },
  );

  app.post(
    '/api/v1/identity/accounts',
    {
      schema: {
        tags,
        summary:
          'Create an official account at an agency (a temporary password is returned once when none is given)',
        security,
        body: createAccountBody,
        response: {
          201: z.object({ account: accountSchema, temporaryPassword: z.string().max(200).nullable() }),
          ...errors,
        },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createAccount(request.ctx, request.body)),
  );

  app.get(
    '/api/v1/identity/accounts/:id',
    {
      schema: {
        tags,
        summary: 'One account with its membership history',
        security,
        params: idParams,
        response: {
          200: z.object({ account: accountSchema, memberships: z.array(membershipSchema).max(50) }),
          ...errors,
        },
      },
    },
    async (request) => ({
      account: await service.getAccount(request.ctx, request.params.id),
      memberships: await service.membershipHistory(request.ctx, request.params.id),
    }),
  );

  app.patch(
    '/api/v1/identity/accounts/:id',
    {
      schema: {
        tags,
        summary: 'Change profile fields or the status (disabling ends every session)',
        security,
        params: idParams,
        body: updateAccountBody,
        response: { 200: accountSchema, ...errors },
      },
    },
    (request) => service.updateAccount(request.ctx, request.params.id, request.body),
  );

  app.put(
    '/api/v1/identity/accounts/:id/membership',
    {
      schema: {
        tags,
        summary: 'Set the roles at the current agency, or move the official to another agency',
        security,
        params: idParams,
        body: membershipBody,
        response: { 200: accountSchema, ...errors },
      },
    },
    (request) => service.setMembership(request.ctx, request.params.id, request.body),
  );

  app.get(
    '/api/v1/identity/agencies/:id/units',
    {
      schema: {
        tags,
        summary: 'The units (divisions, departments) of an agency an official may be placed in',
        description:
          'Active directory agencies of kind `department` or `unit` below the agency, up to three levels. Agency admins: their own agency.',
        security,
        params: idParams,
        response: {
          200: z.object({ units: z.array(z.object({ id: z.uuid(), name: z.string().max(500) })).max(200) }),
          ...errors,
        },
      },
    },
    async (request) => ({ units: await service.unitsOf(request.ctx, request.params.id) }),
  );

  app.post(
    '/api/v1/identity/accounts/:id/reset-password',
    {
      schema: {
        tags,
        summary: 'Give a temporary password (returned once), unlock and end every session',
        security,
        params: idParams,
        response: { 200: z.object({ temporaryPassword: z.string().max(200) }), ...errors },
      },
    },
    (request) => service.resetPassword(request.ctx, request.params.id),
  );

  app.post(
    '/api/v1/identity/accounts/:id/reset-totp',
    {
      schema: {
        tags,
        summary: 'Remove the second factor of an account (lost phone)',
        security,
        params: idParams,
        response: { 200: accountSchema, ...errors },
      },
    },
    (request) => service.resetTotp(request.ctx, request.params.id),
  );

  app.get(
    '/api/v1/identity/clients',
    {
      schema: {
        tags,
        summary: 'List machine clients (of your agency, or of any agency for a platform admin)',
        security,
        querystring: z.object({ agencyId: z.uuid().optional() }),
        response: { 200: z.object({ clients: z.array(clientSchema).max(500) }), ...errors },
      },
    },
    async (request) => ({ clients: await service.listClients(request.ctx, request.query) }),
  );

  app.post(
    '/api/v1/identity/clients',
    {
      schema: {
        tags,
        summary: 'Create a machine client; its secret is returned once',
        security,
        body: createClientBody,
        response: { 201: z.object({ client: clientSchema, clientSecret: z.string().max(200) }), ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createClient(request.ctx, request.body)),
  );

  app.get(
    '/api/v1/identity/clients/:id',
    {
      schema: {
        tags,
        summary: 'One machine client',
        security,
        params: idParams,
        response: { 200: clientSchema, ...errors },
      },
    },
    (request) => service.getClient(request.ctx, request.params.id),
  );

  app.patch(
    '/api/v1/identity/clients/:id',
    {
      schema: {
        tags,
        summary: 'Disable or enable a machine client (a disabled client gets no new token)',
        security,
        params: idParams,
        body: statusBody,
        response: { 200: clientSchema, ...errors },
      },
    },
    (request) => service.setClientStatus(request.ctx, request.params.id, request.body.status),
  );

  registerLoginPages(app, deps);
  registerAccountPages(app, deps);
  registerAdminAccountPages(app, deps);
  registerAdminClientPages(app, deps);
  registerOidcRoutes(app, { provider: deps.provider, clients: deps.clients });
  registerCitizenApi(app, deps);
  registerCitizenPages(app, deps);
  registerOfficialCitizenPages(app, deps);
  registerOidcClientPages(app, deps);
  if (deps.upstream) registerUpstreamRoutes(app, { ...deps, upstream: deps.upstream });
}
