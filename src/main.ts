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
import { createIdentityModule, type IdentityModule } from './modules/identity/index.ts';
import { closeVerifyPool, createPkiModule, type PkiModule } from './modules/pki/index.ts';
import { createExchangeModule, type ExchangeModule } from './modules/exchange/index.ts';
import { createReportingModule, type ReportingModule } from './modules/reporting/index.ts';
import {
  createNotifyModule,
  createNotifyTransports,
  notifyConfigFromEnv,
  type NotifyModule,
} from './modules/notify/index.ts';

export interface Platform {
  app: App;
  directory: DirectoryModule;
  identity: IdentityModule;
  pki: PkiModule;
  notify: NotifyModule;
  exchange: ExchangeModule;
  reporting: ReportingModule;
  /** Every background job the modules define, for `start` and `worker`. */
  jobs: JobDefinition[];
}

/** The composition root: builds every module on one database and wires them into the HTTP server. */
export async function buildPlatform(deps: {
  config: Config;
  logger: Logger;
  database: Database;
}): Promise<Platform> {
  const { config, logger, database } = deps;
  const db = database.db;
  const calendar = createWorkCalendar();
  const blobs = createFileBlobStore(path.join(config.dataDir, 'blobs'));

  const directory = createDirectoryModule({
    db,
    logger: logger.child({ module: 'directory' }),
    pool: database.pool,
  });
  const identity = createIdentityModule({
    db,
    logger: logger.child({ module: 'identity' }),
    config,
    directory: directory.service,
  });
  const pki = createPkiModule({ db, logger: logger.child({ module: 'pki' }), config });
  const notifyLogger = logger.child({ module: 'notify' });
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
    logger: notifyLogger,
    config,
    transports: createNotifyTransports({ db, logger: notifyLogger, config: notifyConfig, env: config.env }),
  });
  const exchange = createExchangeModule({
    db,
    logger: logger.child({ module: 'exchange' }),
    config,
    directory: directory.service,
    pki: pki.service,
    blobs,
  });
  const reporting = createReportingModule({
    db,
    logger: logger.child({ module: 'reporting' }),
    directory: directory.service,
    pki: pki.service,
    calendar,
  });
  const audit = createAuditModule({ db });
  const modules = [directory, identity, pki, notify, exchange, reporting];
  addNavigation(...modules.flatMap((m) => m.nav), ...audit.nav);

  const expectedMigrations = readMigrations().length;
  const app = await createHttpServer({
    config,
    logger,
    resolveActor: identity.resolveActor,
    isReady: () => databaseReady(database, expectedMigrations),
    renderErrorPage,
    modules: [createHomeModule(), ...modules.map((m) => m.http), audit.http],
  });
  return { app, directory, identity, pki, notify, exchange, reporting, jobs: modules.flatMap((m) => m.jobs) };
}

/** Loads the reference data every deployment needs (idempotent): agencies, procedures, regimes. */
export async function seedReferenceData(
  platform: Platform,
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  const directory = await platform.directory.seed(ctx);
  await platform.reporting.seed(ctx);
  return { directory };
}

/** Releases process-wide resources the modules hold (worker pools) on shutdown. */
export async function shutdownPlatform(): Promise<void> {
  await closeVerifyPool();
}
