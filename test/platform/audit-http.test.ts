import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, PageClient } from '../support/client.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('audit trail over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('asks an anonymous caller to sign in, on the API and on the page', async () => {
    const r = await api<{ code: string }>(t.baseUrl, 'GET', '/api/v1/audit/events?subjectId=x&action=a_b');
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'UNAUTHENTICATED');
    const page = await new PageClient(t.baseUrl).get('/admin/audit');
    assert.equal(page.status, 401);
    assert.match(page.html, /UNAUTHENTICATED/);
    assert.doesNotMatch(page.html, /<table/, 'no event is shown');
  });

  it('documents the audit API with its filters', async () => {
    const doc = await api<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>(
      t.baseUrl,
      'GET',
      '/openapi.json',
    );
    const params = doc.body.paths['/api/v1/audit/events']?.get?.parameters?.map((p) => p.name) ?? [];
    for (const name of ['action', 'agencyId', 'subjectId', 'outcome', 'before', 'limit'])
      assert.ok(params.includes(name), name);
  });
});
