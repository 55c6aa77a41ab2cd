import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemContext } from '../../src/platform/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, signIn } from '../support/auth.ts';
import type { PageClient } from '../support/client.ts';

/** A JSON call with the browser session of `c` (JSON needs no CSRF token). */
async function json(c: PageClient, method: string, path: string, body?: unknown) {
  const r = await c.request(method, path, {
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as { code?: string } };
}

describe("an official of one agency cannot read or change another agency's accounts and clients", () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let adminA: PageClient;
  let clerkB: PageClient;
  let ownAccount: string;
  let otherAccount: { accountId: string; username: string; password: string };
  let ownClient: string;
  let otherClient: string;

  before(async () => {
    t = await startTestApp();
    a = (await makeAgency(t, { name: 'Sở Tư pháp' })).id;
    b = (await makeAgency(t, { name: 'Sở Y tế' })).id;
    adminA = await signIn(t, await createOfficial(t, { agencyId: a, roles: ['admin'] }));
    clerkB = await signIn(t, await createOfficial(t, { agencyId: b, roles: ['records_clerk'] }));
    ownAccount = (await createOfficial(t, { agencyId: a, roles: ['specialist'] })).accountId;
    otherAccount = await createOfficial(t, { agencyId: b, roles: ['specialist'], fullName: 'Người Sở Y tế' });
    const svc = t.platform.identity.service;
    ownClient = (
      await svc.createClient(systemContext('test'), { agencyId: a, name: 'Phần mềm Sở Tư pháp', scopes: [] })
    ).client.id;
    otherClient = (
      await svc.createClient(systemContext('test'), { agencyId: b, name: 'Phần mềm Sở Y tế', scopes: [] })
    ).client.id;
  });
  after(() => t.close());

  const apiRoutes = (account: () => string, client: () => string, agency: () => string) =>
    [
      ['GET', () => `/api/v1/identity/accounts/${account()}`, undefined],
      ['PATCH', () => `/api/v1/identity/accounts/${account()}`, () => ({ fullName: 'Đổi tên' })],
      [
        'PUT',
        () => `/api/v1/identity/accounts/${account()}/membership`,
        () => ({ agencyId: agency(), roles: ['unit_leader'] }),
      ],
      ['PATCH', () => `/api/v1/identity/accounts/${account()}`, () => ({ status: 'disabled' })],
      ['PATCH', () => `/api/v1/identity/accounts/${account()}`, () => ({ status: 'active' })],
      ['POST', () => `/api/v1/identity/accounts/${account()}/reset-password`, undefined],
      ['POST', () => `/api/v1/identity/accounts/${account()}/reset-totp`, undefined],
      ['GET', () => `/api/v1/identity/accounts?agencyId=${agency()}`, undefined],
      [
        'POST',
        () => '/api/v1/identity/accounts',
        () => ({
          username: `x${Date.now()}${Math.random().toString().slice(2, 6)}`,
          fullName: 'Mới',
          email: 'm@example.gov.vn',
          agencyId: agency(),
          roles: [],
        }),
      ],
      ['GET', () => `/api/v1/identity/clients?agencyId=${agency()}`, undefined],
      [
        'POST',
        () => '/api/v1/identity/clients',
        () => ({ agencyId: agency(), name: 'Hệ thống', scopes: [] }),
      ],
      ['GET', () => `/api/v1/identity/clients/${client()}`, undefined],
      ['PATCH', () => `/api/v1/identity/clients/${client()}`, () => ({ status: 'disabled' })],
    ] as const;

  it('API: every account and client route answers 404 for the other agency and works for its own', async () => {
    for (const [method, path, body] of apiRoutes(
      () => otherAccount.accountId,
      () => otherClient,
      () => b,
    )) {
      const r = await json(adminA, method, path(), body?.());
      assert.equal(r.status, 404, `${method} ${path()}`);
      assert.match(r.body.code ?? '', /NOT_FOUND$/, `${method} ${path()}`);
    }
    for (const [method, path, body] of apiRoutes(
      () => ownAccount,
      () => ownClient,
      () => a,
    )) {
      const r = await json(adminA, method, path(), body?.());
      assert.ok(
        r.status === 200 || r.status === 201,
        `${method} ${path()} → ${r.status} ${JSON.stringify(r.body)}`,
      );
    }
  });

  it('API: an agency admin cannot move its own official into another agency', async () => {
    const r = await json(adminA, 'PUT', `/api/v1/identity/accounts/${ownAccount}/membership`, {
      agencyId: b,
      roles: [],
    });
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'AGENCY_NOT_FOUND');
  });

  it('API: an official without the admin role sees no account, not even of its own agency', async () => {
    const r = await json(clerkB, 'GET', `/api/v1/identity/accounts/${otherAccount.accountId}`);
    assert.equal(r.status, 404);
    assert.equal((await json(clerkB, 'GET', '/api/v1/identity/accounts')).status, 403);
  });

  it('pages: every account and client action answers 404 for the other agency', async () => {
    const id = otherAccount.accountId;
    assert.equal((await adminA.get(`/admin/accounts/${id}`)).status, 404);
    await adminA.get('/admin/accounts');
    const posts: [string, Record<string, string | string[]>][] = [
      [`/admin/accounts/${id}/membership`, { roles: ['admin'] }],
      [`/admin/accounts/${id}/status`, { status: 'disabled' }],
      [`/admin/accounts/${id}/reset-password`, {}],
      [`/admin/accounts/${id}/reset-totp`, {}],
      [`/admin/clients/${otherClient}/status`, { status: 'disabled' }],
    ];
    for (const [path, fields] of posts) {
      const r = await adminA.post(path, fields, true);
      assert.equal(r.status, 404, path);
      assert.match(r.html, /NOT_FOUND/, path);
      await adminA.get('/admin/accounts');
    }
    const list = await adminA.get('/admin/accounts');
    assert.equal(list.status, 200);
    assert.doesNotMatch(list.html, new RegExp(otherAccount.username));
    const clients = await adminA.get('/admin/clients');
    assert.doesNotMatch(clients.html, /Phần mềm Sở Y tế/);
    assert.match(clients.html, /Phần mềm Sở Tư pháp/);
  });

  it('leaves the other agency untouched after all those attempts', async () => {
    const account = await t.platform.identity.service.getAccount(
      systemContext('test'),
      otherAccount.accountId,
    );
    assert.deepEqual(
      [account.status, account.fullName, account.agencyId, account.roles],
      ['active', 'Người Sở Y tế', b, ['specialist']],
    );
    const client = await t.platform.identity.service.getClient(systemContext('test'), otherClient);
    assert.equal(client.status, 'active');
    await signIn(t, otherAccount);
  });
});
