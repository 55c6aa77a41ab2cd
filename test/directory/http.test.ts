import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemContext } from '../../src/platform/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { clientToken, createOfficial, makeAgency, signIn } from '../support/auth.ts';
import { api, PageClient } from '../support/client.ts';

interface Summary {
  id: string;
  name: string;
  active: boolean;
}

describe('directory over HTTP', () => {
  let t: TestApp;
  let admin: PageClient;
  before(async () => {
    t = await startTestApp();
    await t.platform.directory.seed(systemContext('test'));
    const home = await makeAgency(t, { code: '000.00.00.X90', kind: 'unit' });
    admin = await signIn(t, await createOfficial(t, { agencyId: home.id, roles: ['platform_admin'] }));
  });
  after(() => t.close());

  it('searches publicly, without diacritics', async () => {
    const r = await api<{ items: Summary[] }>(t.baseUrl, 'GET', '/api/v1/directory/agencies?q=nghe%20an');
    assert.equal(r.status, 200);
    assert.ok(r.body.items.some((a) => a.name === 'Tỉnh Nghệ An'));
    const page = await new PageClient(t.baseUrl).get('/directory?q=ha+noi');
    assert.equal(page.status, 200);
    assert.match(page.html, /Thành phố Hà Nội/);
  });

  it('resolves a code at a date and answers the current agency by code', async () => {
    const then = await api<{ heldBy: Summary; current: Summary }>(
      t.baseUrl,
      'GET',
      '/api/v1/directory/resolve?code=000.00.00.H22&at=2025-06-30',
    );
    assert.equal(then.status, 200);
    assert.equal(then.body.heldBy.name, 'Tỉnh Hà Giang');
    assert.equal(then.body.current.name, 'Tỉnh Tuyên Quang');
    const now = await api<Summary>(t.baseUrl, 'GET', '/api/v1/directory/agencies/by-code/H22');
    assert.equal(now.body.name, 'Tỉnh Tuyên Quang');
    const missing = await api<{ code: string }>(t.baseUrl, 'GET', '/api/v1/directory/agencies/by-code/Z99');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'DIRECTORY_CODE_NOT_FOUND');
  });

  it('shows an agency page with its code history and unconfirmed codes marked', async () => {
    const bg = await api<Summary>(t.baseUrl, 'GET', '/api/v1/directory/agencies/by-code/H02');
    assert.equal(bg.body.name, 'Tỉnh Bắc Ninh');
    const held = await api<{ heldBy: Summary }>(
      t.baseUrl,
      'GET',
      '/api/v1/directory/resolve?code=H02&at=2025-01-01',
    );
    const page = await new PageClient(t.baseUrl).get(`/directory/agencies/${held.body.heldBy.id}?lang=en`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Tỉnh Bắc Giang/);
    assert.match(page.html, /000\.00\.00\.H02/);
    assert.match(page.html, /Unconfirmed/);
    assert.match(page.html, /Tỉnh Bắc Ninh/, 'successor listed');
  });

  it('refuses writes to anonymous callers (401) and to agency systems (403)', async () => {
    const body = { name: 'Sở Mới', kind: 'department', codes: [] };
    const anon = await api<{ code: string }>(t.baseUrl, 'POST', '/api/v1/directory/agencies', { body });
    assert.equal(anon.status, 401);
    assert.equal(anon.body.code, 'UNAUTHENTICATED');
    const agency = await makeAgency(t);
    const token = await clientToken(t, { agencyId: agency.id });
    const machine = await api<{ code: string }>(t.baseUrl, 'POST', '/api/v1/directory/agencies', {
      body,
      token,
    });
    assert.equal(machine.status, 403);
    assert.equal(machine.body.code, 'FORBIDDEN');
    const csv = await api(t.baseUrl, 'POST', '/api/v1/directory/import', {
      headers: { 'content-type': 'text/csv' },
      token,
    });
    assert.equal(csv.status, 403);
  });

  it('lets a platform administrator create and edit an agency, refusing a stale edit', async () => {
    const created = await admin.request('POST', '/api/v1/directory/agencies', {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        name: 'Sở Thử nghiệm HTTP',
        kind: 'department',
        codes: [{ scheme: 'QD20', code: '11.22.H41' }],
      }),
    });
    assert.equal(created.status, 201);
    const agency = (await created.json()) as Summary;
    const r = await api<{ heldBy: Summary }>(
      t.baseUrl,
      'GET',
      '/api/v1/directory/resolve?code=000.11.22.H41',
    );
    assert.equal(r.body.heldBy.id, agency.id);
    // The edit form on the page posts with the version it showed.
    await admin.get(`/directory/agencies/${agency.id}`);
    const edit = {
      version: '1',
      name: 'Sở Đã Đổi Tên',
      shortName: '',
      kind: 'department',
      parentId: '',
      effectiveOn: '',
      legalBasis: '',
    };
    const ok = await admin.post(`/directory/agencies/${agency.id}/edit`, edit);
    assert.equal(ok.status, 303);
    await admin.get(`/directory/agencies/${agency.id}`);
    const stale = await admin.post(`/directory/agencies/${agency.id}/edit`, { ...edit, name: 'Sở Khác' });
    assert.equal(stale.status, 409);
    assert.match(stale.html, /đã được người khác sửa/);
  });

  it('imports CSV all or nothing with a line-by-line report, then exports it back', async () => {
    const bad = [
      'id,name,short_name,kind,parent,codes,valid_from',
      ',,,department,H26,QD20:000.01.02.H26,2025-07-01',
      ',Sở Ba,,nope,H26,QD20:bad,2025-07-01',
      ',Sở Một,,department,H26,QD20:000.01.01.H26,2025-07-01',
    ].join('\n');
    const refused = await admin.request('POST', '/api/v1/directory/import', {
      headers: { 'content-type': 'text/csv', accept: 'application/json' },
      body: bad,
    });
    assert.equal(refused.status, 400);
    const report = (await refused.json()) as {
      code: string;
      details: { problems: { line: number; code: string }[] };
    };
    assert.equal(report.code, 'DIRECTORY_CSV_INVALID');
    assert.deepEqual([...new Set(report.details.problems.map((p) => p.line))], [2, 3]);
    assert.ok(report.details.problems.some((p) => p.code === 'DIRECTORY_CSV_BAD_CODE'));
    assert.equal(
      (await api(t.baseUrl, 'GET', '/api/v1/directory/agencies/by-code/000.01.01.H26')).status,
      404,
    );

    const good = [
      'id,name,short_name,kind,parent,codes,valid_from',
      ',Sở Một,,department,H26,QD20:000.01.01.H26,2025-07-01',
      ',Sở Hai,,department,H26,QD20:000.01.02.H26,2025-07-01',
      ',Phòng Ba,,unit,000.01.02.H26,QD20:000.01.03.H26|TAX:0100000099,2025-07-01',
    ].join('\n');
    const accepted = await admin.request('POST', '/api/v1/directory/import', {
      headers: { 'content-type': 'text/csv', accept: 'application/json' },
      body: good,
    });
    assert.equal(accepted.status, 200);
    assert.deepEqual(await accepted.json(), { imported: 3, problems: [] });
    const third = await api<Summary & { parentId: string; level: number }>(
      t.baseUrl,
      'GET',
      '/api/v1/directory/agencies/by-code/0100000099',
    );
    assert.equal(third.body.name, 'Phòng Ba');
    assert.equal(third.body.level, 3);

    const exported = await fetch(`${t.baseUrl}/api/v1/directory/export`);
    assert.match(exported.headers.get('content-type') ?? '', /text\/csv/);
    const text = await exported.text();
    assert.ok(text.startsWith('id,name,short_name,kind,parent,codes,valid_from,valid_to'));
    assert.ok(
      text.includes(
        `${third.body.id},Phòng Ba,,unit,QD20:000.01.02.H26,QD20:000.01.03.H26|TAX:0100000099,2025-07-01,`,
      ),
    );
    // Importing the export again is refused line by line: every agency is already there.
    const again = await admin.request('POST', '/api/v1/directory/import', {
      headers: { 'content-type': 'text/csv', accept: 'application/json' },
      body: text,
    });
    assert.equal(again.status, 400);
  });

  it('imports through the page form and shows the problems next to the lines', async () => {
    await admin.get('/directory/import');
    const r = await admin.post('/directory/import', {
      csv: 'name,kind,codes\nSở Bốn,department,QD20:000.02.01.H26\nSở Năm,department,QD20:000.02.01.H26',
    });
    assert.equal(r.status, 400);
    assert.match(r.html, /DIRECTORY_CSV_DUPLICATE_CODE/);
    const ok = await admin.post('/directory/import', {
      csv: 'name,kind,codes\nSở Bốn,department,QD20:000.02.01.H26',
    });
    assert.equal(ok.status, 200);
    assert.match(ok.html, /Đã nhập 1 cơ quan/);
  });
});
