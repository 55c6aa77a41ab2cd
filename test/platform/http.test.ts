import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, PageClient } from '../support/client.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('HTTP platform', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('answers liveness and readiness once migrated', async () => {
    assert.deepEqual((await api(t.baseUrl, 'GET', '/healthz')).body, { status: 'ok' });
    const ready = await api(t.baseUrl, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ok' });
  });

  it('publishes an OpenAPI 3.1 document and a docs page', async () => {
    const doc = await api<{ openapi: string; paths: Record<string, unknown> }>(
      t.baseUrl,
      'GET',
      '/openapi.json',
    );
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/healthz'], 'health route documented');
    assert.ok(!doc.body.paths['/'], 'pages are not part of the API document');
    const docs = await fetch(`${t.baseUrl}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });

  it('answers unknown API routes with a stable code, both languages and the request id', async () => {
    const r = await api<{
      code: string;
      message: string;
      messages: { vi: string; en: string };
      requestId: string;
    }>(t.baseUrl, 'GET', '/api/v1/nothing-here', {
      headers: { 'x-request-id': 'req-123', 'accept-language': 'en' },
    });
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'NOT_FOUND');
    assert.equal(r.body.message, 'Not found.');
    assert.equal(r.body.messages.vi, 'Không tìm thấy.');
    assert.equal(r.body.requestId, 'req-123');
  });

  it('serves the home page in Vietnamese first and English on request, with security headers', async () => {
    const client = new PageClient(t.baseUrl);
    const vi = await client.get('/');
    assert.equal(vi.status, 200);
    assert.match(vi.html, /<html lang="vi">/);
    assert.match(vi.html, /Người dân và doanh nghiệp/);
    assert.match(vi.response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(vi.response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(vi.response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(vi.response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(vi.response.headers.get('cross-origin-opener-policy'), 'same-origin');
    // An API answer and an error carry them too.
    const api = await fetch(`${t.baseUrl}/api/v1/nothing-here`);
    assert.equal(api.status, 404);
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(api.headers.get('x-frame-options'), 'SAMEORIGIN');
    const en = await client.get('/?lang=en');
    assert.match(en.html, /<html lang="en">/);
    assert.match(en.html, /Citizens and businesses/);
    // The choice sticks through the cookie.
    assert.match((await client.get('/')).html, /<html lang="en">/);
  });

  it('renders an error page for browsers that ask for a missing page', async () => {
    const client = new PageClient(t.baseUrl);
    const page = await client.get('/no-such-page');
    assert.equal(page.status, 404);
    assert.match(page.html, /Không tìm thấy trang/);
    assert.match(page.html, /NOT_FOUND/);
  });

  it('refuses a form post without a CSRF token', async () => {
    const client = new PageClient(t.baseUrl);
    await client.get('/');
    const r = await client.post('/logout', { _csrf: 'forged' });
    assert.equal(r.status, 403);
    assert.match(r.html, /CSRF_INVALID/);
  });

  it('exposes Prometheus metrics', async () => {
    await fetch(`${t.baseUrl}/healthz`);
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    assert.match(
      text,
      /lienthong_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\}/,
    );
  });
});
