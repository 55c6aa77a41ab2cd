import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { AgencyNotFound, CodeNotFound, CsvInvalid } from './errors.ts';
import type { FullDirectoryService } from './index.ts';
import { registerDirectoryPages } from './views/pages.ts';
import {
  addCodeSchema,
  agencyDetailSchema,
  agencySummarySchema,
  closeAgencySchema,
  closeCodeSchema,
  createAgencySchema,
  idParams,
  importReportSchema,
  mergeSchema,
  resolutionSchema,
  resolveQuerySchema,
  searchQuerySchema,
  searchResultSchema,
  splitSchema,
  updateAgencySchema,
} from './schemas.ts';

const tags = ['directory'];
const writeSecurity: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
/** A CSV of 200,000 agencies is about 25 MB. */
export const CSV_BODY_LIMIT = 64 * 1024 * 1024;

/** The directory's API (public reads, writes for platform administrators) and pages. */
export function registerDirectoryRoutes(app: App, service: FullDirectoryService): void {
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT },
    (_req, body, done) => {
      done(null, body);
    },
  );

  app.get(
    '/api/v1/directory/agencies',
    {
      schema: {
        tags,
        summary: 'Search agencies by name words (diacritics optional) or code prefix',
        querystring: searchQuerySchema,
        response: { 200: searchResultSchema },
      },
    },
    (request) => service.search(request.query),
  );

  app.get(
    '/api/v1/directory/agencies/by-code/:code',
    {
      schema: {
        tags,
        summary: 'The agency responsible today for a code (any scheme; old codes follow successors)',
        params: z.object({ code: z.string().min(1).max(120) }),
        response: { 200: agencySummarySchema },
      },
    },
    async (request) => {
      const r = await service.resolveCode(request.params.code);
      if (!r) throw CodeNotFound();
      return r.current;
    },
  );

  app.get(
    '/api/v1/directory/agencies/:id',
    {
      schema: {
        tags,
        summary: 'An agency with its names, codes, hierarchy and events',
        params: idParams,
        response: { 200: agencyDetailSchema },
      },
    },
    async (request) => {
      const detail = await service.getAgencyDetail(request.params.id);
      if (!detail) throw AgencyNotFound();
      return detail;
    },
  );

  app.get(
    '/api/v1/directory/resolve',
    {
      schema: {
        tags,
        summary: 'Resolve a code at a date: who held it then (heldBy), who is responsible then and now',
        querystring: resolveQuerySchema,
        response: { 200: resolutionSchema },
      },
    },
    async (request) => {
      const r = await service.resolveCode(
        request.query.code,
        request.query.at ? new Date(`${request.query.at}T12:00:00+07:00`) : undefined,
      );
      if (!r) throw CodeNotFound();
      return r;
    },
  );

  app.post(
    '/api/v1/directory/agencies',
    {
      schema: {
        tags,
        summary: 'Create an agency (platform administrators)',
        security: writeSecurity,
        body: createAgencySchema,
        response: { 201: agencySummarySchema },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createAgency(request.ctx, request.body)),
  );

  app.put(
    '/api/v1/directory/agencies/:id',
    {
      schema: {
        tags,
        summary:
          'Edit an agency; `version` must be the current one (409 DIRECTORY_VERSION_CONFLICT otherwise)',
        security: writeSecurity,
        params: idParams,
        body: updateAgencySchema,
        response: { 200: agencySummarySchema },
      },
    },
    (request) => service.updateAgency(request.ctx, request.params.id, request.body),
  );

  app.post(
    '/api/v1/directory/agencies/:id/codes',
    {
      schema: {
        tags,
        summary: 'Add an identifier code (periods of one code never overlap: 409 DIRECTORY_CODE_TAKEN)',
        security: writeSecurity,
        params: idParams,
        body: addCodeSchema,
        response: {
          201: z.object({
            id: z.uuid(),
            scheme: z.string(),
            code: z.string(),
            validFrom: z.string(),
            validTo: z.string().nullable(),
          }),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.addCode(request.ctx, request.params.id, request.body)),
  );

  app.post(
    '/api/v1/directory/codes/:id/close',
    {
      schema: {
        tags,
        summary: 'End a code on a date (exclusive)',
        security: writeSecurity,
        params: idParams,
        body: closeCodeSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.closeCode(request.ctx, request.params.id, request.body.validTo);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/directory/agencies/:id/close',
    {
      schema: {
        tags,
        summary: 'Close an agency, optionally naming its successor',
        security: writeSecurity,
        params: idParams,
        body: closeAgencySchema,
        response: { 201: z.object({ eventId: z.uuid() }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.closeAgency(request.ctx, request.params.id, request.body)),
  );

  app.post(
    '/api/v1/directory/events/merge',
    {
      schema: {
        tags,
        summary: 'Record a merge: predecessors (ids or codes) into a successor on a date',
        security: writeSecurity,
        body: mergeSchema,
        response: {
          201: z.object({ eventId: z.uuid(), closed: z.array(z.uuid()), moved: z.array(z.string()) }),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await service.recordMerge(request.ctx, request.body)),
  );

  app.post(
    '/api/v1/directory/events/split',
    {
      schema: {
        tags,
        summary: 'Record a split with a default successor',
        security: writeSecurity,
        body: splitSchema,
        response: { 201: z.object({ eventId: z.uuid() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await service.recordSplit(request.ctx, request.body)),
  );

  app.post(
    '/api/v1/directory/import',
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Import agencies from CSV (text/csv body; all or nothing; 400 DIRECTORY_CSV_INVALID lists problems by line)',
        security: writeSecurity,
        body: z.string().max(CSV_BODY_LIMIT),
        response: { 200: importReportSchema },
      },
    },
    async (request) => {
      const report = await service.importCsv(request.ctx, request.body);
      if (report.problems.length > 0) throw CsvInvalid({ problems: report.problems });
      return report;
    },
  );

  app.get(
    '/api/v1/directory/export',
    { schema: { tags, summary: 'The directory as CSV (the import format)', produces: ['text/csv'] } },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="directory.csv"')
        .send(await service.exportCsv()),
  );

  registerDirectoryPages(app, service);
}
