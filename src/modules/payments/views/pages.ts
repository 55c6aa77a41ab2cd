import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { formatDateTime, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  summaryList,
  table,
  tag,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { PaymentsService } from '../index.ts';
import { canRefund } from '../policies.ts';
import { formatVnd } from '../receipt.ts';
import { gatewayQuerySchema, idParams, type PaymentView, type RefundView } from '../schemas.ts';
import { paymentsMessages as m, type PaymentsMessageKey } from './messages.ts';

const statusTone = {
  created: 'blue',
  pending: 'yellow',
  paid: 'green',
  failed: 'red',
  expired: 'grey',
  refunded: 'grey',
  partially_refunded: 'yellow',
} as const;

function signedIn(request: FastifyRequest, reply: FastifyReply): boolean {
  const kind = request.ctx.actor.kind;
  if (kind === 'citizen' || kind === 'official') return true;
  void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  return false;
}

function statusTag(p: PaymentView, l: Locale): SafeHtml {
  return tag(m.t(`status.${p.status}` as PaymentsMessageKey, l), statusTone[p.status]);
}

function details(p: PaymentView, l: Locale): SafeHtml {
  return html`${summaryList([
    [m.t('status', l), statusTag(p, l)],
    [m.t('collectingAgency', l), p.agencyName],
    [m.t('content', l), p.description],
    [m.t('dossierCode', l), p.reference.code],
    [m.t('txnRef', l), p.txnRef],
    ...(p.gatewayTransactionNo
      ? [[m.t('gatewayTransactionNo', l), p.gatewayTransactionNo] as [string, string]]
      : []),
    p.paidAt
      ? ([m.t('paidAt', l), formatDateTime(p.paidAt)] as [string, string])
      : ([m.t('expiresAt', l), formatDateTime(p.expiresAt)] as [string, string]),
  ])}
  ${table({
    caption: m.t('itemsCaption', l),
    headers: [m.t('item', l), m.t('kind', l), m.t('amount', l)],
    rows: [
      ...p.items.map((i) => [
        i.quantity && i.quantity > 1 && i.unitAmount !== undefined
          ? `${i.name} (${formatVnd(i.unitAmount, l)} × ${i.quantity})`
          : i.name,
        i.kind === 'phi' ? m.t('kindPhi', l) : m.t('kindLePhi', l),
        formatVnd(i.amount, l),
      ]),
      [html`<strong>${m.t('total', l)}</strong>`, '', html`<strong>${formatVnd(p.amount, l)}</strong>`],
    ],
    empty: '',
  })}
  ${p.refundedAmount > 0 ? html`<p>${m.t('refunded', l)}: ${formatVnd(p.refundedAmount, l)}</p>` : ''}`;
}

function actions(p: PaymentView, request: FastifyRequest, l: Locale): SafeHtml {
  const actor = request.ctx.actor;
  const isPayer = actor.kind === 'citizen' && actor.accountId === p.payerAccountId;
  const waiting = p.status === 'created' || p.status === 'pending';
  const paid = p.status === 'paid' || p.status === 'partially_refunded' || p.status === 'refunded';
  return html`${
      isPayer && waiting
        ? html`<p class="hint">${m.t('payHint', l)}</p>
            <p>${linkButton(m.t('payNow', l), `/payments/${p.id}/pay`, 'primary')}</p>`
        : ''
    }
    <p>
      ${paid ? linkButton(m.t('downloadReceipt', l), `/payments/${p.id}/receipt.pdf`) : ''}
      ${isPayer ? linkButton(m.t('backToDossier', l), p.returnPath) : ''}
    </p>`;
}

function refundSection(
  p: PaymentView,
  refunds: RefundView[],
  request: FastifyRequest,
  reply: FastifyReply,
  o: { errors?: FieldError[]; values?: { amount?: string; reason?: string } } = {},
): SafeHtml {
  const l = request.locale;
  const actor = request.ctx.actor;
  const allowed = canRefund(actor, { payerAccountId: p.payerAccountId, agencyId: p.agencyId });
  if (!allowed || actor.kind !== 'official') return html``;
  const remaining = p.amount - p.refundedAmount;
  const canStill = (p.status === 'paid' || p.status === 'partially_refunded') && remaining > 0;
  const errorOf = (field: string) => o.errors?.find((e) => e.field === field)?.message;
  return html`<h2>${m.t('refundTitle', l)}</h2>
    ${table({
      caption: m.t('refundsCaption', l),
      headers: [m.t('refundTime', l), m.t('amount', l), m.t('refundReason', l), m.t('status', l)],
      rows: refunds.map((r) => [
        formatDateTime(r.createdAt),
        formatVnd(r.amount, l),
        r.reason,
        m.t(`refund.${r.status}` as PaymentsMessageKey, l),
      ]),
      empty: '',
    })}
    ${
      canStill
        ? form({
            action: `/payments/${p.id}/refund`,
            csrfToken: reply.generateCsrf(),
            label: m.t('refundTitle', l),
            body: html`${errorSummary(o.errors ?? [], l)}
            ${input({
              name: 'amount',
              label: m.t('refundAmount', l),
              hint: m.t('refundAmountHint', l, { remaining: formatVnd(remaining, l) }),
              value: o.values?.amount ?? '',
              inputmode: 'numeric',
              width: 'medium',
              maxLength: 12,
              error: errorOf('amount'),
            })}
            ${textarea({
              name: 'reason',
              label: m.t('refundReason', l),
              value: o.values?.reason ?? '',
              maxLength: 500,
              rows: 3,
              ...(errorOf('reason') ? { error: errorOf('reason') } : {}),
            })}
            ${button(m.t('refundSubmit', l), { variant: 'warning' })}`,
          })
        : ''
    }`;
}

const refundForm = z.object({
  _csrf: z.string().max(500).optional(),
  amount: z.string().max(30).default(''),
  reason: z.string().max(2000).default(''),
});

/** The payer's and officials' pages: status, pay, return from the gateway, receipt, refund. */
export function registerPaymentPages(app: App, service: PaymentsService): void {
  async function showPayment(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    o: {
      status?: number;
      top?: SafeHtml;
      errors?: FieldError[];
      values?: { amount?: string; reason?: string };
    } = {},
  ) {
    const l = request.locale;
    const p = await service.getPayment(request.ctx, id);
    const refunds = request.ctx.actor.kind === 'official' ? await service.refundsOf(request.ctx, id) : [];
    const body = html`<h1>${m.t('paymentTitle', l)}</h1>
      ${o.top ?? ''} ${details(p, l)} ${actions(p, request, l)}
      ${refundSection(p, refunds, request, reply, o)}`;
    return reply.send(
      renderPage(request, reply, {
        title: m.t('paymentTitle', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  }

  app.get(
    '/payments/:id',
    {
      schema: {
        hide: true,
        params: idParams,
        querystring: z.object({
          refunded: z
            .string()
            .regex(/^\d{1,12}$/)
            .optional(),
        }),
      },
    },
    async (request, reply) => {
      if (!signedIn(request, reply)) return reply;
      const refunded = request.query.refunded;
      const top = refunded
        ? notice(
            m.t('refundDone', request.locale, { amount: formatVnd(Number(refunded), request.locale) }),
            'success',
          )
        : undefined;
      return showPayment(request, reply, request.params.id, top ? { top } : {});
    },
  );

  // A link, not a form: a form's redirect to the gateway's origin would break `form-action 'self'`.
  // Marking the payment pending twice changes nothing, so GET is safe here.
  app.get('/payments/:id/pay', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    return reply.redirect(await service.startPayment(request.ctx, request.params.id), 303);
  });

  app.get(
    '/payments/return',
    { schema: { hide: true, querystring: gatewayQuerySchema } },
    async (request, reply) => {
      if (!signedIn(request, reply)) return reply;
      const l = request.locale;
      const { payment, gatewaySaid, confirmed } = await service.handleReturn(request.ctx, request.query);
      const message =
        payment.status === 'paid'
          ? notice(m.t('resultPaid', l), 'success')
          : payment.status === 'expired'
            ? notice(m.t('resultExpired', l), 'warning')
            : gatewaySaid === 'success' || !confirmed
              ? notice(m.t('resultWaiting', l), 'info')
              : notice(m.t(gatewaySaid === 'cancelled' ? 'resultCancelled' : 'resultFailed', l), 'warning');
      const body = html`<h1>${m.t('returnTitle', l)}</h1>
        ${message} ${details(payment, l)} ${actions(payment, request, l)}`;
      return reply.send(renderPage(request, reply, { title: m.t('returnTitle', l), body }));
    },
  );

  app.get(
    '/payments/:id/receipt.pdf',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      if (!signedIn(request, reply)) return reply;
      const { pdf, payment } = await service.receiptPdf(request.ctx, request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="bien-lai-${payment.txnRef}.pdf"`)
        .send(pdf);
    },
  );

  app.post(
    '/payments/:id/refund',
    { schema: { hide: true, params: idParams, body: refundForm } },
    async (request, reply) => {
      if (!signedIn(request, reply)) return reply;
      const l = request.locale;
      const { amount, reason } = request.body;
      const errors: FieldError[] = [];
      const trimmed = amount.replace(/[.\s]/g, '');
      if (trimmed && !/^[1-9]\d{0,11}$/.test(trimmed))
        errors.push({ field: 'amount', message: m.t('amountInvalid', l) });
      if (!reason.trim() || reason.length > 500)
        errors.push({
          field: 'reason',
          message: m.t('fieldRequired', l, { field: m.t('refundReason', l).toLowerCase() }),
        });
      if (errors.length === 0) {
        try {
          const { refund } = await service.refund(request.ctx, request.params.id, {
            reason: reason.trim(),
            ...(trimmed ? { amount: Number(trimmed) } : {}),
          });
          return reply.redirect(`/payments/${request.params.id}?refunded=${refund.amount}`, 303);
        } catch (error) {
          if (!(error instanceof AppError) || error.status === 404 || error.status === 403) throw error;
          errors.push({ field: 'amount', message: error.text[l] });
        }
      }
      return showPayment(request, reply, request.params.id, {
        status: 400,
        errors,
        values: { amount, reason },
      });
    },
  );
}
