import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { pickLocale } from '../i18n/index.ts';
import { createMetrics } from './metrics.ts';
import { errorBody, toAppError, wantsHtml, type ErrorPageRenderer } from './errors.ts';
import type { ActorResolver, App, HttpModule } from './types.ts';

/** The headers a request-independent middleware sets, taken from one run against a recording response. */
function staticHeaders(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
): [string, string][] {
  const headers: [string, string][] = [];
  let finished = false;
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
    },
    removeHeader: () => undefined,
  };
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error instanceof Error ? error : new Error('security headers middleware failed');
    finished = true;
  });
  if (!finished || headers.length === 0)
    throw new Error('security headers middleware did not finish at once');
  return headers;
}

export interface HttpDeps {
  config: Config;
  logger: Logger;
  resolveActor: ActorResolver;
  /** True when the database answers and migrations are applied. */
  isReady: () => Promise<boolean>;
  renderErrorPage: ErrorPageRenderer;
  modules: HttpModule[];
}

const LOCALE_COOKIE = 'lt_lang';
const styleCss = readFileSync(new URL('../pages/assets/style.css', import.meta.url), 'utf8');
const apiDocsCss = readFileSync(new URL('../pages/assets/api-docs.css', import.meta.url), 'utf8');
const apiDocsJs = readFileSync(new URL('../pages/assets/api-docs.js', import.meta.url), 'utf8');

/** Builds the Fastify server: security, errors, OpenAPI, metrics, health, then every module's routes. */
export async function createHttpServer(deps: HttpDeps): Promise<App> {
  const { config } = deps;
  const logger: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyCookie, { secret: config.secrets.session });
  await app.register(fastifyFormbody, { bodyLimit: config.bodyLimitBytes });
  // Security headers: helmet's middleware built once and applied to every response
  // (@fastify/helmet rebuilt it — and re-parsed the CSP directives — on every request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    strictTransportSecurity: config.baseUrl.startsWith('https://'),
  });
  // They depend on nothing in the request (no nonces): taken once, set by a plain loop (running
  // helmet's ten middlewares per request was 4% of an API request's CPU).
  const headers = staticHeaders(securityHeaders);
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
  await app.register(fastifyCsrf, {
    cookieKey: 'lt_csrf',
    cookieOpts: {
      path: '/',
      sameSite: 'lax',
      httpOnly: true,
      secure: config.baseUrl.startsWith('https://'),
      signed: true,
    },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body['_csrf'] === 'string' ? body['_csrf'] : undefined;
      const header = req.headers['x-csrf-token'];
      return fromBody ?? (typeof header === 'string' ? header : undefined);
    },
  });
  await app.register(fastifyRateLimit, { global: false });

  const metrics = createMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime,
    );
    done();
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Liên thông API',
        description:
          'APIs of the Liên thông e-government platform. Errors answer `{ code, message, messages: { vi, en }, requestId }`.',
        version: '0.1.0',
      },
      servers: [{ url: config.baseUrl }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'Access token from POST /api/v1/oauth/token',
          },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'lt_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // The base layout (no top bar with its unlabelled URL field and logo), no deep links (a link
  // inside each operation's button), and colour and label fixes: axe finds nothing serious.
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { layout: 'BaseLayout', deepLinking: false },
    theme: {
      title: 'Liên thông API',
      css: [{ filename: 'api-docs.css', content: apiDocsCss }],
      js: [{ filename: 'api-docs.js', content: apiDocsJs }],
    },
  });

  // Locale and actor for every request; the actor comes from the identity module.
  app.decorateRequest('ctx');
  app.decorateRequest('locale');
  app.addHook('onRequest', async (request, reply) => {
    const query = request.query as Record<string, unknown> | undefined;
    const chosen = typeof query?.['lang'] === 'string' ? query['lang'] : undefined;
    const locale = pickLocale(chosen ?? request.cookies[LOCALE_COOKIE], request.headers['accept-language']);
    if (chosen === 'vi' || chosen === 'en') {
      reply.setCookie(LOCALE_COOKIE, chosen, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
    }
    request.locale = locale;
    request.ctx = { actor: { kind: 'anonymous' }, requestId: String(request.id), ip: request.ip, locale };
    const actor = await deps.resolveActor(request);
    request.ctx = {
      ...request.ctx,
      actor,
      ...(request.displayName !== undefined && actor.kind !== 'anonymous'
        ? { actorName: request.displayName }
        : {}),
    };
  });
  // Browser form posts carry a CSRF token; JSON APIs are not reachable cross-site without CORS.
  app.addHook('preHandler', (request, reply, done) => {
    const type = request.headers['content-type'] ?? '';
    const isForm =
      type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
    // Routes for machines (the OAuth token endpoint) opt out with `config: { csrf: false }`.
    const optedOut = (request.routeOptions.config as { csrf?: boolean } | undefined)?.csrf === false;
    if (request.method !== 'GET' && request.method !== 'HEAD' && isForm && !optedOut) {
      app.csrfProtection(request, reply, done);
      return;
    }
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const { appError, unexpected } = toAppError(error);
    if (unexpected) request.log.error({ err: error, action: 'http.error' }, 'unexpected error');
    else request.log.info({ code: appError.code, action: 'http.refused' }, 'request refused');
    reply.code(appError.status);
    if (wantsHtml(request))
      return reply.type('text/html; charset=utf-8').send(deps.renderErrorPage(request, reply, appError));
    return reply.send(errorBody(appError, request.locale ?? 'vi', String(request.id)));
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const { appError } = toAppError({ statusCode: 404 });
    reply.code(404);
    if (wantsHtml(request))
      return reply.type('text/html; charset=utf-8').send(deps.renderErrorPage(request, reply, appError));
    return reply.send(errorBody(appError, request.locale ?? 'vi', String(request.id)));
  });

  const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']) });
  app.get(
    '/healthz',
    { schema: { tags: ['platform'], summary: 'Liveness', response: { 200: healthSchema } } },
    () => ({
      status: 'ok' as const,
    }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['platform'],
        summary: 'Readiness: database reachable and migrated',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const ready = await deps.isReady().catch(() => false);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable' });
    },
  );
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.contentType).send(await metrics.render());
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/assets/style.css', { schema: { hide: true } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(styleCss),
  );

  for (const module of deps.modules) await module.register(app);
  return app;
}
