/** Pages of the incoming register: the list with filters, a document, and the desk's steps. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { format, type Locale } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import {
  button,
  errorSummary,
  form,
  input,
  notice,
  pagination,
  select,
  summaryList,
  table,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { canAtDesk } from '../policies.ts';
import {
  assignBody,
  attachmentParams,
  doneQuery,
  idParams,
  incomingListQuery,
  noteBody,
  reasonBody,
  recallAnswerBody,
  type IncomingListQuery,
} from '../schemas.ts';
import type { RecordsService } from '../service.ts';
import { recordsMessages as m } from './messages.ts';
import {
  codeText,
  dateOrDash,
  dateTimeOrDash,
  deskTabs,
  priorityName,
  priorityTag,
  recallTag,
  sendDownload,
  stepThenRedirect,
  sizeText,
  statusName,
  statusTag,
} from './shared.ts';

type Detail = Awaited<ReturnType<RecordsService['incoming']['get']>>;
type Done = NonNullable<ReturnType<typeof doneQuery.parse>['done']>;

function filtersForm(q: IncomingListQuery, senders: { id: string; name: string }[], l: Locale): SafeHtml {
  const statuses = (['01', '02', '03', '04', '05', '06'] as const).map((s) => ({
    value: s,
    label: statusName(s, l),
  }));
  const priorities = [0, 1, 2, 3, 4].map((p) => ({ value: String(p), label: priorityName(p, l) }));
  return html`<form
    method="get"
    action="/records/incoming"
    class="search-form"
    aria-label="${m.t('filters', l)}"
  >
    ${input({ name: 'q', label: m.t('q', l), value: q.q ?? '', type: 'search', hint: m.t('qHint', l), maxLength: 200 })}
    ${input({ name: 'from', label: m.t('fromDate', l), value: q.from ?? '', type: 'date', width: 'medium' })}
    ${input({ name: 'to', label: m.t('toDate', l), value: q.to ?? '', type: 'date', width: 'medium' })}
    ${select({
      name: 'sender',
      label: m.t('sender', l),
      options: senders.map((s) => ({ value: s.id, label: s.name })),
      value: q.sender ?? '',
      includeEmpty: m.t('all', l),
    })}
    ${select({ name: 'status', label: m.t('status', l), options: statuses, value: q.status ?? '', includeEmpty: m.t('all', l) })}
    ${select({
      name: 'priority',
      label: m.t('priority', l),
      options: priorities,
      value: q.priority ?? '',
      includeEmpty: m.t('all', l),
    })}
    <p>${button(m.t('apply', l))} <a href="/records/incoming">${m.t('clear', l)}</a></p>
  </form>`;
}

/** The steps the actor may take now on the document, each a small form. */
function actions(d: Detail, request: FastifyRequest, csrf: string, errors: FieldError[]): SafeHtml {
  const l = request.locale;
  const r = d.record;
  const actor = request.ctx.actor;
  const may = (a: Parameters<typeof canAtDesk>[2]) => canAtDesk(actor, r.agency_id, a);
  const base = `/records/incoming/${r.id}`;
  const err = (field: string) => errors.find((e) => e.field === field)?.message;
  const blocks: SafeHtml[] = [];
  const open = !r.withdrawn && r.recall_state !== 'accepted';
  if (r.recall_state === 'requested' && may('answerRecall'))
    blocks.push(
      html`<h3>${m.t('answerRecall', l)}</h3>
        ${form({
          action: `${base}/recall-answer`,
          csrfToken: csrf,
          label: m.t('answerRecall', l),
          body: html`${textarea({ name: 'recallNote', label: m.t('note', l), rows: 2, maxLength: 1000 })}
            <p>
              ${button(m.t('acceptRecall', l), { name: 'answer', value: 'accept', variant: 'warning' })}
              ${button(m.t('refuseRecall', l), { name: 'answer', value: 'refuse', variant: 'secondary' })}
            </p>`,
        })}`,
    );
  if (open && r.status === '01' && may('register'))
    blocks.push(
      html`<h3>${m.t('register', l)}</h3>
        <p class="hint">${m.t('registerHint', l)}</p>
        ${form({ action: `${base}/register`, csrfToken: csrf, label: m.t('register', l), body: button(m.t('register', l)) })}
        <h3>${m.t('reject', l)}</h3>
        ${form({
          action: `${base}/reject`,
          csrfToken: csrf,
          label: m.t('reject', l),
          body: html`${textarea({
            name: 'reason',
            label: m.t('reason', l),
            rows: 2,
            maxLength: 1000,
            ...(err('reason') ? { error: err('reason') ?? '' } : {}),
          })}
          ${button(m.t('reject', l), { variant: 'warning' })}`,
        })}`,
    );
  if (open && r.status === '03' && may('assign'))
    blocks.push(
      html`<h3>${m.t('assign', l)}</h3>
        ${form({
          action: `${base}/assign`,
          csrfToken: csrf,
          label: m.t('assign', l),
          body: html`${select({
            name: 'kind',
            label: m.t('assigneeKind', l),
            options: [
              { value: 'unit', label: m.t('kind_unit', l) },
              { value: 'person', label: m.t('kind_person', l) },
            ],
            value: 'unit',
          })}
          ${input({ name: 'name', label: m.t('assigneeName', l), maxLength: 200, error: err('name'), required: true })}
          ${textarea({ name: 'assignNote', label: m.t('note', l), rows: 2, maxLength: 1000 })}
          ${button(m.t('assign', l))}`,
        })}`,
    );
  if (open && (r.status === '04' || r.status === '05') && may('process')) {
    const next = r.status === '04' ? 'processing' : 'done';
    const title = m.t(next === 'processing' ? 'markProcessing' : 'markDone', l);
    blocks.push(
      html`<h3>${title}</h3>
        ${form({
          action: `${base}/${next}`,
          csrfToken: csrf,
          label: title,
          body: html`${textarea({ name: 'note', label: m.t('note', l), rows: 2, maxLength: 1000 })}
          ${button(title)}`,
        })}`,
    );
  }
  return html`<h2>${m.t('actions', l)}</h2>
    ${blocks.length > 0 ? blocks : html`<p class="empty">${m.t('noActions', l)}</p>`}`;
}

function detailBody(d: Detail, request: FastifyRequest, reply: FastifyReply, o: PageState): SafeHtml {
  const l = request.locale;
  const r = d.record;
  const p = d.packet;
  const code = codeText(r.code_number, r.code_notation);
  const facts = summaryList([
    [m.t('sender', l), `${r.sender_name ?? ''} (${r.sender_code})`],
    [m.t('code', l), code],
    [m.t('documentType', l), r.type_name ?? '—'],
    [m.t('promulgation', l), dateOrDash(r.promulgation_date)],
    [m.t('priority', l), priorityTag(r.priority, l)],
    [m.t('dueDate', l), dateOrDash(r.due_date)],
    [m.t('receivedAt', l), dateTimeOrDash(r.received_at)],
    [m.t('status', l), html`${statusTag(r.status, l)} ${recallTag(r.recall_state, l)}`],
    [
      m.t('registered', l),
      r.reg_number !== null
        ? html`<strong id="reg-number"
            >${m.t('registeredAs', l, { number: r.reg_number, year: r.reg_year ?? '' })}</strong
          >`
        : m.t('notRegistered', l),
    ],
    ...(r.assignee_name
      ? [
          [
            m.t('assignee', l),
            `${m.t(r.assignee_kind === 'person' ? 'kind_person' : 'kind_unit', l)}: ${r.assignee_name}`,
          ] as [string, string],
        ]
      : []),
    ...(r.rejected_reason ? [[m.t('rejectedReason', l), r.rejected_reason] as [string, string]] : []),
    [
      m.t('signature', l),
      m.t(
        `sig_${p.signature.result === 'valid' || p.signature.result === 'untrusted' ? p.signature.result : 'none'}`,
        l,
      ),
    ],
    ...(d.replaces
      ? [
          [
            m.t('replaces', l),
            html`<a href="/records/incoming/${d.replaces.id}"
              >${codeText(d.replaces.code_number, d.replaces.code_notation)}</a
            >`,
          ] as [string, SafeHtml],
        ]
      : []),
    ...(d.replacedBy
      ? [
          [
            m.t('replacedBy', l),
            html`<a href="/records/incoming/${d.replacedBy.id}"
              >${codeText(d.replacedBy.code_number, d.replacedBy.code_notation)}</a
            >`,
          ] as [string, SafeHtml],
        ]
      : []),
  ]);
  const files = p.attachments.length
    ? html`<ul>
        ${p.attachments.map(
          (a) =>
            html`<li>
              <a href="/records/incoming/${r.id}/attachments/${a.n}" download
                >${m.t('download', l, { name: a.name ?? `#${a.n + 1}` })}</a
              >
              (${a.sniffedType.toUpperCase()}, ${sizeText(a.bytes, l)})
            </li>`,
        )}
      </ul>`
    : html`<p class="empty">${m.t('noAttachments', l)}</p>`;
  const timeline = table({
    caption: m.t('timeline', l),
    headers: [m.t('receivedAt', l), m.t('status', l), m.t('note', l)],
    rows: [
      [dateTimeOrDash(r.received_at), statusTag('01', l), m.t('arrived', l)],
      ...d.events.map((e) => [dateTimeOrDash(e.occurred_at), statusTag(e.code, l), e.note ?? '']),
    ],
    empty: '',
  });
  const done = o.done;
  return html`${deskTabs('incoming', l, request.ctx.actor)}
    <h1>${r.subject ?? code}</h1>
    ${done ? notice(doneText(done, r.reg_number, l), 'success') : ''}
    ${o.failure ? notice(o.failure, 'warning') : ''} ${errorSummary(o.errors ?? [], l)}
    ${r.withdrawn ? notice(m.t('withdrawn', l), 'warning') : ''}
    ${r.recall_state === 'requested' ? notice(m.t('recallRequested', l), 'warning') : ''}
    <h2>${m.t('metadata', l)}</h2>
    ${facts}
    <h2>${m.t('attachments', l)}</h2>
    ${files} ${timeline} ${actions(d, request, reply.generateCsrf(), o.errors ?? [])}`;
}

const doneKeys = {
  register: 'done_register',
  reject: 'done_reject',
  assign: 'done_assign',
  processing: 'done_processing',
  done: 'done_done',
  recall: 'done_recall',
} as const;

function doneText(done: Done, number: number | null, l: Locale): string {
  const key = done in doneKeys ? doneKeys[done as keyof typeof doneKeys] : null;
  return key ? m.t(key, l, { number: number ?? '' }) : '';
}

interface PageState {
  done?: Done | undefined;
  errors?: FieldError[];
  failure?: string;
  status?: number;
}

/** Registers the pages under /records/incoming. */
export function registerIncomingPages(app: App, service: RecordsService): void {
  const { incoming } = service;

  app.get('/records', { schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/records/incoming', 303),
  );

  app.get(
    '/records/incoming',
    { schema: { hide: true, querystring: incomingListQuery } },
    async (request, reply) => {
      const l = request.locale;
      const q = request.query;
      const [page, senders] = await Promise.all([
        incoming.list(request.ctx, {
          q: q.q,
          from: q.from || undefined,
          to: q.to || undefined,
          sender: q.sender || undefined,
          status: q.status || undefined,
          priority: q.priority ? Number(q.priority) : undefined,
          page: q.page,
        }),
        incoming.senders(request.ctx),
      ]);
      const rows = page.items.map((r) => {
        const code = codeText(r.code_number, r.code_notation);
        return [
          dateTimeOrDash(r.received_at),
          r.reg_number !== null ? String(r.reg_number) : '—',
          html`<a href="/records/incoming/${r.id}" aria-label="${m.t('openDoc', l, { code })}">${code}</a>`,
          r.subject ?? '',
          r.sender_name ?? r.sender_code,
          priorityTag(r.priority, l),
          html`${statusTag(r.status, l)} ${recallTag(r.recall_state, l)}`,
        ];
      });
      const body = html`${deskTabs('incoming', l, request.ctx.actor)}
        <h1>${m.t('incoming', l)}</h1>
        ${filtersForm(q, senders, l)}
        ${table({
          caption: m.t('incomingCaption', l),
          headers: [
            m.t('receivedAt', l),
            m.t('regNumber', l),
            m.t('codeCol', l),
            m.t('subject', l),
            m.t('sender', l),
            m.t('priority', l),
            m.t('status', l),
          ],
          rows,
          empty: m.t('noIncoming', l),
        })}
        ${pagination({
          page: page.page,
          hasNext: page.hasNext,
          baseUrl: '/records/incoming',
          query: { q: q.q, from: q.from, to: q.to, sender: q.sender, status: q.status, priority: q.priority },
          locale: l,
        })}`;
      return renderPage(request, reply, { title: m.t('incoming', l), body });
    },
  );

  async function renderDetail(request: FastifyRequest, reply: FastifyReply, id: string, o: PageState = {}) {
    const d = await incoming.get(request.ctx, id);
    const title = d.record.subject ?? m.t('incoming', request.locale);
    return renderPage(request, reply, {
      title,
      body: detailBody(d, request, reply, o),
      crumbs: [{ href: '/records/incoming', label: m.t('incoming', request.locale) }, { label: title }],
      ...(o.status ? { status: o.status } : {}),
    });
  }

  app.get(
    '/records/incoming/:id',
    { schema: { hide: true, params: idParams, querystring: doneQuery } },
    async (request, reply) => renderDetail(request, reply, request.params.id, { done: request.query.done }),
  );

  app.get(
    '/records/incoming/:id/attachments/:n',
    { schema: { hide: true, params: attachmentParams } },
    async (request, reply) =>
      sendDownload(reply, await incoming.attachment(request.ctx, request.params.id, request.params.n)),
  );

  const act = (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    done: Done,
    run: () => Promise<unknown>,
  ) =>
    stepThenRedirect(reply, `/records/incoming/${id}?done=${done}`, run, (refusal) =>
      renderDetail(request, reply, id, {
        failure: format(refusal.text, request.locale),
        status: refusal.status,
      }),
    );

  const required = (request: FastifyRequest, field: string, key: 'reasonRequired' | 'assigneeRequired') => ({
    errors: [{ field, message: m.t(key, request.locale) }],
    status: 400,
  });

  app.post(
    '/records/incoming/:id/register',
    { schema: { hide: true, params: idParams, body: noteBody } },
    (request, reply) =>
      act(request, reply, request.params.id, 'register', () =>
        incoming.register(request.ctx, request.params.id, { note: request.body.note || null }),
      ),
  );

  app.post(
    '/records/incoming/:id/reject',
    { schema: { hide: true, params: idParams, body: reasonBody } },
    (request, reply) => {
      const reason = request.body.reason.trim();
      if (!reason)
        return renderDetail(request, reply, request.params.id, required(request, 'reason', 'reasonRequired'));
      return act(request, reply, request.params.id, 'reject', () =>
        incoming.reject(request.ctx, request.params.id, reason),
      );
    },
  );

  app.post(
    '/records/incoming/:id/assign',
    { schema: { hide: true, params: idParams, body: assignBody } },
    (request, reply) => {
      const b = request.body;
      const name = b.name.trim();
      if (!name)
        return renderDetail(request, reply, request.params.id, required(request, 'name', 'assigneeRequired'));
      return act(request, reply, request.params.id, 'assign', () =>
        incoming.assign(request.ctx, request.params.id, {
          kind: b.kind,
          name,
          note: b.assignNote.trim() || null,
        }),
      );
    },
  );

  for (const [path, code] of [
    ['processing', '05'],
    ['done', '06'],
  ] as const)
    app.post(
      `/records/incoming/:id/${path}`,
      { schema: { hide: true, params: idParams, body: noteBody } },
      (request, reply) =>
        act(request, reply, request.params.id, path, () =>
          incoming.progress(request.ctx, request.params.id, code, request.body.note.trim() || null),
        ),
    );

  app.post(
    '/records/incoming/:id/recall-answer',
    { schema: { hide: true, params: idParams, body: recallAnswerBody } },
    (request, reply) =>
      act(request, reply, request.params.id, 'recall', () =>
        incoming.answerRecall(
          request.ctx,
          request.params.id,
          request.body.answer === 'accept',
          request.body.recallNote.trim() || null,
        ),
      ),
  );
}
