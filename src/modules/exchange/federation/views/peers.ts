import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ValidationFailed } from '../../../../platform/errors.ts';
import type { App } from '../../../../platform/http/types.ts';
import { defineMessages, format } from '../../../../platform/i18n/index.ts';
import { button, form, input, notice, table, tag, textarea } from '../../../../platform/pages/components.ts';
import { html } from '../../../../platform/pages/html.ts';
import { renderPage } from '../../../../platform/pages/layout.ts';
import { peerCreateBody } from '../schemas.ts';
import type { PeerService } from '../service.ts';

export const peersMessages = defineMessages('exchange.peers', {
  nav: { vi: 'Nút liên thông', en: 'Federation peers' },
  title: { vi: 'Các nút liên thông (trục tỉnh, trục quốc gia)', en: 'Peer instances (federation)' },
  thisNode: { vi: 'Nút này', en: 'This node' },
  nodeId: { vi: 'Mã nút (OrganId trong TraceHeader)', en: 'Node id (TraceHeader OrganId)' },
  publicKey: { vi: 'Khóa công khai (PEM)', en: 'Public key (PEM)' },
  peers: { vi: 'Các nút đã đăng ký', en: 'Registered peers' },
  name: { vi: 'Tên nút', en: 'Name' },
  baseUrl: { vi: 'Địa chỉ (URL gốc)', en: 'Base URL' },
  status: { vi: 'Trạng thái', en: 'Status' },
  agencies: { vi: 'Cơ quan được quản lý tại nút', en: 'Agencies hosted there' },
  none: { vi: 'Chưa có nút nào.', en: 'No peers yet.' },
  noAgency: { vi: 'Chưa có cơ quan nào.', en: 'No agency yet.' },
  active: { vi: 'Đang hoạt động', en: 'Active' },
  disabled: { vi: 'Tạm dừng', en: 'Disabled' },
  add: { vi: 'Thêm nút liên thông', en: 'Add a peer' },
  host: { vi: 'Thêm cơ quan (mã định danh hoặc mã nội bộ)', en: 'Add an agency (code or internal id)' },
  hostButton: { vi: 'Thêm cơ quan', en: 'Add agency' },
  remove: { vi: 'Bỏ', en: 'Remove' },
  disable: { vi: 'Tạm dừng', en: 'Disable' },
  enable: { vi: 'Kích hoạt', en: 'Enable' },
  saved: { vi: 'Đã lưu.', en: 'Saved.' },
});
const m = peersMessages;

const s = (max: number) => z.string().max(max).optional();
const peerForm = z.object({
  _csrf: s(200),
  name: s(200),
  nodeId: s(64),
  baseUrl: s(500),
  publicKey: s(4000),
});
const hostForm = z.object({ _csrf: s(200), agency: s(64) });
const statusForm = z.object({ _csrf: s(200), status: z.enum(['active', 'disabled']) });
const idParams = z.object({ id: z.uuid() });
const agencyParams = z.object({ id: z.uuid(), agencyId: z.uuid() });
const doneQuery = z.object({ done: z.literal('1').optional() });

const PATH = '/admin/exchange/peers';

/** The platform administrators' page of peers: this node's key, peers, agencies each hosts. */
export function registerPeersPage(app: App, peers: PeerService): void {
  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { error?: unknown; done?: boolean } = {},
  ) {
    const l = request.locale;
    const list = await peers.list(request.ctx);
    const node = peers.node();
    const csrf = reply.generateCsrf();
    const failure =
      o.error instanceof AppError ? notice(`${format(o.error.text, l)} (${o.error.code})`, 'warning') : '';
    const rows = list.map((p) => [
      html`<strong>${p.name}</strong><br /><code>${p.nodeId}</code>`,
      p.baseUrl,
      tag(m.t(p.status, l), p.status === 'active' ? 'green' : 'grey'),
      html`${p.agencies.length === 0 ? m.t('noAgency', l) : ''}
        <ul>
          ${p.agencies.map(
            (a) =>
              html`<li>
                ${a.name ?? a.id}
                ${form({
                  action: `${PATH}/${p.id}/agencies/${a.id}/remove`,
                  csrfToken: csrf,
                  body: button(m.t('remove', l), { variant: 'secondary' }),
                })}
              </li>`,
          )}
        </ul>
        ${form({
          action: `${PATH}/${p.id}/agencies`,
          csrfToken: csrf,
          label: m.t('host', l),
          body: html`${input({ name: 'agency', label: m.t('host', l), maxLength: 64, width: 'medium' })}
          ${button(m.t('hostButton', l), { variant: 'secondary' })}`,
        })}
        ${form({
          action: `${PATH}/${p.id}/status`,
          csrfToken: csrf,
          body: html`<input
              type="hidden"
              name="status"
              value="${p.status === 'active' ? 'disabled' : 'active'}"
            />
            ${button(m.t(p.status === 'active' ? 'disable' : 'enable', l), { variant: 'warning' })}`,
        })}`,
    ]);
    const body = html`<h1>${m.t('title', l)}</h1>
      ${o.done ? notice(m.t('saved', l), 'success') : ''} ${failure}
      <h2>${m.t('thisNode', l)}</h2>
      <p>${m.t('nodeId', l)}: <code>${node.nodeId}</code></p>
      <pre>${node.publicKey}</pre>
      <h2>${m.t('peers', l)}</h2>
      ${table({
        caption: m.t('peers', l),
        headers: [m.t('name', l), m.t('baseUrl', l), m.t('status', l), m.t('agencies', l)],
        rows,
        empty: m.t('none', l),
      })}
      <h2>${m.t('add', l)}</h2>
      ${form({
        action: PATH,
        csrfToken: csrf,
        label: m.t('add', l),
        body: html`${input({ name: 'name', label: m.t('name', l), maxLength: 200, required: true })}
        ${input({ name: 'nodeId', label: m.t('nodeId', l), maxLength: 64, width: 'medium', required: true })}
        ${input({ name: 'baseUrl', label: m.t('baseUrl', l), maxLength: 500, required: true })}
        ${textarea({ name: 'publicKey', label: m.t('publicKey', l), maxLength: 4000 })}
        ${button(m.t('add', l))}`,
      })}`;
    const status = o.error instanceof AppError ? o.error.status : 200;
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(renderPage(request, reply, { title: m.t('title', l), body }));
  }

  /** Runs a change, then back to the page (303), or the page again with the refusal. */
  async function act(request: FastifyRequest, reply: FastifyReply, change: () => Promise<unknown>) {
    try {
      await change();
      return reply.redirect(`${PATH}?done=1`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 401 || error.status === 403 || error.status >= 500)
        throw error;
      return show(request, reply, { error });
    }
  }

  app.get(PATH, { schema: { hide: true, querystring: doneQuery } }, async (request, reply) =>
    show(request, reply, { done: request.query.done === '1' }),
  );
  app.post(PATH, { schema: { hide: true, body: peerForm } }, async (request, reply) =>
    act(request, reply, async () => {
      const input = peerCreateBody.safeParse({
        name: request.body.name?.trim(),
        nodeId: request.body.nodeId?.trim(),
        baseUrl: request.body.baseUrl?.trim(),
        publicKey: request.body.publicKey?.trim(),
      });
      if (!input.success)
        throw ValidationFailed({
          fields: input.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        });
      return peers.create(request.ctx, input.data);
    }),
  );
  app.post(
    `${PATH}/:id/agencies`,
    { schema: { hide: true, params: idParams, body: hostForm } },
    async (request, reply) =>
      act(request, reply, () =>
        peers.host(request.ctx, request.params.id, request.body.agency?.trim() ?? ''),
      ),
  );
  app.post(
    `${PATH}/:id/agencies/:agencyId/remove`,
    { schema: { hide: true, params: agencyParams } },
    async (request, reply) =>
      act(request, reply, () => peers.unhost(request.ctx, request.params.id, request.params.agencyId)),
  );
  app.post(
    `${PATH}/:id/status`,
    { schema: { hide: true, params: idParams, body: statusForm } },
    async (request, reply) =>
      act(request, reply, () =>
        peers.update(request.ctx, request.params.id, { status: request.body.status }),
      ),
  );
}
