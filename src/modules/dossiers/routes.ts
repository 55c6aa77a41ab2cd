// The dossiers API: schema in → service call → schema out.
import type { App } from '../../platform/http/types.ts';
import {
  createDraftBody,
  dossierDetailSchema,
  dossierListSchema,
  dossierSchema,
  feedbackBody,
  idParams,
  lookupBody,
  lookupSchema,
  reasonBody,
  statsQuery,
  statsSchema,
  submitAnswer,
  valuesBody,
} from './schemas.ts';
import type { DossierService } from './service.ts';

const tags = ['dossiers'];
const security = [{ sessionCookie: [] }];

/** The dossiers API (JSON, in OpenAPI under the tag `dossiers`). */
export function registerDossierRoutes(app: App, service: DossierService): void {
  app.get(
    '/api/v1/dossiers',
    {
      schema: {
        tags,
        security,
        summary: 'The signed-in citizen’s dossiers',
        response: { 200: dossierListSchema },
      },
    },
    async (request) => ({ items: await service.listMine(request.ctx) }),
  );
  app.post(
    '/api/v1/dossiers',
    {
      schema: {
        tags,
        security,
        summary: 'Start a draft for a published procedure at a competent agency',
        body: createDraftBody,
        response: { 201: dossierSchema },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return service.createDraft(request.ctx, request.body);
    },
  );
  app.get(
    '/api/v1/dossiers/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'A dossier with its timeline and papers (its applicant and the agency’s one-stop officers; else 404)',
        params: idParams,
        response: { 200: dossierDetailSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      return {
        dossier: await service.get(request.ctx, id),
        timeline: await service.timeline(request.ctx, id),
        papers: await service.papers(request.ctx, id),
      };
    },
  );
  app.put(
    '/api/v1/dossiers/:id/values',
    {
      schema: {
        tags,
        security,
        summary: 'Save the form values of a draft (checked at submission)',
        params: idParams,
        body: valuesBody,
        response: { 200: dossierSchema },
      },
    },
    async (request) => service.saveValues(request.ctx, request.params.id, request.body.values),
  );
  app.post(
    '/api/v1/dossiers/:id/submit',
    {
      schema: {
        tags,
        security,
        summary: 'Submit a draft: code, due date, receipt',
        description:
          'Refused with 400 DOSSIER_INVALID and `details.form` / `details.missingPapers` when incomplete.',
        params: idParams,
        response: { 200: submitAnswer },
      },
    },
    async (request) => service.submit(request.ctx, request.params.id),
  );
  app.post(
    '/api/v1/dossiers/:id/withdraw',
    {
      schema: {
        tags,
        security,
        summary: 'Withdraw a dossier before processing ends (TrangThaiHoSo 7)',
        params: idParams,
        body: reasonBody,
        response: { 200: dossierSchema },
      },
    },
    async (request) => service.withdraw(request.ctx, request.params.id, request.body.reason),
  );
  app.post(
    '/api/v1/dossiers/:id/feedback',
    {
      schema: {
        tags,
        security,
        summary: 'Rate the service (1–5) and comment, once, after the result',
        params: idParams,
        body: feedbackBody,
        response: { 200: dossierSchema },
      },
    },
    async (request) => service.giveFeedback(request.ctx, request.params.id, request.body),
  );
  app.post(
    '/api/v1/dossiers/lookup',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Public lookup by dossier code and the receipt’s lookup key: the status only',
        body: lookupBody,
        response: { 200: lookupSchema },
      },
    },
    async (request) => service.lookup(request.body.code, request.body.secret),
  );
  app.get(
    '/api/v1/dossiers/stats',
    {
      schema: {
        tags,
        summary: 'Public statistics per agency and procedure: received, completed, on time, rating',
        querystring: statsQuery,
        response: { 200: statsSchema },
      },
    },
    async (request) => ({ items: await service.statistics(request.query) }),
  );
}
