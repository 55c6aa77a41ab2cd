import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { DirectoryService } from '../directory/index.ts';
import { deriveKeys } from './crypto.ts';
import { defaultIdentityOptions, type IdentityOptions } from './model.ts';
import { createIdentityRepo } from './repo.ts';
import { createAccountService } from './service-accounts.ts';
import { createAuthService } from './service-auth.ts';
import { createClientService } from './service-clients.ts';

/** The identity service: sign-in and sessions, account administration, machine clients. */
export function createIdentityService(deps: {
  db: Db;
  logger: Logger;
  config: Config;
  directory: DirectoryService;
  options?: Partial<IdentityOptions> | undefined;
}) {
  const shared = {
    db: deps.db,
    repo: createIdentityRepo(deps.db),
    directory: deps.directory,
    logger: deps.logger,
    keys: deriveKeys(deps.config.secrets),
    options: { ...defaultIdentityOptions, ...deps.options },
    baseUrl: deps.config.baseUrl,
  };
  return {
    ...createAuthService(shared),
    ...createAccountService(shared),
    ...createClientService(shared),
    options: shared.options,
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;
