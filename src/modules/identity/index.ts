// Placeholder: the identity module's public door. Being implemented in this session.
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { ActorResolver, HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import type { DirectoryService } from '../directory/index.ts';

export interface IdentityModule {
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

export function createIdentityModule(_deps: {
  db: Db;
  logger: Logger;
  config: Config;
  directory: DirectoryService;
}): IdentityModule {
  return {
    http: { name: 'identity', register: () => undefined },
    nav: [],
    jobs: [],
    resolveActor: () => Promise.resolve({ kind: 'anonymous' }),
    seedDemo: () => Promise.reject(new Error('identity module not built yet')),
    createAdmin: () => Promise.reject(new Error('identity module not built yet')),
  };
}
