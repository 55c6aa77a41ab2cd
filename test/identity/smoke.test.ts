import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { clientToken, createOfficial, makeAgency, signIn } from '../support/auth.ts';
import { api } from '../support/client.ts';

describe('identity smoke', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  it('signs in and gets a token', async () => {
    const agency = await makeAgency(t);
    const o = await createOfficial(t, { agencyId: agency.id, roles: ['admin'] });
    const c = await signIn(t, o);
    const page = await c.get('/account');
    assert.equal(page.status, 200, page.html);
    const token = await clientToken(t, { agencyId: agency.id, scopes: ['directory.read'] });
    const who = await api(t.baseUrl, 'GET', '/api/v1/identity/whoami', { token });
    assert.equal(who.status, 200);
  });
});
