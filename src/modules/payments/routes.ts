import { z } from 'zod';
import type { RequestContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/types.ts';
import { reconciliationCsv } from './reconciliation.ts';
import {
  gatewayQuerySchema,
  idParams,
  ipnAnswerSchema,
  paymentSchema,
  reconciliationQuery,
  reconciliationSchema,
  refundRequestSchema,
  refundSchema,
} from './schemas.ts';
import type { PaymentsService } from './index.ts';

const security: { [label: string]: string[] }[] = [{ sessionCookie: [] }, { bearerAuth: [] }];
const tags = ['payments'];

/** The gateway is the actor of a notification; its signature, not a session, says so. */
export function gatewayContext(ctx: RequestContext): RequestContext {
  return { ...ctx, actor: { kind: 'system', name: 'payment-gateway' } };
}

/** HTTP API of payments and the gateway's IPN endpoint: schema in, service call, schema out. */
export function registerPaymentsRoutes(app: App, service: PaymentsService): void {
  app.get(
    '/api/v1/payments/gateway/ipn',
    {
      schema: {
        tags,
        summary: 'Payment notification from the gateway (IPN, server to server; see PROTOCOL.md)',
        description:
          'Signed `gw_` parameters in the query string. Always answers 200 with `{ RspCode, Message }`: 00 confirmed, 01 order not found, 02 already confirmed, 04 invalid amount, 06 order expired, 97 invalid signature, 99 retry later.',
        querystring: gatewayQuerySchema,
        response: { 200: ipnAnswerSchema },
      },
    },
    async (request) => {
      const answer = await service.handleIpn(gatewayContext(request.ctx), request.query);
      return { RspCode: answer.RspCode, Message: answer.Message };
    },
  );

  app.get(
    '/api/v1/payments/reconciliation',
    {
      schema: {
        tags,
        summary:
          'Reconciliation of one day against the gateway’s transaction list (officials, platform admins)',
        security,
        querystring: reconciliationQuery,
        response: { 200: reconciliationSchema },
      },
    },
    async (request) => service.reconcile(request.ctx, request.query.date),
  );

  app.get(
    '/api/v1/payments/reconciliation.csv',
    {
      schema: {
        tags,
        summary: 'The same reconciliation as CSV',
        security,
        querystring: reconciliationQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const report = await service.reconcile(request.ctx, request.query.date);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="doi-soat-${report.date}.csv"`)
        .send(reconciliationCsv(report));
    },
  );

  app.get(
    '/api/v1/payments/:id',
    {
      schema: {
        tags,
        summary: 'A payment (its payer, officials of the owning agency; anyone else gets 404)',
        security,
        params: idParams,
        response: { 200: paymentSchema },
      },
    },
    async (request) => service.getPayment(request.ctx, request.params.id),
  );

  app.get(
    '/api/v1/payments/:id/refunds',
    {
      schema: {
        tags,
        summary: 'Refunds of a payment',
        security,
        params: idParams,
        response: { 200: z.object({ refunds: z.array(refundSchema).max(100) }) },
      },
    },
    async (request) => ({ refunds: await service.refundsOf(request.ctx, request.params.id) }),
  );

  app.post(
    '/api/v1/payments/:id/refunds',
    {
      schema: {
        tags,
        summary:
          'Refund a paid payment in full or in part through the gateway (officials of the owning agency)',
        security,
        params: idParams,
        body: refundRequestSchema,
        response: { 201: z.object({ payment: paymentSchema, refund: refundSchema }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.refund(request.ctx, request.params.id, request.body)),
  );

  app.get(
    '/api/v1/payments/:id/receipt',
    {
      schema: {
        tags,
        summary: 'The receipt (biên lai) of a paid payment as PDF',
        security,
        params: idParams,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const { pdf, payment } = await service.receiptPdf(request.ctx, request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="bien-lai-${payment.txnRef}.pdf"`)
        .send(pdf);
    },
  );
}
