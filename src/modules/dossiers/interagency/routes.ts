// The inter-agency API: schema in → service call → schema out.
import type { App } from '../../../platform/http/types.ts';
import { idParams, interagencyProcedureSchema, interagencySchema, procedureListSchema } from './schemas.ts';
import type { InteragencyService } from './service.ts';

const tags = ['dossiers'];
const security = [{ sessionCookie: [] }];

/** `GET /api/v1/dossiers/:id/interagency`, and the procedures defined as data. */
export function registerInteragencyRoutes(app: App, service: InteragencyService): void {
  app.get(
    '/api/v1/dossiers/:id/interagency',
    {
      schema: {
        tags,
        security,
        summary:
          'The inter-agency parts of a dossier: every part for the applicant and the filing agency, its own part for an agency that handles one (else 404)',
        params: idParams,
        response: { 200: interagencySchema },
      },
    },
    async (request) => service.partsOf(request.ctx, request.params.id),
  );
  app.get(
    '/api/v1/dossiers/interagency/procedures',
    {
      schema: {
        tags,
        summary: 'Inter-agency procedures (thủ tục liên thông) defined as data',
        response: { 200: procedureListSchema },
      },
    },
    async () => ({ items: await service.procedures() }),
  );
  app.put(
    '/api/v1/dossiers/interagency/procedures',
    {
      schema: {
        tags,
        security,
        summary: 'Define or redefine an inter-agency procedure (platform administrators)',
        body: interagencyProcedureSchema,
        response: { 200: interagencyProcedureSchema },
      },
    },
    async (request) => service.saveProcedure(request.ctx, request.body),
  );
}
