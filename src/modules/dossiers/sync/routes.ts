// The sync queue's API: the same as the page, for scripts and monitoring.
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { outboxStates } from './repo.ts';
import type { SyncService } from './service.ts';

const security: { [label: string]: string[] }[] = [{ sessionCookie: [] }, { bearerAuth: [] }];
const tags = ['dossiers'];

const outboxItem = z.object({
  id: z.string(),
  itemId: z.uuid(),
  dossierId: z.uuid(),
  dossierCode: z.string(),
  service: z.enum(['DongBoHoSoMC', 'CapNhatTienDoHoSoMC']),
  nationalStatus: z.number().int().min(1).max(10),
  isUpdating: z.boolean(),
  state: z.enum(outboxStates),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});

export function registerSyncRoutes(app: App, service: SyncService): void {
  app.get(
    '/api/v1/national-portal/outbox',
    {
      schema: {
        tags,
        summary:
          'The national portal sync queue: counts and items in one state, newest first (platform admins; agency admins for their agency)',
        security,
        querystring: z.object({
          state: z.enum(outboxStates).default('pending'),
          before: z
            .string()
            .regex(/^\d{1,18}$/)
            .optional(),
        }),
        response: {
          200: z.object({
            counts: z.object({ pending: z.number(), sent: z.number(), failed: z.number() }),
            state: z.enum(outboxStates),
            items: z.array(outboxItem).max(50),
            next: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => service.queue(request.ctx, request.query),
  );

  app.post(
    '/api/v1/national-portal/outbox/:id/retry',
    {
      schema: {
        tags,
        summary: 'Send a failed or waiting item again now (409 DOSSIER_SYNC_ALREADY_SENT once acknowledged)',
        security,
        params: z.object({ id: z.string().regex(/^\d{1,18}$/) }),
        response: { 200: outboxItem },
      },
    },
    async (request) => service.retry(request.ctx, request.params.id),
  );

  app.get(
    '/api/v1/national-portal/inbound-problems',
    {
      schema: {
        tags,
        summary:
          'Dossiers filed on the national portal that could not be imported yet, with the reason (platform admins; empty for others)',
        security,
        response: {
          200: z.object({
            items: z
              .array(
                z.object({
                  maHoSo: z.string(),
                  agencyCode: z.string(),
                  procedureCode: z.string(),
                  problem: z.string(),
                  attempts: z.number().int(),
                  filedAt: z.string(),
                  lastTriedAt: z.string(),
                }),
              )
              .max(100),
          }),
        },
      },
    },
    async (request) => ({ items: await service.inboundProblems(request.ctx) }),
  );
}
