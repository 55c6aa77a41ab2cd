// The back-office API (tag `dossiers-backoffice`): desk, processing, results, work lists and
// workflows. Every action carries `version` (the dossier's rowVersion the officer saw); a stale
// one answers 409 DOSSIER_CONFLICT. Another agency's dossier answers 404.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { dossierSchema, idParams } from './schemas.ts';
import type { DossierService } from './service.ts';
import { MAX_INTAKE_SCANS } from './service-desk.ts';
import { FEE_REQUEST_MAX_ITEMS, feeRequestItemsSchema } from './service-payment-request.ts';
import { dossierChannels, dossierStatuses, returnMethods, stepOutcomes, timelinessValues } from './tables.ts';
import { supplementClocks, workflowStepSchema } from './workflow/definition.ts';

const tags = ['dossiers-backoffice'];
const security = [{ sessionCookie: [] }];
const text = z.object({ vi: z.string().max(200), en: z.string().max(200) });
const isoTime = z.iso.datetime().nullable();
const version = z
  .number()
  .int()
  .min(1)
  .describe('The dossier’s rowVersion the officer saw (409 DOSSIER_CONFLICT when stale)');
const note = z.string().max(2000).optional();

export const stepSchema = z
  .object({
    seq: z.number().int(),
    key: z.string().max(40),
    name: text,
    role: z.string().max(40),
    unitName: z.string().max(300).nullable(),
    assigneeId: z.uuid().nullable(),
    assigneeName: z.string().max(200).nullable(),
    senderName: z.string().max(200).nullable(),
    startedAt: z.iso.datetime(),
    dueAt: isoTime,
    takenAt: isoTime,
    finishedAt: isoTime,
    finishedByName: z.string().max(200).nullable(),
    timeliness: z.enum(timelinessValues).nullable(),
    outcome: z.enum(stepOutcomes).nullable(),
    outcomeText: text.nullable(),
    note: z.string().max(2000).nullable(),
  })
  .meta({ id: 'DossierStep' });

const taskSchema = stepSchema
  .extend({
    dossierId: z.uuid(),
    code: z.string().max(100).nullable(),
    procedureName: z.string().max(500),
    applicantName: z.string().max(200),
    status: z.enum(dossierStatuses),
    dossierDueAt: isoTime,
    rowVersion: z.number().int(),
    dueSoon: z.boolean(),
    overdue: z.boolean(),
  })
  .meta({ id: 'DossierTask' });

const feeRequestSchema = z
  .object({
    id: z.uuid(),
    items: z
      .array(z.object({ name: z.string().max(300), amount: z.number().int() }))
      .max(FEE_REQUEST_MAX_ITEMS),
    total: z.number().int(),
    note: z.string().max(2000).nullable(),
    requestedByName: z.string().max(200).nullable(),
    requestedAt: z.iso.datetime(),
    paidAt: isoTime,
    paidVia: z.enum(['online', 'cash']).nullable(),
    paidTwice: z
      .array(
        z.object({ paymentId: z.uuid(), amount: z.number().int(), paidAt: isoTime, refunded: z.boolean() }),
      )
      .max(100)
      .describe('Money taken online after the request was paid (cash first), each refunded automatically'),
  })
  .meta({ id: 'DossierFeeRequest' });

const cursor = z.string().max(200).optional().describe('`next` of the previous page');
const limit = z.coerce.number().int().min(1).max(100).optional();
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item).max(100), next: z.string().max(200).nullable() });

const workflowSchema = z
  .object({
    id: z.uuid(),
    procedureCode: z.string().max(100),
    agencyId: z.uuid().nullable(),
    version: z.number().int(),
    isDefault: z.boolean(),
    steps: z.array(workflowStepSchema.extend({ role: z.string().max(40) })).max(20),
    supplementClock: z.enum(supplementClocks),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'DossierWorkflow' });

const pdf = (reply: FastifyReply, bytes: Buffer, name: string) => {
  reply.header('content-disposition', `attachment; filename="${name}"`);
  return reply.type('application/pdf').send(bytes);
};

export function registerBackofficeRoutes(app: App, service: DossierService): void {
  const action = <B extends z.ZodObject>(
    path: string,
    summary: string,
    body: B,
    run: (ctx: Parameters<DossierService['accept']>[0], id: string, b: z.infer<B>) => Promise<unknown>,
  ) =>
    app.post(
      `/api/v1/backoffice/dossiers/:id/${path}`,
      { schema: { tags, security, summary, params: idParams, body, response: { 200: dossierSchema } } },
      (request) => run(request.ctx, request.params.id, request.body as z.infer<B>) as never,
    );

  action('accept', 'Accept at the desk (form 01; the workflow starts)', z.object({ version }), (c, id, b) =>
    service.accept(c, id, b),
  );
  action(
    'supplement',
    'Ask for a supplement (form 02); one item a line',
    z.object({ version, missing: z.string().min(1).max(2000) }),
    (c, id, b) => service.requestSupplement(c, id, b.missing, b.version),
  );
  action(
    'refuse',
    'Refuse (form 03); one reason a line',
    z.object({ version, reasons: z.string().min(1).max(2000) }),
    (c, id, b) => service.refuse(c, id, b),
  );
  action('take', 'Take the open step from the queue of one’s role', z.object({ version }), (c, id, b) =>
    service.take(c, id, b),
  );
  action('forward', 'Hand the step to the next one (form 06 line)', z.object({ version, note }), (c, id, b) =>
    service.forward(c, id, b),
  );
  action(
    'reassign',
    'Hand the open step to another officer holding its role',
    z.object({ version, assigneeId: z.uuid(), note }),
    (c, id, b) => service.reassign(c, id, b),
  );
  action(
    'send-back',
    'Send back to an earlier step',
    z.object({ version, toStepKey: z.string().min(1).max(40), note: z.string().min(1).max(2000) }),
    (c, id, b) => service.sendBack(c, id, b),
  );
  action(
    'extend',
    'Suspend and extend with an apology (form 04)',
    z.object({ version, reason: z.string().min(1).max(2000), workingDays: z.number().int().min(1).max(60) }),
    (c, id, b) => service.extend(c, id, b),
  );
  action(
    'stop',
    'Stop processing (form 05)',
    z.object({ version, reason: z.string().min(1).max(2000) }),
    (c, id, b) => service.stop(c, id, b),
  );
  action(
    'issue-result',
    'Issue the result: template, register number, agency signature',
    z.object({ version, body: z.string().max(4000).optional() }),
    (c, id, b) => service.issueResult(c, id, b),
  );
  action(
    'deliver',
    'Return the result (HinhThuc) and archive',
    z.object({ version, method: z.enum(returnMethods) }),
    (c, id, b) => service.deliver(c, id, b),
  );

  action(
    'request-payment',
    'Ask the applicant for a financial obligation (TrangThaiHoSo 6): 1–10 lines in whole đồng',
    z.object({ version, items: feeRequestItemsSchema, note }),
    (c, id, b) => service.requestPayment(c, id, b),
  );
  action(
    'record-payment',
    'Record the requested amount as received in cash at the counter; processing resumes',
    z.object({
      version,
      requestId: z
        .uuid()
        .optional()
        .describe(
          'The fee request the cash pays (`id` in fee-requests). Another one than the request waiting ' +
            'is refused: already paid, 409 DOSSIER_FEE_REQUEST_PAID; unknown, 409 DOSSIER_NO_FEE. ' +
            'Omitted: the request waiting.',
        ),
    }),
    (c, id, b) => service.recordPayment(c, id, b),
  );
  app.get(
    '/api/v1/backoffice/dossiers/:id/fee-requests',
    {
      schema: {
        tags,
        security,
        summary: 'Financial obligations asked for on the dossier (status 6); the applicant too',
        params: idParams,
        response: { 200: z.object({ items: z.array(feeRequestSchema).max(100) }) },
      },
    },
    async (request) => ({ items: await service.feeRequests(request.ctx, request.params.id) }),
  );

  app.get(
    '/api/v1/backoffice/dossiers/:id/steps',
    {
      schema: {
        tags,
        security,
        summary: 'Step instances (form 06 lines); the applicant too',
        params: idParams,
        response: { 200: z.object({ items: z.array(stepSchema).max(500) }) },
      },
    },
    async (request) => ({ items: await service.steps(request.ctx, request.params.id) }),
  );
  app.get(
    '/api/v1/backoffice/dossiers/:id/forms/:form',
    {
      schema: {
        tags,
        security,
        summary: 'A form issued on the dossier (PDF): 01–05, or 06 (rendered now)',
        params: z.object({ id: z.uuid(), form: z.enum(['01', '02', '03', '04', '05', '06']) }),
      },
    },
    async (request, reply) => {
      const { id, form } = request.params;
      const bytes =
        form === '06'
          ? await service.controlSheet(request.ctx, id)
          : await service.document(request.ctx, id, form);
      return pdf(reply, bytes, `mau-${form}.pdf`);
    },
  );
  app.post(
    '/api/v1/backoffice/intake',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        security,
        summary: 'Counter or postal intake on behalf of an applicant (who may have no account)',
        body: z.object({
          procedureCode: z.string().min(1).max(100),
          channel: z.enum(['counter', 'post']),
          applicant: z.object({
            name: z.string().trim().min(1).max(200),
            idNumber: z
              .string()
              .regex(/^[0-9]{9,12}$/)
              .optional(),
            phone: z.string().max(20).optional(),
            email: z.email().max(254).optional(),
            address: z.string().max(500).optional(),
          }),
          values: z.record(z.string().max(40), z.unknown()),
          scans: z
            .array(
              z.object({
                fileName: z.string().max(200),
                contentBase64: z.base64().max(14_000_000),
                paperKey: z
                  .string()
                  .max(60)
                  .optional()
                  .describe('The procedure’s paper this file is (omitted: an extra scan)'),
              }),
            )
            .min(1)
            .max(MAX_INTAKE_SCANS),
        }),
        response: { 201: z.object({ dossier: dossierSchema, lookupSecret: z.string().max(40) }) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      reply.code(201);
      return service.intake(request.ctx, {
        ...b,
        scans: b.scans.map((s) => ({
          fileName: s.fileName,
          bytes: Buffer.from(s.contentBase64, 'base64'),
          paperKey: s.paperKey,
        })),
      });
    },
  );
  app.get(
    '/api/v1/backoffice/result-register',
    {
      schema: {
        tags,
        security,
        summary: 'The agency’s register of results for a year: every number taken, issued or void',
        description:
          'A number is reserved when taken, then issued (the dossier holds it) or void with the reason ' +
          '(a stable error code, or ABANDONED): never reused, never a silent gap.',
        querystring: z.object({
          year: z.coerce.number().int().min(2000).max(2100),
          after: z.coerce.number().int().min(0).optional().describe('`next` of the previous page'),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
        response: {
          200: z.object({
            items: z
              .array(
                z
                  .object({
                    number: z.number().int(),
                    year: z.number().int(),
                    dossierId: z.uuid(),
                    code: z.string().max(100).nullable(),
                    state: z.enum(['reserved', 'issued', 'void']),
                    reason: z.string().max(60).nullable(),
                    takenAt: z.iso.datetime(),
                    settledAt: isoTime,
                  })
                  .meta({ id: 'DossierResultRegisterEntry' }),
              )
              .max(500),
            next: z.number().int().nullable(),
          }),
        },
      },
    },
    async (request) => service.resultRegister(request.ctx, request.query),
  );
  app.get(
    '/api/v1/backoffice/tasks',
    {
      schema: {
        tags,
        security,
        summary: 'Work lists: my tasks, my unit’s, due soon, overdue (earliest due first)',
        querystring: z.object({
          list: z.enum(['mine', 'unit', 'due_soon', 'overdue']).default('mine'),
          cursor,
          limit,
        }),
        response: { 200: pageOf(taskSchema) },
      },
    },
    async (request) => service.tasks(request.ctx, request.query.list, request.query),
  );
  app.get(
    '/api/v1/backoffice/dossiers',
    {
      schema: {
        tags,
        security,
        summary: 'Search the agency’s dossiers (code prefix, applicant or procedure name) with filters',
        querystring: z.object({
          q: z.string().max(100).optional(),
          status: z.enum(dossierStatuses).optional(),
          procedureCode: z.string().max(100).optional(),
          channel: z.enum(dossierChannels).optional(),
          from: z.iso.date().optional(),
          to: z.iso.date().optional(),
          cursor,
          limit,
        }),
        response: { 200: pageOf(dossierSchema) },
      },
    },
    async (request) => service.searchDossiers(request.ctx, request.query),
  );
  app.get(
    '/api/v1/backoffice/queue',
    {
      schema: {
        tags,
        security,
        summary: 'The receiving desk’s queue (submitted, waiting to be checked)',
        querystring: z.object({ cursor, limit }),
        response: { 200: pageOf(dossierSchema) },
      },
    },
    async (request) => service.receivingQueue(request.ctx, request.query),
  );
  app.get(
    '/api/v1/backoffice/workflows/:procedureCode',
    {
      schema: {
        tags,
        security,
        summary: 'The workflow in force for a procedure at the officer’s agency',
        params: z.object({ procedureCode: z.string().min(1).max(100) }),
        response: { 200: workflowSchema },
      },
    },
    async (request) => service.workflowOf(request.ctx, request.params.procedureCode),
  );
  app.put(
    '/api/v1/backoffice/workflows/:procedureCode',
    {
      schema: {
        tags,
        security,
        summary:
          'Save a new version of the procedure’s workflow (agency admin; all agencies: platform admin)',
        description: 'Refused with 400 DOSSIER_WORKFLOW_INVALID and `details.issues`.',
        params: z.object({ procedureCode: z.string().min(1).max(100) }),
        body: z.object({
          steps: z.array(z.unknown()).max(20),
          supplementClock: z.enum(supplementClocks).optional(),
          forAllAgencies: z.boolean().optional(),
        }),
        response: { 200: workflowSchema },
      },
    },
    async (request) => service.saveWorkflow(request.ctx, request.params.procedureCode, request.body),
  );
}
