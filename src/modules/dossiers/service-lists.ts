// Work lists of the back office: my tasks, my unit's tasks, due soon, overdue, the receiving
// queue and search with filters — one agency only, keyset cursors (opaque), at most 100 a page.
import { hasRole, type RequestContext } from '../../platform/context.ts';
import type { DossiersDeps } from './deps.ts';
import { BadCursor, DossierNotFound } from './errors.ts';
import { WARN_WORKING_HOURS } from './jobs.ts';
import { backOfficeRoles } from './policies.ts';
import { toStepView, type StepView } from './service-process.ts';
import { toView, type DossierView } from './shared.ts';
import type { DossierChannel, DossierStatus } from './tables.ts';
import { listsRepo, type TaskRow } from './workflow/lists.ts';
import { unitScope } from './workflow/units.ts';
import { UUID_PATTERN as UUID } from '../../platform/ids.ts';

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next: string | null;
}

export interface TaskView extends StepView {
  dossierId: string;
  code: string | null;
  procedureName: string;
  applicantName: string;
  status: DossierStatus;
  dossierDueAt: string | null;
  rowVersion: number;
  /** Due within the next 4 working hours (the deadline job warns then). */
  dueSoon: boolean;
  overdue: boolean;
}

export interface ListQuery {
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface SearchQuery extends ListQuery {
  q?: string | undefined;
  status?: DossierStatus | undefined;
  procedureCode?: string | undefined;
  channel?: DossierChannel | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export type TaskList = 'mine' | 'unit' | 'due_soon' | 'overdue';

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw new Error('shape');
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) throw new Error('date');
    return { at: d, id };
  } catch {
    throw BadCursor();
  }
}

const pageSize = (n: number | undefined) => Math.min(Math.max(Math.trunc(n ?? 50), 1), 100);

/** A local date `yyyy-MM-dd` as the instant of its local midnight (UTC+7). */
function localMidnight(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(`${iso}T00:00:00+07:00`);
  if (Number.isNaN(d.getTime())) throw BadCursor();
  return d;
}

export function createLists(deps: DossiersDeps) {
  const { db } = deps;

  const officer = (ctx: RequestContext) => {
    if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, ...backOfficeRoles)) throw DossierNotFound();
    return ctx.actor;
  };

  const toTask = (r: TaskRow, now: Date, soon: Date): TaskView => ({
    ...toStepView(r),
    dossierId: r.dossier_id,
    code: r.code,
    procedureName: r.procedure_name,
    applicantName: r.applicant_name,
    status: r.status,
    dossierDueAt: r.dossier_due_at ? r.dossier_due_at.toISOString() : null,
    rowVersion: r.row_version,
    dueSoon: r.due_at !== null && r.due_at >= now && r.due_at < soon,
    overdue: r.due_at !== null && r.due_at < now,
  });

  const lists = {
    /**
     * Tasks: `mine` (assigned to me), `unit` (open steps of my roles in my agency, the queue
     * included: the agency's steps and my unit's, never another unit's — every unit's for the
     * head of the agency), `due_soon` (the same, due within the next 4 working hours),
     * `overdue` (the same, past due). Earliest due first.
     */
    async tasks(ctx: RequestContext, list: TaskList, q: ListQuery = {}): Promise<Page<TaskView>> {
      const actor = officer(ctx);
      const limit = pageSize(q.limit);
      const now = deps.now();
      const soon = deps.calendar.addWorkingHours(now, WARN_WORKING_HOURS);
      const roles = actor.roles.includes('platform_admin') ? [...backOfficeRoles] : actor.roles;
      const rows = await listsRepo.tasks(db, {
        agencyId: actor.agencyId,
        ...(list === 'mine' ? { assigneeId: actor.accountId } : { roles, units: unitScope(actor) }),
        ...(list === 'due_soon' ? { dueFrom: now, dueBefore: soon } : {}),
        ...(list === 'overdue' ? { dueBefore: now } : {}),
        after: decodeCursor(q.cursor),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((r) => toTask(r, now, soon)),
        next: rows.length > limit && last?.due_at ? encodeCursor(last.due_at, last.id) : null,
      };
    },

    /** Search and filters over the agency's dossiers, newest first. */
    async searchDossiers(ctx: RequestContext, q: SearchQuery = {}): Promise<Page<DossierView>> {
      const actor = officer(ctx);
      const limit = pageSize(q.limit);
      const rows = await listsRepo.search(db, {
        agencyId: actor.agencyId,
        q: q.q?.slice(0, 100),
        status: q.status,
        procedureCode: q.procedureCode,
        channel: q.channel,
        from: localMidnight(q.from),
        to: q.to ? new Date((localMidnight(q.to) ?? new Date()).getTime() + 86_400_000) : undefined,
        after: decodeCursor(q.cursor),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map(toView),
        next: rows.length > limit && last?.submitted_at ? encodeCursor(last.submitted_at, last.id) : null,
      };
    },

    /** The receiving desk's queue: dossiers submitted (online, counter, post) waiting to be checked. */
    async receivingQueue(ctx: RequestContext, q: ListQuery = {}): Promise<Page<DossierView>> {
      if (ctx.actor.kind !== 'official' || !hasRole(ctx.actor, 'one_stop_officer')) throw DossierNotFound();
      return lists.searchDossiers(ctx, { ...q, status: 'submitted' });
    },
  };
  return lists;
}
