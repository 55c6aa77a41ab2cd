/**
 * The sync queue as administrators see it: counts, items per state with their last error, and
 * retrying an item. Platform administrators see every agency; an agency's administrator (role
 * `admin`) sees the items of their agency's dossiers; anyone else gets 404 (never 403).
 */
import { recordAudit } from '../../../platform/audit/chain.ts';
import { hasRole, isPlatformAdmin, type Actor, type RequestContext } from '../../../platform/context.ts';
import type { Db, Tx } from '../../../platform/db/database.ts';
import { defineError, Unauthenticated } from '../../../platform/errors.ts';
import { syncRepo, type OutboxRow, type OutboxState } from './repo.ts';

export const SyncNotFound = defineError('DOSSIER_SYNC_NOT_FOUND', 404, {
  vi: 'Không tìm thấy mục đồng bộ.',
  en: 'Sync item not found.',
});
export const SyncAlreadySent = defineError('DOSSIER_SYNC_ALREADY_SENT', 409, {
  vi: 'Mục này đã được Cổng Dịch vụ công quốc gia xác nhận, không gửi lại.',
  en: 'The national portal has acknowledged this item; it is not sent again.',
});

export interface OutboxView {
  id: string;
  itemId: string;
  dossierId: string;
  dossierCode: string;
  service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC';
  nationalStatus: number;
  isUpdating: boolean;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface QueueView {
  counts: Record<OutboxState, number>;
  state: OutboxState;
  items: OutboxView[];
  /** Id to pass as `before` for the next page, or null. */
  next: string | null;
}

export interface InboundProblemView {
  maHoSo: string;
  agencyCode: string;
  procedureCode: string;
  problem: string;
  attempts: number;
  filedAt: string;
  lastTriedAt: string;
}

const PAGE = 50;

export function toOutboxView(r: OutboxRow): OutboxView {
  return {
    id: String(r.id),
    itemId: r.item_id,
    dossierId: r.dossier_id,
    dossierCode: r.dossier_code,
    service: r.service,
    nationalStatus: r.national_status,
    isUpdating: r.is_updating,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at.toISOString(),
    lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
    sentAt: r.sent_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

/** The agency whose items the actor sees (null: all); throws 404 for anyone else. */
function scope(actor: Actor): string | null {
  if (actor.kind === 'anonymous') throw Unauthenticated();
  if (isPlatformAdmin(actor)) return null;
  if (actor.kind === 'official' && hasRole(actor, 'admin')) return actor.agencyId;
  throw SyncNotFound();
}

/** True when the actor may see the sync queue page (for the navigation). */
export function maySeeQueue(actor: Actor): boolean {
  return actor.kind === 'official' && (isPlatformAdmin(actor) || hasRole(actor, 'admin'));
}

export function createSyncService(deps: {
  db: Db;
  now: () => Date;
  enqueuePush: (trx: Tx, dossierId: string) => Promise<void>;
}) {
  return {
    async queue(
      ctx: RequestContext,
      o: { state: OutboxState; before?: string | undefined },
    ): Promise<QueueView> {
      const agencyId = scope(ctx.actor);
      const [counts, rows] = await Promise.all([
        syncRepo.counts(deps.db, agencyId),
        syncRepo.list(deps.db, { state: o.state, agencyId, limit: PAGE + 1, beforeId: o.before }),
      ]);
      const items = rows.slice(0, PAGE).map(toOutboxView);
      return { counts, state: o.state, items, next: rows.length > PAGE ? (items.at(-1)?.id ?? null) : null };
    },

    /** Dossiers filed on the portal that could not be imported yet (platform administrators). */
    async inboundProblems(ctx: RequestContext): Promise<InboundProblemView[]> {
      if (scope(ctx.actor) !== null) return [];
      return (await syncRepo.problems(deps.db, 100)).map((r) => ({
        maHoSo: r.ma_ho_so,
        agencyCode: r.agency_code,
        procedureCode: typeof r.item['MaTTHC'] === 'string' ? r.item['MaTTHC'] : '',
        problem: r.problem ?? '',
        attempts: r.attempts,
        filedAt: r.filed_at.toISOString(),
        lastTriedAt: r.updated_at.toISOString(),
      }));
    },

    /** Sends a failed or waiting item again now (and the dossier's items after it). */
    async retry(ctx: RequestContext, id: string): Promise<OutboxView> {
      const agencyId = scope(ctx.actor);
      if (!/^\d{1,18}$/.test(id)) throw SyncNotFound();
      return deps.db.transaction().execute(async (trx) => {
        const row = await syncRepo.byId(trx, id);
        if (!row || (agencyId !== null && row.agency_id !== agencyId)) throw SyncNotFound();
        if (row.state === 'sent') throw SyncAlreadySent();
        const updated = await syncRepo.retry(trx, id, deps.now());
        if (!updated) throw SyncAlreadySent();
        await deps.enqueuePush(trx, row.dossier_id);
        await recordAudit(trx, ctx, {
          action: 'dossiers.sync_retry',
          subjectType: 'dossier',
          subjectIds: [row.dossier_id],
          agencyId: row.agency_id,
          details: { item: row.item_id, service: row.service, from: row.state },
        });
        return toOutboxView(updated);
      });
    },
  };
}
export type SyncService = ReturnType<typeof createSyncService>;
