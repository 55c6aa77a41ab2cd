// The competent agency of a part: a directory code (its current holder after a merge), or the agency
// of a kind nearest the filing agency — itself, its children, then the children of each ancestor.
import { isoDateOfDay, localDay } from '../../../platform/calendar/index.ts';
import type { InteragencyDirectory } from './deps.ts';
import type { PartAgency } from './definition.ts';

export interface ResolvedAgency {
  id: string;
  name: string;
  code: string;
}

const MAX_LEVELS = 6;

async function qd20Of(dir: InteragencyDirectory, id: string, now: Date): Promise<ResolvedAgency | null> {
  const d = await dir.getAgencyDetail(id);
  if (!d?.active) return null;
  const today = isoDateOfDay(localDay(now));
  const code = d.codes.find(
    (c) => c.scheme === 'QD20' && c.validFrom <= today && (c.validTo === null || c.validTo > today),
  );
  return code ? { id: d.id, name: d.name, code: code.code } : null;
}

async function childOfKind(
  dir: InteragencyDirectory,
  parentId: string,
  kind: string,
): Promise<ResolvedAgency | null> {
  const found = await dir.search({ kind, parentId, status: 'active', pageSize: 20 });
  for (const a of found.items) {
    const c = a.codes.find((x) => x.scheme === 'QD20');
    if (c) return { id: a.id, name: a.name, code: c.code };
  }
  return null;
}

/** The agency a part goes to, or null when the directory has none (the part is marked failed). */
export async function resolvePartAgency(
  dir: InteragencyDirectory,
  filingAgencyId: string,
  agency: PartAgency,
  now: Date,
): Promise<ResolvedAgency | null> {
  if ('code' in agency) {
    const r = await dir.resolveCode(agency.code, now);
    return r ? qd20Of(dir, r.current.id, now) : null;
  }
  const filing = await dir.getAgencyDetail(filingAgencyId);
  if (!filing) return null;
  if (filing.kind === agency.kind) return qd20Of(dir, filing.id, now);
  const below = await childOfKind(dir, filing.id, agency.kind);
  if (below) return below;
  let parentId = filing.parentId;
  for (let level = 0; parentId && level < MAX_LEVELS; level++) {
    const near = await childOfKind(dir, parentId, agency.kind);
    if (near) return near;
    const parent = await dir.getAgency(parentId);
    if (parent?.kind === agency.kind) return qd20Of(dir, parent.id, now);
    parentId = parent?.parentId ?? null;
  }
  return null;
}
