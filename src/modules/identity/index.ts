import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import type Provider from 'oidc-provider';
import { hasRole, isPlatformAdmin, systemContext, type RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { Unauthenticated } from '../../platform/errors.ts';
import type { ChangeListener } from '../../platform/db/listen.ts';
import type { ActorResolver, HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import type { AdminUnitDirectory, IdentityOptions, VerificationNotifier } from './model.ts';
import type { UpstreamOidcConfig } from './oidc/upstream-config.ts';
import { createOidcClientService } from './oidc/clients.ts';
import { createOidcProvider, OIDC_PREFIX } from './oidc/provider.ts';
import { createUpstreamLogin } from './oidc/upstream.ts';
import { mayReadCitizenData } from './policies.ts';
import { registerIdentityRoutes, SESSION_COOKIE } from './routes.ts';
import { createAdminAccount, seedDemoAccounts } from './seed.ts';
import { createIdentityService, type IdentityService } from './service.ts';

export type { IdentityService } from './service.ts';
export type { AccountView, ClientView, IdentityOptions } from './model.ts';
export type { AccountKind, AccountStatus } from './tables.ts';
export {
  upstreamEnvironmentSchema,
  upstreamConfigFromEnv,
  type UpstreamOidcConfig,
} from './oidc/upstream-config.ts';
export { checkPersonalId, checkTaxCode } from './citizen-ids.ts';
export { requireUnitOf, unitsOf } from './units.ts';

export interface IdentityModule {
  service: IdentityService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  resolveActor: ActorResolver;
  seedDemo(ctx: RequestContext, o: { dataDir: string }): Promise<{ username: string; password: string }>;
  createAdmin(
    ctx: RequestContext,
    o: {
      agencyCode: string;
      username: string;
      fullName: string;
      platformAdmin: boolean;
      password?: string | undefined;
    },
  ): Promise<{ username: string; agencyName: string; generatedPassword: string | null }>;
}

/** Accounts, roles, sessions and machine clients; resolves the actor of every request. */
export function createIdentityModule(deps: {
  db: Db;
  logger: Logger;
  config: Config;
  /** The directory service (agencies, and the admin units of the address pickers). */
  directory: AdminUnitDirectory;
  /** Sends registration codes; without it registration answers 503 IDENTITY_NOTIFY_UNAVAILABLE. */
  notify?: VerificationNotifier | undefined;
  /** Delegated login to an upstream OpenID Connect provider (national e-ID), when configured. */
  upstream?: UpstreamOidcConfig | null | undefined;
  /** Tunables (hash cost, expiries, clock); production uses the defaults. */
  options?: Partial<IdentityOptions>;
  /**
   * With it, the HTTP server keeps validated sessions for a few seconds and holds a LISTEN
   * connection that drops them when any process ends a session or changes its account.
   */
  pool?: pg.Pool | undefined;
}): IdentityModule {
  const service = createIdentityService(deps);
  const { citizens, pii } = service.internals;
  const clients = createOidcClientService({
    db: citizens.db,
    storageKey: pii.oidc,
    production: deps.config.env === 'production',
    now: service.options.now,
  });
  let providerReady: Promise<Provider> | null = null;
  // Built on first use: it loads (or creates) its signing keys from the database.
  const provider = () =>
    (providerReady ??= createOidcProvider({
      baseUrl: deps.config.baseUrl,
      trustProxy: deps.config.trustProxy,
      cookieSecret: deps.config.secrets.session,
      db: citizens.db,
      storageKey: pii.oidc,
      repo: service.internals.repo,
      logger: deps.logger,
      personalIdForClient: (accountId, client) => service.personalIdForClient(accountId, client),
      endSessionByToken: (token) => service.logoutByToken(systemContext('oidc:end_session'), token),
      sessionAccount: async (token) => {
        const s = await service.resolveSession(token);
        return s?.actor.kind === 'citizen' ? s.actor.accountId : null;
      },
    }).catch((error: unknown) => {
      providerReady = null;
      throw error;
    }));
  const upstream = deps.upstream
    ? createUpstreamLogin({
        config: deps.upstream,
        baseUrl: deps.config.baseUrl,
        service,
        logger: deps.logger,
      })
    : null;
  return {
    service,
    http: {
      name: 'identity',
      register(app) {
        registerIdentityRoutes(app, {
          service,
          config: deps.config,
          directory: deps.directory,
          provider,
          clients,
          upstream,
        });
        const pool = deps.pool;
        if (!pool) return;
        let listener: ChangeListener | null = null;
        app.addHook('onReady', (done) => {
          listener = service.internals.sessions.listen(pool, deps.logger);
          done();
        });
        app.addHook('onClose', async () => {
          await listener?.stop();
        });
      },
    },
    nav: [
      {
        href: '/admin/accounts',
        label: { vi: 'Tài khoản', en: 'Accounts' },
        visible: (a) => hasRole(a, 'admin'),
      },
      {
        href: '/admin/clients',
        label: { vi: 'Tài khoản máy', en: 'Machine clients' },
        visible: (a) => hasRole(a, 'admin'),
      },
      {
        href: '/admin/oidc-clients',
        label: { vi: 'Đăng nhập một lần', en: 'Single sign-on' },
        visible: (a) => isPlatformAdmin(a),
      },
      {
        href: '/admin/citizens',
        label: { vi: 'Tra cứu công dân', en: 'Find a citizen' },
        visible: (a) => mayReadCitizenData(a) === 'allow',
      },
      {
        href: '/account/profile',
        label: { vi: 'Hồ sơ cá nhân', en: 'My profile' },
        visible: (a) => a.kind === 'citizen',
      },
    ],
    jobs: [],
    async resolveActor(request) {
      const authorization = request.headers.authorization;
      // Bearer tokens under /oidc are the provider's own (userinfo); it checks them itself.
      const ownBearer = request.url.startsWith(`${OIDC_PREFIX}/`);
      if (authorization && /^bearer\s/i.test(authorization) && !ownBearer) {
        const actor = service.verifyAccessToken(authorization.slice(7).trim());
        if (!actor) throw Unauthenticated({ reason: 'invalid_or_expired_token' });
        return actor;
      }
      const token = request.cookies[SESSION_COOKIE];
      if (!token) return { kind: 'anonymous' };
      const session = await service.resolveSession(token);
      if (!session) return { kind: 'anonymous' };
      request.displayName = session.displayName;
      return session.actor;
    },
    seedDemo: (ctx, o) => seedDemoAccounts(service, deps.directory, ctx, o.dataDir),
    createAdmin: (ctx, o) => createAdminAccount(service, deps.directory, ctx, o),
  };
}
