import { z } from 'zod';
import { defineMessages, formatDateTime } from '../i18n/index.ts';
import type { App } from '../http/types.ts';
import { button, form, input, pagination, select, table, tag } from '../pages/components.ts';
import { html } from '../pages/html.ts';
import { renderPage } from '../pages/layout.ts';
import type { AuditService } from './service.ts';

const m = defineMessages('audit', {
  title: { vi: 'Nhật ký kiểm toán', en: 'Audit trail' },
  lead: {
    vi: 'Mỗi thay đổi trong hệ thống được ghi một sự kiện, nối với sự kiện trước bằng mã băm. Lệnh `lienthong audit verify` kiểm tra toàn bộ chuỗi.',
    en: 'Every change writes one event, chained to the previous one by its hash. The `lienthong audit verify` command checks the whole chain.',
  },
  action: { vi: 'Hành động (tiền tố)', en: 'Action (prefix)' },
  actor: { vi: 'Người thực hiện', en: 'Actor' },
  subject: { vi: 'Đối tượng', en: 'Subject' },
  outcome: { vi: 'Kết quả', en: 'Outcome' },
  time: { vi: 'Thời điểm', en: 'Time' },
  any: { vi: 'Tất cả', en: 'Any' },
  success: { vi: 'Thành công', en: 'Success' },
  failure: { vi: 'Thất bại', en: 'Failure' },
  denied: { vi: 'Bị từ chối', en: 'Denied' },
  filter: { vi: 'Lọc', en: 'Filter' },
  caption: { vi: 'Các sự kiện, mới nhất trước', en: 'Events, newest first' },
  empty: { vi: 'Không có sự kiện nào khớp bộ lọc.', en: 'No event matches the filter.' },
  seq: { vi: 'Số thứ tự', en: 'Sequence' },
});

const outcomeSchema = z.enum(['success', 'failure', 'denied']);
const filterQuery = z.object({
  action: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  agencyId: z.uuid().optional(),
  subjectId: z.string().max(100).optional(),
  outcome: z.union([outcomeSchema, z.literal('')]).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const eventSchema = z
  .object({
    seq: z.number().int(),
    id: z.uuid(),
    occurredAt: z.string(),
    actorKind: z.string(),
    actorId: z.string().nullable(),
    agencyId: z.string().nullable(),
    action: z.string(),
    subjectType: z.string().nullable(),
    subjectIds: z.array(z.string()),
    outcome: outcomeSchema,
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

const outcomeTone = { success: 'green', failure: 'red', denied: 'yellow' } as const;

export function registerAuditRoutes(app: App, service: AuditService): void {
  app.get(
    '/api/v1/audit/events',
    {
      schema: {
        tags: ['audit'],
        summary: 'List audit events (newest first, keyset pagination by `before`)',
        security: [{ bearerAuth: [] }, { sessionCookie: [] }],
        querystring: filterQuery,
        response: {
          200: z.object({ events: z.array(eventSchema), nextBefore: z.number().int().nullable() }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await service.list(request.ctx, {
        ...q,
        outcome: q.outcome || undefined,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      });
      return { events: result.events.map(({ prevHash: _p, ...e }) => e), nextBefore: result.nextBefore };
    },
  );

  app.get(
    '/admin/audit',
    {
      schema: {
        hide: true,
        querystring: z.object({
          action: z.string().max(100).optional(),
          actorId: z.string().max(100).optional(),
          outcome: z.union([outcomeSchema, z.literal('')]).optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          before: z.coerce.number().int().min(1).optional(),
        }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const q = request.query;
      const result = await service.list(request.ctx, {
        action: q.action || undefined,
        actorId: q.actorId || undefined,
        outcome: q.outcome || undefined,
        before: q.before,
        limit: 50,
      });
      const filterForm = form({
        action: '/admin/audit',
        method: 'get',
        csrfToken: '',
        label: m.t('filter', l),
        body: html`<div class="search-form">
          ${input({ name: 'action', label: m.t('action', l), value: q.action ?? '', width: 'medium' })}
          ${input({ name: 'actorId', label: m.t('actor', l), value: q.actorId ?? '', width: 'medium' })}
          ${select({
            name: 'outcome',
            label: m.t('outcome', l),
            value: q.outcome ?? '',
            includeEmpty: m.t('any', l),
            options: outcomeSchema.options.map((o) => ({ value: o, label: m.t(o, l) })),
          })}
          ${button(m.t('filter', l))}
        </div>`,
      });
      const rows = result.events.map((e) => [
        String(e.seq),
        formatDateTime(e.occurredAt),
        html`<code>${e.action}</code>`,
        `${e.actorKind}${e.actorId ? `: ${e.actorId}` : ''}`,
        e.subjectIds.join(', '),
        tag(m.t(e.outcome, l), outcomeTone[e.outcome]),
      ]);
      const nextQuery: Record<string, string | undefined> = {
        action: q.action,
        actorId: q.actorId,
        outcome: q.outcome,
        before: result.nextBefore ? String(result.nextBefore) : undefined,
      };
      const body = html`<h1>${m.t('title', l)}</h1>
        <p class="lead">${m.t('lead', l)}</p>
        ${filterForm}
        ${table({
          caption: m.t('caption', l),
          headers: [
            m.t('seq', l),
            m.t('time', l),
            m.t('action', l),
            m.t('actor', l),
            m.t('subject', l),
            m.t('outcome', l),
          ],
          rows,
          empty: m.t('empty', l),
        })}
        ${pagination({ page: q.page, hasNext: result.nextBefore !== null, baseUrl: '/admin/audit', query: nextQuery, locale: l })}`;
      return reply.send(renderPage(request, reply, { title: m.t('title', l), body }));
    },
  );
}
