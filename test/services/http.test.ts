import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemContext } from '../../src/platform/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, signIn } from '../support/auth.ts';
import { api, type PageClient } from '../support/client.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp();
  await t.platform.directory.seed(systemContext('test'));
  await t.platform.services.seed(systemContext('test'));
});
after(async () => {
  await t.close();
});

async function page(path: string): Promise<{ status: number; html: string; response: Response }> {
  const response = await fetch(t.baseUrl + path, { headers: { accept: 'text/html' } });
  return { status: response.status, html: await response.text(), response };
}

async function json(client: PageClient, method: string, path: string, body?: unknown) {
  const r = await client.request(method, path, {
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('public pages', () => {
  it('finds a procedure typed without diacritics and with typos', async () => {
    const r = await page('/services?q=dang+ki+khai+sin');
    assert.equal(r.status, 200);
    const first = /<a href="\/services\/([\d.]+)">([^<]+)<\/a>/.exec(r.html);
    assert.equal(first?.[1], '1.001193');
    assert.equal(first?.[2], 'Đăng ký khai sinh');
    assert.match(r.html, /Dịch vụ công/, 'the navigation entry is shown to everyone');
    const sector = await page('/services?sector=HO_TICH');
    assert.match(sector.html, /Đăng ký kết hôn/);
    assert.doesNotMatch(sector.html, /hộ chiếu/);
  });

  it('shows everything a citizen needs before starting, in both languages', async () => {
    const vi = await page('/services/1.001193');
    assert.equal(vi.status, 200);
    for (const text of [
      'Thành phần hồ sơ',
      'Giấy chứng sinh',
      'Tải mẫu',
      'Miễn',
      'Luật Hộ tịch',
      'Họ, chữ đệm, tên của trẻ',
      'Toàn trình',
      'Nơi nộp hồ sơ',
      'Liên thông các thủ tục hành chính',
    ])
      assert.ok(vi.html.includes(text), text);
    assert.ok(vi.html.includes('href="/dossiers/new?procedure=1.001193"'), 'the page leads to online filing');
    const en = await page('/services/1.001193?lang=en');
    for (const text of [
      'Papers to submit',
      'Fees and charges',
      'Time limit',
      'Legal basis',
      'Full-process online',
      'Đăng ký khai sinh',
    ])
      assert.ok(en.html.includes(text), text);
    const fees = await page('/services/2.000488');
    assert.match(fees.html, /200\.000 đồng/);
    const template = await fetch(`${t.baseUrl}/services/1.001193/papers/toKhai/template`);
    assert.equal(template.status, 200);
    assert.match(
      template.headers.get('content-disposition') ?? '',
      /^attachment; filename="?1\.001193-toKhai\.txt"?$/,
    );
    assert.match(await template.text(), /TỜ KHAI ĐĂNG KÝ KHAI SINH/);
    assert.equal((await page('/services/9.999999')).status, 404);
  });

  it('answers the API with the same search and the same validator', async () => {
    const found = await api<{ items: { code: string }[] }>(
      t.baseUrl,
      'GET',
      '/api/v1/services/procedures?q=ho%20chieu',
    );
    assert.equal(found.body.items[0]?.code, '2.001620');
    const p = await api<{ version: { id: string } }>(
      t.baseUrl,
      'GET',
      '/api/v1/services/procedures/1.001193',
    );
    assert.equal(p.status, 200);
    const bad = await api<{ ok: boolean; errors: { path: string; code: string }[] }>(
      t.baseUrl,
      'POST',
      `/api/v1/services/versions/${p.body.version.id}/validate`,
      {
        body: { values: { childName: 'A', relation: 'khac', mother: { idNumber: '123' } } },
      },
    );
    assert.equal(bad.body.ok, false);
    const codes = bad.body.errors.map((e) => `${e.path}:${e.code}`);
    for (const c of [
      'childSex:FORM_REQUIRED',
      'relationOther:FORM_REQUIRED',
      'mother.idNumber:FORM_INVALID_PERSONAL_ID',
      'pledge:FORM_REQUIRED',
    ])
      assert.ok(codes.includes(c), `${c} in ${codes.join()}`);
    const openapi = await api<{ paths: Record<string, unknown> }>(t.baseUrl, 'GET', '/openapi.json');
    assert.ok(openapi.body.paths['/api/v1/services/procedures']);
    assert.ok(openapi.body.paths['/api/v1/services/admin/procedures/{id}/draft']);
  });
});

describe('administration', () => {
  const editorBody = (o: { code: string; name: string; rows?: Record<string, string> }) => ({
    code: o.code,
    name: o.name,
    sectorCode: 'THU_NGHIEM',
    sectorName: 'Thử nghiệm',
    applicants: 'citizen',
    agencyKinds: 'commune',
    agencyDescription: 'Ủy ban nhân dân cấp xã',
    where: 'Bộ phận Một cửa',
    channels: ['online', 'counter'],
    papers: 'don | Đơn đề nghị | original | 1 | required |  | generated',
    fees: 'le_phi | Lệ phí | 50000 | ',
    workingDays: '5',
    decree42: 'toan_trinh',
    legacy: '4',
    resultType: 'paper',
    resultName: 'Quyết định',
    legalBasis: '01/2026/TT-THU | Thông tư thử nghiệm | 2026-01-01',
    rowCount: '3',
    'fk.0': 'fullName',
    'ft.0': 'text',
    'fl.0': 'Họ và tên',
    'fr.0': 'on',
    'fx.0': 'maxLength=100',
    ...o.rows,
  });

  it('lets an agency admin create, edit and publish its procedure, and hides it from another agency', async () => {
    const agencyA = await makeAgency(t, { kind: 'commune' });
    const agencyB = await makeAgency(t, { kind: 'commune' });
    const adminA = await signIn(t, await createOfficial(t, { agencyId: agencyA.id, roles: ['admin'] }));
    const adminB = await signIn(t, await createOfficial(t, { agencyId: agencyB.id, roles: ['admin'] }));

    await adminA.get('/admin/services/new');
    const bad = await adminA.post(
      '/admin/services/new',
      editorBody({ code: '9.100001', name: 'Thủ tục A', rows: { 'ft.0': 'select' } }),
    );
    assert.equal(bad.status, 400);
    assert.match(bad.html, /id="f-fk\.0-error"/, 'the error is shown next to the field row');
    assert.match(bad.html, /FORM_DEF_OPTIONS_REQUIRED/);

    const created = await adminA.post(
      '/admin/services/new',
      editorBody({ code: '9.100001', name: 'Thủ tục A' }),
    );
    assert.equal(created.status, 303);
    const adminPath = created.location?.split('?')[0] ?? '';
    const id = adminPath.split('/').pop() ?? '';
    assert.equal((await page('/services/9.100001')).status, 404, 'a draft is not public');

    const overview = await adminA.get(adminPath);
    assert.match(overview.html, /Công bố bản nháp/);
    assert.equal((await adminA.post(`${adminPath}/publish`, {})).status, 303);
    assert.match((await page('/services/9.100001')).html, /Thủ tục A/);

    await adminA.get(`${adminPath}/edit`);
    const edited = await adminA.post(`${adminPath}/edit`, {
      ...editorBody({ code: '9.100001', name: 'Thủ tục A (sửa)' }),
      baseNumber: '1',
    });
    assert.equal(edited.status, 303);
    assert.match(
      (await page('/services/9.100001')).html,
      /Thủ tục A</,
      'the public still sees version 1 until publication',
    );
    await adminA.get(adminPath);
    await adminA.post(`${adminPath}/publish`, {});
    assert.match(
      (await page('/services/9.100001')).html,
      /Thủ tục A \(sửa\)/,
      'publishing refreshes the cached page',
    );
    assert.match((await adminA.get(`${adminPath}/versions/1`)).html, /Thủ tục A/);

    const preview = await adminA.get(`${adminPath}/preview`);
    assert.equal(preview.status, 200);
    const checked = await adminA.post(`${adminPath}/preview`, { 'f.fullName': '' });
    assert.equal(checked.status, 400);
    assert.match(checked.html, /Hãy nhập Họ và tên/);

    assert.equal((await adminB.get(adminPath)).status, 404);
    await adminB.get('/admin/services');
    assert.equal((await adminB.post(`${adminPath}/unpublish`, {})).status, 404);
    assert.equal(
      (
        await json(adminB, 'PUT', `/api/v1/services/admin/procedures/${id}/draft`, {
          baseNumber: 2,
          content: {},
        })
      ).status,
      400,
    );
    const exported = await json(adminA, 'GET', `/api/v1/services/admin/procedures/${id}/export`);
    assert.equal(exported.body['name'], 'Thủ tục A (sửa)');
    const foreign = await json(adminB, 'PUT', `/api/v1/services/admin/procedures/${id}/draft`, {
      baseNumber: 2,
      content: exported.body,
    });
    assert.equal(foreign.status, 404);
    assert.equal((await json(adminB, 'POST', `/api/v1/services/admin/procedures/${id}/publish`)).status, 404);
  });

  it('refuses writes to officials without the admin role (403) and to anonymous callers (401)', async () => {
    const agency = await makeAgency(t, { kind: 'commune' });
    const clerk = await signIn(
      t,
      await createOfficial(t, { agencyId: agency.id, roles: ['one_stop_officer'] }),
    );
    const exported = await api<Record<string, unknown>>(
      t.baseUrl,
      'GET',
      '/api/v1/services/procedures/1.001193',
    );
    const content = {
      ...(exported.body['version'] as { content: Record<string, unknown> }).content,
      code: '9.100002',
    };
    assert.equal((await json(clerk, 'POST', '/api/v1/services/admin/procedures', { content })).status, 403);
    assert.equal((await clerk.get('/admin/services')).status, 403);
    assert.equal(
      (await api(t.baseUrl, 'POST', '/api/v1/services/admin/procedures', { body: { content } })).status,
      401,
    );
    assert.doesNotMatch((await clerk.get('/services')).html, /Quản trị thủ tục/);
  });
});
