import { codeCandidates, type CodeScheme } from './codes.ts';
import { today, toIsoDate } from './dates.ts';
import { findAgency, findCodeHolder, isAncestor, successorLinks } from './repo.ts';
import { toSummary, type DirectoryStore } from './store.ts';
import type { AgencyRow } from './tables.ts';
import type { AgencySummary, Resolution } from './types.ts';
import { isUuid } from '../../platform/ids.ts';

/** Ids given by callers are checked before they reach the database (kept here for the module's files). */
export { isUuid };

const MAX_CHAIN = 20;

/** Resolution of codes to agencies, and hierarchy checks, cached until the next change. */
export function createResolver(store: DirectoryStore) {
  const { db, cache } = store;

  /** From `start`, follows successors of closed agencies through events effective by `until`. */
  async function follow(start: AgencyRow, until: string): Promise<AgencyRow[]> {
    const chain = [start];
    let current = start;
    while (chain.length < MAX_CHAIN && current.valid_to !== null && current.valid_to <= until) {
      const links = await successorLinks(db, current.id, until);
      const next = links[0];
      if (!next || chain.some((a) => a.id === next.successorId)) break;
      const row = await findAgency(db, next.successorId);
      if (!row) break;
      chain.push(row);
      current = row;
    }
    return chain;
  }

  async function resolveUncached(code: string, at: string): Promise<Resolution | null> {
    const candidates = codeCandidates(code);
    if (candidates.length === 0) return null;
    const held = await findCodeHolder(db, candidates, at);
    if (!held) return null;
    const holder = await findAgency(db, held.agency_id);
    if (!holder) return null;
    const day = today();
    const atChain = await follow(holder, at);
    const nowChain = await follow(holder, day > at ? day : at);
    const last = <T>(xs: T[]): T => xs[xs.length - 1] as T;
    return {
      heldBy: toSummary(holder, at),
      responsible: toSummary(last(atChain), at),
      current: toSummary(last(nowChain), day),
      chain: nowChain.map((a) => toSummary(a, day)),
      code: {
        scheme: held.scheme as CodeScheme,
        code: held.code,
        validFrom: held.valid_from,
        validTo: held.valid_to,
        confirmed: held.confirmed,
      },
    };
  }

  return {
    /** The agency that held `code` on `at` (default today) and the one responsible now. */
    async resolve(code: string, at?: Date | string): Promise<Resolution | null> {
      const day = at === undefined ? today() : typeof at === 'string' ? at : toIsoDate(at);
      const key = `r|${day}|${code}`;
      const hit = cache.get<Resolution | null>(key);
      if (hit !== undefined) return hit;
      const result = await resolveUncached(code, day);
      cache.set(key, result);
      return result;
    },

    /** An agency by id (cached), or null. */
    async getAgency(id: string): Promise<AgencySummary | null> {
      if (!isUuid(id)) return null;
      const key = `a|${id}`;
      const hit = cache.get<AgencySummary | null>(key);
      if (hit !== undefined) return hit;
      const row = await findAgency(db, id);
      const result = row ? toSummary(row) : null;
      cache.set(key, result);
      return result;
    },

    /** True when `agencyId` is `ancestorId` or below it through parent links. */
    async isWithin(ancestorId: string, agencyId: string): Promise<boolean> {
      if (ancestorId === agencyId) return true;
      if (!isUuid(ancestorId) || !isUuid(agencyId)) return false;
      const key = `w|${ancestorId}|${agencyId}`;
      const hit = cache.get<{ v: boolean }>(key);
      if (hit !== undefined) return hit.v;
      const v = await isAncestor(db, ancestorId, agencyId);
      cache.set(key, { v });
      return v;
    },
  };
}
export type Resolver = ReturnType<typeof createResolver>;
