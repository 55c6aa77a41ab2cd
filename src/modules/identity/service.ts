import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { deriveKeys } from './crypto.ts';
import {
  defaultIdentityOptions,
  type AdminUnitDirectory,
  type IdentityOptions,
  type VerificationNotifier,
} from './model.ts';
import { derivePersonalDataKeys } from './pii-crypto.ts';
import { createCitizenRepo } from './repo-citizens.ts';
import { createIdentityRepo } from './repo.ts';
import { createAccountService } from './service-accounts.ts';
import { createAuthService } from './service-auth.ts';
import { createClientService } from './service-clients.ts';
import { createFederationService } from './service-federation.ts';
import { createProfileService } from './service-profile.ts';
import { createRegistrationService } from './service-registration.ts';
import { createSessionCache } from './session-cache.ts';

/** The identity service: sign-in and sessions, account administration, machine clients, citizens. */
export function createIdentityService(deps: {
  db: Db;
  logger: Logger;
  config: Config;
  directory: AdminUnitDirectory;
  notify?: VerificationNotifier | undefined;
  options?: Partial<IdentityOptions> | undefined;
}) {
  const repo = createIdentityRepo(deps.db);
  const shared = {
    db: deps.db,
    repo,
    directory: deps.directory,
    logger: deps.logger,
    keys: deriveKeys(deps.config.secrets),
    options: { ...defaultIdentityOptions, ...deps.options },
    baseUrl: deps.config.baseUrl,
    sessions: createSessionCache(),
  };
  const citizenDeps = {
    ...shared,
    citizens: createCitizenRepo(deps.db, repo),
    pii: derivePersonalDataKeys(deps.config.secrets),
    notify: deps.notify ?? null,
    adminUnits: deps.directory,
    codeMinutes: 10,
    codeAttempts: 5,
  };
  return {
    ...createAuthService(shared),
    ...createAccountService(shared),
    ...createClientService(shared),
    ...createRegistrationService(citizenDeps),
    ...createProfileService(citizenDeps),
    ...createFederationService(citizenDeps),
    options: shared.options,
    /** For the OpenID Connect provider and the upstream login (same database, same keys). */
    internals: { citizens: citizenDeps.citizens, pii: citizenDeps.pii, repo, sessions: shared.sessions },
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;
