import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor, RequestContext } from '../context.ts';
import type { Locale } from '../i18n/index.ts';

/** The Fastify instance every module registers its routes on. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Finds who sends a request (session cookie, bearer token); provided by the identity module. */
export type ActorResolver = (request: FastifyRequest) => Promise<Actor>;

/** A module's HTTP part: API routes and pages. */
export interface HttpModule {
  name: string;
  register(app: App): void | Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
    locale: Locale;
  }
}
