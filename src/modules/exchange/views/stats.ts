import { z } from 'zod';
import { isPlatformAdmin, type RequestContext } from '../../../platform/context.ts';
import { Unauthenticated } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { defineMessages, formatNumber, type Locale } from '../../../platform/i18n/index.ts';
import { button, form, input, summaryList } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { ExchangeStats } from '../stats.ts';

export const statsMessages = defineMessages('exchange.stats', {
  nav: { vi: 'Thống kê văn bản liên thông', en: 'Document exchange statistics' },
  title: { vi: 'Thống kê gửi, nhận văn bản điện tử', en: 'Electronic documents sent and received' },
  period: { vi: 'Kỳ thống kê', en: 'Period' },
  from: { vi: 'Từ ngày', en: 'From' },
  to: { vi: 'Đến ngày', en: 'To' },
  agency: { vi: 'Mã cơ quan (nội bộ)', en: 'Agency (internal id)' },
  show: { vi: 'Xem thống kê', en: 'Show statistics' },
  sent: { vi: 'Văn bản đã gửi', en: 'Documents sent' },
  received: { vi: 'Văn bản đã nhận', en: 'Documents received' },
  documents: { vi: 'Số văn bản', en: 'Documents' },
  deliveries: { vi: 'Lượt gửi tới cơ quan nhận', en: 'Deliveries to recipients' },
  delivered: { vi: 'Đã đến hệ thống nơi nhận (điện tử)', en: 'Delivered electronically' },
  arrival: { vi: 'Thời gian đến (trung vị)', en: 'Median time to arrival' },
  registered: { vi: 'Đã tiếp nhận (03)', en: 'Registered (03)' },
  rejected: { vi: 'Từ chối (02)', en: 'Rejected (02)' },
  completed: { vi: 'Hoàn thành (06)', en: 'Done (06)' },
  registration: { vi: 'Thời gian tiếp nhận (trung vị)', en: 'Median time to registration' },
  completion: { vi: 'Thời gian hoàn thành (trung vị)', en: 'Median time to completion' },
  onTime: { vi: 'Hoàn thành đúng hạn (theo hạn trả lời)', en: 'Completed on time (against DueDate)' },
  none: { vi: 'Chưa có', en: 'None yet' },
});

const m = statsMessages;

function duration(seconds: number | null, l: Locale): string {
  if (seconds === null) return m.t('none', l);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600)
    return `${formatNumber(Math.round(seconds / 6) / 10, l)} ${l === 'vi' ? 'phút' : 'min'}`;
  if (seconds < 86400)
    return `${formatNumber(Math.round(seconds / 360) / 10, l)} ${l === 'vi' ? 'giờ' : 'h'}`;
  return `${formatNumber(Math.round(seconds / 8640) / 10, l)} ${l === 'vi' ? 'ngày' : 'days'}`;
}

export const statsPageQuery = z.object({
  agency: z
    .uuid()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

/** The statistics page for officials of an agency (platform administrators choose any agency). */
export function registerStatsPage(
  app: App,
  stats: (
    ctx: RequestContext,
    q: { agencyId?: string | undefined; from: string; to: string },
  ) => Promise<ExchangeStats>,
): void {
  app.get(
    '/exchange/stats',
    { schema: { hide: true, querystring: statsPageQuery } },
    async (request, reply) => {
      const actor = request.ctx.actor;
      if (actor.kind !== 'official') throw Unauthenticated();
      const l = request.locale;
      const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      const from = request.query.from ?? `${today.slice(0, 8)}01`;
      const to = request.query.to ?? today;
      const s = await stats(request.ctx, { agencyId: request.query.agency, from, to });
      const share =
        s.received.onTimeShare === null
          ? m.t('none', l)
          : `${formatNumber(Math.round(s.received.onTimeShare * 1000) / 10, l)} % (${s.received.completedOnTime}/${s.received.completedWithDueDate})`;
      const body = html`<h1>${m.t('title', l)}</h1>
        ${form({
          action: '/exchange/stats',
          method: 'get',
          csrfToken: '',
          label: m.t('period', l),
          body: html`${
            isPlatformAdmin(actor)
              ? input({
                  name: 'agency',
                  label: m.t('agency', l),
                  value: request.query.agency ?? '',
                  maxLength: 36,
                })
              : ''
          }
          ${input({ name: 'from', label: m.t('from', l), type: 'date', value: from, width: 'short' })}
          ${input({ name: 'to', label: m.t('to', l), type: 'date', value: to, width: 'short' })}
          ${button(m.t('show', l), { variant: 'secondary' })}`,
        })}
        <h2>${m.t('sent', l)}</h2>
        ${summaryList([
          [m.t('documents', l), formatNumber(s.sent.documents, l)],
          [m.t('deliveries', l), formatNumber(s.sent.deliveries, l)],
          [m.t('delivered', l), formatNumber(s.sent.delivered, l)],
          [m.t('arrival', l), duration(s.sent.medianSecondsToArrival, l)],
        ])}
        <h2>${m.t('received', l)}</h2>
        ${summaryList([
          [m.t('documents', l), formatNumber(s.received.documents, l)],
          [m.t('registered', l), formatNumber(s.received.registered, l)],
          [m.t('rejected', l), formatNumber(s.received.rejected, l)],
          [m.t('completed', l), formatNumber(s.received.completed, l)],
          [m.t('registration', l), duration(s.received.medianSecondsToRegistration, l)],
          [m.t('completion', l), duration(s.received.medianSecondsToCompletion, l)],
          [m.t('onTime', l), share],
        ])}`;
      return reply
        .type('text/html; charset=utf-8')
        .send(renderPage(request, reply, { title: m.t('title', l), body }));
    },
  );
}
