import type { App } from '../../../platform/http/types.ts';
import { UnsupportedPacketType } from '../errors.ts';
import type { createInbound } from './inbound.ts';
import {
  handOverSchema,
  hostBody,
  nodeSchema,
  peerAgencyParams,
  peerCreateBody,
  peerIdParams,
  peerListSchema,
  peerSchema,
  peerUpdateBody,
} from './schemas.ts';
import type { PeerService } from './service.ts';
import { FEDERATION_PATHS } from './transport.ts';

const tags = ['exchange-federation'];
const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const XML_TYPES = ['application/xml', 'text/xml'];

/** The peer-to-peer protocol (signed requests) and the peers registry API (platform admins). */
export async function registerFederationRoutes(
  app: App,
  peers: PeerService,
  receive: ReturnType<typeof createInbound>,
  o: { maxPacketBytes: number },
): Promise<void> {
  await app.register((scope, _opts, registered) => {
    // Peers post whole packets: the body is read into memory to check its digest and signature.
    scope.addContentTypeParser(
      XML_TYPES,
      { parseAs: 'buffer', bodyLimit: o.maxPacketBytes },
      (_request, body, done) => done(null, body),
    );
    for (const [which, path] of Object.entries(FEDERATION_PATHS)) {
      scope.post(
        path,
        {
          bodyLimit: o.maxPacketBytes,
          schema: {
            tags,
            summary:
              which === 'packets'
                ? 'A peer instance hands over a packet for an agency hosted here (signed request)'
                : 'A peer instance hands over a status packet for a document sent from here (signed request)',
            description:
              'Authenticated by the request signature (Signature, Signature-Input, Content-Digest, Date, ' +
              'X-Lienthong-Node, X-Lienthong-Packet, Idempotency-Key, X-Lienthong-Recipients): 401 FEDERATION_UNKNOWN_PEER, ' +
              'FEDERATION_BAD_SIGNATURE, FEDERATION_STALE_REQUEST. 201 accepted (after commit), 200 already accepted.',
            consumes: XML_TYPES,
            response: { 200: handOverSchema, 201: handOverSchema },
          },
        },
        async (request, reply) => {
          if (!Buffer.isBuffer(request.body)) throw UnsupportedPacketType();
          const result = await receive(path, request.headers, request.body);
          return reply.code(result.duplicate ? 200 : 201).send(result);
        },
      );
    }
    registered();
  });

  app.get(
    '/api/v1/exchange/federation/node',
    {
      schema: {
        tags,
        summary: "This node's id and public key (what a peer registers for it)",
        response: { 200: nodeSchema },
      },
    },
    () => Promise.resolve(peers.node()),
  );

  app.get(
    '/api/v1/exchange/federation/peers',
    {
      schema: {
        tags,
        summary: 'Peers and the agencies each hosts',
        security,
        response: { 200: peerListSchema },
      },
    },
    async (request) => ({ items: await peers.list(request.ctx) }),
  );

  app.post(
    '/api/v1/exchange/federation/peers',
    {
      schema: {
        tags,
        summary: 'Register a peer instance',
        security,
        body: peerCreateBody,
        response: { 201: peerSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await peers.create(request.ctx, request.body)),
  );

  app.get(
    '/api/v1/exchange/federation/peers/:id',
    { schema: { tags, summary: 'One peer', security, params: peerIdParams, response: { 200: peerSchema } } },
    async (request) => peers.get(request.ctx, request.params.id),
  );

  app.patch(
    '/api/v1/exchange/federation/peers/:id',
    {
      schema: {
        tags,
        summary: "Change a peer's name, URL, key or status",
        security,
        params: peerIdParams,
        body: peerUpdateBody,
        response: { 200: peerSchema },
      },
    },
    async (request) => peers.update(request.ctx, request.params.id, request.body),
  );

  app.post(
    '/api/v1/exchange/federation/peers/:id/agencies',
    {
      schema: {
        tags,
        summary: 'Mark an agency as hosted on the peer (packets to it are handed to the peer)',
        security,
        params: peerIdParams,
        body: hostBody,
        response: { 200: peerSchema },
      },
    },
    async (request) => peers.host(request.ctx, request.params.id, request.body.agency),
  );

  app.delete(
    '/api/v1/exchange/federation/peers/:id/agencies/:agencyId',
    {
      schema: {
        tags,
        summary: 'The agency is hosted here again',
        security,
        params: peerAgencyParams,
        response: { 200: peerSchema },
      },
    },
    async (request) => peers.unhost(request.ctx, request.params.id, request.params.agencyId),
  );
}
