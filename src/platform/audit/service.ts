import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { Forbidden, Unauthenticated } from '../errors.ts';
import { hasRole, isPlatformAdmin, type RequestContext } from '../context.ts';
import { sealAuditChain, toAuditEvent, type AuditEvent, type AuditOutcome } from './chain.ts';

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  agencyId?: string | undefined;
  subjectId?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Events with seq below this one (keyset pagination, newest first). */
  before?: number | undefined;
  limit: number;
}

/** Browsing the audit trail: platform admins see every event, agency admins their agency's. */
export function createAuditService(db: Db) {
  return {
    async list(
      ctx: RequestContext,
      filter: AuditFilter,
    ): Promise<{ events: AuditEvent[]; nextBefore: number | null }> {
      let agencyScope: string | undefined = filter.agencyId;
      if (!isPlatformAdmin(ctx.actor)) {
        // Anonymous visitors are asked to sign in; signed-in non-administrators are refused.
        if (ctx.actor.kind === 'anonymous') throw Unauthenticated();
        if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, 'admin')) throw Forbidden();
        agencyScope = ctx.actor.agencyId;
      }
      // Show the chain as it stands: seal what committed transactions have written so far.
      await sealAuditChain(db);
      let q = db.selectFrom('audit_events').selectAll().where('seq', 'is not', null);
      if (agencyScope) q = q.where('agency_id', '=', agencyScope);
      if (filter.action)
        q = q.where('action', 'like', `${filter.action.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
      if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
      // A JS array on the right would become a value list `($1)`, not a text[] parameter.
      if (filter.subjectId)
        q = q.where('subject_ids', '@>', sql<string[]>`ARRAY[${filter.subjectId}]::text[]`);
      if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
      if (filter.from) q = q.where('occurred_at', '>=', filter.from);
      if (filter.to) q = q.where('occurred_at', '<', filter.to);
      if (filter.before) q = q.where('seq', '<', String(filter.before));
      const rows = await q
        .orderBy('seq', 'desc')
        .limit(filter.limit + 1)
        .execute();
      const events = rows.slice(0, filter.limit).map(toAuditEvent);
      const last = events[events.length - 1];
      return { events, nextBefore: rows.length > filter.limit && last ? last.seq : null };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
