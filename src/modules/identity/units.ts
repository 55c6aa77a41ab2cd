// Units of an agency (phòng, ban, sở…): directory agencies below the official's agency whose
// kind is an internal unit or a department. A commune or another People's Committee below a
// province is a government of its own, with its own officials, never a unit of the province.
import type { AgencySummary, DirectoryService, SearchHit, SearchQuery } from '../directory/index.ts';
import { UnitNotFound } from './errors.ts';

/** Directory kinds an official's unit may have. */
export const unitKinds = ['department', 'unit'] as const;

/** What unit checks need from the directory. */
export type UnitDirectory = Pick<DirectoryService, 'getAgency'> & {
  search(query: SearchQuery): Promise<{ items: SearchHit[]; page: number; hasNext: boolean }>;
};

const MAX_UNITS = 200;
const MAX_DEPTH = 3;

/**
 * The active units below `agencyId` (children, their children, up to three levels), by name.
 * At most 200: an agency with more units is a directory to be cleaned, not a list to show.
 */
export async function unitsOf(directory: UnitDirectory, agencyId: string): Promise<AgencySummary[]> {
  const found: AgencySummary[] = [];
  let parents = [agencyId];
  for (let depth = 0; depth < MAX_DEPTH && parents.length > 0 && found.length < MAX_UNITS; depth += 1) {
    const next: string[] = [];
    for (const parentId of parents)
      for (const kind of unitKinds) {
        const r = await directory.search({ parentId, kind, status: 'active', pageSize: 100 });
        for (const hit of r.items) {
          if (found.length >= MAX_UNITS) break;
          found.push(hit);
          next.push(hit.id);
        }
      }
    parents = next;
  }
  return found.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/**
 * The unit `unitId` if it is an active unit below `agencyId`; anything else — unknown, the agency
 * itself, another agency's unit, a commune — answers 404 IDENTITY_UNIT_NOT_FOUND.
 */
export async function requireUnitOf(
  directory: UnitDirectory,
  agencyId: string,
  unitId: string,
): Promise<AgencySummary> {
  const unit = await directory.getAgency(unitId);
  if (!unit || unit.id === agencyId) throw UnitNotFound();
  // Up the parent chain to the agency, through units only (a commune's unit is not the province's).
  let at: AgencySummary | null = unit;
  for (let depth = 0; at && depth < MAX_DEPTH; depth += 1) {
    if (!at.active || !(unitKinds as readonly string[]).includes(at.kind) || !at.parentId) break;
    if (at.parentId === agencyId) return unit;
    at = await directory.getAgency(at.parentId);
  }
  throw UnitNotFound();
}
