/** What the catalogue's services share: tables, caches, one way to write, and row mappers. */
import type { Logger } from 'pino';
import { recordAudit, type AuditInput } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { Forbidden, Unauthenticated } from '../../platform/errors.ts';
import type { DirectoryService } from '../directory/index.ts';
import { createPublishedCache } from './cache.ts';
import { CodeTaken, ContentInvalid, DraftConflict, ProcedureNotFound } from './errors.ts';
import type { Decision } from './policies.ts';
import {
  procedureContentSchema,
  type ProcedureContent,
  type ProcedureSummary,
  type ProcedureVersion,
  type VersionSummary,
} from './schemas.ts';
import { procedureSearchName, procedureSearchText } from './search.ts';
import type { ProcedureRow, ServicesTables, SvcDb, VersionRow } from './tables.ts';

export const MAX_TEMPLATE_BYTES = 2 * 1024 * 1024;

/** A published procedure as the public page shows it. */
export interface PublishedProcedure {
  procedure: ProcedureSummary;
  version: ProcedureVersion;
}

export interface ProcedureAdminView {
  procedure: ProcedureSummary;
  versions: VersionSummary[];
  draft: ProcedureVersion | null;
  current: ProcedureVersion | null;
}

export function enforce(decision: Decision): void {
  switch (decision) {
    case 'allow':
      return;
    case 'unauthenticated':
      throw Unauthenticated();
    case 'forbidden':
      throw Forbidden();
    case 'hidden':
      throw ProcedureNotFound();
  }
}

/** Checks content from a caller that bypassed the route schema (pages, JSON import, seed). */
export function parseContent(input: unknown): ProcedureContent {
  const parsed = procedureContentSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw ContentInvalid({
    fields: parsed.error.issues
      .slice(0, 50)
      .map((i) => ({ field: i.path.map(String).join('.'), message: i.message.slice(0, 300) })),
  });
}

export function toVersionSummary(
  v: Pick<VersionRow, 'id' | 'number' | 'state' | 'created_at' | 'updated_at' | 'published_at'>,
): VersionSummary {
  return {
    id: v.id,
    number: v.number,
    state: v.state,
    createdAt: v.created_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
    publishedAt: v.published_at?.toISOString() ?? null,
  };
}

export function toVersion(v: VersionRow): ProcedureVersion {
  return { ...toVersionSummary(v), procedureId: v.procedure_id, content: v.content as ProcedureContent };
}

export function toSummary(p: ProcedureRow, hasDraft: boolean): ProcedureSummary {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    sector: { code: p.sector_code, name: p.sector_name },
    serviceLevel: p.service_level,
    status: p.status,
    ownerAgencyId: p.owner_agency_id,
    currentVersionId: p.current_version_id,
    latestNumber: p.latest_number,
    hasDraft,
    updatedAt: p.updated_at.toISOString(),
  };
}

/** The listing and search columns of a procedure, from the content that represents it. */
export function listingColumns(c: ProcedureContent) {
  return {
    name: c.name,
    sector_code: c.sector.code,
    sector_name: c.sector.name,
    agency_kinds: [...c.agencies.kinds],
    agency_ids: [...c.agencies.agencyIds],
    service_level: c.level.decree42,
    search_name: procedureSearchName(c),
    search_text: procedureSearchText(c),
  };
}

export interface ServicesStore {
  db: SvcDb;
  log: Logger;
  directory: DirectoryService;
  /** Published versions by code. */
  cache: ReturnType<typeof createPublishedCache<PublishedProcedure>>;
  /** Published and superseded versions by id (their content never changes; the state may). */
  versionCache: ReturnType<typeof createPublishedCache<ProcedureVersion>>;
  /** The sector list; it changes only when a procedure is published or unpublished. */
  sectorCache: ReturnType<
    typeof createPublishedCache<{ list: { code: string; name: string; count: number }[] }>
  >;
  /** Runs `work` in a transaction with one audit event; unique violations become conflicts. */
  write: <T>(
    ctx: RequestContext,
    work: (trx: SvcDb) => Promise<T>,
    audit: (r: T) => AuditInput,
  ) => Promise<T>;
}

export function createServicesStore(deps: {
  db: Db;
  logger: Logger;
  directory: DirectoryService;
}): ServicesStore {
  const db: SvcDb = deps.db.withTables<ServicesTables>();
  async function write<T>(
    ctx: RequestContext,
    work: (trx: SvcDb) => Promise<T>,
    audit: (r: T) => AuditInput,
  ): Promise<T> {
    try {
      return await db.transaction().execute(async (trx) => {
        const r = await work(trx);
        await recordAudit(trx, ctx, audit(r));
        return r;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        const constraint = (error as { constraint?: string }).constraint ?? '';
        throw constraint.includes('one_draft') || constraint.includes('number')
          ? DraftConflict()
          : CodeTaken();
      }
      throw error;
    }
  }

  return {
    db,
    log: deps.logger,
    directory: deps.directory,
    cache: createPublishedCache<PublishedProcedure>(),
    versionCache: createPublishedCache<ProcedureVersion>(),
    sectorCache: createPublishedCache<{ list: { code: string; name: string; count: number }[] }>({ max: 1 }),
    write,
  };
}
