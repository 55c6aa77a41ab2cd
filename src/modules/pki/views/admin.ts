import { z } from 'zod';
import { defineMessages, formatDate } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import { linkButton, table, tag } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { PkiService } from '../service.ts';

export const pkiMessages = defineMessages('pki', {
  title: { vi: 'Chứng thư số và danh sách tin cậy', en: 'Certificates and trust list' },
  nav: { vi: 'Chứng thư số', en: 'Certificates' },
  lead: {
    vi: 'Tổ chức chứng thực nội bộ cấp chứng thư số cho cơ quan và cán bộ để ký gói tin edXML. Khóa bí mật được mã hóa và không bao giờ rời khỏi hệ thống.',
    en: 'The internal certification authority issues certificates to agencies and officials to sign edXML packets. Private keys are encrypted and never leave the platform.',
  },
  certificates: { vi: 'Chứng thư số đã cấp', en: 'Issued certificates' },
  certificatesCaption: { vi: 'Chứng thư số, mới nhất trước', en: 'Certificates, newest first' },
  noCertificates: { vi: 'Chưa cấp chứng thư số nào.', en: 'No certificate issued yet.' },
  trustList: { vi: 'Danh sách tổ chức chứng thực tin cậy', en: 'Trusted certification authorities' },
  trustCaption: {
    vi: 'Tổ chức chứng thực được tin cậy khi kiểm tra chữ ký',
    en: 'Authorities trusted when verifying signatures',
  },
  noAnchors: { vi: 'Danh sách tin cậy trống.', en: 'The trust list is empty.' },
  subject: { vi: 'Chủ thể', en: 'Subject' },
  holder: { vi: 'Loại', en: 'Holder' },
  agencyCode: { vi: 'Mã định danh', en: 'Identifier code' },
  validUntil: { vi: 'Hiệu lực đến', en: 'Valid until' },
  status: { vi: 'Trạng thái', en: 'Status' },
  name: { vi: 'Tên', en: 'Name' },
  kind: { vi: 'Nguồn', en: 'Source' },
  fingerprint: { vi: 'Dấu vân tay SHA-256', en: 'SHA-256 fingerprint' },
  agency: { vi: 'Cơ quan', en: 'Agency' },
  official: { vi: 'Cán bộ', en: 'Official' },
  active: { vi: 'Còn hiệu lực', en: 'Active' },
  revoked: { vi: 'Đã thu hồi', en: 'Revoked' },
  expired: { vi: 'Hết hạn', en: 'Expired' },
  internal: { vi: 'Nội bộ', en: 'Internal' },
  external: { vi: 'Bên ngoài', en: 'External' },
  downloadCa: { vi: 'Tải chứng thư CA (PEM)', en: 'Download the CA certificate (PEM)' },
  downloadCrl: { vi: 'Tải danh sách thu hồi (CRL)', en: 'Download the revocation list (CRL)' },
});

const statusTone = { active: 'green', revoked: 'red', expired: 'yellow' } as const;

/** The administrators' page: issued certificates and the trust list. */
export function registerPkiPages(app: App, service: PkiService): void {
  app.get('/admin/pki', { schema: { hide: true, querystring: z.object({}) } }, async (request, reply) => {
    const l = request.locale;
    const [certificates, anchors] = await Promise.all([
      service.list(request.ctx, { limit: 200 }),
      service.trustList(request.ctx),
    ]);
    const m = pkiMessages;
    const body = html`<h1>${m.t('title', l)}</h1>
      <p class="lead">${m.t('lead', l)}</p>
      <p>
        ${linkButton(m.t('downloadCa', l), '/api/v1/pki/ca/certificate')}
        ${linkButton(m.t('downloadCrl', l), '/api/v1/pki/ca/crl')}
      </p>
      <h2>${m.t('certificates', l)}</h2>
      ${table({
        caption: m.t('certificatesCaption', l),
        headers: [
          m.t('subject', l),
          m.t('holder', l),
          m.t('agencyCode', l),
          m.t('validUntil', l),
          m.t('status', l),
        ],
        rows: certificates.map((c) => [
          c.subject,
          m.t(c.holderKind, l),
          html`<code>${c.agencyCode}</code>`,
          formatDate(c.notAfter),
          tag(m.t(c.status, l), statusTone[c.status]),
        ]),
        empty: m.t('noCertificates', l),
      })}
      <h2>${m.t('trustList', l)}</h2>
      ${table({
        caption: m.t('trustCaption', l),
        headers: [
          m.t('name', l),
          m.t('kind', l),
          m.t('subject', l),
          m.t('validUntil', l),
          m.t('fingerprint', l),
        ],
        rows: anchors.map((a) => [
          a.name,
          tag(m.t(a.kind, l), a.kind === 'internal' ? 'blue' : 'grey'),
          a.subject,
          formatDate(a.notAfter),
          html`<code>${a.fingerprintSha256.slice(0, 16)}…</code>`,
        ]),
        empty: m.t('noAnchors', l),
      })}`;
    return reply.send(renderPage(request, reply, { title: m.t('title', l), body }));
  });
}
