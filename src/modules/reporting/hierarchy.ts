/**
 * The hierarchy a period aggregates along, read from the directory's public service at the
 * period's cut-off end (reform-2025.md §2.6): expected units and their ancestor chains.
 * The chains are materialised once per period in `reporting_closure` (the cache), so a
 * submission's delta reaches every ancestor with one statement.
 */
import type {
  AgencySummary,
  DirectoryService,
  FullDirectoryService,
  SearchHit,
  SearchQuery,
} from '../directory/index.ts';
import type { ReporterScope } from './schemas.ts';

/** What reporting needs from the directory: agencies by id and filtered listings. */
export interface ReportingDirectory {
  getAgency: DirectoryService['getAgency'];
  resolveCode: DirectoryService['resolveCode'];
  search(query: SearchQuery): Promise<{ items: SearchHit[]; page: number; hasNext: boolean }>;
  /** Predecessors and successors of merges and splits (restated views). */
  getAgencyDetail: FullDirectoryService['getAgencyDetail'];
  /** Bulk creation of synthetic units by the generator. */
  importCsv: FullDirectoryService['importCsv'];
}

/** True when the agency exists on `date` (validity [validFrom, validTo)). */
export function validOn(a: Pick<AgencySummary, 'validFrom' | 'validTo'>, date: string): boolean {
  return a.validFrom <= date && (a.validTo === null || a.validTo > date);
}

const MAX_PAGES = 200;

async function listAll(directory: ReportingDirectory, q: SearchQuery, date: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const r = await directory.search({ ...q, status: 'all', page, pageSize: 100 });
    for (const a of r.items) if (validOn(a, date)) ids.push(a.id);
    if (!r.hasNext) break;
  }
  return ids;
}

/** The agencies a reporter scope names on `date`. */
export async function resolveScope(
  directory: ReportingDirectory,
  scope: ReporterScope,
  date: string,
): Promise<string[]> {
  switch (scope.kind) {
    case 'all_provinces':
      return listAll(directory, { kind: 'province_ubnd' }, date);
    case 'all_ministries':
      return [
        ...(await listAll(directory, { kind: 'ministry' }, date)),
        ...(await listAll(directory, { kind: 'ministry_level' }, date)),
      ];
    case 'all_communes':
      return listAll(directory, { kind: 'commune' }, date);
    case 'communes_of': {
      const ids: string[] = [];
      for (const p of scope.provinceIds)
        ids.push(...(await listAll(directory, { kind: 'commune', parentId: p }, date)));
      return ids;
    }
    case 'explicit':
      return [...new Set(scope.agencyIds)];
  }
}

export interface ClosureRow {
  unitId: string;
  ancestorId: string;
  depth: number;
}

/**
 * For each unit valid on `date`: the unit itself (depth 0), its parents valid on `date`, and the
 * recipient at the top (unless already on the chain). Units closed on `date` are dropped.
 */
export async function buildClosure(
  directory: ReportingDirectory,
  unitIds: readonly string[],
  recipientId: string,
  date: string,
): Promise<{ units: string[]; closure: ClosureRow[] }> {
  const cache = new Map<string, Promise<AgencySummary | null>>();
  const agency = (id: string) => {
    let hit = cache.get(id);
    if (!hit) {
      hit = directory.getAgency(id);
      cache.set(id, hit);
    }
    return hit;
  };
  const units: string[] = [];
  const closure: ClosureRow[] = [];
  const BATCH = 50;
  for (let i = 0; i < unitIds.length; i += BATCH) {
    const chains = await Promise.all(
      unitIds.slice(i, i + BATCH).map(async (unitId) => {
        const self = await agency(unitId);
        if (!self || !validOn(self, date)) return null;
        const chain = [unitId];
        let parentId = self.parentId;
        for (let guard = 0; parentId && guard < 20; guard++) {
          const parent = await agency(parentId);
          if (!parent) break;
          if (validOn(parent, date) && !chain.includes(parent.id)) chain.push(parent.id);
          parentId = parent.parentId;
        }
        if (!chain.includes(recipientId)) chain.push(recipientId);
        return chain;
      }),
    );
    for (const chain of chains) {
      if (!chain) continue;
      units.push(chain[0]!);
      chain.forEach((ancestorId, depth) => closure.push({ unitId: chain[0]!, ancestorId, depth }));
    }
  }
  return { units, closure };
}
