import { z } from 'zod';
import { errorBodySchema } from '../../platform/http/errors.ts';
import type { App } from '../../platform/http/types.ts';
import type { IdentityRouteDeps } from './routes.ts';
import {
  accessLogSchema,
  addressBody,
  addressSchema,
  lookupBody,
  oidcClientBody,
  oidcClientParams,
  oidcClientSchema,
  profileSchema,
  registrationBody,
  registrationParams,
  registrationStarted,
  verifyBody,
} from './schemas-citizens.ts';

const tags = ['identity'];
const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerAuth: [] }];
const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  410: errorBodySchema,
};

/** The citizen and business API: registration, own profile, officials' lookups, relying parties. */
export function registerCitizenApi(app: App, deps: IdentityRouteDeps): void {
  const { service, clients, config } = deps;
  const rateLimit = { max: config.loginRateLimit, timeWindow: '1 minute' };

  app.post(
    '/api/v1/identity/registrations',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Register a citizen or business account; a 6-digit code goes out by email or SMS',
        body: registrationBody,
        response: { 201: registrationStarted, ...errors },
      },
    },
    async (request, reply) => {
      const r = await service.register(request.ctx, request.body);
      return reply.code(201).send({ ...r, expiresAt: r.expiresAt.toISOString() });
    },
  );

  app.post(
    '/api/v1/identity/registrations/:id/verify',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Confirm a registration with its code (5 attempts, 10 minutes); the account is then active',
        params: registrationParams,
        body: verifyBody,
        response: { 201: z.object({ accountId: z.uuid() }), ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await service.verifyRegistration(request.ctx, {
          registrationId: request.params.id,
          code: request.body.code,
        }),
      ),
  );

  app.get(
    '/api/v1/identity/me/profile',
    {
      schema: {
        tags,
        summary: 'Your own profile (citizen or business)',
        security,
        response: { 200: profileSchema, ...errors },
      },
    },
    (request) => service.myProfile(request.ctx),
  );

  app.put(
    '/api/v1/identity/me/addresses/:kind',
    {
      schema: {
        tags,
        summary:
          'Set your permanent or current address (2025 province and commune codes, old triple optional)',
        security,
        params: z.object({ kind: z.enum(['permanent', 'current']) }),
        body: addressBody,
        response: { 200: addressSchema, ...errors },
      },
    },
    (request) => service.setMyAddress(request.ctx, request.params.kind, request.body),
  );

  app.get(
    '/api/v1/identity/me/access-log',
    {
      schema: {
        tags,
        summary: 'Who read your personal data',
        security,
        response: { 200: accessLogSchema, ...errors },
      },
    },
    async (request) => ({ entries: await service.myAccessLog(request.ctx) }),
  );

  app.post(
    '/api/v1/identity/citizens/lookup',
    {
      schema: {
        tags,
        summary:
          'Find a citizen by personal identification number (officials; logged and shown to the citizen)',
        security,
        body: lookupBody,
        response: { 200: z.object({ accountId: z.uuid(), fullName: z.string().max(200) }), ...errors },
      },
    },
    (request) => service.lookupByPersonalId(request.ctx, request.body.personalId),
  );

  app.get(
    '/api/v1/identity/citizens/:id',
    {
      schema: {
        tags,
        summary: "A citizen's or business's profile (officials; logged and shown to the citizen)",
        security,
        params: z.object({ id: z.uuid() }),
        response: { 200: profileSchema, ...errors },
      },
    },
    (request) => service.citizenProfile(request.ctx, request.params.id),
  );

  app.post(
    '/api/v1/identity/citizens/:id/reveal-personal-id',
    {
      schema: {
        tags,
        summary:
          "A citizen's full personal identification number (officials; logged and shown to the citizen)",
        security,
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ personalId: z.string().max(20).nullable() }), ...errors },
      },
    },
    async (request) => ({ personalId: await service.revealPersonalId(request.ctx, request.params.id) }),
  );

  app.get(
    '/api/v1/identity/oidc-clients',
    {
      schema: {
        tags,
        summary: 'Relying parties of the OpenID Connect provider (platform administrators)',
        security,
        response: { 200: z.object({ clients: z.array(oidcClientSchema).max(500) }), ...errors },
      },
    },
    async (request) => ({ clients: await clients.listOidcClients(request.ctx) }),
  );

  app.post(
    '/api/v1/identity/oidc-clients',
    {
      schema: {
        tags,
        summary:
          'Register a relying party (client id and secret returned once; redirect URIs, allowed scopes)',
        security,
        body: oidcClientBody,
        response: {
          201: z.object({ client: oidcClientSchema, clientSecret: z.string().max(200) }),
          ...errors,
        },
      },
    },
    async (request, reply) => reply.code(201).send(await clients.createOidcClient(request.ctx, request.body)),
  );

  app.get(
    '/api/v1/identity/oidc-clients/:clientId',
    {
      schema: {
        tags,
        summary: 'One relying party',
        security,
        params: oidcClientParams,
        response: { 200: oidcClientSchema, ...errors },
      },
    },
    (request) => clients.getOidcClient(request.ctx, request.params.clientId),
  );

  app.patch(
    '/api/v1/identity/oidc-clients/:clientId',
    {
      schema: {
        tags,
        summary: 'Disable or enable a relying party',
        security,
        params: oidcClientParams,
        body: z.object({ status: z.enum(['active', 'disabled']) }),
        response: { 200: oidcClientSchema, ...errors },
      },
    },
    (request) => clients.setOidcClientStatus(request.ctx, request.params.clientId, request.body.status),
  );
}
