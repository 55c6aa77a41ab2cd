import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import { databaseReady } from './platform/db/connect.ts';
import type { Database } from './platform/db/database.ts';
import { readMigrations } from './platform/db/migrate.ts';
import { createAuditModule } from './platform/audit/index.ts';
import { createHttpServer } from './platform/http/server.ts';
import type { App } from './platform/http/types.ts';
import type { JobDefinition } from './platform/jobs/index.ts';
import { addNavigation } from './platform/pages/layout.ts';
import { createHomeModule, renderErrorPage } from './platform/pages/home.ts';
import { createDirectoryModule, type DirectoryModule } from './modules/directory/index.ts';
import { createIdentityModule, type IdentityModule } from './modules/identity/index.ts';
import { closeVerifyPool, createPkiModule, type PkiModule } from './modules/pki/index.ts';

export interface Platform {
  app: App;
  directory: DirectoryModule;
  identity: IdentityModule;
  pki: PkiModule;
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
  const directory = createDirectoryModule({ db, logger: logger.child({ module: 'directory' }) });
  const identity = createIdentityModule({
    db,
    logger: logger.child({ module: 'identity' }),
    config,
    directory: directory.service,
  });
  const pki = createPkiModule({ db, logger: logger.child({ module: 'pki' }), config });
  const audit = createAuditModule({ db });
  addNavigation(...directory.nav, ...identity.nav, ...pki.nav, ...audit.nav);

  const expectedMigrations = readMigrations().length;
  const app = await createHttpServer({
    config,
    logger,
    resolveActor: identity.resolveActor,
    isReady: () => databaseReady(database, expectedMigrations),
    renderErrorPage,
    modules: [createHomeModule(), identity.http, directory.http, pki.http, audit.http],
  });
  return { app, directory, identity, pki, jobs: [...directory.jobs, ...identity.jobs, ...pki.jobs] };
}

/** Releases process-wide resources the modules hold (worker pools) on shutdown. */
export async function shutdownPlatform(): Promise<void> {
  await closeVerifyPool();
}
