// Following pages: "Hồ sơ của tôi", a dossier with its timeline, payment, receipt and result,
// the supplement upload, withdrawal and feedback.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatDateTime, format, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  linkButton,
  notice,
  select,
  summaryList,
  table,
  tag,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { DossierService } from '../service.ts';
import type { DossierView } from '../shared.ts';
import type { TimelineEntry } from '../service-follow.ts';
import { feeRequestOf, type FeeRequestView } from '../service-payment-request.ts';
import { withdrawable } from '../statuses.ts';
import { fileInput, refusal } from './filing.ts';
import { renderSections, type DossierPageSection } from './sections.ts';
import { dm } from './messages.ts';
import { bm } from './messages-backoffice.ts';
import { stepsTable } from './one-stop.ts';
import { registerUpload, tablePage } from './multipart.ts';

const idParams = z.object({ id: z.uuid() });
const vnd = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} đ`;

/** A status as a tag with its national code. */
export function statusTag(
  d: { statusName: { vi: string; en: string }; nationalStatus: number | null; status: string },
  l: Locale,
): SafeHtml {
  const tone =
    d.status === 'delivered'
      ? 'green'
      : d.status === 'awaiting_supplement' || d.status === 'awaiting_payment'
        ? 'yellow'
        : d.status === 'withdrawn'
          ? 'grey'
          : 'blue';
  return tag(`${d.nationalStatus ?? '–'}. ${format(d.statusName, l)}`, tone);
}

function eventName(e: TimelineEntry, l: Locale): string {
  if (e.kind === 'fee_paid') return dm.t('feePaidEvent', l);
  if (e.kind === 'supplemented') return dm.t('supplementedEvent', l);
  if (e.kind === 'feedback') return dm.t('feedbackEvent', l);
  if (e.kind === 'step') return bm.t('stepEvent', l);
  if (e.kind === 'document') return bm.t('documentEvent', l);
  if (e.kind === 'archived') return bm.t('archivedEvent', l);
  return `${e.nationalStatus ?? ''}. ${format(e.statusName, l)}`;
}

/** The fee line: amount and whether it is paid. */
export function feeText(d: DossierView, l: Locale): string {
  if (d.feeTotal <= 0) return dm.t('noFee', l);
  return dm.t(d.feePaid ? 'feePaid' : 'feeUnpaid', l, { amount: vnd(d.feeTotal) });
}

/** The financial obligations asked for on the dossier (status 6), one table each, with their state. */
export function feeRequestsTables(requests: readonly FeeRequestView[], l: Locale): SafeHtml {
  if (!requests.length) return html``;
  return html`<h2>${bm.t('feeRequests', l)}</h2>
    ${requests.map(
      (r) =>
        html`${table({
          caption: `${formatDateTime(r.requestedAt)} — ${
            r.paidAt
              ? bm.t(r.paidVia === 'cash' ? 'feePaidCash' : 'feePaidOnline', l, {
                  at: formatDateTime(r.paidAt),
                })
              : bm.t('feeUnpaidState', l)
          }`,
          headers: [bm.t('feeName', l), bm.t('feeAmount', l)],
          rows: [...r.items.map((i) => [i.name, vnd(i.amount)]), [bm.t('feeTotal', l), vnd(r.total)]],
          empty: '',
        })}
        ${r.paidTwice.map((p) =>
          notice(
            bm.t(p.refunded ? 'feePaidTwiceRefunded' : 'feePaidTwiceRefunding', l, {
              amount: vnd(p.amount),
              at: p.paidAt ? formatDateTime(p.paidAt) : '—',
            }),
            'warning',
          ),
        )}`,
    )}`;
}

/** Registers the pages a citizen follows a dossier with (async: the supplement upload is multipart). */
export async function registerFollowPages(
  app: App,
  service: DossierService,
  sections: readonly DossierPageSection[] = [],
): Promise<void> {
  app.get('/dossiers', { schema: { hide: true } }, async (request, reply) => {
    const l = request.locale;
    const items = await service.listMine(request.ctx);
    return tablePage(request, reply, {
      title: dm.t('mineTitle', l),
      headers: [
        dm.t('code', l),
        dm.t('procedure', l),
        dm.t('status', l),
        dm.t('submittedAt', l),
        dm.t('dueDate', l),
        '',
      ],
      rows: items.map((d) => [
        d.code ?? dm.t('draft', l),
        d.procedureName,
        statusTag(d, l),
        d.submittedAt ? formatDate(d.submittedAt) : '—',
        d.dueAt ? formatDate(d.dueAt) : '—',
        d.status === 'draft'
          ? html`<a href="/dossiers/${d.id}/edit"
              >${dm.t('resume', l)}<span class="visually-hidden"> ${d.procedureName}</span></a
            >`
          : html`<a href="/dossiers/${d.id}"
              >${dm.t('open', l)}<span class="visually-hidden"> ${d.code ?? ''}</span></a
            >`,
      ]),
      empty: dm.t('none', l),
    });
  });

  async function dossierPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    o: { submitted?: boolean; errors?: FieldError[] } = {},
  ) {
    const l = request.locale;
    const ctx = request.ctx;
    const d = await service.get(ctx, id);
    if (d.status === 'draft') return reply.redirect(`/dossiers/${id}/edit`, 303);
    const [timeline, payments, steps, forms, extra, requests] = await Promise.all([
      service.timeline(ctx, id),
      service.paymentsOf(ctx, id),
      service.steps(ctx, id),
      service.documentForms(ctx, id),
      renderSections(sections, ctx, id, `/dossiers/${id}`),
      service.feeRequests(ctx, id),
    ]);
    const errors = o.errors ?? [];
    const csrf = reply.generateCsrf();
    const title = `${dm.t('code', l)} ${d.code ?? ''}`;
    const actions: SafeHtml[] = [];
    // The gateway is another origin: a form post may not redirect there (CSP form-action), so
    // the post creates the payment and comes back here, and a link takes the payer on.
    const waitingFor = (request: string | null) =>
      payments.find(
        (p) =>
          (p.status === 'created' || p.status === 'pending') &&
          Date.parse(p.expiresAt) > Date.now() &&
          feeRequestOf(p) === request,
      );
    const waiting = waitingFor(null);
    const payable =
      d.feeTotal > 0 &&
      !d.feePaid &&
      service.paymentsEnabled &&
      !['withdrawn', 'refused', 'stopped'].includes(d.status);
    if (payable && waiting)
      actions.push(
        html`<p>${linkButton(dm.t('goToGateway', l), `/payments/${waiting.id}/pay`, 'primary')}</p>`,
      );
    else if (payable)
      actions.push(
        form({
          action: `/dossiers/${id}/pay`,
          csrfToken: csrf,
          body: html`<p>${button(dm.t('pay', l))}</p>`,
        }),
      );
    const asked = requests.find((r) => r.paidAt === null);
    if (d.status === 'awaiting_payment' && asked) {
      const waitingRequest = waitingFor(asked.id);
      actions.push(
        html`<h2>${bm.t('payRequested', l)}</h2>
          ${notice(bm.t('payRequestedAsked', l, { amount: vnd(asked.total) }), 'warning')}
          ${
            !service.paymentsEnabled
              ? ''
              : waitingRequest
                ? html`<p>
                    ${linkButton(dm.t('goToGateway', l), `/payments/${waitingRequest.id}/pay`, 'primary')}
                  </p>`
                : form({
                    action: `/dossiers/${id}/pay-request`,
                    csrfToken: csrf,
                    label: bm.t('payRequested', l),
                    body: html`<p>${button(bm.t('payRequested', l))}</p>`,
                  })
          }`,
      );
    }
    if (d.status === 'awaiting_supplement')
      actions.push(
        html`<h2>${dm.t('supplementTitle', l)}</h2>
          ${notice(dm.t('supplementAsked', l, { note: d.supplementNote ?? '' }), 'warning')}
          ${form({
            action: `/dossiers/${id}/supplement`,
            csrfToken: csrf,
            enctype: 'multipart/form-data',
            label: dm.t('supplementTitle', l),
            body: html`${fileInput('file', dm.t('file', l), l, service.limits.maxFileBytes, errors.find((e) => e.field === 'file')?.message)}
              ${textarea({ name: 'note', label: dm.t('note', l), rows: 2, maxLength: 2000 })}
              <p>${button(dm.t('sendSupplement', l))}</p>`,
          })}`,
      );
    if (d.hasResult && d.rating === null && (d.status === 'delivered' || d.status === 'result_ready'))
      actions.push(
        html`<h2>${dm.t('feedbackTitle', l)}</h2>
          ${form({
            action: `/dossiers/${id}/feedback`,
            csrfToken: csrf,
            label: dm.t('feedbackTitle', l),
            body: html`${select({ name: 'rating', label: dm.t('rating', l), options: ['5', '4', '3', '2', '1'].map((v) => ({ value: v, label: v })), value: '5' })}
              ${textarea({ name: 'comment', label: dm.t('comment', l), rows: 3, maxLength: 2000 })}
              <p>${button(dm.t('sendFeedback', l))}</p>`,
          })}`,
      );
    if (d.rating !== null) actions.push(notice(dm.t('yourRating', l, { rating: d.rating })));
    if (withdrawable.includes(d.status))
      actions.push(
        html`<h2>${dm.t('withdrawTitle', l)}</h2>
          ${form({
            action: `/dossiers/${id}/withdraw`,
            csrfToken: csrf,
            label: dm.t('withdrawTitle', l),
            body: html`${textarea({ name: 'reason', label: dm.t('reason', l), rows: 2, maxLength: 2000 })}
              <p>${button(dm.t('withdraw', l), { variant: 'warning' })}</p>`,
          })}`,
      );
    return renderPage(request, reply, {
      title,
      status: errors.length ? 400 : 200,
      crumbs: [{ href: '/dossiers', label: dm.t('mineTitle', l) }, { label: d.code ?? '' }],
      body: html`<h1>${title}</h1>
        ${o.submitted ? notice(dm.t('submitted', l, { code: d.code ?? '' }), 'success') : ''}
        ${errorSummary(errors, l)}
        ${summaryList([
          [dm.t('procedure', l), d.procedureName],
          [dm.t('agency', l), d.agencyName],
          [dm.t('status', l), statusTag(d, l)],
          [dm.t('submittedAt', l), d.submittedAt ? formatDateTime(d.submittedAt) : '—'],
          [dm.t('dueDate', l), d.dueAt ? formatDate(d.dueAt) : '—'],
          [dm.t('fees', l), feeText(d, l)],
        ])}
        <p>
          ${linkButton(dm.t('receipt', l), `/dossiers/${id}/receipt.pdf`)}
          ${d.hasResult ? linkButton(dm.t('result', l), `/dossiers/${id}/result.pdf`, 'primary') : ''}
          ${forms
            .filter((f) => /^0[2-5]$/.test(f))
            .sort()
            .map((f) => linkButton(bm.t('form', l, { n: f }), `/dossiers/${id}/forms/${f}.pdf`))}
        </p>
        ${
          steps.length
            ? html`<h2>${bm.t('steps', l)}</h2>
                ${stepsTable(steps, l)}`
            : ''
        }
        ${feeRequestsTables(requests, l)}
        ${
          payments.length
            ? table({
                caption: dm.t('payments', l),
                headers: [dm.t('when', l), dm.t('fees', l), dm.t('status', l)],
                rows: payments.map((p) => [formatDateTime(p.createdAt), vnd(p.amount), p.status]),
                empty: '',
              })
            : ''
        }
        ${actions} ${extra}
        <h2>${dm.t('timeline', l)}</h2>
        ${table({
          caption: dm.t('timeline', l),
          headers: [dm.t('when', l), dm.t('event', l), dm.t('note', l)],
          rows: timeline.map((e) => [formatDateTime(e.at), eventName(e, l), e.note ?? '']),
          empty: '—',
        })}`,
    });
  }

  app.get(
    '/dossiers/:id',
    {
      schema: {
        hide: true,
        params: idParams,
        querystring: z.object({ submitted: z.string().max(1).optional() }),
      },
    },
    (request, reply) =>
      dossierPage(request, reply, request.params.id, { submitted: request.query.submitted === '1' }),
  );

  const pdf = (kind: 'receipt' | 'result') =>
    app.get(
      `/dossiers/:id/${kind}.pdf`,
      { schema: { hide: true, params: idParams } },
      async (request, reply) => {
        const r = await service[kind](request.ctx, request.params.id);
        reply.header(
          'content-disposition',
          `attachment; filename="${kind === 'receipt' ? 'giay-tiep-nhan' : 'ket-qua'}-${r.code.replace(/[^A-Za-z0-9.-]/g, '_')}.pdf"`,
        );
        return reply.type('application/pdf').send(r.pdf);
      },
    );
  pdf('receipt');
  pdf('result');

  app.post('/dossiers/:id/pay', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    await service.pay(request.ctx, request.params.id);
    return reply.redirect(`/dossiers/${request.params.id}`, 303);
  });

  app.post(
    '/dossiers/:id/pay-request',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      await service.payRequested(request.ctx, request.params.id);
      return reply.redirect(`/dossiers/${request.params.id}`, 303);
    },
  );

  app.post(
    '/dossiers/:id/withdraw',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.object({ reason: z.string().max(2000).default(''), _csrf: z.string().optional() }),
      },
    },
    async (request, reply) => {
      await service.withdraw(request.ctx, request.params.id, request.body.reason);
      return reply.redirect(`/dossiers/${request.params.id}`, 303);
    },
  );

  app.post(
    '/dossiers/:id/feedback',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.object({
          rating: z.coerce.number().int().min(1).max(5),
          comment: z.string().max(2000).default(''),
          _csrf: z.string().optional(),
        }),
      },
    },
    async (request, reply) => {
      await service.giveFeedback(request.ctx, request.params.id, request.body);
      return reply.redirect(`/dossiers/${request.params.id}`, 303);
    },
  );

  const bodyLimit = service.limits.maxFileBytes + 64 * 1024;
  await registerUpload(app, '/dossiers/:id/supplement', bodyLimit, async (request, reply, id, body) => {
    const l = request.locale;
    const file = body.files[0];
    if (!file)
      return dossierPage(request, reply, id, { errors: [{ field: 'file', message: dm.t('chooseFile', l) }] });
    try {
      await service.addPaper(request.ctx, id, {
        paperKey: 'other',
        fileName: file.filename,
        bytes: file.data,
      });
      await service.completeSupplement(request.ctx, id, typeof body['note'] === 'string' ? body['note'] : '');
    } catch (error) {
      return dossierPage(request, reply, id, { errors: [{ field: 'file', message: refusal(error, l) }] });
    }
    return reply.redirect(`/dossiers/${id}`, 303);
  });
}
