/** Reading the public catalogue: published procedures, versions by id, search, sectors, templates, linked sets. */
import { createHash, randomUUID } from 'node:crypto';
import type { RequestContext } from '../../platform/context.ts';
import { ContentInvalid, TemplateNotFound, TemplateTooLarge } from './errors.ts';
import { listScope, mayManageProcedure } from './policies.ts';
import * as repo from './repo.ts';
import {
  linkedSetContentSchema,
  PROCEDURE_CODE,
  type LinkedSetContent,
  type ProcedureVersion,
  type SearchHit,
  type SearchQuery,
} from './schemas.ts';
import { normaliseQuery } from './search.ts';
import {
  enforce,
  MAX_TEMPLATE_BYTES,
  toSummary,
  toVersion,
  type PublishedProcedure,
  type ServicesStore,
} from './store.ts';
import { generatedTemplate, type TemplateFile } from './templates.ts';
import { isUuid } from '../../platform/ids.ts';

export function createCatalogue(store: ServicesStore) {
  const { db, cache, versionCache, sectorCache, write } = store;
  const deps = { directory: store.directory };
  const catalogue = {
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
      if (!isUuid(versionId)) return null;
      // Filing reads the version on every step: kept in this process (content is immutable; a
      // publish here clears the cache, another process's state change shows within the TTL).
      const hit = versionCache.get(versionId);
      if (hit) return hit;
      const v = await repo.findVersion(db, versionId);
      if (!v || v.state === 'draft') return null;
      const version = toVersion(v);
      versionCache.set(versionId, version);
      return version;
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
      const published = await catalogue.getPublished(code);
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
      versionCache.clear();
      sectorCache.clear();
    },
  };
  return catalogue;
}
