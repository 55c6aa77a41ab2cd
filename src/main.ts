import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import type { RequestContext } from './platform/context.ts';
import { databaseReady } from './platform/db/connect.ts';
import type { Database } from './platform/db/database.ts';
import { readMigrations } from './platform/db/migrate.ts';
import { createAuditModule } from './platform/audit/index.ts';
import { createFileBlobStore } from './platform/blobs/index.ts';
import { createWorkCalendar } from './platform/calendar/index.ts';
import { createHttpServer } from './platform/http/server.ts';
import type { App } from './platform/http/types.ts';
import type { JobDefinition } from './platform/jobs/index.ts';
import { addNavigation } from './platform/pages/layout.ts';
import { createHomeModule, renderErrorPage } from './platform/pages/home.ts';
import { createDirectoryModule, type DirectoryModule } from './modules/directory/index.ts';
import {
  createIdentityModule,
  upstreamConfigFromEnv,
  type IdentityModule,
} from './modules/identity/index.ts';
import { closeVerifyPool, createPkiModule, type PkiModule } from './modules/pki/index.ts';
import {
  createNotifyModule,
  createNotifyTransports,
  notifyConfigFromEnv,
  type NotifyModule,
} from './modules/notify/index.ts';
import { createServicesModule, type ServicesModule } from './modules/services/index.ts';
import {
  createPaymentsModule,
  startFakeGateway,
  type FakeGateway,
  type PaidHook,
  type PaymentsModule,
} from './modules/payments/index.ts';
import {
  createDossiersModule,
  officialsFromIdentity,
  type DossiersModule,
} from './modules/dossiers/index.ts';
import { createDossierStatsModule, type DossierStatsModule } from './modules/dossiers/stats/index.ts';
import { createInteragencyModule, type InteragencyModule } from './modules/dossiers/interagency/index.ts';
import {
  createDossiersSync,
  startFakeNationalPortal,
  type DossiersSync,
  type FakeNationalPortal,
} from './modules/dossiers/sync/index.ts';
import { createExchangeModule, type ExchangeModule } from './modules/exchange/index.ts';
import { createRecordsModule, type RecordsModule } from './modules/records/index.ts';
import { createReportingModule, type ReportingModule } from './modules/reporting/index.ts';

export interface Platform {
  app: App;
  directory: DirectoryModule;
  identity: IdentityModule;
  pki: PkiModule;
  notify: NotifyModule;
  services: ServicesModule;
  payments: PaymentsModule;
  dossiers: DossiersModule;
  /** Sync with the national portal; null when no portal is configured (outside development). */
  dossiersSync: DossiersSync | null;
  /** One-stop statistics and the register book (form 07), kept by an observer of dossiers. */
  dossierStats: DossierStatsModule;
  /** Inter-agency procedures (liên thông): parts sent to other agencies, here or through the axis. */
  interagency: InteragencyModule;
  exchange: ExchangeModule;
  records: RecordsModule;
  reporting: ReportingModule;
  /** Every background job the modules define, for `start` and `worker`. */
  jobs: JobDefinition[];
}

// A developer's machine without a payment gateway runs the fake one in-process (closed on shutdown).
let devGateway: FakeGateway | null = null;

async function paymentGateway(config: Config, logger: Logger) {
  if (config.payments) {
    return {
      url: config.payments.gatewayUrl,
      merchantCode: config.payments.merchantCode,
      secret: config.payments.secret,
    };
  }
  if (config.env !== 'development') return null;
  devGateway ??= await startFakeGateway({
    port: 0,
    merchantCode: 'LTDEMO01',
    secret: randomBytes(32).toString('hex'),
  });
  logger.info({ action: 'payments.fake_gateway', url: devGateway.url }, 'fake payment gateway started');
  return { url: devGateway.url, merchantCode: devGateway.merchantCode, secret: devGateway.secret };
}

// Likewise the national portal (DVCQG adapter): a fake one in-process in development.
let devPortal: FakeNationalPortal | null = null;

async function nationalPortal(config: Config, logger: Logger) {
  if (config.nationalPortal) return config.nationalPortal;
  if (config.env !== 'development') return null;
  devPortal ??= await startFakeNationalPortal({ port: 0 });
  logger.info({ action: 'dossiers.sync.fake_portal', url: devPortal.url }, 'fake national portal started');
  const { url, username, password, agency } = devPortal;
  return { url, username, password, agency, pullSeconds: 60 };
}

/** The composition root: builds every module on one database and wires them into the HTTP server. */
export async function buildPlatform(deps: {
  config: Config;
  logger: Logger;
  database: Database;
}): Promise<Platform> {
  const { config, logger, database } = deps;
  const db = database.db;
  const log = (module: string) => logger.child({ module });
  const calendar = createWorkCalendar();
  const blobs = createFileBlobStore(path.join(config.dataDir, 'blobs'));

  // Base: directory, notices, identity, signatures.
  const directory = createDirectoryModule({ db, logger: log('directory'), pool: database.pool });
  const m = config.messaging;
  const notifyConfig = notifyConfigFromEnv(
    {
      SMTP_URL: m.smtpUrl,
      MAIL_FROM: m.mailFrom,
      SMS_PROVIDER_URL: m.smsProviderUrl,
      SMS_API_KEY: m.smsApiKey,
      SMS_BRANDNAME: m.smsBrandname,
    },
    config.env,
  );
  const notify = createNotifyModule({
    db,
    logger: log('notify'),
    config,
    transports: createNotifyTransports({ db, logger: log('notify'), config: notifyConfig, env: config.env }),
  });
  const identity = createIdentityModule({
    db,
    logger: log('identity'),
    config,
    directory: directory.service,
    notify: notify.service,
    pool: database.pool,
    upstream: upstreamConfigFromEnv({
      OIDC_UPSTREAM_ISSUER: config.oidcUpstream.issuer,
      OIDC_UPSTREAM_CLIENT_ID: config.oidcUpstream.clientId,
      OIDC_UPSTREAM_CLIENT_SECRET: config.oidcUpstream.clientSecret,
    }),
  });
  const pki = createPkiModule({ db, logger: log('pki'), config });

  // On the base: procedures, payments, the document axis.
  const services = createServicesModule({ db, logger: log('services'), directory: directory.service });
  // Payments call the dossiers' hook inside the paying transaction; dossiers need payments:
  // the hook is bound once dossiers exist (it is only called long after start-up).
  let dossiersOnPaid: PaidHook = () => Promise.resolve();
  const payments = createPaymentsModule({
    db,
    logger: log('payments'),
    config: { baseUrl: config.baseUrl, gateway: await paymentGateway(config, logger) },
    onPaid: [(trx, payment) => dossiersOnPaid(trx, payment)],
  });
  const exchange = createExchangeModule({
    db,
    logger: log('exchange'),
    config,
    directory: directory.service,
    pki: pki.service,
    blobs,
  });

  // On those: dossiers, the records desk and reporting.
  const dossiers = createDossiersModule({
    db,
    logger: log('dossiers'),
    config,
    directory: directory.service,
    services: services.service,
    payments: payments.service.enabled ? payments.service : null,
    notify: notify.service,
    calendar,
    blobs,
    // Officials' names and roles for form 06, the national portal's NguoiXuLy and reassignment.
    officials: officialsFromIdentity(identity.service),
    // Results are signed with the agency's certificate (keys stay in pki).
    pki: pki.service,
  });
  dossiersOnPaid = dossiers.onPaid;
  // The national-portal sync observes every dossier change (its outbox is written in the change's
  // transaction); registered before anything else may change a dossier.
  const portalSettings = await nationalPortal(config, logger);
  const dossiersSync = portalSettings
    ? createDossiersSync({
        db,
        logger: log('dossiers.sync'),
        settings: portalSettings,
        observers: () => dossiers.observers,
        directory: directory.service,
        services: services.service,
        calendar,
      })
    : null;
  if (dossiersSync) dossiers.observe(dossiersSync.observer);
  // Statistics counters are kept inside every transaction that changes a dossier.
  const dossierStats = createDossierStatsModule({ db, calendar, directory: directory.service });
  dossiers.observe(dossierStats.observer);
  // Inter-agency parts: observes dossiers and the axis (a part for an agency on another instance
  // travels as an edXML packet).
  const interagency = createInteragencyModule({
    db,
    logger: log('dossiers.interagency'),
    directory: directory.service,
    services: services.service,
    dossiers,
    dossierObservers: dossiers.observers,
    exchange,
    pki: pki.service,
    notify: notify.service,
    calendar,
    blobs,
  });
  // The dossier pages show each part's agency and progress ("Các phần liên thông").
  dossiers.addPageSection((ctx, id, base) => interagency.section(ctx, id, base));
  const records = createRecordsModule({
    db,
    logger: log('records'),
    exchange: exchange.service,
    pki: pki.service,
    directory: directory.service,
  });
  const reporting = createReportingModule({
    db,
    logger: log('reporting'),
    directory: directory.service,
    pki: pki.service,
    calendar,
    notify: notify.service,
  });
  const audit = createAuditModule({ db, logger: log('audit') });

  const modules = [
    directory,
    identity,
    services,
    dossiers,
    ...(dossiersSync ? [dossiersSync] : []),
    dossierStats,
    interagency,
    payments,
    pki,
    notify,
    exchange,
    records,
    reporting,
  ];
  addNavigation(...modules.flatMap((mod) => mod.nav), ...audit.nav);
  const expectedMigrations = readMigrations().length;
  const app = await createHttpServer({
    config,
    logger,
    resolveActor: identity.resolveActor,
    isReady: () => databaseReady(database, expectedMigrations),
    renderErrorPage,
    modules: [createHomeModule(), ...modules.map((mod) => mod.http), audit.http],
  });
  return {
    app,
    directory,
    identity,
    pki,
    notify,
    services,
    payments,
    dossiers,
    dossiersSync,
    dossierStats,
    interagency,
    exchange,
    records,
    reporting,
    jobs: modules.flatMap((mod) => ('jobs' in mod ? mod.jobs : [])),
  };
}

/** Loads the reference data every deployment needs (idempotent): agencies, procedures, regimes. */
export async function seedReferenceData(
  platform: Platform,
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  const directory = await platform.directory.seed(ctx);
  const services = await platform.services.seed(ctx);
  const interagency = await platform.interagency.seed(ctx);
  await platform.reporting.seed(ctx);
  await platform.dossiersSync?.schedule();
  await platform.dossiers.scheduleDeadlines();
  return { directory, services, interagency };
}

/** Releases process-wide resources the modules hold (worker pools, the development gateway). */
export async function shutdownPlatform(): Promise<void> {
  await closeVerifyPool();
  await devGateway?.close();
  devGateway = null;
  await devPortal?.close();
  devPortal = null;
}
