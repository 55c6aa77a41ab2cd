// Counter and postal intake without JavaScript: the procedure's form, the applicant, and the scans
// of the paper dossier — one file input per paper of the procedure (`paper.<key>`) and one for
// other papers that takes several files (`scan`, `multiple`). Files are checked by the service as
// online filing checks them (files.ts); a refusal comes back next to the file it is about.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasRole } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import type { Locale } from '../../../platform/i18n/index.ts';
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
  type ProcedureVersion,
} from '../../services/index.ts';
import { ProcedureNotAvailable } from '../errors.ts';
import { EXTRA_SCAN_KEY, MAX_INTAKE_SCANS, type IntakeInput } from '../service-desk.ts';
import type { DossierService } from '../service.ts';
import { fileInput } from './filing.ts';
import { feeText } from './follow.ts';
import { bm } from './messages-backoffice.ts';
import { dm } from './messages.ts';
import { acceptMultipart, type PostedForm } from './multipart.ts';
import { pageError } from './one-stop.ts';

const str = (v: PostedForm[string] | undefined) =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';

/** The papers of a procedure a scan may stand for (the online form stands for `generated` ones). */
const scannable = (v: ProcedureVersion) => v.content.papers.filter((p) => p.template?.kind !== 'generated');

/** The field of the page a scan came in: `paper.<key>`, or `scan` for other papers. */
const fieldOfPaper = (paperKey: string) => (paperKey === EXTRA_SCAN_KEY ? 'scan' : `paper.${paperKey}`);

/** A paper's name for people: the procedure's, or "other paper" for an extra scan. */
export function paperName(v: ProcedureVersion, paperKey: string, l: Locale): string {
  if (paperKey === EXTRA_SCAN_KEY) return bm.t('scanExtraName', l);
  return v.content.papers.find((p) => p.key === paperKey)?.name ?? paperKey;
}

/** Registers the intake pages (async: the post has its own multipart scope). */
export async function registerIntakePages(app: App, service: DossierService): Promise<void> {
  const maxFileBytes = service.limits.maxFileBytes;

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
    const paperInputs = scannable(version).map((paper) =>
      fileInput(
        `paper.${paper.key}`,
        bm.t(paper.requirement === 'required' ? 'paperRequired' : 'paperIfAny', l, { name: paper.name }),
        l,
        maxFileBytes,
        err(`paper.${paper.key}`),
      ),
    );
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
            <fieldset>
              <legend>${bm.t('scan', l)}</legend>
              <p class="hint">${bm.t('scansHint', l)}</p>
              ${paperInputs} ${fileInput('scan', bm.t('scanExtra', l), l, maxFileBytes, err('scan'), true)}
            </fieldset>
            <p>${button(bm.t('takeIn', l))}</p>`,
        })}`,
    });
  }

  const procedureQuery = z.object({ procedure: z.string().max(100).optional() });
  app.get('/one-stop/intake', { schema: { hide: true, querystring: procedureQuery } }, (request, reply) =>
    intakePage(request, reply, request.query.procedure ?? ''),
  );
  // One intake carries several scans: each at most maxFileBytes (checked by content in the
  // service), all together at most four files' worth.
  const bodyLimit = 4 * maxFileBytes + 64 * 1024;
  await app.register((scope, _o, done) => {
    acceptMultipart(scope, bodyLimit, MAX_INTAKE_SCANS);
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
      const keys = new Set(scannable(version).map((x) => x.key));
      const scans: IntakeInput['scans'] = body.files.flatMap((f) => {
        if (f.field === 'scan') return [{ fileName: f.filename, bytes: f.data }];
        const key = f.field.startsWith('paper.') ? f.field.slice('paper.'.length) : '';
        return keys.has(key) ? [{ fileName: f.filename, bytes: f.data, paperKey: key }] : [];
      });
      const l = request.locale;
      const errors: FieldError[] = [];
      if (!posted['applicantName'])
        errors.push({
          field: 'applicantName',
          message: dm.t('required', l, { label: bm.t('applicantName', l) }),
        });
      if (posted['idNumber'] && !/^[0-9]{9,12}$/.test(posted['idNumber']))
        errors.push({ field: 'idNumber', message: bm.t('idNumber', l) });
      if (scans.length === 0) errors.push({ field: 'scan', message: bm.t('scanRequired', l) });
      if (errors.length) return intakePage(request, reply, code, { values, posted, errors });
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
          scans,
        });
        const id = r.dossier.id;
        const papers = await service.papers(request.ctx, id);
        return renderPage(request, reply, {
          title: bm.t('intakeTitle', l),
          body: html`<h1>${bm.t('intakeTitle', l)}</h1>
            ${notice(bm.t('takenIn', l, { code: r.dossier.code ?? '', secret: r.lookupSecret }), 'success')}
            <p>${dm.t('fees', l)}: ${feeText(r.dossier, l)}</p>
            ${table({
              caption: bm.t('scansRecorded', l),
              headers: [dm.t('paper', l), dm.t('file', l)],
              rows: papers.map((x) => [
                paperName(version, x.paperKey, l),
                html`<a href="/dossiers/${id}/papers/${x.id}">${x.fileName}</a>`,
              ]),
              empty: '—',
            })}
            <p>
              ${linkButton(dm.t('receipt', l), `/dossiers/${id}/receipt.pdf`)}
              ${linkButton(dm.t('open', l), `/one-stop/dossiers/${id}`, 'primary')}
            </p>`,
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const details = (error.details ?? {}) as { form?: unknown; paperKey?: unknown };
        if (error.code === 'DOSSIER_INVALID' && Array.isArray(details.form))
          return intakePage(request, reply, code, { values, posted, issues: details.form as FormIssue[] });
        const field = typeof details.paperKey === 'string' ? fieldOfPaper(details.paperKey) : 'scan';
        return intakePage(request, reply, code, {
          values,
          posted,
          errors: [{ field, message: pageError(error, l) }],
        });
      }
    });
    done();
  });
}
