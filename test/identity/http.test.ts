import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { totpCode } from '../../src/modules/identity/crypto.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { clientToken, createOfficial, makeAgency, signIn } from '../support/auth.ts';
import { api, PageClient } from '../support/client.ts';

describe('identity over HTTP', () => {
  let t: TestApp;
  let agencyId: string;
  before(async () => {
    t = await startTestApp();
    agencyId = (await makeAgency(t)).id;
  });
  after(() => t.close());

  it('signs in through the form with CSRF, sets a safe session cookie, and signs out', async () => {
    const o = await createOfficial(t, { agencyId, roles: ['records_clerk'], fullName: 'Trần Văn Thư' });
    const c = new PageClient(t.baseUrl);
    const form = await c.get('/login?next=/admin/accounts');
    assert.equal(form.status, 200);
    assert.match(form.html, /name="_csrf"/);
    const noCsrf = await c.post('/login', { username: o.username, password: o.password, _csrf: 'forged' });
    assert.equal(noCsrf.status, 403);
    await c.get('/login?next=/admin/accounts');
    const r = await c.post('/login', { username: o.username, password: o.password, next: '/admin/accounts' });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/admin/accounts');
    const cookie = r.response.headers.getSetCookie().find((h) => h.startsWith('lt_session='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.doesNotMatch(cookie, /Secure/i, 'plain http in tests');
    const account = await c.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.html, /Trần Văn Thư/);
    assert.match(account.html, /Văn thư/);
    const out = await c.post('/logout', {});
    assert.equal(out.status, 303);
    assert.equal((await c.get('/account')).status, 303, 'signed out: account page sends to sign-in');
  });

  it('only follows a local next after sign-in', async () => {
    const o = await createOfficial(t, { agencyId, roles: [] });
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      const c = new PageClient(t.baseUrl);
      await c.get('/login');
      const r = await c.post('/login', { username: o.username, password: o.password, next });
      assert.equal(r.location, '/account', next);
    }
  });

  it('shows a wrong password inline, with an error summary, without saying whether the name exists', async () => {
    const o = await createOfficial(t, { agencyId, roles: [] });
    const c = new PageClient(t.baseUrl);
    await c.get('/login');
    const wrong = await c.post('/login', { username: o.username, password: 'khong-dung-dau' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.html, /class="error-summary"/);
    assert.match(wrong.html, /Tên đăng nhập hoặc mật khẩu không đúng/);
    assert.match(wrong.html, new RegExp(`value="${o.username}"`), 'the username is kept');
    const unknown = await c.post('/login', { username: 'nobody-here', password: 'khong-dung-dau' });
    const message = (h: string) => /<p class="field-error"[^>]*>([^<]*)</.exec(h)?.[1];
    assert.equal(message(unknown.html), message(wrong.html));
    const empty = await c.post('/login', { username: '', password: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.html, /Nhập tên đăng nhập/);
  });

  it('enrols TOTP on the account page and then asks for the code at sign-in', async () => {
    const o = await createOfficial(t, { agencyId, roles: [] });
    const c = await signIn(t, o);
    await c.get('/account');
    await c.post('/account/totp/start', {});
    const page = await c.get('/account');
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.html)?.[1];
    assert.ok(secret, 'secret shown as text');
    assert.match(page.html, /otpauth:\/\/totp\//);
    const bad = await c.post('/account/totp/confirm', { code: '000000' });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /Mã xác thực không đúng/);
    const ok = await c.post('/account/totp/confirm', { code: totpCode(secret, new Date()) });
    assert.equal(ok.location, '/account?done=totp_on');

    const d = new PageClient(t.baseUrl);
    await d.get('/login');
    const step1 = await d.post('/login', { username: o.username, password: o.password });
    assert.equal(step1.status, 303);
    assert.match(step1.location ?? '', /^\/login\/totp/);
    const totpPage = await d.get(step1.location!);
    assert.match(totpPage.html, /Xác thực hai lớp/);
    assert.equal((await d.get('/account')).status, 303, 'no session before the code');
    const wrong = await d.post('/login/totp', { code: '999999' });
    assert.equal(wrong.status, 401);
    // Next time step, so the code differs from the one used to confirm.
    const next = new Date(Date.now() + 30_000);
    const done = await d.post('/login/totp', { code: totpCode(secret, next) });
    assert.equal(done.status, 303);
    assert.equal(done.location, '/account');
    assert.equal((await d.get('/account')).status, 200);
  });

  it('changes the password (current one required) and logs out everywhere', async () => {
    const o = await createOfficial(t, { agencyId, roles: [] });
    const a = await signIn(t, o);
    const b = await signIn(t, o);
    await a.get('/account');
    const wrong = await a.post('/account/password', {
      currentPassword: 'nope-nope-nope',
      newPassword: 'mat-khau-moi-123',
      confirmPassword: 'mat-khau-moi-123',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /Mật khẩu hiện tại không đúng/);
    const ok = await a.post('/account/password', {
      currentPassword: o.password,
      newPassword: 'mat-khau-moi-123',
      confirmPassword: 'mat-khau-moi-123',
    });
    assert.equal(ok.location, '/account?done=password');
    assert.equal((await b.get('/account')).status, 303, 'the other session ended');
    const page = await a.get('/account');
    assert.equal(page.status, 200);
    const c = await signIn(t, { username: o.username, password: 'mat-khau-moi-123' });
    await c.get('/account');
    const all = await c.post('/account/sessions/revoke-all', {});
    assert.equal(all.status, 303);
    assert.equal((await a.get('/account')).status, 303);
    assert.equal((await c.get('/account')).status, 303);
  });

  it('issues tokens at /api/v1/oauth/token (basic, form, JSON) and answers RFC 6749 errors', async () => {
    const { client, clientSecret } = await t.platform.identity.service.createClient(
      (await import('../../src/platform/context.ts')).systemContext('test'),
      { agencyId, name: 'Hệ thống một cửa', scopes: ['dossiers.sync'] },
    );
    const form = await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.id,
        client_secret: clientSecret,
      }).toString(),
    });
    assert.equal(form.status, 200);
    assert.equal(form.headers.get('cache-control'), 'no-store');
    const body = (await form.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(body.token_type, 'Bearer');
    const json = await api<{ access_token: string }>(t.baseUrl, 'POST', '/api/v1/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: client.id, client_secret: clientSecret },
    });
    assert.equal(json.status, 200);
    const bad = await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.id}:wrong`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { error: 'invalid_client' });
    assert.match(bad.headers.get('www-authenticate') ?? '', /^Basic/);
    const grant = await api(t.baseUrl, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'password' } });
    assert.deepEqual([grant.status, grant.body], [400, { error: 'unsupported_grant_type' }]);

    const who = await api<{ kind: string; agencyId: string; scopes: string[] }>(
      t.baseUrl,
      'GET',
      '/api/v1/identity/whoami',
      { token: body.access_token },
    );
    assert.deepEqual(
      [who.status, who.body.kind, who.body.agencyId, who.body.scopes],
      [200, 'client', agencyId, ['dossiers.sync']],
    );
  });

  it('answers an invalid bearer token with UNAUTHENTICATED 401 and a machine client cannot manage accounts', async () => {
    const bad = await api<{ code: string; requestId: string }>(t.baseUrl, 'GET', '/api/v1/identity/whoami', {
      token: 'not.a.token',
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, 'UNAUTHENTICATED');
    assert.ok(bad.body.requestId);
    const token = await clientToken(t, { agencyId });
    const list = await api<{ code: string }>(t.baseUrl, 'GET', '/api/v1/identity/accounts', { token });
    assert.equal(list.status, 403);
    const anonymous = await api<{ code: string }>(t.baseUrl, 'GET', '/api/v1/identity/accounts');
    assert.equal(anonymous.status, 401);
  });

  it('lets an agency admin create an official, shows the temporary password once, and audits it all', async () => {
    const admin = await createOfficial(t, { agencyId, roles: ['admin'] });
    const c = await signIn(t, admin);
    await c.get('/admin/accounts/new');
    const created = await c.post('/admin/accounts/new', {
      username: 'moi.canbo',
      fullName: 'Phạm Thị Mới',
      email: 'moi@example.gov.vn',
      phone: '',
      roles: ['specialist', 'unit_leader'],
    });
    assert.equal(created.status, 201);
    const temp = /id="temporary-password">([^<]+)</.exec(created.html)?.[1];
    assert.ok(temp);
    const list = await c.get('/admin/accounts?q=moi');
    assert.match(list.html, /Phạm Thị Mới/);
    const mine = await c.get('/admin/accounts');
    assert.match(mine.html, new RegExp(admin.username));
    // The new official signs in with the temporary password and is asked to change it.
    const newcomer = await signIn(t, { username: 'moi.canbo', password: temp });
    assert.match((await newcomer.get('/account')).html, /mật khẩu tạm thời/);
    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'actor_id', 'details'])
      .where('action', 'in', ['identity.account.created', 'identity.login'])
      .execute();
    assert.ok(events.some((e) => e.action === 'identity.account.created' && e.actor_id === admin.accountId));
    assert.ok(events.some((e) => e.action === 'identity.login' && e.outcome === 'success'));
    assert.ok(!JSON.stringify(events).includes(temp));
  });

  it('is documented in OpenAPI without hashes or secrets in account schemas', async () => {
    const doc = await api<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }>(t.baseUrl, 'GET', '/openapi.json');
    assert.ok(doc.body.paths['/api/v1/oauth/token']);
    assert.ok(doc.body.paths['/api/v1/identity/accounts/{id}']);
    const account = doc.body.components.schemas['Account'] as { properties: Record<string, unknown> };
    assert.ok(Object.keys(account.properties).includes('username'));
    for (const field of Object.keys(account.properties))
      assert.doesNotMatch(field, /hash|secret|^password$/i);
  });
});
