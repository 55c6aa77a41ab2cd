import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors.ts';
import { defineMessages, format } from '../i18n/index.ts';
import type { HttpModule } from '../http/types.ts';
import { linkButton } from './components.ts';
import { html } from './html.ts';
import { renderPage } from './layout.ts';
import { layoutMessages } from './messages.ts';

const m = defineMessages('home', {
  title: { vi: 'Liên thông — Chính phủ điện tử dùng chung', en: 'Liên thông — shared e-government systems' },
  heading: { vi: 'Liên thông', en: 'Liên thông' },
  lead: {
    vi: 'Nền tảng mã nguồn mở cho các hệ thống dùng chung của Chính phủ điện tử: trục liên thông văn bản, cổng dịch vụ công và một cửa, báo cáo, chia sẻ dữ liệu, phòng họp Chính phủ điện tử và bảng chỉ số điều hành.',
    en: 'An open-source platform for the shared systems of e-government: the document exchange axis, the public service portal and one-stop office, reporting, data sharing, the e-Cabinet and the leadership dashboard.',
  },
  citizensTitle: { vi: 'Người dân và doanh nghiệp', en: 'Citizens and businesses' },
  citizensBody: {
    vi: 'Tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến, thanh toán phí và theo dõi kết quả.',
    en: 'Find administrative procedures, file dossiers online, pay fees and follow them to the result.',
  },
  citizensAction: { vi: 'Đăng nhập tài khoản', en: 'Sign in to your account' },
  officialsTitle: { vi: 'Cán bộ, công chức', en: 'Officials' },
  officialsBody: {
    vi: 'Danh bạ cơ quan và mã định danh, tài khoản và vai trò, nhật ký kiểm toán; văn bản đến và đi, hồ sơ một cửa, báo cáo định kỳ.',
    en: 'Agency directory and identifier codes, accounts and roles, audit trail; incoming and outgoing documents, one-stop dossiers, periodic reports.',
  },
  officialsAction: { vi: 'Đăng nhập cán bộ', en: 'Officials sign in' },
  directoryAction: { vi: 'Tra cứu danh bạ cơ quan', en: 'Search the agency directory' },
  integratorsTitle: { vi: 'Đơn vị tích hợp', en: 'Integrators' },
  integratorsBody: {
    vi: 'Kết nối phần mềm quản lý văn bản, một cửa hay báo cáo của cơ quan bằng API OpenAPI 3.1 với tài khoản máy (client credentials) gắn với một cơ quan.',
    en: "Connect an agency's document, one-stop or reporting software through OpenAPI 3.1 APIs, with a machine client (client credentials) bound to one agency.",
  },
  integratorsAction: { vi: 'Xem tài liệu API', en: 'Read the API documentation' },
  aboutTitle: { vi: 'Nền tảng gồm', en: 'What the platform holds' },
  aboutDirectory: {
    vi: 'Danh bạ cơ quan theo mã định danh QĐ 20/2020, có lịch sử mã và sắp xếp đơn vị hành chính năm 2025.',
    en: 'The agency directory by QĐ 20/2020 identifier codes, with code history and the 2025 reorganisation.',
  },
  aboutIdentity: {
    vi: 'Tài khoản cán bộ theo cơ quan và vai trò, xác thực hai lớp, tài khoản máy cho hệ thống của cơ quan.',
    en: 'Officials by agency and role, two-factor sign-in, machine clients for agency systems.',
  },
  aboutAudit: {
    vi: 'Nhật ký kiểm toán chuỗi băm: mọi thay đổi đều được ghi lại và có thể kiểm chứng.',
    en: 'A hash-chained audit trail: every change is recorded and verifiable.',
  },
  notFoundTitle: { vi: 'Không tìm thấy trang', en: 'Page not found' },
});

/** The home page that explains the platform and routes citizens, officials and integrators. */
export function createHomeModule(): HttpModule {
  return {
    name: 'home',
    register(app) {
      app.get('/', { schema: { hide: true } }, (request, reply) => {
        const l = request.locale;
        const body = html`<h1>${m.t('heading', l)}</h1>
          <p class="lead">${m.t('lead', l)}</p>
          <ul class="cards">
            <li class="card">
              <h2>${m.t('citizensTitle', l)}</h2>
              <p>${m.t('citizensBody', l)}</p>
              ${linkButton(m.t('citizensAction', l), '/login', 'primary')}
            </li>
            <li class="card">
              <h2>${m.t('officialsTitle', l)}</h2>
              <p>${m.t('officialsBody', l)}</p>
              ${linkButton(m.t('officialsAction', l), '/login', 'primary')}
              ${linkButton(m.t('directoryAction', l), '/directory')}
            </li>
            <li class="card">
              <h2>${m.t('integratorsTitle', l)}</h2>
              <p>${m.t('integratorsBody', l)}</p>
              ${linkButton(m.t('integratorsAction', l), '/docs')}
            </li>
          </ul>
          <h2>${m.t('aboutTitle', l)}</h2>
          <ul>
            <li>${m.t('aboutDirectory', l)}</li>
            <li>${m.t('aboutIdentity', l)}</li>
            <li>${m.t('aboutAudit', l)}</li>
          </ul>`;
        return reply.send(renderPage(request, reply, { title: m.t('title', l), body }));
      });
    },
  };
}

/** The page shown to browsers for an error answer. */
export function renderErrorPage(request: FastifyRequest, reply: FastifyReply, error: AppError): string {
  const l = request.locale ?? 'vi';
  if (!request.ctx)
    request.ctx = { actor: { kind: 'anonymous' }, requestId: String(request.id), ip: null, locale: l };
  if (!request.locale) request.locale = l;
  const title =
    error.status === 404
      ? m.t('notFoundTitle', l)
      : layoutMessages.t('errorTitle', l, { status: error.status });
  const body = html`<h1>${title}</h1>
    <p class="lead">${format(error.text, l)}</p>
    <p><code>${error.code}</code> · ${layoutMessages.t('requestId', l, { id: String(request.id) })}</p>
    <p><a href="/">${layoutMessages.t('backHome', l)}</a></p>`;
  return renderPage(request, reply, { title, body, status: error.status });
}
