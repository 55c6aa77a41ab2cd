import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemContext } from '../../src/platform/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { makeAgency, signIn } from '../support/auth.ts';

describe('demo accounts and create-admin', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    await makeAgency(t, { name: 'Văn phòng Chính phủ', code: '000.00.00.G22', kind: 'government_agency' });
    await makeAgency(t, { name: 'UBND tỉnh Nghệ An', code: '000.00.00.H41', kind: 'province_ubnd' });
  });
  after(() => t.close());

  it('creates the demo administrator once and returns the same credentials on later starts', async () => {
    const ctx = systemContext('demo-seed');
    const first = await t.platform.identity.seedDemo(ctx, { dataDir: t.config.dataDir });
    const second = await t.platform.identity.seedDemo(ctx, { dataDir: t.config.dataDir });
    assert.deepEqual(second, first);
    assert.equal(first.username, 'admin');
    const stored = JSON.parse(readFileSync(path.join(t.config.dataDir, 'demo-admin.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(stored).sort(), [
      'admin',
      'nghean.chuyenvien',
      'nghean.lanhdao',
      'nghean.motcua',
      'nghean.quantri',
      'nghean.vanthu',
    ]);
    const c = await signIn(t, first);
    const list = await c.get('/admin/accounts');
    assert.match(list.html, /nghean\.vanthu/, 'the platform administrator sees every agency');
    // The specialist works in the demo unit, the Department of Justice below Nghệ An.
    const unit = await t.platform.directory.service.resolveCode('demo.H41.so-tu-phap');
    assert.equal(unit?.current.name, 'Sở Tư pháp tỉnh Nghệ An');
    const specialist = await t.platform.identity.service.listAccounts(ctx, {
      search: 'nghean.chuyenvien',
      page: 1,
      pageSize: 5,
    });
    assert.equal(specialist.accounts[0]?.unitId, unit?.current.id);
    const leader = await t.platform.identity.service.listAccounts(ctx, {
      search: 'nghean.lanhdao',
      page: 1,
      pageSize: 5,
    });
    assert.equal(leader.accounts[0]?.unitId, null);
  });

  it('creates an administrator for the CLI with a generated password', async () => {
    const r = await t.platform.identity.createAdmin(systemContext('cli'), {
      agencyCode: '000.00.00.H41',
      username: 'quantri.nghean2',
      fullName: 'Quản trị Nghệ An',
      platformAdmin: false,
    });
    assert.equal(r.agencyName, 'UBND tỉnh Nghệ An');
    assert.ok(r.generatedPassword);
    const c = await signIn(t, { username: r.username, password: r.generatedPassword });
    assert.equal((await c.get('/admin/accounts')).status, 200);
  });
});
