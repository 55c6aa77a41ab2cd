import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { recordAudit, type AuditInput } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { ResolutionCache } from './cache.ts';
import { normaliseCode, type CodeScheme } from './codes.ts';
import { today } from './dates.ts';
import { CodeInvalid, CodeTaken } from './errors.ts';
import { codesOf, namesOf, notifyChanged } from './repo.ts';
import { agencySearchText } from './search.ts';
import type { AgencyRow, DirDb, DirectoryTables } from './tables.ts';
import type { AgencySummary } from './types.ts';

/** What the directory's services share: the database, the cache and one way to write. */
export interface DirectoryStore {
  db: DirDb;
  logger: Logger;
  cache: ResolutionCache;
  /**
   * Runs `work` in a transaction that also notifies other processes and writes one audit
   * event, then drops this process's cache. Overlapping code periods become CodeTaken.
   */
  write<T>(
    ctx: RequestContext,
    work: (trx: DirDb) => Promise<T>,
    audit: (result: T) => AuditInput,
  ): Promise<T>;
}

export function createStore(deps: { db: Db; logger: Logger; cache: ResolutionCache }): DirectoryStore {
  const db = deps.db.withTables<DirectoryTables>();
  return {
    db,
    logger: deps.logger,
    cache: deps.cache,
    async write(ctx, work, audit) {
      try {
        const result = await deps.db.transaction().execute(async (trx) => {
          const r = await work(trx.withTables<DirectoryTables>());
          await notifyChanged(trx.withTables<DirectoryTables>());
          await recordAudit(trx, ctx, audit(r));
          return r;
        });
        deps.cache.clear();
        return result;
      } catch (error) {
        if ((error as { code?: string }).code === '23P01') throw CodeTaken();
        throw error;
      }
    },
  };
}

/** An agency row as other modules see it. */
export function toSummary(row: AgencyRow, day = today()): AgencySummary {
  return {
    id: row.id,
    name: row.name,
    shortName: row.short_name,
    kind: row.kind,
    parentId: row.parent_id,
    active: row.valid_from <= day && (row.valid_to === null || row.valid_to > day),
    level: row.level,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}

/** Normalises a code or throws DIRECTORY_CODE_INVALID naming it. */
export function requireCode(scheme: CodeScheme, raw: string): string {
  const code = normaliseCode(scheme, raw);
  if (code === null) throw CodeInvalid({ scheme, code: raw.slice(0, 120) });
  return code;
}

/** Recomputes the stored search text of agencies from their names and codes. */
export async function refreshSearchText(trx: DirDb, agencyIds: readonly string[]): Promise<void> {
  for (const id of agencyIds) {
    const names = await namesOf(trx, id);
    const codes = await codesOf(trx, [id]);
    const text = agencySearchText(
      names.flatMap((n) => [n.name, n.short_name]),
      codes.map((c) => c.code),
    );
    await trx.updateTable('directory_agencies').set({ search_text: text }).where('id', '=', id).execute();
  }
}

export const newId = (): string => randomUUID();
