// Back-office pages without JavaScript: work lists (my tasks, my unit's, due soon, overdue),
// search with filters, counter / postal intake with the procedure's form and a scan. The workflow
// editor is in workflow-editor.ts (routes-workflow.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasRole } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  select,
  table,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import {
  formErrorMessage,
  renderFormFields,
  valuesFromFormPost,
  type FormIssue,
} from '../../services/index.ts';
import { ProcedureNotAvailable } from '../errors.ts';
import type { DossierService } from '../service.ts';
import { dossierChannels, dossierStatuses } from '../tables.ts';
import { statusTag } from './follow.ts';
import { bm } from './messages-backoffice.ts';
import { dm } from './messages.ts';
import { acceptMultipart, type PostedForm } from './multipart.ts';
import { pageError } from './one-stop.ts';
import { statusNames } from '../statuses.ts';

const lists = {
  mine: 'listMine',
  unit: 'listUnit',
  due_soon: 'listDueSoon',
  overdue: 'listOverdue',
} as const;
const str = (v: PostedForm[string] | undefined) =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';

export async function registerBackofficePages(app: App, service: DossierService): Promise<void> {
  app.get(
    '/one-stop/tasks',
    {
      schema: {
        hide: true,
        querystring: z.object({
          list: z.enum(['mine', 'unit', 'due_soon', 'overdue']).default('mine'),
          cursor: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const { list, cursor } = request.query;
      const page = await service.tasks(request.ctx, list, { cursor, limit: 50 });
      const title = bm.t('tasksTitle', l);
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
          <nav aria-label="${title}">
            <ul class="tabs">
              ${Object.entries(lists).map(([k, label]) =>
                k === list
                  ? html`<li><strong aria-current="page">${bm.t(label, l)}</strong></li>`
                  : html`<li><a href="/one-stop/tasks?list=${k}">${bm.t(label, l)}</a></li>`,
              )}
            </ul>
          </nav>
          ${table({
            caption: bm.t(lists[list], l),
            headers: [
              dm.t('code', l),
              bm.t('step', l),
              dm.t('applicant', l),
              bm.t('holder', l),
              bm.t('due', l),
              bm.t('timeliness', l),
            ],
            rows: page.items.map((t) => [
              html`<a href="/one-stop/dossiers/${t.dossierId}">${t.code ?? ''}</a>`,
              `${t.name[l]} — ${t.procedureName}`,
              t.applicantName,
              // A step routed to a unit waits in that unit's queue.
              t.assigneeName ?? (t.unitName ? `${bm.t('queue', l)} — ${t.unitName}` : bm.t('queue', l)),
              t.dueAt ? formatDateTime(t.dueAt) : '—',
              t.overdue ? bm.t('late', l) : t.dueSoon ? bm.t('listDueSoon', l) : '',
            ]),
            empty: '—',
          })}
          ${page.next ? html`<p><a rel="next" href="/one-stop/tasks?list=${list}&cursor=${page.next}">${bm.t('nextPage', l)} →</a></p>` : ''}`,
      });
    },
  );

  const searchQuery = z.object({
    q: z.string().max(100).optional(),
    status: z.union([z.enum(dossierStatuses), z.literal('')]).optional(),
    procedureCode: z.string().max(100).optional(),
    channel: z.union([z.enum(dossierChannels), z.literal('')]).optional(),
    from: z.union([z.iso.date(), z.literal('')]).optional(),
    to: z.union([z.iso.date(), z.literal('')]).optional(),
    cursor: z.string().max(200).optional(),
  });
  app.get(
    '/one-stop/search',
    { schema: { hide: true, querystring: searchQuery } },
    async (request, reply) => {
      const l = request.locale;
      const q = request.query;
      const page = await service.searchDossiers(request.ctx, {
        q: q.q || undefined,
        status: q.status || undefined,
        procedureCode: q.procedureCode || undefined,
        channel: q.channel || undefined,
        from: q.from || undefined,
        to: q.to || undefined,
        cursor: q.cursor,
        limit: 50,
      });
      const title = bm.t('searchTitle', l);
      const next = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (v && k !== 'cursor') next.set(k, v);
      if (page.next) next.set('cursor', page.next);
      const channelLabel = {
        online: 'channelOnline',
        counter: 'channelCounter',
        post: 'channelPost',
        national_portal: 'channelNational',
      } as const;
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
          ${form({
            action: '/one-stop/search',
            method: 'get',
            csrfToken: '',
            label: title,
            body: html`${input({ name: 'q', label: bm.t('q', l), type: 'search', value: q.q ?? '', maxLength: 100 })}
              ${select({ name: 'status', label: dm.t('status', l), includeEmpty: bm.t('any', l), value: q.status ?? '', options: dossierStatuses.filter((s) => s !== 'draft').map((s) => ({ value: s, label: statusNames[s][l] })) })}
              ${select({ name: 'channel', label: bm.t('channel', l), includeEmpty: bm.t('any', l), value: q.channel ?? '', options: dossierChannels.map((c) => ({ value: c, label: bm.t(channelLabel[c], l) })) })}
              ${input({ name: 'procedureCode', label: bm.t('intakeProcedure', l), value: q.procedureCode ?? '', width: 'medium', maxLength: 100 })}
              ${input({ name: 'from', label: bm.t('from', l), type: 'date', value: q.from ?? '', width: 'medium' })}
              ${input({ name: 'to', label: bm.t('to', l), type: 'date', value: q.to ?? '', width: 'medium' })}
              <p>${button(bm.t('search', l))}</p>`,
          })}
          ${table({
            caption: title,
            headers: [
              dm.t('code', l),
              dm.t('procedure', l),
              dm.t('applicant', l),
              dm.t('status', l),
              dm.t('submittedAt', l),
              dm.t('dueDate', l),
            ],
            rows: page.items.map((d) => [
              html`<a href="/one-stop/dossiers/${d.id}">${d.code ?? ''}</a>`,
              d.procedureName,
              d.applicantName,
              statusTag(d, l),
              d.submittedAt ? formatDateTime(d.submittedAt) : '—',
              d.dueAt ? formatDate(d.dueAt) : '—',
            ]),
            empty: '—',
          })}
          ${page.next ? html`<p><a rel="next" href="/one-stop/search?${next.toString()}">${bm.t('nextPage', l)} →</a></p>` : ''}`,
      });
    },
  );

  // ── Counter / postal intake ──────────────────────────────────────────────────────────────
  async function intakePage(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    o: {
      values?: Record<string, unknown>;
      posted?: Record<string, string>;
      issues?: FormIssue[];
      errors?: FieldError[];
    } = {},
  ) {
    const l = request.locale;
    const title = bm.t('intakeTitle', l);
    if (!hasRole(request.ctx.actor, 'one_stop_officer')) throw ProcedureNotAvailable();
    if (!code)
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
          ${form({
            action: '/one-stop/intake',
            method: 'get',
            csrfToken: '',
            label: bm.t('chooseProcedure', l),
            body: html`${input({ name: 'procedure', label: bm.t('intakeProcedure', l), width: 'medium', maxLength: 100, required: true })}
              <p>${button(bm.t('chooseProcedure', l))}</p>`,
          })}`,
      });
    const { version } = await service.procedureForFiling(code);
    const def = version.content.form;
    const issues = o.issues ?? [];
    const errors = [
      ...(o.errors ?? []),
      ...issues.map((i) => ({ field: `f.${i.path}`, message: formErrorMessage(i, def, l) })),
    ];
    const p = o.posted ?? {};
    const err = (f: string) => o.errors?.find((e) => e.field === f)?.message;
    return renderPage(request, reply, {
      title,
      status: errors.length ? 400 : 200,
      crumbs: [{ href: '/one-stop/dossiers', label: bm.t('queueTitle', l) }, { label: version.content.name }],
      body: html`<h1>${title}</h1>
        <p>${version.content.name}</p>
        ${errorSummary(errors, l)}
        ${form({
          action: `/one-stop/intake?procedure=${encodeURIComponent(code)}`,
          csrfToken: reply.generateCsrf(),
          enctype: 'multipart/form-data',
          label: title,
          body: html`${select({
              name: 'channel',
              label: bm.t('channel', l),
              value: p['channel'] ?? 'counter',
              options: [
                { value: 'counter', label: bm.t('channelCounter', l) },
                { value: 'post', label: bm.t('channelPost', l) },
              ],
            })}
            ${input({ name: 'applicantName', label: bm.t('applicantName', l), value: p['applicantName'] ?? '', maxLength: 200, required: true, error: err('applicantName') })}
            ${input({ name: 'idNumber', label: bm.t('idNumber', l), value: p['idNumber'] ?? '', maxLength: 12, width: 'medium', inputmode: 'numeric', error: err('idNumber') })}
            ${input({ name: 'phone', label: bm.t('phone', l), type: 'tel', value: p['phone'] ?? '', maxLength: 20, width: 'medium' })}
            ${input({ name: 'email', label: bm.t('email', l), type: 'email', value: p['email'] ?? '', maxLength: 254 })}
            ${input({ name: 'address', label: bm.t('address', l), value: p['address'] ?? '', maxLength: 500 })}
            ${renderFormFields(def, o.values ?? {}, { locale: l, errors: issues })}
            <div class="field${err('scan') ? ' field--error' : ''}">
              <label for="f-scan">${bm.t('scan', l)}</label>
              ${err('scan') ? html`<p class="field-error" id="f-scan-error">${err('scan')}</p>` : ''}
              <input id="f-scan" name="scan" type="file" accept="application/pdf,image/jpeg,image/png" />
            </div>
            <p>${button(bm.t('takeIn', l))}</p>`,
        })}`,
    });
  }

  const procedureQuery = z.object({ procedure: z.string().max(100).optional() });
  app.get('/one-stop/intake', { schema: { hide: true, querystring: procedureQuery } }, (request, reply) =>
    intakePage(request, reply, request.query.procedure ?? ''),
  );
  const bodyLimit = service.limits.maxFileBytes + 64 * 1024;
  await app.register((scope, _o, done) => {
    acceptMultipart(scope, bodyLimit, 1);
    scope.post('/one-stop/intake', { bodyLimit, schema: { hide: true } }, async (request, reply) => {
      const code = procedureQuery.parse(request.query).procedure ?? '';
      const body = request.body as PostedForm;
      const posted = Object.fromEntries(
        ['channel', 'applicantName', 'idNumber', 'phone', 'email', 'address'].map((k) => [
          k,
          str(body[k]).trim(),
        ]),
      );
      const { version } = await service.procedureForFiling(code);
      const values = valuesFromFormPost(version.content.form, body as never);
      const file = body.files[0];
      const l = request.locale;
      const errors: FieldError[] = [];
      if (!posted['applicantName'])
        errors.push({
          field: 'applicantName',
          message: dm.t('required', l, { label: bm.t('applicantName', l) }),
        });
      if (posted['idNumber'] && !/^[0-9]{9,12}$/.test(posted['idNumber']))
        errors.push({ field: 'idNumber', message: bm.t('idNumber', l) });
      if (!file) errors.push({ field: 'scan', message: dm.t('chooseFile', l) });
      if (errors.length || !file) return intakePage(request, reply, code, { values, posted, errors });
      try {
        const r = await service.intake(request.ctx, {
          procedureCode: code,
          channel: posted['channel'] === 'post' ? 'post' : 'counter',
          applicant: {
            name: posted['applicantName'] ?? '',
            idNumber: posted['idNumber'] || undefined,
            phone: posted['phone'] || undefined,
            email: posted['email'] || undefined,
            address: posted['address'] || undefined,
          },
          values,
          scans: [{ fileName: file.filename, bytes: file.data }],
        });
        return renderPage(request, reply, {
          title: bm.t('intakeTitle', l),
          body: html`<h1>${bm.t('intakeTitle', l)}</h1>
            ${notice(bm.t('takenIn', l, { code: r.dossier.code ?? '', secret: r.lookupSecret }), 'success')}
            <p>
              ${linkButton(dm.t('receipt', l), `/dossiers/${r.dossier.id}/receipt.pdf`)}
              ${linkButton(dm.t('open', l), `/one-stop/dossiers/${r.dossier.id}`, 'primary')}
            </p>`,
        });
      } catch (error) {
        if (
          error instanceof AppError &&
          error.code === 'DOSSIER_INVALID' &&
          Array.isArray((error.details as { form?: unknown } | undefined)?.form)
        )
          return intakePage(request, reply, code, {
            values,
            posted,
            issues: (error.details as { form: FormIssue[] }).form,
          });
        return intakePage(request, reply, code, {
          values,
          posted,
          errors: [{ field: 'scan', message: pageError(error, l) }],
        });
      }
    });
    done();
  });
}
