/**
 * The rules of the catalogue: creating procedures, editing drafts, publishing versions,
 * finding published procedures and reading any non-draft version by id (for dossiers).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { recordAudit, type AuditInput } from '../../platform/audit/index.ts';
import { actorId, type RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { Forbidden, Unauthenticated } from '../../platform/errors.ts';
import type { DirectoryService } from '../directory/index.ts';
import { createPublishedCache } from './cache.ts';
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
  TemplateTooLarge,
  VersionNotFound,
} from './errors.ts';
import {
  listScope,
  mayAdministerCatalogue,
  mayManageProcedure,
  ownerOfNewProcedure,
  type Decision,
} from './policies.ts';
import * as repo from './repo.ts';
import {
  linkedSetContentSchema,
  procedureContentSchema,
  type LinkedSetContent,
  type ProcedureContent,
  type ProcedureSummary,
  type ProcedureVersion,
  type SearchHit,
  type SearchQuery,
  type VersionSummary,
} from './schemas.ts';
import { normaliseQuery, procedureSearchName, procedureSearchText } from './search.ts';
import type { ProcedureRow, ServicesTables, SvcDb, VersionRow } from './tables.ts';
import { generatedTemplate, type TemplateFile } from './templates.ts';
import { PROCEDURE_CODE } from './schemas.ts';

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

function enforce(decision: Decision): void {
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

function toVersionSummary(
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

function toVersion(v: VersionRow): ProcedureVersion {
  return { ...toVersionSummary(v), procedureId: v.procedure_id, content: v.content as ProcedureContent };
}

function toSummary(p: ProcedureRow, hasDraft: boolean): ProcedureSummary {
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
function listingColumns(c: ProcedureContent) {
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

export function createServicesService(deps: { db: Db; logger: Logger; directory: DirectoryService }) {
  const db: SvcDb = deps.db.withTables<ServicesTables>();
  const cache = createPublishedCache<PublishedProcedure>();
  // The sector list changes only when a procedure is published or unpublished.
  const sectorCache = createPublishedCache<{ list: { code: string; name: string; count: number }[] }>({
    max: 1,
  });
  const log = deps.logger;

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

  /** Stored templates named by the content must exist, or the content is refused. */
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

  const service = {
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
        return { created: true, procedure: await service.createProcedure(ctx, { ...input, content }) };
      enforce(mayManageProcedure(ctx.actor, existing.owner_agency_id));
      const draft = await repo.findDraft(db, existing.id);
      await service.saveDraft(ctx, existing.id, {
        baseNumber: draft?.number ?? existing.latest_number,
        content,
      });
      return { created: false, procedure: (await service.getForAdmin(ctx, existing.id)).procedure };
    },

    /** Throws unless the actor may use the catalogue administration (401/403). */
    assertMayAdminister(ctx: RequestContext): void {
      enforce(mayAdministerCatalogue(ctx.actor));
    },

    /** True when a procedure with this code exists, whatever its state. */
    async exists(code: string): Promise<boolean> {
      return (await repo.findProcedureByCode(db, code)) !== undefined;
    },

    /** The published procedure of a code (cached in this process), or null. */
    async getPublished(code: string): Promise<PublishedProcedure | null> {
      if (!PROCEDURE_CODE.test(code)) return null;
      const hit = cache.get(code);
      if (hit) return hit;
      const p = await repo.findProcedureByCode(db, code);
      if (!p || p.status !== 'published' || !p.current_version_id) return null;
      const v = await repo.findVersion(db, p.current_version_id);
      if (!v) return null;
      const value = { procedure: toSummary(p, false), version: toVersion(v) };
      cache.set(code, value);
      return value;
    },

    /**
     * Any version that has been published (current or superseded) by id; drafts are not
     * returned. Dossiers keep the version id they were filed under and read it here.
     */
    async getVersion(versionId: string): Promise<ProcedureVersion | null> {
      if (!/^[0-9a-f-]{36}$/i.test(versionId)) return null;
      const v = await repo.findVersion(db, versionId);
      return v && v.state !== 'draft' ? toVersion(v) : null;
    },

    /** Published procedures for a query, ranked (exact name or code first), with filters. */
    async search(query: SearchQuery): Promise<{ items: SearchHit[]; page: number; hasNext: boolean }> {
      const page = query.page ?? 1;
      const size = query.pageSize ?? 20;
      let agencyKind = query.agencyKind;
      if (query.agencyId && !agencyKind)
        agencyKind =
          ((await deps.directory.getAgency(query.agencyId))?.kind as typeof agencyKind) ?? undefined;
      const raw = (query.q ?? '').trim();
      const rows = await repo.searchPublished(db, {
        words: normaliseQuery(raw),
        code: PROCEDURE_CODE.test(raw) ? raw : null,
        sector: query.sector,
        agencyId: query.agencyId,
        agencyKind,
        level: query.level,
        offset: (page - 1) * size,
        limit: size + 1,
      });
      return {
        items: rows.slice(0, size).map((r) => ({
          code: r.code,
          name: r.name,
          sector: { code: r.sector_code, name: r.sector_name },
          serviceLevel: r.service_level,
          versionId: r.current_version_id ?? '',
          score: Math.round(Number(r.score) * 1000) / 1000,
        })),
        page,
        hasNext: rows.length > size,
      };
    },

    /** Sectors that have published procedures. */
    async sectors(): Promise<{ code: string; name: string; count: number }[]> {
      const hit = sectorCache.get('all');
      if (hit) return hit.list;
      const rows = await repo.publishedSectors(db);
      const list = rows.map((r) => ({ code: r.sector_code, name: r.sector_name, count: Number(r.count) }));
      sectorCache.set('all', { list });
      return list;
    },

    /** The template of a paper of a published procedure (stored, or generated from the form). */
    async template(code: string, paperKey: string): Promise<TemplateFile> {
      const published = await service.getPublished(code);
      const content = published?.version.content;
      const paper = content?.papers.find((p) => p.key === paperKey);
      if (!content || !paper?.template) throw TemplateNotFound();
      if (paper.template.kind === 'generated') return generatedTemplate(content, paper);
      const stored = await repo.findTemplate(db, paper.template.sha256);
      if (!stored) throw TemplateNotFound();
      return { fileName: paper.template.fileName, mediaType: stored.media_type, body: stored.content };
    },

    /** Stores a template file (content-addressed) for papers to reference. */
    async storeTemplate(
      ctx: RequestContext,
      input: { fileName: string; mediaType: string; body: Buffer },
    ): Promise<{ sha256: string; bytes: number; fileName: string; mediaType: string }> {
      const decision = listScope(ctx.actor);
      if (typeof decision === 'string') enforce(decision);
      if (input.body.length === 0 || input.body.length > MAX_TEMPLATE_BYTES) throw TemplateTooLarge();
      const sha256 = createHash('sha256').update(input.body).digest('hex');
      await write(
        ctx,
        (trx) =>
          repo.insertTemplate(trx, {
            sha256,
            file_name: input.fileName,
            media_type: input.mediaType,
            bytes: input.body.length,
            content: input.body,
          }),
        () => ({
          action: 'services.template.store',
          subjectType: 'template',
          subjectIds: [],
          details: { sha256, bytes: input.body.length },
        }),
      );
      return { sha256, bytes: input.body.length, fileName: input.fileName, mediaType: input.mediaType };
    },

    /** Records (or replaces) a linked procedure set (platform administrators). */
    async saveLinkedSet(ctx: RequestContext, input: unknown): Promise<LinkedSetContent> {
      const decision = mayManageProcedure(ctx.actor, null);
      if (decision !== 'allow') enforce(decision === 'hidden' ? 'forbidden' : decision);
      const parsed = linkedSetContentSchema.safeParse(input);
      if (!parsed.success)
        throw ContentInvalid({
          fields: parsed.error.issues
            .slice(0, 20)
            .map((i) => ({ field: i.path.join('.'), message: i.message })),
        });
      const set = parsed.data;
      await write(
        ctx,
        (trx) =>
          repo.upsertLinkedSet(trx, {
            id: randomUUID(),
            code: set.code,
            name: set.name,
            content: JSON.stringify(set),
          }),
        () => ({
          action: 'services.linked_set.save',
          subjectType: 'linked_set',
          subjectIds: [],
          details: { code: set.code },
        }),
      );
      return set;
    },

    /** Every linked procedure set. */
    async linkedSets(): Promise<LinkedSetContent[]> {
      return (await repo.listLinkedSets(db)).map((r) => r.content as LinkedSetContent);
    },

    /** Drops this process's cache (tests, or after a change made by another process). */
    clearCache(): void {
      cache.clear();
      sectorCache.clear();
    },
  };
  return service;
}

export type ServicesService = ReturnType<typeof createServicesService>;
