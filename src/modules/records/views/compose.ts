/** The compose page: pick recipients from the directory, fill the MessageHeader, attach PDFs, sign and send. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../../platform/errors.ts';
import { format, type Locale } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import {
  button,
  checkboxes,
  errorSummary,
  form,
  input,
  notice,
  select,
  table,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { multipartParser } from '../../../platform/http/multipart.ts';
import { competences, composeBody, composeQuery, type ComposeBody } from '../schemas.ts';
import type { RecordsService } from '../service.ts';
import type { ComposeInput } from '../service-outgoing.ts';
import { recordsMessages as m } from './messages.ts';
import { codeText, deskTabs, priorityName, sizeText } from './shared.ts';

type Values = Partial<Record<keyof ComposeBody, string>>;
type Info = Awaited<ReturnType<RecordsService['outgoing']['composeInfo']>>;

const composeUrl = (to: readonly string[], o: { find?: string; replaces?: string | undefined } = {}) => {
  const q = new URLSearchParams();
  for (const id of to) q.append('to', id);
  if (o.replaces) q.set('replaces', o.replaces);
  if (o.find) q.set('find', o.find);
  return `/records/outgoing/new?${q.toString()}`;
};

function valuesFromReplaced(info: Info): Values {
  const r = info.replaces;
  if (!r) return { promulgationDate: info.today, priority: '0' };
  const competence = competences.find((c) => c && r.signer_competence?.startsWith(`${c}. `)) ?? '';
  return {
    typeName: r.type_name,
    notation: r.notation,
    subject: r.subject,
    content: r.content ?? '',
    competence,
    signerHead: competence
      ? (r.signer_competence ?? '').slice(competence.length + 2)
      : (r.signer_competence ?? ''),
    signerPosition: r.signer_position ?? '',
    signerName: r.signer_name ?? '',
    place: r.place ?? '',
    promulgationDate: info.today,
    priority: String(r.priority),
    steeringType: r.steering_type === null ? '' : String(r.steering_type),
    dueDate: r.due_date ?? '',
    toPlaces: r.to_places.join('\n'),
  };
}

/** Checks what the page can check; the service checks the rest (PDF content, recipients, certificate). */
function fieldErrors(b: ComposeBody, hasFile: boolean, l: Locale): FieldError[] {
  const errors: FieldError[] = [];
  const need = (field: keyof ComposeBody, key: Parameters<typeof m.t>[0]) => {
    const value = b[field];
    if (typeof value !== 'string' || !value.trim())
      errors.push({ field, message: m.t('required', l, { field: m.t(key, l).toLowerCase() }) });
  };
  if (b.to.length === 0) errors.push({ field: 'to', message: m.t('noneChosen', l) });
  need('typeName', 'typeName');
  need('notation', 'notation');
  need('subject', 'subject');
  need('signerName', 'signerName');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(b.promulgationDate) || Number.isNaN(Date.parse(b.promulgationDate)))
    errors.push({ field: 'promulgationDate', message: m.t('badDate', l) });
  if (b.dueDate && (!/^\d{4}-\d{2}-\d{2}$/.test(b.dueDate) || Number.isNaN(Date.parse(b.dueDate))))
    errors.push({ field: 'dueDate', message: m.t('badDate', l) });
  if (!hasFile) errors.push({ field: 'pdf', message: m.t('pdfRequired', l) });
  return errors;
}

/** Registers the compose page and its post (multipart, read by the kernel parser in this scope). */
export async function registerComposePages(app: App, service: RecordsService): Promise<void> {
  const { outgoing, limits } = service;
  const bodyLimit = Math.ceil(limits.maxAttachmentBytes * limits.maxAttachments * 1.4) + 256 * 1024;

  async function renderCompose(
    request: FastifyRequest,
    reply: FastifyReply,
    q: { to: string[]; find?: string | undefined; replaces?: string | undefined },
    o: { values?: Values; errors?: FieldError[]; failure?: string; status?: number } = {},
  ) {
    const l = request.locale;
    const info = await outgoing.composeInfo(request.ctx, q.replaces || undefined);
    const chosen = await outgoing.recipientsByIds(request.ctx, q.to);
    const found = q.find ? await outgoing.searchRecipients(request.ctx, q.find) : [];
    const v: Values = o.values ?? valuesFromReplaced(info);
    const errors = o.errors ?? [];
    const err = (f: string) => errors.find((e) => e.field === f)?.message;
    const title = m.t(info.replaces ? 'composeReplace' : 'compose', l);
    const ids = chosen.map((c) => c.agencyId);

    const picker = html`<h2>${m.t('step1', l)}</h2>
      <form
        method="get"
        action="/records/outgoing/new"
        class="search-form"
        aria-label="${m.t('recipientSearch', l)}"
      >
        ${ids.map((id) => html`<input type="hidden" name="to" value="${id}" />`)}
        ${info.replaces ? html`<input type="hidden" name="replaces" value="${info.replaces.id}" />` : ''}
        ${input({ name: 'find', label: m.t('recipientSearch', l), value: q.find ?? '', type: 'search', maxLength: 200 })}
        <p>${button(m.t('find', l), { variant: 'secondary' })}</p>
      </form>
      ${
        q.find
          ? table({
              caption: m.t('found', l),
              headers: [m.t('agencyName', l), m.t('agencyCode', l), ''],
              rows: found.map((a) => [
                a.name,
                html`<code>${a.code}</code>`,
                ids.includes(a.agencyId)
                  ? '✓'
                  : html`<a
                      href="${composeUrl([...ids, a.agencyId], { replaces: info.replaces?.id })}"
                      aria-label="${m.t('addNamed', l, { name: a.name })}"
                      >${m.t('add', l)}</a
                    >`,
              ]),
              empty: m.t('noneFound', l),
            })
          : ''
      }`;

    const fileField = html`<div class="field${err('pdf') ? ' field--error' : ''}">
      <label for="f-pdf">${m.t('pdf', l)}</label>
      <p class="hint" id="f-pdf-hint">
        ${m.t('pdfHint', l, { size: sizeText(limits.maxAttachmentBytes, l), count: limits.maxAttachments })}
      </p>
      ${err('pdf') ? html`<p class="field-error" id="f-pdf-error">${err('pdf')}</p>` : ''}
      <input
        id="f-pdf"
        name="pdf"
        type="file"
        accept="application/pdf,.pdf"
        multiple
        aria-describedby="f-pdf-hint${err('pdf') ? ' f-pdf-error' : ''}"
        ${err('pdf') ? html`aria-invalid="true"` : ''}
      />
    </div>`;
    const text = (
      name: keyof ComposeBody,
      key: Parameters<typeof m.t>[0],
      max: number,
      extra: Partial<Parameters<typeof input>[0]> = {},
    ) =>
      input({ name, label: m.t(key, l), value: v[name] ?? '', maxLength: max, error: err(name), ...extra });

    const composeForm = form({
      action: '/records/outgoing',
      csrfToken: reply.generateCsrf(),
      enctype: 'multipart/form-data',
      label: title,
      body: html`${info.replaces ? html`<input type="hidden" name="replaces" value="${info.replaces.id}" />` : ''}
        ${
          chosen.length > 0
            ? checkboxes({
                name: 'to',
                legend: m.t('sendTo', l),
                options: chosen.map((c) => ({ value: c.agencyId, label: `${c.name} (${c.code})` })),
                checked: ids,
                error: err('to'),
              })
            : html`<div id="f-to">${notice(m.t('noneChosen', l), err('to') ? 'warning' : 'info')}</div>`
        }
        ${text('typeName', 'typeName', 200, { hint: m.t('typeNameHint', l), width: 'medium' })}
        ${text('notation', 'notation', 100, { hint: m.t('notationHint', l), width: 'medium' })}
        ${textarea({ name: 'subject', label: m.t('subject', l), value: v.subject ?? '', rows: 2, maxLength: 500, ...(err('subject') ? { error: err('subject') ?? '' } : {}) })}
        ${textarea({ name: 'content', label: m.t('content', l), value: v.content ?? '', rows: 3, maxLength: 500 })}
        ${select({
          name: 'competence',
          label: m.t('signerCompetence', l),
          options: competences.map((c) => ({
            value: c,
            label: m.t(c ? `competence_${c}` : 'competence_none', l),
          })),
          value: v.competence ?? '',
        })}
        ${text('signerHead', 'signerHead', 150, { hint: m.t('signerHeadHint', l), width: 'medium' })}
        ${text('signerPosition', 'signerPosition', 200, { width: 'medium' })}
        ${text('signerName', 'signerName', 200, { width: 'medium', autocomplete: 'off' })}
        ${text('place', 'place', 150, { width: 'medium' })}
        ${text('promulgationDate', 'promulgationDate', 10, { type: 'date', width: 'medium' })}
        ${select({
          name: 'priority',
          label: m.t('priority', l),
          options: [0, 1, 2, 3, 4].map((p) => ({ value: String(p), label: priorityName(p, l) })),
          value: v.priority ?? '0',
        })}
        ${select({
          name: 'steeringType',
          label: m.t('steeringType', l),
          options: ['1', '2', '3', '0'].map((s) => ({ value: s, label: m.t(`sr_${s}` as 'sr_0', l) })),
          value: v.steeringType ?? '',
          includeEmpty: '—',
        })}
        ${text('dueDate', 'dueDate', 10, { type: 'date', width: 'medium' })}
        ${textarea({ name: 'toPlaces', label: `${m.t('toPlaces', l)} — ${m.t('toPlacesHint', l)}`, value: v.toPlaces ?? '', rows: 3, maxLength: 4000 })}
        ${fileField}
        <p class="hint">${m.t('signInfo', l, { agency: info.agencyName, code: info.code })}</p>
        <p>${button(m.t('signAndSend', l))}</p>`,
    });

    const body = html`${deskTabs('outgoing', l, request.ctx.actor)}
      <h1>${title}</h1>
      ${info.hasCertificate ? '' : notice(html`<strong>${m.t('noCertificate', l)}</strong>`, 'warning')}
      ${
        info.replaces
          ? notice(m.t('replacing', l, { code: codeText(info.replaces.number, info.replaces.notation) }))
          : ''
      }
      ${o.failure ? notice(o.failure, 'warning') : ''} ${errorSummary(errors, l)} ${picker}
      <h2>${m.t('step2', l)}</h2>
      ${composeForm}`;
    return renderPage(request, reply, {
      title,
      body,
      crumbs: [{ href: '/records/outgoing', label: m.t('outgoing', l) }, { label: title }],
      ...(o.status ? { status: o.status } : {}),
    });
  }

  app.get('/records/outgoing/new', { schema: { hide: true, querystring: composeQuery } }, (request, reply) =>
    renderCompose(request, reply, {
      to: request.query.to,
      find: request.query.find,
      replaces: request.query.replaces || undefined,
    }),
  );

  await app.register((scope, _opts, done) => {
    const s = scope.withTypeProvider<ZodTypeProvider>();
    s.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit },
      multipartParser({ maxParts: 300, maxFieldBytes: 64 * 1024, maxFiles: limits.maxAttachments }),
    );

    s.post(
      '/records/outgoing',
      { bodyLimit, schema: { hide: true, body: composeBody } },
      async (request, reply) => {
        const l = request.locale;
        const b = request.body;
        const files = b.files
          .filter((f) => f.field === 'pdf')
          .map((f) => ({ name: f.filename || 'van-ban.pdf', content: f.data }));
        if (b.pdfBase64)
          files.push({ name: b.pdfName || 'van-ban.pdf', content: Buffer.from(b.pdfBase64, 'base64') });
        const q = { to: b.to, replaces: b.replaces || undefined };
        const { files: _f, pdfBase64: _p, _csrf, to: _t, ...rest } = b;
        const values = rest as Values;
        const errors = fieldErrors(b, files.length > 0, l);
        if (errors.length > 0) return renderCompose(request, reply, q, { values, errors, status: 400 });
        const input: ComposeInput = {
          typeName: b.typeName.trim(),
          notation: b.notation.trim(),
          subject: b.subject.trim(),
          content: b.content.trim() || null,
          signer: {
            competence:
              [b.competence ? `${b.competence}.` : '', b.signerHead.trim()].filter(Boolean).join(' ') || null,
            position: b.signerPosition.trim() || null,
            fullName: b.signerName.trim(),
          },
          place: b.place.trim() || null,
          promulgationDate: b.promulgationDate,
          priority: Number(b.priority),
          steeringType: b.steeringType === '' ? null : Number(b.steeringType),
          dueDate: b.dueDate || null,
          toPlaces: b.toPlaces
            .split(/\r?\n/)
            .map((p) => p.trim().slice(0, 150))
            .filter(Boolean)
            .slice(0, 30),
          recipients: b.to,
          attachments: files,
          replacesId: b.replaces || null,
          staffName: request.displayName ?? null,
        };
        try {
          const row = await outgoing.issue(request.ctx, input);
          return await reply.redirect(`/records/outgoing/${row.id}?done=sent`, 303);
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500 || error.code === 'RECORD_NOT_FOUND')
            throw error;
          const field = (error as AppError & { field?: string }).field;
          const failure = `${format(error.text, l)}${field ? ` (${field})` : ''}`;
          return renderCompose(request, reply, q, {
            values,
            failure,
            status: error.status === 404 ? 409 : error.status,
          });
        }
      },
    );
    done();
  });
}
