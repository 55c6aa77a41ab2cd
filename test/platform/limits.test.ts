import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalogEntries } from '../../src/platform/i18n/index.ts';
import { api } from '../support/client.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('request limits and the i18n catalog', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
  });
  after(() => t.close());

  it('refuses a body over the limit with PAYLOAD_TOO_LARGE and keeps serving', async () => {
    const r = await api<{ code: string; messages: { vi: string } }>(
      t.baseUrl,
      'POST',
      '/api/v1/oauth/token',
      {
        body: { padding: 'x'.repeat(10_000) },
      },
    );
    assert.equal(r.status, 413);
    assert.equal(r.body.code, 'PAYLOAD_TOO_LARGE');
    assert.match(r.body.messages.vi, /vượt quá giới hạn/);
    assert.equal((await api(t.baseUrl, 'GET', '/healthz')).status, 200);
  });

  it('has every text of every module in Vietnamese and English', () => {
    const entries = catalogEntries();
    assert.ok(entries.length > 50, `catalog has ${entries.length} texts`);
    for (const [key, text] of entries) {
      assert.ok(text.vi.trim().length > 0, `${key} has Vietnamese`);
      assert.ok(text.en.trim().length > 0, `${key} has English`);
    }
  });
});
