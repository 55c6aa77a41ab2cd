import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import {
  adminListQuery,
  idParams,
  markedSchema,
  noticeListQuery,
  noticeListSchema,
  noticeSchema,
  notificationAdminSchema,
  unreadSchema,
} from './schemas.ts';
import type { NotifyService } from './service.ts';

const security: { [label: string]: string[] }[] = [{ sessionCookie: [] }, { bearerAuth: [] }];
const tags = ['notify'];

/** HTTP API of notices: schema in, service call, schema out. */
export function registerNotifyRoutes(app: App, service: NotifyService): void {
  app.get(
    '/api/v1/notify/notices',
    {
      schema: {
        tags,
        summary: "The signed-in person's in-app notices, newest first, with the unread count",
        security,
        querystring: noticeListQuery,
        response: { 200: noticeListSchema },
      },
    },
    async (request) =>
      service.listNotices(request.ctx, {
        limit: request.query.limit,
        before: request.query.before,
        unreadOnly: request.query.unread === 'true',
      }),
  );

  app.get(
    '/api/v1/notify/notices/unread-count',
    {
      schema: {
        tags,
        summary: 'How many of the signed-in person’s notices are unread',
        security,
        response: { 200: unreadSchema },
      },
    },
    async (request) => ({ unread: await service.unreadCount(request.ctx) }),
  );

  app.post(
    '/api/v1/notify/notices/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark one of your notices read (another person’s notice answers 404)',
        security,
        params: idParams,
        response: { 200: noticeSchema },
      },
    },
    async (request) => service.markRead(request.ctx, request.params.id),
  );

  app.post(
    '/api/v1/notify/notices/read-all',
    {
      schema: {
        tags,
        summary: 'Mark all your notices read',
        security,
        response: { 200: markedSchema },
      },
    },
    async (request) => ({ marked: await service.markAllRead(request.ctx) }),
  );

  app.get(
    '/api/v1/notify/notifications',
    {
      schema: {
        tags,
        summary:
          'Recent notifications with channel, template, delivery status and attempts, without bodies (platform administrators)',
        security,
        querystring: adminListQuery,
        response: { 200: z.object({ notifications: z.array(notificationAdminSchema).max(500) }) },
      },
    },
    async (request) => ({ notifications: await service.recent(request.ctx, request.query) }),
  );

  app.post(
    '/api/v1/notify/notifications/:id/retry',
    {
      schema: {
        tags,
        summary: 'Send a failed notification again with a fresh set of attempts (platform administrators)',
        security,
        params: idParams,
        response: { 202: z.object({ status: z.literal('queued') }) },
      },
    },
    async (request, reply) => {
      await service.retry(request.ctx, request.params.id);
      return reply.code(202).send({ status: 'queued' as const });
    },
  );
}
