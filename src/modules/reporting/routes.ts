import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import {
  assignBodySchema,
  createRegimeSchema,
  decisionBodySchema,
  idParams,
  periodSchema,
  regimeDefinitionSchema,
  regimeVersionSchema,
  submissionSchema,
  submitBodySchema,
  unitSummarySchema,
} from './schemas.ts';
import type { ReportingService } from './service.ts';

const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const tags = ['reporting'];
const codeParams = z.object({ code: z.string().max(64) });
const periodParams = z.object({ code: z.string().max(64), key: z.string().max(20) });

/** HTTP API of reporting: schema in, service call, schema out. */
const aggregatesResponse = z.object({
  unit: unitSummarySchema,
  children: z.array(unitSummarySchema).max(5000),
});

/** JSON of drill-downs by the identity of their (shared, cached) children array. */
const serialised = new WeakMap<object, string>();

export function registerReportingRoutes(app: App, service: ReportingService): void {
  const { regimes, submissions, dashboard } = service;

  app.get(
    '/api/v1/reporting/regimes',
    {
      schema: {
        tags,
        security,
        summary: 'Reporting regimes with their latest version',
        response: { 200: z.object({ items: z.array(regimeVersionSchema).max(500) }) },
      },
    },
    async () => ({ items: await regimes.listRegimes() }),
  );

  app.post(
    '/api/v1/reporting/regimes',
    {
      schema: {
        tags,
        security,
        summary: 'Create a regime (its first version is a draft)',
        body: createRegimeSchema,
        response: { 201: regimeVersionSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await regimes.createRegime(request.ctx, request.body)),
  );

  app.get(
    '/api/v1/reporting/regimes/:code/versions',
    {
      schema: {
        tags,
        security,
        summary: 'Every version of a regime, newest first (drafts for their editors only)',
        params: codeParams,
        response: { 200: z.object({ items: z.array(regimeVersionSchema).max(1000) }) },
      },
    },
    async (request) => {
      const items = await regimes.versions(request.params.code);
      const visible = [];
      for (const v of items) {
        if (v.status !== 'draft') visible.push(v);
        else
          visible.push(await regimes.getVersion(request.ctx, request.params.code, 'draft').catch(() => null));
      }
      return { items: visible.filter((v) => v !== null) };
    },
  );

  app.put(
    '/api/v1/reporting/regimes/:code/draft',
    {
      schema: {
        tags,
        security,
        summary: 'Replace the draft version (a published version never changes)',
        params: codeParams,
        body: regimeDefinitionSchema,
        response: { 200: regimeVersionSchema },
      },
    },
    async (request) => regimes.updateDraft(request.ctx, request.params.code, request.body),
  );

  app.post(
    '/api/v1/reporting/regimes/:code/publish',
    {
      schema: {
        tags,
        security,
        summary: 'Publish the draft',
        params: codeParams,
        response: { 200: regimeVersionSchema },
      },
    },
    async (request) => regimes.publish(request.ctx, request.params.code),
  );

  app.post(
    '/api/v1/reporting/regimes/:code/versions',
    {
      schema: {
        tags,
        security,
        summary: 'Start a new draft version from the latest one',
        params: codeParams,
        response: { 201: regimeVersionSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await regimes.newVersion(request.ctx, request.params.code)),
  );

  app.post(
    '/api/v1/reporting/regimes/:code/assignments',
    {
      schema: {
        tags,
        security,
        summary: 'Assign the regime to units (given, or by its scope) from a date',
        params: codeParams,
        body: assignBodySchema,
        response: { 200: z.object({ added: z.number().int() }) },
      },
    },
    async (request) => regimes.assign(request.ctx, request.params.code, request.body),
  );

  app.get(
    '/api/v1/reporting/regimes/:code/periods/:key',
    {
      schema: {
        tags,
        security,
        summary: 'A period (opened on first use): window, deadline, lock date, expected reports',
        params: periodParams,
        response: { 200: periodSchema },
      },
    },
    async (request) => regimes.period(request.ctx, request.params.code, request.params.key),
  );

  app.post(
    '/api/v1/reporting/submissions',
    {
      schema: {
        tags,
        security,
        summary: 'Save (submit=false) or submit a unit’s values; machine clients need the "reporting" scope',
        body: submitBodySchema,
        response: { 200: submissionSchema },
      },
    },
    async (request) => submissions.save(request.ctx, { ...request.body, channel: 'api' }),
  );

  app.get(
    '/api/v1/reporting/submissions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'A submission (the unit and its ancestors only)',
        params: idParams,
        response: { 200: submissionSchema },
      },
    },
    async (request) => submissions.get(request.ctx, request.params.id),
  );

  app.post(
    '/api/v1/reporting/submissions/:id/approve',
    {
      schema: {
        tags,
        security,
        summary: 'Approve at the next level',
        params: idParams,
        body: decisionBodySchema,
        response: { 200: submissionSchema },
      },
    },
    async (request) => submissions.approve(request.ctx, request.params.id, request.body.comment),
  );

  app.post(
    '/api/v1/reporting/submissions/:id/return',
    {
      schema: {
        tags,
        security,
        summary: 'Return for correction with a comment',
        params: idParams,
        body: decisionBodySchema,
        response: { 200: submissionSchema },
      },
    },
    async (request) => submissions.returnForCorrection(request.ctx, request.params.id, request.body.comment),
  );

  app.post(
    '/api/v1/reporting/periods/:id/units/:unit/reopen',
    {
      schema: {
        tags,
        security,
        summary: 'Reopen a locked period for one unit (the recipient)',
        params: z.object({ id: z.uuid(), unit: z.uuid() }),
        response: { 200: z.object({ reopenedUntil: z.iso.date() }) },
      },
    },
    async (request) => submissions.reopen(request.ctx, request.params.id, request.params.unit),
  );

  app.get(
    '/api/v1/reporting/aggregates',
    {
      schema: {
        tags,
        security,
        summary: 'Aggregates, completeness and timeliness of a unit and its children',
        querystring: z.object({
          regime: z.string().max(64),
          period: z.string().max(20),
          unit: z.uuid().optional(),
          indicator: z
            .string()
            .max(900)
            .regex(/^[a-z][a-z0-9_]{0,39}(,[a-z][a-z0-9_]{0,39}){0,19}$/)
            .optional()
            .describe('Drill-down by indicator: up to 20 indicator codes, comma-separated (all when absent)'),
        }),
        response: {
          200: aggregatesResponse,
        },
      },
    },
    async (request, reply) => {
      const { indicator, ...q } = request.query;
      const s = await dashboard.summary(request.ctx, { ...q, indicators: indicator?.split(',') });
      // A drill-down is the same object for every reader until the period's figures change:
      // checked against the schema and serialised once, then sent as it is.
      const body = { unit: s.unit, children: [...s.children] };
      let json = serialised.get(s.children);
      if (json === undefined) {
        json = JSON.stringify(aggregatesResponse.parse(body));
        serialised.set(s.children, json);
      }
      const ready = json;
      return reply.serializer(() => ready).send(body);
    },
  );
}
