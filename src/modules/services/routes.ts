import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { createPublishedCache } from './cache.ts';
import { ProcedureNotFound, VersionNotFound } from './errors.ts';
import { validateFormValues } from './form/validate.ts';
import {
  codeParams,
  createProcedureSchema,
  idParams,
  linkedSetContentSchema,
  procedureContentSchema,
  procedureSummarySchema,
  searchQuerySchema,
  searchResultSchema,
  sectorSchema,
  templateRefSchema,
  templateUploadSchema,
  updateDraftSchema,
  versionParams,
  versionSchema,
  versionSummarySchema,
} from './schemas.ts';
import type { ServicesService } from './service.ts';
import { contentDisposition } from '../../platform/http/download.ts';

const tags = ['services'];
const writeSecurity: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const publishedSchema = z.object({ procedure: procedureSummarySchema, version: versionSchema });
const adminViewSchema = z.object({
  procedure: procedureSummarySchema,
  versions: z.array(versionSummarySchema).max(500),
  draft: versionSchema.nullable(),
  current: versionSchema.nullable(),
});
const issueSchema = z.object({
  path: z.string().max(500),
  code: z.string().max(60),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
const validationSchema = z.object({
  ok: z.boolean(),
  values: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(issueSchema).max(100).optional(),
});

/** The catalogue's API: public search and reading, administration of procedures. */
export function registerServicesRoutes(app: App, service: ServicesService): void {
  const publishedJson = createPublishedCache<{ bytes: Buffer }>({ max: 2000, ttlMs: 10 * 60_000 });
  app.get(
    '/api/v1/services/procedures',
    {
      schema: {
        tags,
        summary:
          'Search published procedures (diacritics optional, typo-tolerant), by sector, agency or level',
        querystring: searchQuerySchema,
        response: { 200: searchResultSchema },
      },
    },
    (request) => service.search(request.query),
  );

  app.get(
    '/api/v1/services/procedures/:code',
    {
      schema: {
        tags,
        summary: 'The published version of a procedure by its code (MaTTHC)',
        params: codeParams,
        response: { 200: publishedSchema },
      },
    },
    async (request, reply) => {
      const p = await service.getPublished(request.params.code);
      if (!p) throw ProcedureNotFound();
      // A published version never changes: its JSON (checked against the schema once) is kept
      // as bytes by version id instead of being validated and serialised on every request
      // (the procedure's summary — draft opened, updated — changes without a new version).
      const key = `${p.version.id}:${p.procedure.updatedAt}:${p.procedure.latestNumber}:${p.procedure.hasDraft}`;
      let bytes = publishedJson.get(key)?.bytes;
      if (!bytes) {
        bytes = Buffer.from(JSON.stringify(publishedSchema.parse(p)), 'utf8');
        publishedJson.set(key, { bytes });
      }
      return reply
        .type('application/json; charset=utf-8')
        .serializer((x) => x as string)
        .send(bytes as unknown as z.infer<typeof publishedSchema>); // bytes of exactly that shape
    },
  );

  app.get(
    '/api/v1/services/versions/:id',
    {
      schema: {
        tags,
        summary: 'A published or superseded version by id (what a dossier was filed under)',
        params: idParams,
        response: { 200: versionSchema },
      },
    },
    async (request) => {
      const v = await service.getVersion(request.params.id);
      if (!v) throw VersionNotFound();
      return v;
    },
  );

  app.post(
    '/api/v1/services/versions/:id/validate',
    {
      schema: {
        tags,
        summary: 'Validate values against the form of a version (the same validator dossiers use)',
        params: idParams,
        body: z.object({ values: z.record(z.string().max(40), z.unknown()) }),
        response: { 200: validationSchema },
      },
    },
    async (request) => {
      const v = await service.getVersion(request.params.id);
      if (!v) throw VersionNotFound();
      const r = validateFormValues(v.content.form, request.body.values);
      return r.ok ? { ok: true, values: r.values } : { ok: false, errors: r.errors };
    },
  );

  app.get(
    '/api/v1/services/sectors',
    {
      schema: {
        tags,
        summary: 'Sectors (lĩnh vực) of the published procedures',
        response: { 200: z.array(sectorSchema).max(500) },
      },
    },
    () => service.sectors(),
  );

  app.get(
    '/api/v1/services/linked-sets',
    {
      schema: {
        tags,
        summary: 'Linked procedure sets (liên thông): one filing, parts per agency',
        response: { 200: z.array(linkedSetContentSchema).max(200) },
      },
    },
    () => service.linkedSets(),
  );

  // Administration.
  app.get(
    '/api/v1/services/admin/procedures',
    {
      schema: {
        tags,
        summary: 'Procedures the actor manages (platform admin: all; agency admin: its agency)',
        security: writeSecurity,
        querystring: z.object({
          q: z.string().max(200).optional(),
          page: z.coerce.number().int().min(1).max(1000).optional(),
        }),
        response: {
          200: z.object({ items: z.array(procedureSummarySchema).max(50), hasNext: z.boolean() }),
        },
      },
    },
    (request) => service.listForAdmin(request.ctx, request.query),
  );

  app.post(
    '/api/v1/services/admin/procedures',
    {
      schema: {
        tags,
        summary: 'Create a procedure; its first version is a draft',
        security: writeSecurity,
        body: createProcedureSchema,
        response: { 201: procedureSummarySchema },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createProcedure(request.ctx, request.body)),
  );

  app.get(
    '/api/v1/services/admin/procedures/:id',
    {
      schema: {
        tags,
        summary: 'A procedure with its versions, draft and current version',
        security: writeSecurity,
        params: idParams,
        response: { 200: adminViewSchema },
      },
    },
    (request) => service.getForAdmin(request.ctx, request.params.id),
  );

  app.put(
    '/api/v1/services/admin/procedures/:id/draft',
    {
      schema: {
        tags,
        summary:
          'Save the draft (opens one from the current version if none); baseNumber must be the version edited (409 otherwise)',
        security: writeSecurity,
        params: idParams,
        body: updateDraftSchema,
        response: { 200: versionSummarySchema },
      },
    },
    (request) => service.saveDraft(request.ctx, request.params.id, request.body),
  );

  for (const action of ['publish', 'unpublish'] as const) {
    app.post(
      `/api/v1/services/admin/procedures/:id/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'publish'
              ? 'Publish the draft: it becomes the current version, the previous one is superseded'
              : 'Take the procedure off the public catalogue (versions stay readable by id)',
          security: writeSecurity,
          params: idParams,
          response: { 200: procedureSummarySchema },
        },
      },
      (request) => service[action](request.ctx, request.params.id),
    );
  }

  app.get(
    '/api/v1/services/admin/procedures/:id/versions/:number',
    {
      schema: {
        tags,
        summary: 'One version by number (drafts included)',
        security: writeSecurity,
        params: versionParams,
        response: { 200: versionSchema },
      },
    },
    (request) => service.getVersionForAdmin(request.ctx, request.params.id, request.params.number),
  );

  app.get(
    '/api/v1/services/admin/procedures/:id/export',
    {
      schema: {
        tags,
        summary: 'The procedure as JSON (the draft if there is one, else the current version)',
        security: writeSecurity,
        params: idParams,
        response: { 200: procedureContentSchema },
      },
    },
    async (request) => {
      const view = await service.getForAdmin(request.ctx, request.params.id);
      const v = view.draft ?? view.current;
      if (!v) throw VersionNotFound();
      return v.content;
    },
  );

  app.post(
    '/api/v1/services/admin/import',
    {
      schema: {
        tags,
        summary:
          'Import a procedure as JSON: creates it, or saves it as the draft of the procedure with that code',
        security: writeSecurity,
        body: createProcedureSchema,
        response: { 200: z.object({ created: z.boolean(), procedure: procedureSummarySchema }) },
      },
    },
    (request) => service.importProcedure(request.ctx, request.body),
  );

  app.post(
    '/api/v1/services/admin/templates',
    {
      schema: {
        tags,
        summary: 'Store a template file (base64, at most 2 MB); papers reference it by sha256',
        security: writeSecurity,
        body: templateUploadSchema,
        response: { 201: templateRefSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await service.storeTemplate(request.ctx, {
          fileName: request.body.fileName,
          mediaType: request.body.mediaType,
          body: Buffer.from(request.body.contentBase64, 'base64'),
        }),
      ),
  );

  app.put(
    '/api/v1/services/admin/linked-sets',
    {
      schema: {
        tags,
        summary: 'Record or replace a linked procedure set (platform administrators)',
        security: writeSecurity,
        body: linkedSetContentSchema,
        response: { 200: linkedSetContentSchema },
      },
    },
    (request) => service.saveLinkedSet(request.ctx, request.body),
  );

  app.get(
    '/services/:code/papers/:key/template',
    { schema: { hide: true, params: codeParams.extend({ key: z.string().max(40) }) } },
    async (request, reply) => {
      const file = await service.template(request.params.code, request.params.key);
      return reply
        .type(file.mediaType)
        .header('content-disposition', contentDisposition(file.fileName))
        .header('x-content-type-options', 'nosniff')
        .send(file.body);
    },
  );
}
