/**
 * The rules of the catalogue: creating procedures, editing drafts, publishing versions and
 * administration; with the public catalogue of catalogue.ts, the module's service.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { actorId, type RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { DirectoryService } from '../directory/index.ts';
import { createCatalogue } from './catalogue.ts';
import {
  CodeChanged,
  CodeTaken,
  ContentInvalid,
  DraftConflict,
  NothingToPublish,
  NotPublished,
  OwnerInvalid,
  ProcedureNotFound,
  TemplateNotFound,
  VersionNotFound,
} from './errors.ts';
import { listScope, mayAdministerCatalogue, mayManageProcedure, ownerOfNewProcedure } from './policies.ts';
import * as repo from './repo.ts';
import type { ProcedureContent, ProcedureSummary, ProcedureVersion, VersionSummary } from './schemas.ts';
import {
  createServicesStore,
  enforce,
  listingColumns,
  parseContent,
  toSummary,
  toVersion,
  toVersionSummary,
  type ProcedureAdminView,
} from './store.ts';
import type { ProcedureRow, SvcDb } from './tables.ts';
import { normaliseQuery } from './search.ts';

export {
  parseContent,
  MAX_TEMPLATE_BYTES,
  type PublishedProcedure,
  type ProcedureAdminView,
} from './store.ts';

export function createServicesService(deps: { db: Db; logger: Logger; directory: DirectoryService }) {
  const store = createServicesStore(deps);
  const { db, cache, versionCache, sectorCache, write, log } = store;
  const catalogue = createCatalogue(store);

  async function assertTemplates(trx: SvcDb, c: ProcedureContent): Promise<void> {
    const wanted = c.papers.flatMap((p) => (p.template?.kind === 'stored' ? [p.template.sha256] : []));
    const found = await repo.templatesExist(trx, wanted);
    const missing = c.papers.findIndex((p) => p.template?.kind === 'stored' && !found.has(p.template.sha256));
    if (missing >= 0)
      throw TemplateNotFound({
        fields: [{ field: `papers.${missing}.template`, message: 'unknown sha256' }],
      });
  }

  async function assertAgencies(c: ProcedureContent): Promise<void> {
    for (const [i, id] of c.agencies.agencyIds.entries())
      if (!(await deps.directory.getAgency(id)))
        throw ContentInvalid({
          fields: [{ field: `agencies.agencyIds.${i}`, message: 'not in the directory' }],
        });
  }

  /** Loads a procedure the actor manages (locked for update inside a transaction), or 404. */
  async function managed(trx: SvcDb, ctx: RequestContext, id: string, lock: boolean): Promise<ProcedureRow> {
    const p = await repo.findProcedure(trx, id, lock);
    if (!p) {
      enforce(mayAdministerCatalogue(ctx.actor));
      throw ProcedureNotFound();
    }
    enforce(mayManageProcedure(ctx.actor, p.owner_agency_id));
    return p;
  }

  const editing = {
    /** Creates a procedure with its first draft (version 1). */
    async createProcedure(
      ctx: RequestContext,
      input: { ownerAgencyId?: string | null | undefined; content: unknown },
    ): Promise<ProcedureSummary> {
      const decision = ownerOfNewProcedure(ctx.actor, input.ownerAgencyId);
      if (typeof decision === 'string') enforce(decision);
      const owner = typeof decision === 'string' ? null : decision.owner;
      const content = parseContent(input.content);
      if (owner && !(await deps.directory.getAgency(owner))) throw OwnerInvalid();
      await assertAgencies(content);
      const id = randomUUID();
      const versionId = randomUUID();
      const row = await write(
        ctx,
        async (trx) => {
          await assertTemplates(trx, content);
          if (await repo.findProcedureByCode(trx, content.code)) throw CodeTaken({ code: content.code });
          const procedure = {
            id,
            code: content.code,
            owner_agency_id: owner,
            status: 'draft' as const,
            current_version_id: null,
            latest_number: 1,
            ...listingColumns(content),
          };
          await repo.insertProcedure(trx, procedure);
          await repo.insertVersion(trx, {
            id: versionId,
            procedure_id: id,
            number: 1,
            state: 'draft',
            content: JSON.stringify(content),
            created_by: actorId(ctx.actor),
            published_at: null,
            published_by: null,
          });
          const created = await repo.findProcedure(trx, id);
          if (!created) throw ProcedureNotFound();
          return created;
        },
        (p) => ({
          action: 'services.procedure.create',
          subjectType: 'procedure',
          subjectIds: [p.id, versionId],
          agencyId: owner,
          details: { code: p.code, number: 1 },
        }),
      );
      log.info({ action: 'services.procedure.create', procedureId: id, code: row.code }, 'procedure created');
      return toSummary(row, true);
    },

    /**
     * Saves the draft: opens a new draft (latest number + 1) from the published version, or
     * updates the open draft. `baseNumber` is the version the editor started from.
     */
    async saveDraft(
      ctx: RequestContext,
      id: string,
      input: { baseNumber: number; content: unknown },
    ): Promise<VersionSummary> {
      const content = parseContent(input.content);
      await assertAgencies(content);
      const saved = await write(
        ctx,
        async (trx) => {
          const p = await managed(trx, ctx, id, true);
          if (content.code !== p.code) throw CodeChanged();
          await assertTemplates(trx, content);
          const draft = await repo.findDraft(trx, id);
          if (input.baseNumber !== (draft?.number ?? p.latest_number)) throw DraftConflict();
          let versionId: string;
          if (draft) {
            versionId = draft.id;
            await repo.updateVersion(trx, draft.id, { content: JSON.stringify(content) });
          } else {
            versionId = randomUUID();
            await repo.insertVersion(trx, {
              id: versionId,
              procedure_id: id,
              number: p.latest_number + 1,
              state: 'draft',
              content: JSON.stringify(content),
              created_by: actorId(ctx.actor),
              published_at: null,
              published_by: null,
            });
            await repo.updateProcedure(trx, id, { latest_number: p.latest_number + 1 });
          }
          // Before the first publication the list shows what the draft says.
          if (!p.current_version_id) await repo.updateProcedure(trx, id, listingColumns(content));
          const v = await repo.findVersion(trx, versionId);
          if (!v) throw VersionNotFound();
          return { v, owner: p.owner_agency_id };
        },
        (r) => ({
          action: 'services.procedure.save_draft',
          subjectType: 'procedure',
          subjectIds: [id, r.v.id],
          agencyId: r.owner,
          details: { code: content.code, number: r.v.number },
        }),
      );
      return toVersionSummary(saved.v);
    },

    /** Publishes the draft (it becomes the current version), or publishes again an unpublished procedure. */
    async publish(ctx: RequestContext, id: string): Promise<ProcedureSummary> {
      const row = await write(
        ctx,
        async (trx) => {
          const p = await managed(trx, ctx, id, true);
          const draft = await repo.findDraft(trx, id);
          if (!draft) {
            if (p.status !== 'unpublished' || !p.current_version_id) throw NothingToPublish();
            await repo.updateProcedure(trx, id, { status: 'published' });
          } else {
            const content = draft.content as ProcedureContent;
            if (p.current_version_id)
              await repo.updateVersion(trx, p.current_version_id, { state: 'superseded' });
            await repo.updateVersion(trx, draft.id, {
              state: 'published',
              published_at: new Date(),
              published_by: actorId(ctx.actor),
            });
            await repo.updateProcedure(trx, id, {
              status: 'published',
              current_version_id: draft.id,
              ...listingColumns(content),
            });
          }
          const after = await repo.findProcedure(trx, id);
          if (!after) throw ProcedureNotFound();
          return after;
        },
        (p) => ({
          action: 'services.procedure.publish',
          subjectType: 'procedure',
          subjectIds: [p.id, ...(p.current_version_id ? [p.current_version_id] : [])],
          agencyId: p.owner_agency_id,
          details: { code: p.code, number: p.latest_number },
        }),
      );
      cache.drop(row.code);
      versionCache.clear();
      log.info(
        { action: 'services.procedure.publish', procedureId: id, code: row.code },
        'procedure published',
      );
      return toSummary(row, false);
    },

    /** Takes a procedure off the public catalogue; its versions stay readable by id. */
    async unpublish(ctx: RequestContext, id: string): Promise<ProcedureSummary> {
      const row = await write(
        ctx,
        async (trx) => {
          const p = await managed(trx, ctx, id, true);
          if (p.status !== 'published') throw NotPublished();
          await repo.updateProcedure(trx, id, { status: 'unpublished' });
          return { ...p, status: 'unpublished' as const };
        },
        (p) => ({
          action: 'services.procedure.unpublish',
          subjectType: 'procedure',
          subjectIds: [p.id],
          agencyId: p.owner_agency_id,
          details: { code: p.code },
        }),
      );
      cache.drop(row.code);
      versionCache.clear();
      sectorCache.clear();
      return toSummary(row, (await repo.findDraft(db, id)) !== undefined);
    },

    /** The administrators' list: every procedure, or those of the agency admin's agency. */
    async listForAdmin(
      ctx: RequestContext,
      o: { q?: string | undefined; page?: number | undefined },
    ): Promise<{ items: ProcedureSummary[]; hasNext: boolean }> {
      const scope = listScope(ctx.actor);
      if (typeof scope === 'string') {
        enforce(scope);
        return { items: [], hasNext: false };
      }
      const page = o.page ?? 1;
      const rows = await repo.listProcedures(db, {
        ownerAgencyId: scope.agencyId,
        words: normaliseQuery(o.q),
        offset: (page - 1) * 50,
        limit: 51,
      });
      return {
        items: rows.slice(0, 50).map((r) => toSummary(r, Boolean(r.has_draft))),
        hasNext: rows.length > 50,
      };
    },

    /** A procedure with its versions, draft and current version, for those who manage it. */
    async getForAdmin(ctx: RequestContext, id: string): Promise<ProcedureAdminView> {
      const p = await managed(db, ctx, id, false);
      const versions = await repo.listVersions(db, id);
      const draft = await repo.findDraft(db, id);
      const current = p.current_version_id ? await repo.findVersion(db, p.current_version_id) : undefined;
      return {
        procedure: toSummary(p, draft !== undefined),
        versions: versions.map(toVersionSummary),
        draft: draft ? toVersion(draft) : null,
        current: current ? toVersion(current) : null,
      };
    },

    /** One version by number, drafts included, for those who manage the procedure. */
    async getVersionForAdmin(ctx: RequestContext, id: string, number: number): Promise<ProcedureVersion> {
      await managed(db, ctx, id, false);
      const v = await repo.findVersionByNumber(db, id, number);
      if (!v) throw VersionNotFound();
      return toVersion(v);
    },

    /** Creates the procedure of an exported JSON, or saves it as the draft of the existing one. */
    async importProcedure(
      ctx: RequestContext,
      input: { ownerAgencyId?: string | null | undefined; content: unknown },
    ): Promise<{ created: boolean; procedure: ProcedureSummary }> {
      const content = parseContent(input.content);
      const existing = await repo.findProcedureByCode(db, content.code);
      if (!existing)
        return { created: true, procedure: await editing.createProcedure(ctx, { ...input, content }) };
      enforce(mayManageProcedure(ctx.actor, existing.owner_agency_id));
      const draft = await repo.findDraft(db, existing.id);
      await editing.saveDraft(ctx, existing.id, {
        baseNumber: draft?.number ?? existing.latest_number,
        content,
      });
      return { created: false, procedure: (await editing.getForAdmin(ctx, existing.id)).procedure };
    },

    /** Throws unless the actor may use the catalogue administration (401/403). */
    assertMayAdminister(ctx: RequestContext): void {
      enforce(mayAdministerCatalogue(ctx.actor));
    },

    /** True when a procedure with this code exists, whatever its state. */
    async exists(code: string): Promise<boolean> {
      return (await repo.findProcedureByCode(db, code)) !== undefined;
    },
  };
  const service = { ...editing, ...catalogue };
  return service;
}

export type ServicesService = ReturnType<typeof createServicesService>;
