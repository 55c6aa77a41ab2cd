// The minimal one-stop desk: list the agency's dossiers, receive, ask for a supplement, return a
// result. The back-office issue builds the full desk on these.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  summaryList,
  table,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { DossierService } from '../service.ts';
import { fileInput, refusal } from './filing.ts';
import { feeText, statusTag } from './follow.ts';
import { dm } from './messages.ts';
import { registerUpload, tablePage } from './multipart.ts';

const idParams = z.object({ id: z.uuid() });

export async function registerOneStopPages(app: App, service: DossierService): Promise<void> {
  app.get('/one-stop/dossiers', { schema: { hide: true } }, async (request, reply) => {
    const l = request.locale;
    const items = await service.listForAgency(request.ctx);
    return tablePage(request, reply, {
      title: dm.t('deskTitle', l),
      headers: [
        dm.t('code', l),
        dm.t('procedure', l),
        dm.t('applicant', l),
        dm.t('status', l),
        dm.t('dueDate', l),
      ],
      rows: items.map((d) => [
        html`<a href="/one-stop/dossiers/${d.id}">${d.code ?? ''}</a>`,
        d.procedureName,
        d.applicantName,
        statusTag(d, l),
        d.dueAt ? formatDate(d.dueAt) : '—',
      ]),
      empty: '—',
    });
  });

  async function deskPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors: FieldError[] = [],
  ) {
    const l = request.locale;
    const d = await service.officerView(request.ctx, id);
    const [timeline, papers] = await Promise.all([
      service.timeline(request.ctx, id),
      service.papers(request.ctx, id),
    ]);
    const csrf = reply.generateCsrf();
    const actions: SafeHtml[] = [];
    if (d.status === 'submitted')
      actions.push(
        form({
          action: `/one-stop/dossiers/${id}/receive`,
          csrfToken: csrf,
          body: html`<p>${button(dm.t('receive', l))}</p>`,
        }),
      );
    if (['submitted', 'received', 'processing'].includes(d.status))
      actions.push(
        form({
          action: `/one-stop/dossiers/${id}/supplement`,
          csrfToken: csrf,
          label: dm.t('requestSupplement', l),
          body: html`${textarea({ name: 'missing', label: dm.t('missing', l), rows: 3, maxLength: 2000, ...(errors.find((e) => e.field === 'missing') ? { error: errors.find((e) => e.field === 'missing')?.message ?? '' } : {}) })}
            <p>${button(dm.t('requestSupplement', l), { variant: 'secondary' })}</p>`,
        }),
      );
    if (['received', 'processing'].includes(d.status))
      actions.push(
        form({
          action: `/one-stop/dossiers/${id}/result`,
          csrfToken: csrf,
          enctype: 'multipart/form-data',
          label: dm.t('returnResult', l),
          body: html`${fileInput('file', dm.t('resultFile', l), l, service.limits.maxFileBytes, errors.find((e) => e.field === 'file')?.message)}
            <p>${button(dm.t('returnResult', l))}</p>`,
        }),
      );
    const title = `${dm.t('code', l)} ${d.code ?? ''}`;
    return renderPage(request, reply, {
      title,
      status: errors.length ? 400 : 200,
      crumbs: [{ href: '/one-stop/dossiers', label: dm.t('deskTitle', l) }, { label: d.code ?? '' }],
      body: html`<h1>${title}</h1>
        ${errorSummary(errors, l)}
        ${summaryList([
          [dm.t('procedure', l), d.procedureName],
          [dm.t('applicant', l), d.applicantName],
          [dm.t('status', l), statusTag(d, l)],
          [dm.t('submittedAt', l), d.submittedAt ? formatDateTime(d.submittedAt) : '—'],
          [dm.t('dueDate', l), d.dueAt ? formatDate(d.dueAt) : '—'],
          [dm.t('fees', l), feeText(d, l)],
        ])}
        <h2>${dm.t('papers', l)}</h2>
        ${table({
          caption: dm.t('papers', l),
          headers: [dm.t('paper', l), dm.t('file', l), dm.t('when', l)],
          rows: papers.map((p) => [
            p.paperKey,
            html`<a href="/dossiers/${id}/papers/${p.id}">${p.fileName}</a>`,
            formatDateTime(p.uploadedAt),
          ]),
          empty: '—',
        })}
        ${actions}
        <h2>${dm.t('timeline', l)}</h2>
        ${table({
          caption: dm.t('timeline', l),
          headers: [dm.t('when', l), dm.t('status', l), dm.t('note', l)],
          rows: timeline.map((e) => [
            formatDateTime(e.at),
            `${e.nationalStatus ?? ''}. ${e.statusName[l]}`,
            e.note ?? '',
          ]),
          empty: '—',
        })}`,
    });
  }

  app.get('/one-stop/dossiers/:id', { schema: { hide: true, params: idParams } }, (request, reply) =>
    deskPage(request, reply, request.params.id),
  );

  app.get(
    '/dossiers/:id/papers/:paperId',
    { schema: { hide: true, params: z.object({ id: z.uuid(), paperId: z.uuid() }) } },
    async (request, reply) => {
      const f = await service.paperFile(request.ctx, request.params.id, request.params.paperId);
      reply.header('content-disposition', `attachment; filename="${encodeURIComponent(f.fileName)}"`);
      return reply.type(f.mediaType).send(f.bytes);
    },
  );

  app.post(
    '/one-stop/dossiers/:id/receive',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      await service.receive(request.ctx, request.params.id);
      return reply.redirect(`/one-stop/dossiers/${request.params.id}`, 303);
    },
  );

  app.post(
    '/one-stop/dossiers/:id/supplement',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.object({ missing: z.string().max(2000).default(''), _csrf: z.string().optional() }),
      },
    },
    async (request, reply) => {
      try {
        await service.requestSupplement(request.ctx, request.params.id, request.body.missing);
      } catch (error) {
        return deskPage(request, reply, request.params.id, [
          { field: 'missing', message: refusal(error, request.locale) },
        ]);
      }
      return reply.redirect(`/one-stop/dossiers/${request.params.id}`, 303);
    },
  );

  const bodyLimit = service.limits.maxFileBytes + 64 * 1024;
  await registerUpload(app, '/one-stop/dossiers/:id/result', bodyLimit, async (request, reply, id, body) => {
    const file = body.files[0];
    try {
      if (!file) throw new Error('no file');
      await service.returnResult(request.ctx, id, file.data);
    } catch (error) {
      const message = file ? refusal(error, request.locale) : dm.t('chooseFile', request.locale);
      return deskPage(request, reply, id, [{ field: 'file', message }]);
    }
    return reply.redirect(`/one-stop/dossiers/${id}`, 303);
  });
}
