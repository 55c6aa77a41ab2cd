import { Readable } from 'node:stream';
import type { App } from '../../platform/http/types.ts';
import { UnsupportedPacketType } from './errors.ts';
import {
  ackSchema,
  attachmentParams,
  cursorQuery,
  edxmlQuery,
  idParams,
  inboxSchema,
  packetSchema,
  recipientsSchema,
  sendQuery,
  sendResultSchema,
  sentSchema,
  statsQuery,
  statsSchema,
} from './schemas.ts';
import type { ExchangeService } from './service.ts';
import type { StatsFn } from './stats.ts';
import { contentDisposition } from '../../platform/http/download.ts';

const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const tags = ['exchange'];
const XML_TYPES = ['application/xml', 'text/xml', 'application/edxml+xml'];

/** Reads and discards what is left of a refused body (up to `limit` bytes), so the answer is read. */
async function drain(stream: Readable, limit: number): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return;
  let seen = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(finish, 30_000);
    function finish() {
      clearTimeout(timer);
      stream.off('data', onData);
      resolve();
    }
    function onData(chunk: Buffer) {
      seen += chunk.length;
      if (seen > limit) {
        stream.destroy();
        finish();
      }
    }
    stream.on('data', onData);
    stream.once('end', finish);
    stream.once('error', finish);
    stream.once('close', finish);
    stream.resume();
  });
}

/** The transport API for agencies' own document software: schema in, service call, schema out. */
export async function registerExchangeRoutes(
  app: App,
  service: ExchangeService,
  o: { maxPacketBytes: number; stats: StatsFn },
): Promise<void> {
  // The packet route streams its body: a scope of its own so the XML parser touches nothing else.
  await app.register((scope, _opts, registered) => {
    scope.addContentTypeParser(XML_TYPES, { bodyLimit: o.maxPacketBytes }, (_request, payload, done) => {
      done(null, payload);
    });
    scope.post(
      '/api/v1/exchange/packets',
      {
        bodyLimit: o.maxPacketBytes,
        schema: {
          tags,
          summary: 'Send a packet (edXML edoc or status, body application/xml, streamed; up to 50 MB)',
          description:
            'Accepted means durable: the answer comes after the packet and one delivery per resolved recipient are committed. ' +
            '201 for a new packet, 200 with the same id when the sender already sent this DocumentId (duplicate). ' +
            'A machine client sends only as its own agency (403 EXCHANGE_SENDER_MISMATCH); an unknown recipient code is ' +
            '422 EXCHANGE_UNKNOWN_RECIPIENT; codec errors are EDXML_* (see the module README).',
          security,
          consumes: XML_TYPES,
          querystring: sendQuery,
          response: { 200: sendResultSchema, 201: sendResultSchema },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!(body instanceof Readable)) throw UnsupportedPacketType();
        const result = await service.send(request.ctx, body).catch(async (error: unknown) => {
          await drain(body, o.maxPacketBytes);
          throw error;
        });
        return reply.code(result.duplicate ? 200 : 201).send(result);
      },
    );
    registered();
  });

  app.get(
    '/api/v1/exchange/inbox',
    {
      schema: {
        tags,
        summary: "Packets delivered to the client's agency after a cursor, in delivery order",
        security,
        querystring: cursorQuery,
        response: { 200: inboxSchema },
      },
    },
    async (request) => service.inbox(request.ctx, request.query),
  );

  app.get(
    '/api/v1/exchange/sent',
    {
      schema: {
        tags,
        summary: "Packets the client's agency sent after a cursor, with each recipient's state",
        security,
        querystring: cursorQuery,
        response: { 200: sentSchema },
      },
    },
    async (request) => service.sent(request.ctx, request.query),
  );

  app.get(
    '/api/v1/exchange/packets/:id',
    {
      schema: {
        tags,
        summary: 'Metadata of a packet the agency sent or received (404 EXCHANGE_PACKET_NOT_FOUND otherwise)',
        security,
        params: idParams,
        response: { 200: packetSchema },
      },
    },
    async (request) => service.get(request.ctx, request.params.id),
  );

  app.get(
    '/api/v1/exchange/packets/:id/edxml',
    {
      schema: {
        tags,
        summary:
          "The packet as delivered (received bytes plus this axis' TraceHeader; signed packets unchanged)",
        security,
        params: idParams,
        querystring: edxmlQuery,
        produces: ['application/xml'],
      },
    },
    async (request, reply) => {
      const original = request.query.original === 'true' || request.query.original === '1';
      const stream = await service.edxml(request.ctx, request.params.id, { original });
      return reply.type('application/xml; charset=utf-8').send(stream);
    },
  );

  app.get(
    '/api/v1/exchange/packets/:id/attachments/:n',
    {
      schema: {
        tags,
        summary: 'The decoded bytes of attachment n (0-based), typed by what the bytes are',
        security,
        params: attachmentParams,
        produces: ['application/octet-stream'],
      },
    },
    async (request, reply) => {
      const a = await service.attachment(request.ctx, request.params.id, request.params.n);
      return reply
        .type(a.contentType)
        .header('content-length', a.bytes)
        .header('content-disposition', contentDisposition(a.name))
        .send(a.stream);
    },
  );

  app.post(
    '/api/v1/exchange/packets/:id/ack',
    {
      schema: {
        tags,
        summary: 'Acknowledge receipt of a delivered packet (idempotent)',
        security,
        params: idParams,
        response: { 200: ackSchema },
      },
    },
    async (request) => service.acknowledge(request.ctx, request.params.id),
  );

  app.get(
    '/api/v1/exchange/packets/:id/recipients',
    {
      schema: {
        tags,
        summary: "For the sender: each recipient's delivery, current status and timeline",
        security,
        params: idParams,
        response: { 200: recipientsSchema },
      },
    },
    async (request) => service.recipients(request.ctx, request.params.id),
  );

  app.get(
    '/api/v1/exchange/stats',
    {
      schema: {
        tags,
        summary:
          'Documents sent and received, delivered electronically, median times to arrival, registration and completion, share done on time',
        security,
        querystring: statsQuery,
        response: { 200: statsSchema },
      },
    },
    async (request) =>
      o.stats(request.ctx, {
        agencyId: request.query.agency,
        from: request.query.from,
        to: request.query.to,
      }),
  );
}
