import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Actor, Role } from '../../src/platform/context.ts';
import type { App } from '../../src/platform/http/types.ts';
import { closeVerifyPool } from '../../src/modules/pki/index.ts';
import { api, PageClient } from '../support/client.ts';
import { agency, proceduresRegime, serveReporting, startBench, system, type Bench } from './support.ts';

/** A browser whose requests name their actor in a header (the test's own composition root). */
class ActorClient extends PageClient {
  private readonly who: string;
  constructor(baseUrl: string, who: string) {
    super(baseUrl);
    this.who = who;
  }
  override request(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ) {
    return super.request(method, path, { ...init, headers: { ...init.headers, 'x-test-actor': this.who } });
  }
}

describe('reporting over HTTP: form, API, decisions, dashboard, admin', () => {
  let b: Bench;
  let app: App;
  let baseUrl: string;
  const actors: Record<string, Actor> = {};
  let nation: string;
  let province: string;
  let c1: string;
  let c2: string;
  const code = 'TTHC-HTTP';

  before(async () => {
    b = await startBench();
    nation = await agency(b, { kind: 'ministry_level', name: 'Văn phòng Chính phủ (thử)' });
    province = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Thử Nghiệm' });
    c1 = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Một' });
    c2 = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Hai' });
    const off = (agencyId: string, roles: Role[]): Actor => ({
      kind: 'official',
      accountId: randomUUID(),
      agencyId,
      roles,
      sessionId: null,
    });
    actors['officer1'] = off(c1, ['reporting_officer']);
    actors['officer2'] = off(c2, ['reporting_officer']);
    actors['provinceLeader'] = off(province, ['unit_leader']);
    actors['nationLeader'] = off(nation, ['unit_leader']);
    actors['admin'] = off(nation, ['platform_admin']);
    actors['client1'] = { kind: 'client', clientId: 'c1-system', agencyId: c1, scopes: ['reporting'] };
    actors['client1NoScope'] = { kind: 'client', clientId: 'c1-other', agencyId: c1, scopes: [] };
    actors['client2'] = { kind: 'client', clientId: 'c2-system', agencyId: c2, scopes: ['reporting'] };

    ({ app, baseUrl } = await serveReporting(b, actors));

    await b.reporting.service.regimes.createRegime(system, proceduresRegime(code, nation, [c1, c2]));
    await b.reporting.service.regimes.publish(system, code);
    await b.reporting.service.regimes.assign(system, code, { validFrom: '2025-07-01' });
  });
  after(async () => {
    await app.close();
    await b.close();
    await closeVerifyPool();
  });

  const as = (who: string, method: string, path: string, body?: unknown) =>
    api<Record<string, unknown>>(baseUrl, method, path, { headers: { 'x-test-actor': who }, body });

  it('the form works without JavaScript: errors next to the field, draft, then submit', async () => {
    const browser = new ActorClient(baseUrl, 'officer1');
    const page = await browser.get(`/reports/form?regime=${code}&period=2025-Q4`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Số hồ sơ tiếp nhận/);
    assert.match(page.html, /15\/09\/2025 – 14\/12\/2025/);

    const bad = await browser.post('/reports/form', {
      regime: code,
      period: '2025-Q4',
      unit: '',
      v_received: '10',
      v_on_time: 'mười',
      v_late: '',
      action: 'submit',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /id="f-v_on_time-error">[^<]*phải là một số/);
    assert.match(bad.html, /href="#f-v_on_time"/);
    assert.match(bad.html, /value="10"/); // what was typed comes back

    const draft = await browser.post('/reports/form', {
      regime: code,
      period: '2025-Q4',
      unit: '',
      v_received: '1.200',
      action: 'save',
    });
    assert.equal(draft.status, 303);
    const reread = await browser.get(draft.location!);
    assert.match(reread.html, /Đã lưu bản nháp/);
    assert.match(reread.html, /value="1200"/);

    const sent = await browser.post('/reports/form', {
      regime: code,
      period: '2025-Q4',
      unit: '',
      v_received: '1.200',
      v_on_time: '1.100',
      v_late: '100',
      v_satisfaction: '90,5',
      action: 'submit',
    });
    assert.equal(sent.status, 303);
    const done = await browser.get(sent.location!);
    assert.match(done.html, /Đã ký số và gửi báo cáo/);
    assert.match(done.html, /Đã gửi, chờ duyệt/);
  });

  it('the province approves on its page; the dashboard shows values, completeness and drill-down', async () => {
    const leader = new ActorClient(baseUrl, 'provinceLeader');
    const list = await leader.get('/reports');
    const link = /href="(\/reports\/submissions\/[0-9a-f-]+)"/.exec(list.html)?.[1];
    assert.ok(link, 'the report waits for the province');
    await leader.get(link);
    const decided = await leader.post(`${link}/decide`, { decision: 'approve', comment: 'Đồng ý' });
    assert.equal(decided.status, 303);
    const after = await leader.get(link);
    assert.match(after.html, /Đã duyệt 1\/2 cấp/);
    assert.match(after.html, /Đồng ý/);

    const national = new ActorClient(baseUrl, 'nationLeader');
    const dash = await national.get(`/reports/dashboard?regime=${code}&period=2025-Q4`);
    assert.equal(dash.status, 200);
    assert.match(dash.html, /Đã gửi 1\/2 \(50 %\)/);
    assert.match(dash.html, /1\.200/);
    assert.match(
      dash.html,
      new RegExp(`href="/reports/dashboard\\?regime=${code}&amp;period=2025-Q4&amp;unit=${province}"`),
    );
    const drill = await national.get(`/reports/dashboard?regime=${code}&period=2025-Q4&unit=${province}`);
    assert.match(drill.html, /Xã Một/);
    assert.match(drill.html, /Xã Hai/);
  });

  it('the API takes values from a unit’s own software with the reporting scope, and only for its unit', async () => {
    const body = { regime: code, period: '2025-Q4', values: { received: 30, on_time: 29, late: 1 } };
    const noScope = await as('client1NoScope', 'POST', '/api/v1/reporting/submissions', body);
    assert.equal(noScope.status, 404);
    const other = await as('client2', 'POST', '/api/v1/reporting/submissions', { ...body, agencyId: c1 });
    assert.equal(other.status, 404);
    const ok = await as('client2', 'POST', '/api/v1/reporting/submissions', body);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body['status'], 'submitted');
    assert.equal(ok.body['signatureState'], 'hash_only'); // Xã Hai holds no certificate
    const id = String(ok.body['id']);
    assert.equal((await as('officer1', 'GET', `/api/v1/reporting/submissions/${id}`)).status, 404);
    assert.equal((await as('provinceLeader', 'GET', `/api/v1/reporting/submissions/${id}`)).status, 200);
    const agg = await as(
      'provinceLeader',
      'GET',
      `/api/v1/reporting/aggregates?regime=${code}&period=2025-Q4`,
    );
    const unit = agg.body['unit'] as { submitted: number; values: { code: string; value: number }[] };
    assert.equal(unit.submitted, 2);
    assert.equal(unit.values.find((v) => v.code === 'received')?.value, 1230);
    // Drill-down by indicator: only the codes asked for, for the unit and the units below it.
    const drill = await as(
      'provinceLeader',
      'GET',
      `/api/v1/reporting/aggregates?regime=${code}&period=2025-Q4&indicator=received,late`,
    );
    assert.equal(drill.status, 200);
    const drilled = drill.body as { unit: typeof unit; children: (typeof unit)[] };
    assert.deepEqual(
      drilled.unit.values.map((v) => v.code),
      ['received', 'late'],
    );
    assert.equal(drilled.children.length, 2);
    assert.ok(drilled.children.every((c) => c.values.length === 2));
    const badCode = await as(
      'provinceLeader',
      'GET',
      `/api/v1/reporting/aggregates?regime=${code}&period=2025-Q4&indicator=Received;drop`,
    );
    assert.equal(badCode.status, 400);
    const stranger = await as(
      'officer1',
      'GET',
      `/api/v1/reporting/aggregates?regime=${code}&period=2025-Q4&unit=${province}&indicator=received`,
    );
    assert.equal(stranger.status, 404);
    const invalid = await as('client2', 'POST', '/api/v1/reporting/submissions', body);
    assert.equal(invalid.status, 409); // under review: cannot change
    const page = new ActorClient(baseUrl, 'officer2');
    assert.equal((await page.get(`/reports/submissions/${id}`)).status, 200);
    assert.equal((await new ActorClient(baseUrl, 'officer1').get(`/reports/submissions/${id}`)).status, 404);
  });

  it('administrators define, publish and version a regime on pages; published versions are immutable', async () => {
    const admin = new ActorClient(baseUrl, 'admin');
    await admin.get('/admin/reports/regimes/new');
    const definition = JSON.stringify({
      title: 'Báo cáo thử nghiệm',
      reporterScope: { kind: 'all_provinces' },
      frequency: 'monthly',
      indicators: [{ code: 'a', name: 'A', type: 'number' }],
      rules: [{ expression: 'a <= b' }],
    });
    const refused = await admin.post('/admin/reports/regimes/new', {
      code: 'BC-THU',
      recipient: nation,
      definition,
    });
    assert.equal(refused.status, 400);
    assert.match(refused.html, /rules\.0/);
    const created = await admin.post('/admin/reports/regimes/new', {
      code: 'BC-THU',
      recipient: nation,
      definition: definition.replace('a <= b', 'a <= 100'),
    });
    assert.equal(created.status, 303);
    const page = await admin.get(created.location!);
    assert.match(page.html, /Dự thảo/);
    assert.equal((await admin.post('/admin/reports/regimes/BC-THU/publish', {})).status, 303);
    const put = await as(
      'admin',
      'PUT',
      '/api/v1/reporting/regimes/BC-THU/draft',
      JSON.parse(definition.replace('a <= b', 'a <= 1')),
    );
    assert.equal(put.status, 409);
    assert.equal(put.body['code'], 'REPORTING_NO_DRAFT');
    await admin.get('/admin/reports/regimes/BC-THU');
    assert.equal((await admin.post('/admin/reports/regimes/BC-THU/versions', {})).status, 303);
    const versions = await as('admin', 'GET', '/api/v1/reporting/regimes/BC-THU/versions');
    assert.deepEqual(
      (versions.body['items'] as { version: number; status: string }[]).map((v) => [v.version, v.status]),
      [
        [2, 'draft'],
        [1, 'published'],
      ],
    );
    // Another agency's administrator cannot touch the regime.
    actors['strangerAdmin'] = {
      kind: 'official',
      accountId: randomUUID(),
      agencyId: c1,
      roles: ['admin'],
      sessionId: null,
    };
    assert.equal((await as('strangerAdmin', 'POST', '/api/v1/reporting/regimes/BC-THU/publish')).status, 404);
  });

  it('lists the API in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, unknown> }>(baseUrl, 'GET', '/openapi.json');
    for (const path of [
      '/api/v1/reporting/submissions',
      '/api/v1/reporting/regimes',
      '/api/v1/reporting/aggregates',
    ])
      assert.ok(doc.body.paths[path], path);
  });
});
