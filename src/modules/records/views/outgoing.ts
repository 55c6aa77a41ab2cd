/** Pages of the outgoing register: the list, a document with each recipient's status, recall and updates; search. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { format, type Locale } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import {
  button,
  checkboxes,
  form,
  input,
  linkButton,
  notice,
  pagination,
  summaryList,
  table,
  tag,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { canAtDesk, deskAgencyOf } from '../policies.ts';
import type { OutgoingRow } from '../repo.ts';
import {
  attachmentParams,
  doneQuery,
  idParams,
  outgoingListQuery,
  recallBody,
  searchQuery,
  updateRecipientsBody,
} from '../schemas.ts';
import type { RecordsService } from '../service.ts';
import { recipientsOf } from '../service-outgoing.ts';
import { recordsMessages as m } from './messages.ts';
import {
  codeText,
  dateOrDash,
  dateTimeOrDash,
  deskTabs,
  priorityTag,
  recallTag,
  sendDownload,
  stepThenRedirect,
  sizeText,
  statusName,
  statusTag,
} from './shared.ts';

type Detail = Awaited<ReturnType<RecordsService['outgoing']['get']>>;

export function outgoingState(r: OutgoingRow, l: Locale): SafeHtml {
  if (r.replaced_by_id) return tag(m.t('os_replaced', l), 'grey');
  if (r.recalled_at) return tag(m.t('os_recalled', l), 'red');
  if (r.state === 'failed') return tag(m.t('os_failed', l), 'red');
  return tag(m.t(r.state === 'sent' ? 'os_sent' : 'os_numbered', l), r.state === 'sent' ? 'green' : 'yellow');
}

export function outgoingTable(rows: OutgoingRow[], l: Locale): SafeHtml {
  return table({
    caption: m.t('outgoingCaption', l),
    headers: [
      m.t('codeCol', l),
      m.t('dateCol', l),
      m.t('subject', l),
      m.t('recipientsCol', l),
      m.t('stateCol', l),
    ],
    rows: rows.map((r) => {
      const code = codeText(r.number, r.notation);
      return [
        html`<a href="/records/outgoing/${r.id}" aria-label="${m.t('openDoc', l, { code })}">${code}</a>`,
        dateOrDash(r.promulgation_date),
        r.subject,
        recipientsOf(r)
          .map((x) => x.name)
          .join('; '),
        outgoingState(r, l),
      ];
    }),
    empty: m.t('noOutgoing', l),
  });
}

function recipientsTable(d: Detail, l: Locale): SafeHtml {
  return table({
    caption: m.t('recipientsCaption', l),
    headers: [m.t('agencyName', l), m.t('currentStatus', l), m.t('recallCol', l), m.t('timeline', l)],
    rows: d.recipients.map((x) => [
      html`${x.name ?? x.agencyId}
        ${x.forwarded ? html`<br /><span class="hint">${m.t('forwardedTo', l)} (${x.addresseeName ?? ''})</span>` : ''}
        <br /><code>${x.addressedCodes.join(', ')}</code>`,
      x.state === 'withdrawn'
        ? tag(m.t('withdrawn', l), 'grey')
        : statusTag(x.state === 'pending' ? null : (x.status ?? '01'), l),
      recallTag(x.recallState, l),
      x.timeline.length
        ? html`<ol>
            ${x.timeline.map(
              (e) =>
                html`<li>
                  ${dateTimeOrDash(e.at)}:
                  ${statusName(e.code, l)}${e.description ? html` — ${e.description}` : ''}
                </li>`,
            )}
          </ol>`
        : '—',
    ]),
    empty: '—',
  });
}

function actionsBlock(
  d: Detail,
  request: FastifyRequest,
  csrf: string,
  found: { agencyId: string; name: string; code: string }[],
  find: string | undefined,
): SafeHtml {
  const l = request.locale;
  const r = d.record;
  if (r.state !== 'sent' || r.recalled_at || r.replaced_by_id) return html``;
  const actor = request.ctx.actor;
  const base = `/records/outgoing/${r.id}`;
  const current = recipientsOf(r);
  const blocks: SafeHtml[] = [];
  if (canAtDesk(actor, r.agency_id, 'recall'))
    blocks.push(
      html`<h3>${m.t('recall', l)}</h3>
        <p class="hint">${m.t('recallHint', l)}</p>
        ${form({
          action: `${base}/recall`,
          csrfToken: csrf,
          label: m.t('recall', l),
          body: html`${textarea({ name: 'reason', label: m.t('reason', l), rows: 2, maxLength: 1000 })}
          ${button(m.t('recall', l), { variant: 'warning' })}`,
        })}`,
    );
  if (canAtDesk(actor, r.agency_id, 'updateRecipients')) {
    const addable = found.filter((a) => !current.some((c) => c.agencyId === a.agencyId));
    blocks.push(
      html`<h3>${m.t('updateRecipients', l)}</h3>
        <form method="get" action="${base}" class="search-form" aria-label="${m.t('recipientSearch', l)}">
          ${input({ name: 'find', label: m.t('recipientSearch', l), value: find ?? '', type: 'search', maxLength: 200 })}
          <p>${button(m.t('find', l), { variant: 'secondary' })}</p>
        </form>
        ${form({
          action: `${base}/recipients`,
          csrfToken: csrf,
          label: m.t('updateRecipients', l),
          body: html`${
            addable.length > 0
              ? checkboxes({
                  name: 'add',
                  legend: m.t('addRecipients', l),
                  options: addable.map((a) => ({ value: a.agencyId, label: `${a.name} (${a.code})` })),
                  checked: [],
                })
              : find
                ? html`<p class="empty">${m.t('noneFound', l)}</p>`
                : ''
          }
          ${checkboxes({
            name: 'remove',
            legend: m.t('removeRecipients', l),
            options: current.map((c) => ({ value: c.agencyId, label: `${c.name} (${c.code})` })),
            checked: [],
          })}
          ${button(m.t('update', l), { variant: 'secondary' })}`,
        })}`,
    );
    const q = new URLSearchParams({ replaces: r.id });
    for (const c of current) q.append('to', c.agencyId);
    blocks.push(
      html`<h3>${m.t('replace', l)}</h3>
        <p>${linkButton(m.t('replace', l), `/records/outgoing/new?${q.toString()}`)}</p>`,
    );
  }
  return html`<h2>${m.t('actions', l)}</h2>
    ${blocks}`;
}

/** Registers the pages under /records/outgoing and /records/search. */
export function registerOutgoingPages(app: App, service: RecordsService): void {
  const { outgoing, incoming } = service;

  app.get(
    '/records/outgoing',
    { schema: { hide: true, querystring: outgoingListQuery } },
    async (request, reply) => {
      const l = request.locale;
      const page = await outgoing.list(request.ctx, request.query);
      const body = html`${deskTabs('outgoing', l, request.ctx.actor)}
        <h1>${m.t('outgoing', l)}</h1>
        <p>${linkButton(m.t('newDocument', l), '/records/outgoing/new', 'primary')}</p>
        <form method="get" action="/records/outgoing" class="search-form" aria-label="${m.t('filters', l)}">
          ${input({ name: 'q', label: m.t('q', l), value: request.query.q ?? '', type: 'search', maxLength: 200 })}
          <p>${button(m.t('apply', l), { variant: 'secondary' })}</p>
        </form>
        ${outgoingTable(page.items, l)}
        ${pagination({ page: page.page, hasNext: page.hasNext, baseUrl: '/records/outgoing', query: { q: request.query.q }, locale: l })}`;
      return renderPage(request, reply, { title: m.t('outgoing', l), body });
    },
  );

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    o: {
      done?: string | undefined;
      find?: string | undefined;
      failure?: string;
      errors?: FieldError[];
      status?: number;
    } = {},
  ) {
    const l = request.locale;
    const d = await outgoing.get(request.ctx, id);
    const r = d.record;
    const code = codeText(r.number, r.notation);
    const found =
      o.find && canAtDesk(request.ctx.actor, r.agency_id, 'updateRecipients')
        ? await outgoing.searchRecipients(request.ctx, o.find)
        : [];
    const doneKey = { sent: 'done_sent', recalled: 'done_recalled', updated: 'done_updated' } as const;
    const facts = summaryList([
      [m.t('code', l), html`<strong id="out-number">${code}</strong>`],
      [m.t('documentType', l), r.type_name],
      [m.t('promulgation', l), `${r.place ? `${r.place}, ` : ''}${dateOrDash(r.promulgation_date)}`],
      [
        m.t('signerName', l),
        [r.signer_competence, r.signer_position, r.signer_name].filter(Boolean).join(' — '),
      ],
      [m.t('priority', l), priorityTag(r.priority, l)],
      [m.t('dueDate', l), dateOrDash(r.due_date)],
      [m.t('content', l), r.content ?? '—'],
      [m.t('toPlaces', l), r.to_places.join('; ') || '—'],
      [m.t('stateCol', l), outgoingState(r, l)],
    ]);
    const files = d.packet?.attachments.length
      ? html`<ul>
          ${d.packet.attachments.map(
            (a) =>
              html`<li>
                <a href="/records/outgoing/${r.id}/attachments/${a.n}" download
                  >${m.t('download', l, { name: a.name ?? `#${a.n + 1}` })}</a
                >
                (${sizeText(a.bytes, l)})
              </li>`,
          )}
        </ul>`
      : html`<p class="empty">${m.t('noAttachments', l)}</p>`;
    const done = o.done && o.done in doneKey ? doneKey[o.done as keyof typeof doneKey] : null;
    const body = html`${deskTabs('outgoing', l, request.ctx.actor)}
      <h1>${r.subject}</h1>
      ${done ? notice(m.t(done, l, { code }), 'success') : ''}
      ${o.failure ? notice(o.failure, 'warning') : ''}
      ${r.state === 'failed' ? notice(m.t('failedNotice', l, { code, failure: r.failure ?? '' }), 'warning') : ''}
      ${r.recalled_at ? notice(m.t('recalledOn', l, { at: dateTimeOrDash(r.recalled_at), reason: r.recall_reason ?? '' })) : ''}
      <h2>${m.t('metadata', l)}</h2>
      ${facts}
      <h2>${m.t('attachments', l)}</h2>
      ${files}
      <h2>${m.t('recipientsTitle', l)}</h2>
      ${recipientsTable(d, l)} ${actionsBlock(d, request, reply.generateCsrf(), found, o.find)}`;
    return renderPage(request, reply, {
      title: r.subject,
      body,
      crumbs: [{ href: '/records/outgoing', label: m.t('outgoing', l) }, { label: code }],
      ...(o.status ? { status: o.status } : {}),
    });
  }

  app.get(
    '/records/outgoing/:id',
    { schema: { hide: true, params: idParams, querystring: doneQuery } },
    (request, reply) =>
      renderDetail(request, reply, request.params.id, { done: request.query.done, find: request.query.find }),
  );

  app.get(
    '/records/outgoing/:id/attachments/:n',
    { schema: { hide: true, params: attachmentParams } },
    async (request, reply) =>
      sendDownload(reply, await outgoing.attachment(request.ctx, request.params.id, request.params.n)),
  );

  const act = (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    done: string,
    run: () => Promise<unknown>,
  ) =>
    stepThenRedirect(reply, `/records/outgoing/${id}?done=${done}`, run, (refusal) =>
      renderDetail(request, reply, id, {
        failure: format(refusal.text, request.locale),
        status: refusal.status,
      }),
    );

  app.post(
    '/records/outgoing/:id/recall',
    { schema: { hide: true, params: idParams, body: recallBody } },
    (request, reply) => {
      const reason = request.body.reason.trim();
      if (!reason)
        return renderDetail(request, reply, request.params.id, {
          failure: m.t('reasonRequired', request.locale),
          status: 400,
        });
      return act(request, reply, request.params.id, 'recalled', () =>
        outgoing.recall(request.ctx, request.params.id, reason),
      );
    },
  );

  app.post(
    '/records/outgoing/:id/recipients',
    { schema: { hide: true, params: idParams, body: updateRecipientsBody } },
    (request, reply) =>
      act(request, reply, request.params.id, 'updated', () =>
        outgoing.updateRecipients(request.ctx, request.params.id, {
          add: request.body.add,
          remove: request.body.remove,
        }),
      ),
  );

  app.get('/records/search', { schema: { hide: true, querystring: searchQuery } }, async (request, reply) => {
    const l = request.locale;
    const q = request.query.q?.trim() ?? '';
    const [inc, out] = q
      ? await Promise.all([incoming.search(request.ctx, q, 50), outgoing.search(request.ctx, q, 50)])
      : [[], []];
    const actor = request.ctx.actor;
    // A specialist alone has no outgoing register: only the incoming half is theirs.
    const readsOutgoing = canAtDesk(actor, deskAgencyOf(actor) ?? '', 'readOutgoing');
    const body = html`${deskTabs('search', l, actor)}
      <h1>${m.t('search', l)}</h1>
      <form method="get" action="/records/search" class="search-form" aria-label="${m.t('search', l)}">
        ${input({ name: 'q', label: m.t('q', l), value: q, type: 'search', hint: m.t('searchHint', l), maxLength: 200 })}
        <p>${button(m.t('find', l))}</p>
      </form>
      ${
        q
          ? html`<h2>${m.t('incoming', l)}</h2>
              ${table({
                caption: m.t('incomingCaption', l),
                headers: [m.t('codeCol', l), m.t('subject', l), m.t('sender', l), m.t('status', l)],
                rows: inc.map((r) => {
                  const code = codeText(r.code_number, r.code_notation);
                  return [
                    html`<a href="/records/incoming/${r.id}" aria-label="${m.t('openDoc', l, { code })}"
                      >${code}</a
                    >`,
                    r.subject ?? '',
                    r.sender_name ?? r.sender_code,
                    statusTag(r.status, l),
                  ];
                }),
                empty: m.t('noIncoming', l),
              })}
              ${
                readsOutgoing
                  ? html`<h2>${m.t('outgoing', l)}</h2>
                      ${outgoingTable(out, l)}`
                  : ''
              }`
          : ''
      }`;
    return renderPage(request, reply, { title: m.t('search', l), body });
  });
}
