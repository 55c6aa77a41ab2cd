// Placeholder: the directory module's public door. Being implemented in this session.
import type { Logger } from 'pino';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';

export interface AgencySummary {
  id: string;
  name: string;
  shortName: string | null;
  kind: string;
  parentId: string | null;
  active: boolean;
}

export type AgencyKind =
  | 'ministry'
  | 'ministry_level'
  | 'government_agency'
  | 'province_ubnd'
  | 'province_hdnd'
  | 'department'
  | 'commune'
  | 'unit'
  | 'enterprise'
  | 'other';
export type CodeScheme = 'QD20' | 'SHORT' | 'TAX' | 'NODE' | 'ADMIN_UNIT' | 'LOCAL';

export interface CreateAgencyInput {
  name: string;
  shortName?: string | null;
  kind: AgencyKind;
  parentId?: string | null;
  /** ISO date; default today. */
  validFrom?: string;
  codes: { scheme: CodeScheme; code: string; validFrom?: string; primary?: boolean }[];
}

export interface DirectoryService {
  /** Creates an agency with its codes (platform administrators and system only). */
  createAgency(ctx: RequestContext, input: CreateAgencyInput): Promise<AgencySummary>;
  /** An agency by internal id, for other modules (no authorisation: directory data is shared). */
  getAgency(id: string): Promise<AgencySummary | null>;
  /** The agency holding `code` at `at` (default now), or null. */
  resolveCode(code: string, at?: Date): Promise<{ heldBy: AgencySummary; current: AgencySummary } | null>;
  /** True when `agencyId` is `ancestorId` or below it in the hierarchy (today). */
  isWithin(ancestorId: string, agencyId: string): Promise<boolean>;
}

export interface DirectoryModule {
  service: DirectoryService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  seed(ctx: RequestContext): Promise<Record<string, number>>;
}

export function createDirectoryModule(_deps: { db: Db; logger: Logger }): DirectoryModule {
  return {
    service: {
      createAgency: () => Promise.reject(new Error('directory module not built yet')),
      getAgency: () => Promise.resolve(null),
      resolveCode: () => Promise.resolve(null),
      isWithin: (a, b) => Promise.resolve(a === b),
    },
    http: { name: 'directory', register: () => undefined },
    nav: [],
    jobs: [],
    seed: () => Promise.resolve({}),
  };
}
