import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { PageClient } from '../support/client.ts';

describe('sign-in rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT: '3' });
  });
  after(() => t.close());

  it('answers 429 RATE_LIMITED after LOGIN_RATE_LIMIT attempts a minute', async () => {
    const c = new PageClient(t.baseUrl);
    await c.get('/login');
    const token = c.csrfToken();
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 4; i++) {
      const r = await c.post('/login', { username: 'ai-do', password: 'sai-mat-khau', _csrf: token });
      statuses.push(r.status);
      last = r.html;
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    assert.match(last, /RATE_LIMITED/);
    const json = await fetch(`${t.baseUrl}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    });
    assert.equal(json.status, 429);
    assert.equal(((await json.json()) as { code: string }).code, 'RATE_LIMITED');
  });
});
