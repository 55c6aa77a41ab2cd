import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import {
  addTrustAnchorBodySchema,
  certificateSchema,
  idParams,
  issueBodySchema,
  listQuery,
  revokeBodySchema,
  trustAnchorSchema,
} from './schemas.ts';
import type { PkiService } from './service.ts';

const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const tags = ['pki'];

/** Bytes go out as they are: Fastify never serialises a Buffer, whatever the response schema says. */
function sendBytes(reply: FastifyReply, type: string, bytes: Buffer) {
  return reply.type(type).send(bytes);
}

/** HTTP API of the PKI: schema in, service call, schema out. */
export function registerPkiRoutes(app: App, service: PkiService): void {
  app.get(
    '/api/v1/pki/ca/certificate',
    {
      schema: {
        tags,
        summary: 'Certificate of the internal certification authority (PEM)',
        querystring: z.object({ format: z.enum(['pem', 'der']).default('pem') }),
        produces: ['application/x-pem-file', 'application/pkix-cert'],
        response: { 200: z.string().max(20_000).describe('PEM text; DER bytes when format=der') },
      },
    },
    async (request, reply) => {
      const pem = await service.caCertificatePem();
      if (request.query.format === 'der') {
        const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
        return sendBytes(reply, 'application/pkix-cert', der);
      }
      return reply.type('application/x-pem-file').send(pem);
    },
  );

  app.get(
    '/api/v1/pki/ca/crl',
    {
      schema: {
        tags,
        summary: 'Certificate revocation list of the internal CA (DER by default, PEM with format=pem)',
        querystring: z.object({ format: z.enum(['pem', 'der']).default('der') }),
        produces: ['application/pkix-crl', 'application/x-pem-file'],
        response: { 200: z.string().max(10_000_000).describe('CRL') },
      },
    },
    async (request, reply) => {
      const der = await service.crlDer();
      if (request.query.format === 'pem') {
        const b64 = der
          .toString('base64')
          .replace(/(.{64})/g, '$1\n')
          .replace(/\n$/, '');
        return reply
          .type('application/x-pem-file')
          .send(`-----BEGIN X509 CRL-----\n${b64}\n-----END X509 CRL-----\n`);
      }
      return sendBytes(reply, 'application/pkix-crl', der);
    },
  );

  app.get(
    '/api/v1/pki/certificates',
    {
      schema: {
        tags,
        summary:
          'Certificates issued by the internal CA (platform administrators; agency administrators for their agency)',
        security,
        querystring: listQuery,
        response: { 200: z.object({ certificates: z.array(certificateSchema).max(500) }) },
      },
    },
    async (request) => ({ certificates: await service.list(request.ctx, request.query) }),
  );

  app.post(
    '/api/v1/pki/certificates',
    {
      schema: {
        tags,
        summary:
          'Issue a certificate to an agency or an official (platform administrators); the key stays on the platform',
        security,
        body: issueBodySchema,
        response: { 201: certificateSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await service.issue(request.ctx, request.body)),
  );

  app.get(
    '/api/v1/pki/certificates/:id',
    {
      schema: {
        tags,
        summary: 'One certificate',
        security,
        params: idParams,
        response: { 200: certificateSchema },
      },
    },
    async (request) => service.get(request.ctx, request.params.id),
  );

  app.post(
    '/api/v1/pki/certificates/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a certificate with a reason and publish a new CRL (platform administrators)',
        security,
        params: idParams,
        body: revokeBodySchema,
        response: { 200: certificateSchema },
      },
    },
    async (request) => service.revoke(request.ctx, request.params.id, request.body.reason),
  );

  app.get(
    '/api/v1/pki/trust-anchors',
    {
      schema: {
        tags,
        summary: 'The trust list: the internal CA and external CAs (platform administrators)',
        security,
        response: { 200: z.object({ trustAnchors: z.array(trustAnchorSchema).max(1000) }) },
      },
    },
    async (request) => ({ trustAnchors: await service.trustList(request.ctx) }),
  );

  app.post(
    '/api/v1/pki/trust-anchors',
    {
      schema: {
        tags,
        summary: 'Add an external certification authority to the trust list (platform administrators)',
        security,
        body: addTrustAnchorBodySchema,
        response: { 201: trustAnchorSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await service.addTrustAnchor(request.ctx, request.body)),
  );

  app.delete(
    '/api/v1/pki/trust-anchors/:id',
    {
      schema: {
        tags,
        summary: 'Remove an external certification authority from the trust list (platform administrators)',
        security,
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.removeTrustAnchor(request.ctx, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
