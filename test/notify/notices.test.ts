import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/platform/context.ts';
import { systemContext } from '../../src/platform/context.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import type { App } from '../../src/platform/http/types.ts';
import { renderErrorPage } from '../../src/platform/pages/home.ts';
import { createNotifyTransports, type NoticeView } from '../../src/modules/notify/index.ts';
import { api, PageClient } from '../support/client.ts';
import { startNotifyHarness, type NotifyHarness } from './harness.ts';

const agency = randomUUID();
// The identity module resolves sessions in the real composition root; here requests name
// their actor in a header (this resolver is the test's composition root, not code under test).
const actors: Record<string, Actor> = {
  an: { kind: 'citizen', accountId: randomUUID(), sessionId: null },
  binh: { kind: 'citizen', accountId: randomUUID(), sessionId: null },
  officer: { kind: 'official', accountId: randomUUID(), agencyId: agency, roles: ['admin'], sessionId: null },
  operator: {
    kind: 'official',
    accountId: randomUUID(),
    agencyId: agency,
    roles: ['platform_admin'],
    sessionId: null,
  },
};
const ctx = systemContext('dossiers');

describe('notify: in-app notices and the administrators’ page over HTTP', () => {
  let h: NotifyHarness;
  let app: App;
  let baseUrl: string;
  const as = <T = unknown>(who: string, method: string, path: string, headers: Record<string, string> = {}) =>
    api<T>(baseUrl, method, path, { headers: { 'x-test-actor': who, ...headers } });
  const page = async (client: PageClient, who: string, path: string) => {
    const r = await client.request('GET', path, { headers: { 'x-test-actor': who } });
    const html = await r.text();
    client.lastHtml = html;
    return { status: r.status, html, location: r.headers.get('location') };
  };
  const postForm = async (client: PageClient, who: string, path: string) => {
    const r = await client.request('POST', path, {
      headers: { 'x-test-actor': who, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: client.csrfToken() }).toString(),
    });
    return { status: r.status, location: r.headers.get('location') };
  };
  const inApp = (who: string, dossierCode: string, statusName: { vi: string; en: string }) =>
    h.notify.service.notify(ctx, {
      recipient: { accountId: (actors[who] as { accountId: string }).accountId },
      template: 'dossier_status_changed',
      params: { dossierCode, statusName },
      channels: ['in_app'],
    });

  before(async () => {
    // No SMTP or SMS gateway configured: development keeps messages in the local outbox.
    h = await startNotifyHarness(({ db, logger }) =>
      createNotifyTransports({
        db: db.database.db,
        logger,
        config: { smtp: null, sms: null },
        env: 'development',
      }),
    );
    app = await createHttpServer({
      config: h.config,
      logger: h.logger,
      resolveActor: (request) => {
        const who = request.headers['x-test-actor'];
        return Promise.resolve((typeof who === 'string' && actors[who]) || { kind: 'anonymous' });
      },
      isReady: () => Promise.resolve(true),
      renderErrorPage,
      modules: [h.notify.http],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await app.close();
    await h.close();
  });

  it('lists a person’s notices only to them, newest first, in the reader’s language, with the unread count', async () => {
    await inApp('an', 'H41-0001', { vi: 'Được tiếp nhận', en: 'Received' });
    await inApp('an', 'H41-0002', { vi: 'Đang xử lý', en: 'Being processed' });
    await inApp('binh', 'H41-0003', { vi: 'Đã trả kết quả', en: 'Result returned' });

    const mine = await as<{ notices: NoticeView[]; unread: number; nextBefore: string | null }>(
      'an',
      'GET',
      '/api/v1/notify/notices',
    );
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.notices.map((n) => n.title),
      ['Hồ sơ H41-0002: Đang xử lý', 'Hồ sơ H41-0001: Được tiếp nhận'],
    );
    assert.equal(mine.body.unread, 2);
    assert.equal(mine.body.nextBefore, null);

    const english = await as<{ notices: NoticeView[] }>('an', 'GET', '/api/v1/notify/notices?lang=en');
    assert.equal(english.body.notices[0]?.title, 'Dossier H41-0002: Being processed');

    const firstPage = await as<{ notices: NoticeView[]; nextBefore: string }>(
      'an',
      'GET',
      '/api/v1/notify/notices?limit=1',
    );
    assert.equal(firstPage.body.notices.length, 1);
    const secondPage = await as<{ notices: NoticeView[]; nextBefore: string | null }>(
      'an',
      'GET',
      `/api/v1/notify/notices?limit=1&before=${firstPage.body.nextBefore}`,
    );
    assert.equal(secondPage.body.notices[0]?.title, 'Hồ sơ H41-0001: Được tiếp nhận');
    assert.equal(secondPage.body.nextBefore, null);

    const theirs = await as<{ notices: NoticeView[] }>('binh', 'GET', '/api/v1/notify/notices');
    assert.deepEqual(
      theirs.body.notices.map((n) => n.title),
      ['Hồ sơ H41-0003: Đã trả kết quả'],
    );
    assert.equal((await as('anonymous', 'GET', '/api/v1/notify/notices')).status, 401);
  });

  it('answers 404 to marking another person’s notice read, by API and by form, and marks one’s own', async () => {
    const binhs = await as<{ notices: NoticeView[] }>('binh', 'GET', '/api/v1/notify/notices');
    const theirId = binhs.body.notices[0]!.id;
    const refused = await as<{ code: string }>('an', 'POST', `/api/v1/notify/notices/${theirId}/read`);
    assert.equal(refused.status, 404);
    assert.equal(refused.body.code, 'NOTICE_NOT_FOUND');
    const unknown = await as('an', 'POST', `/api/v1/notify/notices/${randomUUID()}/read`);
    assert.equal(unknown.status, 404);

    const client = new PageClient(baseUrl);
    const notices = await page(client, 'an', '/notices');
    assert.equal(notices.status, 200);
    assert.match(notices.html, /Thông báo của tôi/);
    assert.match(notices.html, /Hồ sơ H41-0002: Đang xử lý/);
    assert.match(notices.html, /Chưa đọc: 2/);
    assert.doesNotMatch(notices.html, /H41-0003/, 'another person’s notice is not on the page');
    assert.equal((await postForm(client, 'an', `/notices/${theirId}/read`)).status, 404);
    const stillUnread = await as<{ notices: NoticeView[] }>('binh', 'GET', '/api/v1/notify/notices');
    assert.equal(stillUnread.body.notices[0]?.readAt, null);

    const mine = await as<{ notices: NoticeView[] }>('an', 'GET', '/api/v1/notify/notices');
    const ownId = mine.body.notices[0]!.id;
    assert.deepEqual(await postForm(client, 'an', `/notices/${ownId}/read`), {
      status: 303,
      location: '/notices',
    });
    const count = await as<{ unread: number }>('an', 'GET', '/api/v1/notify/notices/unread-count');
    assert.equal(count.body.unread, 1);
    const api2 = await as<NoticeView>('binh', 'POST', `/api/v1/notify/notices/${theirId}/read`);
    assert.equal(api2.status, 200);
    assert.ok(api2.body.readAt);

    await page(client, 'an', '/notices');
    assert.deepEqual(await postForm(client, 'an', '/notices/read-all'), {
      status: 303,
      location: '/notices',
    });
    assert.equal(
      (await as<{ unread: number }>('an', 'GET', '/api/v1/notify/notices/unread-count')).body.unread,
      0,
    );

    const anonymous = await page(new PageClient(baseUrl), 'anonymous', '/notices');
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.location, '/login?next=%2Fnotices');
  });

  it('shows administrators the delivery status without bodies or full addresses, and the development outbox', async () => {
    const { notifications } = await h.notify.service.notify(ctx, {
      recipient: { email: 'pham.van.duc@example.vn', phone: '0903123456' },
      template: 'report_overdue',
      params: {
        reportName: 'Báo cáo công tác cải cách hành chính',
        periodName: 'Quý III/2025',
        deadline: '2025-10-15',
      },
      channels: ['email', 'sms'],
    });
    for (const n of notifications) await h.waitForStatus(n.id, 'sent');

    const listed = await as<{ notifications: { recipient: string; template: string; status: string }[] }>(
      'operator',
      'GET',
      '/api/v1/notify/notifications?channel=email',
    );
    assert.equal(listed.status, 200);
    const body = JSON.stringify(listed.body);
    assert.match(body, /p•••@example\.vn/);
    assert.doesNotMatch(body, /pham\.van\.duc|cải cách|H41-000/);
    assert.ok(listed.body.notifications.every((n) => n.template === 'report_overdue'));
    assert.equal((await as('officer', 'GET', '/api/v1/notify/notifications')).status, 403);
    assert.equal((await as('an', 'GET', '/admin/notify', { accept: 'text/html' })).status, 403);

    const client = new PageClient(baseUrl);
    const admin = await page(client, 'operator', '/admin/notify');
    assert.equal(admin.status, 200);
    assert.match(admin.html, /Tình trạng gửi thông báo/);
    assert.match(admin.html, /Báo cáo quá hạn/);
    assert.match(admin.html, /•••••••456/);
    assert.match(admin.html, /Hộp thư đi nội bộ/);
    // The outbox (development only) shows what would have been sent, SMS without diacritics.
    assert.match(admin.html, /Báo cáo quá hạn: Báo cáo công tác cải cách hành chính \(Quý III\/2025\)/);
    assert.match(admin.html, /Bao cao ky Quy III\/2025 da qua han gui \(han 15\/10\/2025\)/);
    const filtered = await page(client, 'operator', '/admin/notify?status=failed&channel=');
    assert.equal(filtered.status, 200);
    assert.match(filtered.html, /Chưa có thông báo nào/);
    assert.match(h.logs.join('\n'), /SMS not configured/);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, unknown> }>(baseUrl, 'GET', '/openapi.json');
    for (const path of [
      '/api/v1/notify/notices',
      '/api/v1/notify/notices/{id}/read',
      '/api/v1/notify/notices/read-all',
      '/api/v1/notify/notifications',
      '/api/v1/notify/notifications/{id}/retry',
    ])
      assert.ok(doc.body.paths[path], `${path} is documented`);
  });
});
