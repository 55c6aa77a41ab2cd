import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { formatDateTime, formatDate } from '../../../platform/i18n/index.ts';
import { button, form, input, linkButton, notice, table, tag } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { PaymentsService } from '../index.ts';
import { gatewayDate } from '../protocol.ts';
import { formatVnd } from '../receipt.ts';
import { reconciliationCsv } from '../reconciliation.ts';
import { paymentsMessages as m, type PaymentsMessageKey } from './messages.ts';

const dateQuery = z.object({ date: z.iso.date().optional() });

function today(): string {
  const d = gatewayDate(new Date());
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

function officialOnly(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.ctx.actor.kind === 'official') return true;
  void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  return false;
}

const tone = {
  matched: 'green',
  missing_here: 'red',
  missing_at_gateway: 'red',
  amount_mismatch: 'yellow',
} as const;

/** The officials' reconciliation page and its CSV export. */
export function registerReconciliationPages(app: App, service: PaymentsService): void {
  app.get(
    '/admin/payments/reconciliation',
    { schema: { hide: true, querystring: dateQuery } },
    async (request, reply) => {
      if (!officialOnly(request, reply)) return reply;
      const l = request.locale;
      const date = request.query.date ?? today();
      const report = await service.reconcile(request.ctx, date);
      const body = html`<h1>${m.t('reconTitle', l)}</h1>
        <p class="lead">${m.t('reconLead', l)}</p>
        ${form({
          action: '/admin/payments/reconciliation',
          method: 'get',
          csrfToken: '',
          label: m.t('reconDate', l),
          body: html`${input({ name: 'date', type: 'date', label: m.t('reconDate', l), value: date, width: 'medium' })}
          ${button(m.t('reconShow', l), { variant: 'secondary' })}`,
        })}
        ${notice(m.t('reconTotals', l, report.totals))}
        ${table({
          caption: m.t('reconCaption', l, { date: formatDate(date) }),
          headers: [
            m.t('txnRef', l),
            m.t('outcome', l),
            m.t('ourAmount', l),
            m.t('gatewayAmount', l),
            m.t('status', l),
            m.t('gatewayTransactionNo', l),
            m.t('paidAt', l),
          ],
          rows: report.lines.map((line) => [
            line.txnRef,
            tag(m.t(`outcome.${line.outcome}` as PaymentsMessageKey, l), tone[line.outcome]),
            line.ourAmount === null ? '—' : formatVnd(line.ourAmount, l),
            line.gatewayAmount === null ? '—' : formatVnd(line.gatewayAmount, l),
            line.ourStatus ? m.t(`status.${line.ourStatus}` as PaymentsMessageKey, l) : '—',
            line.gatewayTransactionNo ?? '—',
            line.paidAt ? formatDateTime(line.paidAt) : '—',
          ]),
          empty: m.t('reconEmpty', l),
        })}
        <p>${linkButton(m.t('reconCsv', l), `/admin/payments/reconciliation.csv?date=${date}`)}</p>`;
      return reply.send(renderPage(request, reply, { title: m.t('reconTitle', l), body }));
    },
  );

  app.get(
    '/admin/payments/reconciliation.csv',
    { schema: { hide: true, querystring: dateQuery } },
    async (request, reply) => {
      if (!officialOnly(request, reply)) return reply;
      const report = await service.reconcile(request.ctx, request.query.date ?? today());
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="doi-soat-${report.date}.csv"`)
        .send(reconciliationCsv(report));
    },
  );
}
