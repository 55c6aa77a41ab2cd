/**
 * The directory module's public door: agencies, identifier codes with validity periods,
 * hierarchy, merges and splits; resolution of any code at any date. See README.md.
 */
import type { Logger } from 'pino';
import type pg from 'pg';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import { createResolutionCache, listenForChanges, type ChangeListener } from './cache.ts';

export type { ChangeListener } from './cache.ts';
import { createCsvService, type CsvService } from './import.ts';
import { createReorgService, type ReorgService } from './reorg.ts';
import { createResolver } from './resolve.ts';
import { registerDirectoryRoutes } from './routes.ts';
import { seedDirectory } from './seed.ts';
import { createAgencyService, type AgencyService } from './service.ts';
import { createStore } from './store.ts';
import type { AgencySummary, CreateAgencyInput, Resolution } from './types.ts';

export type {
  AgencyCode,
  AgencyDetail,
  AgencyKind,
  AgencyName,
  AgencySummary,
  CodeScheme,
  CreateAgencyInput,
  DirectoryEvent,
  MergeInput,
  Resolution,
  SearchHit,
  SearchQuery,
  SplitInput,
  UpdateAgencyInput,
} from './types.ts';
export { agencyKinds } from './types.ts';
export { codeCandidates, codeSchemes, normaliseCode, normaliseQd20, QD20_PATTERN } from './codes.ts';
export { searchNormalise } from './search.ts';

export interface DirectoryService {
  /** Creates an agency with its codes (platform administrators and system only). */
  createAgency(ctx: RequestContext, input: CreateAgencyInput): Promise<AgencySummary>;
  /** An agency by internal id, for other modules (no authorisation: directory data is shared). */
  getAgency(id: string): Promise<AgencySummary | null>;
  /** The agency holding `code` at `at` (default now), and the one responsible now; or null. */
  resolveCode(code: string, at?: Date): Promise<Resolution | null>;
  /** True when `agencyId` is `ancestorId` or below it in the hierarchy (today). */
  isWithin(ancestorId: string, agencyId: string): Promise<boolean>;
}

/** Everything the directory offers: the shared service plus editing, events and CSV. */
export type FullDirectoryService = DirectoryService &
  Omit<AgencyService, 'createAgency'> &
  ReorgService &
  CsvService;

export interface DirectoryModule {
  service: FullDirectoryService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  seed(ctx: RequestContext): Promise<Record<string, number>>;
  /** Clears this process's cache whenever another process changes the directory. */
  listen(pool: pg.Pool): ChangeListener;
}

/**
 * Builds the directory. With `pool`, the HTTP server also holds a LISTEN connection that
 * clears the resolution cache when another process changes the directory.
 */
export function createDirectoryModule(deps: { db: Db; logger: Logger; pool?: pg.Pool }): DirectoryModule {
  const cache = createResolutionCache();
  const store = createStore({ db: deps.db, logger: deps.logger, cache });
  const resolver = createResolver(store);
  const agencies = createAgencyService(store, resolver);
  const reorg = createReorgService(store, agencies);
  const csv = createCsvService(store);
  const service: FullDirectoryService = {
    ...agencies,
    ...reorg,
    ...csv,
    getAgency: (id) => resolver.getAgency(id),
    resolveCode: (code, at) => resolver.resolve(code, at),
    isWithin: (ancestorId, agencyId) => resolver.isWithin(ancestorId, agencyId),
  };
  let listener: ChangeListener | null = null;
  return {
    service,
    http: {
      name: 'directory',
      register(app) {
        registerDirectoryRoutes(app, service);
        if (deps.pool) {
          const pool = deps.pool;
          app.addHook('onReady', (done) => {
            listener = listenForChanges(pool, cache, deps.logger);
            done();
          });
          app.addHook('onClose', async () => {
            await listener?.stop();
          });
        }
      },
    },
    nav: [
      { href: '/directory', label: { vi: 'Danh bạ cơ quan', en: 'Agency directory' }, visible: () => true },
    ],
    jobs: [],
    seed: (ctx) => seedDirectory(store, ctx),
    listen: (pool) => listenForChanges(pool, cache, deps.logger),
  };
}
