// The one-stop desk and the back office's dossier page, without JavaScript: the receiving queue,
// the dossier with its steps (form 06 lines), documents and the actions the officer may take
// now — accept / supplement / refuse, take / forward / send back / reassign, sign the result,
// extend, stop, return. Every form carries the version the page showed; a stale one comes back
// with the conflict above the actions (409).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasRole, type Role } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatDateTime, formatNumber, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  select,
  summaryList,
  table,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { StepView } from '../service-process.ts';
import type { DossierService } from '../service.ts';
import type { DossierView } from '../shared.ts';
import { inUnitOf } from '../workflow/units.ts';
import { fileInput } from './filing.ts';
import { feeRequestsTables, feeText, statusTag } from './follow.ts';
import { bm } from './messages-backoffice.ts';
import { renderSections, type DossierPageSection } from './sections.ts';
import { dm } from './messages.ts';
import { registerUpload, nextPageLink } from './multipart.ts';
import { paperName, registerIntakePages } from './one-stop-intake.ts';
import { contentDisposition } from '../../../platform/http/download.ts';
import { localYear } from '../../../platform/calendar/index.ts';

const idParams = z.object({ id: z.uuid() });

/** A domain refusal shown next to the form; a dossier the officer may not see stays a 404. */
export function pageError(error: unknown, l: Locale): string {
  if (error instanceof AppError && error.status < 500 && error.status !== 404) return error.text[l];
  throw error;
}

export function timelinessText(t: StepView['timeliness'], l: Locale): string {
  if (t === 'early') return bm.t('early', l);
  if (t === 'on_time') return bm.t('onTime', l);
  if (t === 'late') return bm.t('late', l);
  return '';
}

/** The steps as a table (officers and citizens see the same lines). */
export function stepsTable(steps: StepView[], l: Locale): SafeHtml {
  return table({
    caption: bm.t('steps', l),
    headers: [
      bm.t('step', l),
      bm.t('holder', l),
      bm.t('started', l),
      bm.t('due', l),
      bm.t('finished', l),
      bm.t('timeliness', l),
    ],
    rows: steps.map((s) => [
      s.unitName ? bm.t('stepOfUnit', l, { step: s.name[l], unit: s.unitName }) : s.name[l],
      s.finishedByName ?? s.assigneeName ?? bm.t('queue', l),
      formatDateTime(s.startedAt),
      s.dueAt ? formatDateTime(s.dueAt) : '—',
      s.finishedAt ? `${formatDateTime(s.finishedAt)} — ${s.outcomeText?.[l] ?? ''}` : bm.t('inProgress', l),
      s.finishedAt ? timelinessText(s.timeliness, l) : '',
    ]),
    empty: '—',
  });
}

const channelName = (c: DossierView['channel'], l: Locale) =>
  bm.t(
    c === 'counter'
      ? 'channelCounter'
      : c === 'post'
        ? 'channelPost'
        : c === 'national_portal'
          ? 'channelNational'
          : 'channelOnline',
    l,
  );

/** Lines of the fee request form (the API takes up to 10). */
const FEE_LINES = [1, 2, 3] as const;

/** "500.000", "500 000" or "500000" đồng; anything else is not an amount (NaN). */
const parseAmount = (v: string | undefined) => {
  const t = (v ?? '').trim();
  return /^\d{1,3}([. ]\d{3})+$|^\d+$/.test(t) ? Number(t.replace(/[. ]/g, '')) : Number.NaN;
};

const actionBody = z.object({
  _csrf: z.string().optional(),
  version: z.coerce.number().int().min(1).optional(),
  note: z.string().max(2000).optional(),
  missing: z.string().max(2000).optional(),
  reasons: z.string().max(2000).optional(),
  backNote: z.string().max(2000).optional(),
  reassignNote: z.string().max(2000).optional(),
  extendReason: z.string().max(2000).optional(),
  stopReason: z.string().max(2000).optional(),
  toStepKey: z.string().max(40).optional(),
  assigneeId: z.string().max(40).optional(),
  workingDays: z.coerce.number().int().min(0).max(60).optional(),
  method: z.enum(['online', 'counter', 'post']).optional(),
  body: z.string().max(4000).optional(),
  ...Object.fromEntries(
    FEE_LINES.flatMap((n) => [
      [`feeName${n}`, z.string().max(300).optional()],
      [`feeAmount${n}`, z.string().max(30).optional()],
    ]),
  ),
  feeNote: z.string().max(2000).optional(),
  /** The fee request the cash recorded at the counter pays. */
  requestId: z.uuid().optional(),
});
type ActionBody = z.infer<typeof actionBody>;
const actions = [
  'accept',
  'refuse',
  'take',
  'forward',
  'send-back',
  'reassign',
  'issue-result',
  'extend',
  'stop',
  'deliver',
  'request-payment',
  'record-payment',
] as const;

export async function registerOneStopPages(
  app: App,
  service: DossierService,
  sections: readonly DossierPageSection[] = [],
): Promise<void> {
  app.get(
    '/one-stop/dossiers',
    { schema: { hide: true, querystring: z.object({ cursor: z.string().max(200).optional() }) } },
    async (request, reply) => {
      const l = request.locale;
      const page = await service.receivingQueue(request.ctx, { cursor: request.query.cursor, limit: 50 });
      return renderPage(request, reply, {
        title: bm.t('queueTitle', l),
        body: html`<h1>${bm.t('queueTitle', l)}</h1>
          <p>
            ${linkButton(bm.t('intake', l), '/one-stop/intake')}
            ${linkButton(bm.t('tasksTitle', l), '/one-stop/tasks')}
            ${linkButton(bm.t('searchTitle', l), '/one-stop/search')}
          </p>
          ${table({
            caption: bm.t('queueTitle', l),
            headers: [
              dm.t('code', l),
              dm.t('procedure', l),
              dm.t('applicant', l),
              bm.t('channel', l),
              dm.t('submittedAt', l),
            ],
            rows: page.items.map((d) => [
              html`<a href="/one-stop/dossiers/${d.id}">${d.code ?? ''}</a>`,
              d.procedureName,
              d.applicantName,
              channelName(d.channel, l),
              d.submittedAt ? formatDateTime(d.submittedAt) : '—',
            ]),
            empty: '—',
          })}
          ${nextPageLink(page.next ? `/one-stop/dossiers?cursor=${page.next}` : null, bm.t('nextPage', l))}`,
      });
    },
  );

  async function deskPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors: FieldError[] = [],
    status = 200,
  ) {
    const l = request.locale;
    const ctx = request.ctx;
    const d = await service.officerDossier(ctx, id);
    const [timeline, papers, steps, forms, extra, version] = await Promise.all([
      service.timeline(ctx, id),
      service.papers(ctx, id),
      service.steps(ctx, id),
      service.documentForms(ctx, id),
      renderSections(sections, ctx, id, `/one-stop/dossiers/${id}`),
      service.versionOf(d.versionId),
    ]);
    const requests = await service.feeRequests(ctx, id);
    const csrf = reply.generateCsrf();
    const actor = ctx.actor;
    const me = actor.kind === 'official' ? actor.accountId : '';
    const can = (...roles: Role[]) => hasRole(actor, ...roles);
    const open = steps.find((s) => s.finishedAt === null);
    const signingKey = open ? await service.signingStepKey(ctx, id) : null;
    // What the service allows (workflow/units.ts): a step of a unit is taken by that unit's
    // officials and reassigned, extended or stopped by its leaders; `admin` oversees every unit.
    const mine = open !== undefined && open.assigneeId === me;
    const ofMyUnit = open !== undefined && actor.kind === 'official' && inUnitOf(actor, open.unitId);
    const holds = open !== undefined && can(open.role as Role) && (mine || (!open.assigneeId && ofMyUnit));
    const leads = can('unit_leader', 'admin') && ofMyUnit;
    const err = (field: string) => errors.find((e) => e.field === field)?.message;
    const post = (
      action: string,
      label: string,
      body: SafeHtml,
      variant: 'primary' | 'secondary' | 'warning' = 'primary',
    ) =>
      form({
        action: `/one-stop/dossiers/${id}/${action}`,
        csrfToken: csrf,
        label,
        body: html`<input type="hidden" name="version" value="${d.rowVersion}" />${body}
          <p>${button(label, { variant })}</p>`,
      });
    const parts: SafeHtml[] = [];
    if (d.status === 'submitted' && can('one_stop_officer')) {
      parts.push(post('accept', bm.t('accept', l), html``));
      parts.push(
        post(
          'refuse',
          bm.t('refuse', l),
          textarea({
            name: 'reasons',
            label: bm.t('reasons', l),
            rows: 3,
            maxLength: 2000,
            ...(err('reasons') ? { error: err('reasons') ?? '' } : {}),
          }),
          'warning',
        ),
      );
    }
    if (['submitted', 'received', 'processing'].includes(d.status) && can('one_stop_officer'))
      parts.push(
        post(
          'supplement',
          bm.t('supplement', l),
          textarea({
            name: 'missing',
            label: bm.t('missing', l),
            rows: 3,
            maxLength: 2000,
            ...(err('missing') ? { error: err('missing') ?? '' } : {}),
          }),
          'secondary',
        ),
      );
    if (open && ['received', 'processing'].includes(d.status)) {
      if (holds && !open.assigneeId) parts.push(post('take', bm.t('take', l), html``));
      if (holds && open.assigneeId === me) {
        parts.push(notice(bm.t('yourTurn', l)));
        if (!d.hasResult && (open.key === signingKey || can('unit_leader', 'admin')))
          parts.push(
            post(
              'issue-result',
              bm.t('issueResult', l),
              textarea({ name: 'body', label: bm.t('resultBody', l), rows: 3, maxLength: 4000 }),
            ),
          );
        parts.push(
          post(
            'forward',
            bm.t('forward', l),
            textarea({ name: 'note', label: bm.t('note', l), rows: 2, maxLength: 2000 }),
          ),
        );
        const earlier = [
          ...new Map(
            steps.filter((s) => s.seq < open.seq && s.key !== open.key).map((s) => [s.key, s]),
          ).values(),
        ];
        if (earlier.length)
          parts.push(
            post(
              'send-back',
              bm.t('sendBack', l),
              html`${select({ name: 'toStepKey', label: bm.t('toStep', l), options: earlier.map((s) => ({ value: s.key, label: s.name[l] })) })}
              ${textarea({ name: 'backNote', label: bm.t('reason', l), rows: 2, maxLength: 2000 })}`,
              'secondary',
            ),
          );
      }
      if ((holds && open.assigneeId === me) || leads)
        parts.push(
          post(
            'request-payment',
            bm.t('requestPayment', l),
            html`<p class="hint">${bm.t('requestPaymentHint', l)}</p>
              ${FEE_LINES.map(
                (n) =>
                  html`<fieldset class="field">
                    <legend>${bm.t('feeLine', l, { n })}</legend>
                    ${input({ name: `feeName${n}`, label: bm.t('feeName', l), maxLength: 300, ...(n === 1 && err('feeName1') ? { error: err('feeName1') ?? '' } : {}) })}
                    ${input({ name: `feeAmount${n}`, label: bm.t('feeAmount', l), width: 'short', inputmode: 'numeric', maxLength: 20 })}
                  </fieldset>`,
              )}
              ${textarea({ name: 'feeNote', label: bm.t('note', l), rows: 2, maxLength: 2000 })}`,
            'secondary',
          ),
        );
      if (leads || (holds && !can('unit_leader', 'admin'))) {
        const colleagues = (await service.colleagues(ctx, open.role, open.unitId)).filter(
          (o) => o.id !== open.assigneeId,
        );
        if (colleagues.length)
          parts.push(
            post(
              'reassign',
              bm.t('reassign', l),
              html`${select({ name: 'assigneeId', label: bm.t('assignee', l), options: colleagues.map((o) => ({ value: o.id, label: o.fullName })) })}
              ${textarea({ name: 'reassignNote', label: bm.t('note', l), rows: 2, maxLength: 2000 })}`,
              'secondary',
            ),
          );
      }
      if (leads) {
        parts.push(
          post(
            'extend',
            bm.t('extend', l),
            html`${input({ name: 'workingDays', label: bm.t('workingDays', l), type: 'number', width: 'short', value: 1 })}
            ${textarea({ name: 'extendReason', label: bm.t('reason', l), rows: 2, maxLength: 2000 })}`,
            'secondary',
          ),
        );
        parts.push(
          post(
            'stop',
            bm.t('stop', l),
            textarea({ name: 'stopReason', label: bm.t('reason', l), rows: 2, maxLength: 2000 }),
            'warning',
          ),
        );
      }
    }
    const asked = requests.find((r) => r.paidAt === null);
    if (d.status === 'awaiting_payment' && asked && can('one_stop_officer', 'unit_leader', 'admin'))
      parts.push(
        post(
          'record-payment',
          bm.t('recordPayment', l),
          html`<input type="hidden" name="requestId" value="${asked.id}" />
            <p>
              ${bm.t('recordPaymentOf', l, {
                amount: `${formatNumber(asked.total, l)} đ`,
                at: formatDateTime(asked.requestedAt),
                by: asked.requestedByName ?? '—',
              })}
            </p>`,
        ),
      );
    if (d.status === 'result_ready' && can('one_stop_officer'))
      parts.push(
        post(
          'deliver',
          bm.t('deliver', l),
          select({
            name: 'method',
            label: bm.t('method', l),
            value: 'online',
            options: [
              { value: 'online', label: bm.t('methodOnline', l) },
              { value: 'counter', label: bm.t('methodCounter', l) },
              { value: 'post', label: bm.t('methodPost', l) },
            ],
          }),
        ),
      );
    if (['received', 'processing'].includes(d.status) && can('one_stop_officer'))
      parts.push(
        form({
          action: `/one-stop/dossiers/${id}/result`,
          csrfToken: csrf,
          enctype: 'multipart/form-data',
          label: dm.t('returnResult', l),
          body: html`${fileInput('file', dm.t('resultFile', l), l, service.limits.maxFileBytes, err('file'))}
            <p>${button(dm.t('returnResult', l), { variant: 'secondary' })}</p>`,
        }),
      );
    const title = `${dm.t('code', l)} ${d.code ?? ''}`;
    const docLinks = [
      linkButton(dm.t('receipt', l), `/dossiers/${id}/receipt.pdf`),
      ...forms
        .filter((f) => /^0[1-5]$/.test(f))
        .sort()
        .map((f) => linkButton(bm.t('form', l, { n: f }), `/dossiers/${id}/forms/${f}.pdf`)),
      linkButton(bm.t('controlSheet', l), `/dossiers/${id}/forms/06.pdf`),
      ...(d.hasResult ? [linkButton(dm.t('result', l), `/dossiers/${id}/result.pdf`, 'primary')] : []),
      ...(can('admin')
        ? [linkButton(bm.t('navWorkflows', l), `/admin/workflows/${encodeURIComponent(d.procedureCode)}`)]
        : []),
    ];
    return renderPage(request, reply, {
      title,
      status: errors.length ? status : 200,
      crumbs: [{ href: '/one-stop/dossiers', label: bm.t('queueTitle', l) }, { label: d.code ?? '' }],
      body: html`<h1>${title}</h1>
        ${errorSummary(errors, l)}
        ${summaryList([
          [dm.t('procedure', l), d.procedureName],
          [dm.t('applicant', l), d.applicantName],
          [dm.t('status', l), statusTag(d, l)],
          [bm.t('channel', l), channelName(d.channel, l)],
          [dm.t('submittedAt', l), d.submittedAt ? formatDateTime(d.submittedAt) : '—'],
          [bm.t('receivedAt', l), d.receivedAt ? formatDateTime(d.receivedAt) : '—'],
          [dm.t('dueDate', l), d.dueAt ? formatDate(d.dueAt) : '—'],
          ...(d.extendedDueAt
            ? ([
                [bm.t('originalDue', l), d.originalDueAt ? formatDate(d.originalDueAt) : '—'],
                [bm.t('extendedDue', l), formatDate(d.extendedDueAt)],
              ] as [string, string][])
            : []),
          ...(d.resultReference ? ([[bm.t('resultRef', l), d.resultReference]] as [string, string][]) : []),
          [dm.t('fees', l), feeText(d, l)],
        ])}
        <p>${docLinks}</p>
        <h2>${bm.t('steps', l)}</h2>
        ${stepsTable(steps, l)} ${feeRequestsTables(requests, l)} ${parts}
        <h2>${dm.t('papers', l)}</h2>
        ${table({
          caption: dm.t('papers', l),
          headers: [dm.t('paper', l), dm.t('file', l), dm.t('when', l)],
          rows: papers.map((p) => [
            paperName(version, p.paperKey, l),
            html`<a href="/dossiers/${id}/papers/${p.id}">${p.fileName}</a>`,
            formatDateTime(p.uploadedAt),
          ]),
          empty: '—',
        })}
        ${extra}
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
      reply.header('content-disposition', contentDisposition(f.fileName));
      return reply.type(f.mediaType).send(f.bytes);
    },
  );

  app.get(
    '/dossiers/:id/forms/:form.pdf',
    {
      schema: {
        hide: true,
        params: z.object({ id: z.uuid(), form: z.enum(['01', '02', '03', '04', '05', '06']) }),
      },
    },
    async (request, reply) => {
      const { id, form: f } = request.params;
      const bytes =
        f === '06' ? await service.controlSheet(request.ctx, id) : await service.document(request.ctx, id, f);
      reply.header('content-disposition', `inline; filename="mau-${f}.pdf"`);
      return reply.type('application/pdf').send(bytes);
    },
  );

  /** Runs one officer action from a posted form; errors come back on the page. */
  async function run(
    action: (typeof actions)[number] | 'receive' | 'supplement',
    id: string,
    b: ActionBody,
    request: FastifyRequest,
  ) {
    const ctx = request.ctx;
    const version = b.version;
    switch (action) {
      case 'receive':
      case 'accept':
        return service.accept(ctx, id, { version });
      case 'supplement':
        return service.requestSupplement(ctx, id, b.missing ?? '', version);
      case 'refuse':
        return service.refuse(ctx, id, { version, reasons: b.reasons ?? '' });
      case 'take':
        return service.take(ctx, id, { version });
      case 'forward':
        return service.forward(ctx, id, { version, note: b.note });
      case 'send-back':
        return service.sendBack(ctx, id, { version, toStepKey: b.toStepKey ?? '', note: b.backNote ?? '' });
      case 'reassign':
        return service.reassign(ctx, id, { version, assigneeId: b.assigneeId ?? '', note: b.reassignNote });
      case 'issue-result':
        return service.issueResult(ctx, id, { version, body: b.body });
      case 'extend':
        return service.extend(ctx, id, {
          version,
          reason: b.extendReason ?? '',
          workingDays: b.workingDays ?? 0,
        });
      case 'stop':
        return service.stop(ctx, id, { version, reason: b.stopReason ?? '' });
      case 'deliver':
        return service.deliver(ctx, id, { version, method: b.method ?? 'online' });
      case 'request-payment': {
        const fields = b as Record<string, string | undefined>;
        const items = FEE_LINES.filter(
          (n) => fields[`feeName${n}`]?.trim() || fields[`feeAmount${n}`]?.trim(),
        ).map((n) => ({ name: fields[`feeName${n}`] ?? '', amount: parseAmount(fields[`feeAmount${n}`]) }));
        return service.requestPayment(ctx, id, { version, items, note: b.feeNote });
      }
      case 'record-payment':
        return service.recordPayment(ctx, id, { version, requestId: b.requestId });
    }
  }

  const fieldOf: Record<string, string> = {
    supplement: 'missing',
    refuse: 'reasons',
    extend: 'extendReason',
    stop: 'stopReason',
    'send-back': 'backNote',
    'request-payment': 'feeName1',
  };
  for (const action of [...actions, 'receive', 'supplement'] as const)
    app.post(
      `/one-stop/dossiers/:id/${action}`,
      { schema: { hide: true, params: idParams, body: actionBody } },
      async (request, reply) => {
        try {
          await run(action, request.params.id, request.body, request);
        } catch (error) {
          const invalidFees =
            action === 'request-payment' && error instanceof AppError && error.code === 'DOSSIER_INVALID';
          const message = invalidFees
            ? bm.t('feeItemsInvalid', request.locale)
            : pageError(error, request.locale);
          const status = error instanceof AppError ? error.status : 400;
          return deskPage(
            request,
            reply,
            request.params.id,
            [{ field: fieldOf[action] ?? 'version', message }],
            status,
          );
        }
        return reply.redirect(`/one-stop/dossiers/${request.params.id}`, 303);
      },
    );

  app.get(
    '/one-stop/result-register',
    {
      schema: {
        hide: true,
        querystring: z.object({
          year: z.coerce.number().int().min(2000).max(2100).optional(),
          after: z.coerce.number().int().min(0).optional(),
        }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const year = request.query.year ?? localYear(new Date());
      const page = await service.resultRegister(request.ctx, { year, after: request.query.after });
      const title = bm.t('registerTitle', l, { year: String(year) });
      const state = { issued: 'stateIssued', void: 'stateVoid', reserved: 'stateReserved' } as const;
      // A void number keeps its reason: a stable error code, or ABANDONED.
      const known = { ABANDONED: 'reasonAbandoned', DOSSIER_CONFLICT: 'reasonConflict' } as const;
      const reason = (r: string | null) => {
        if (r === null) return '';
        return r in known ? bm.t(known[r as keyof typeof known], l) : bm.t('reasonFailed', l, { code: r });
      };
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
          ${table({
            caption: title,
            headers: [
              bm.t('registerNumber', l),
              dm.t('code', l),
              bm.t('registerState', l),
              bm.t('registerReason', l),
              bm.t('registerTaken', l),
            ],
            rows: page.items.map((e) => [
              `${e.number}/${e.year}`,
              html`<a href="/one-stop/dossiers/${e.dossierId}">${e.code ?? ''}</a>`,
              bm.t(state[e.state], l),
              reason(e.reason),
              formatDateTime(e.takenAt),
            ]),
            empty: '—',
          })}
          ${nextPageLink(page.next ? `/one-stop/result-register?year=${year}&after=${page.next}` : null, bm.t('nextPage', l))}`,
      });
    },
  );

  await registerIntakePages(app, service);
  const bodyLimit = service.limits.maxFileBytes + 64 * 1024;
  await registerUpload(app, '/one-stop/dossiers/:id/result', bodyLimit, async (request, reply, id, body) => {
    const file = body.files[0];
    try {
      if (!file) throw new Error('no file');
      await service.returnResult(request.ctx, id, file.data);
    } catch (error) {
      const message = file ? pageError(error, request.locale) : dm.t('chooseFile', request.locale);
      return deskPage(request, reply, id, [{ field: 'file', message }]);
    }
    return reply.redirect(`/one-stop/dossiers/${id}`, 303);
  });
}
