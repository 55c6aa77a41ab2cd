/** The federation peers registry: who may manage it, and the administrators' page. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { clientToken, createOfficial, makeAgency, signIn } from '../support/auth.ts';
import { api } from '../support/client.ts';

const publicKey = () =>
  generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();

describe('federation peers registry', () => {
  let t: TestApp;
  let agency: Awaited<ReturnType<typeof makeAgency>>;
  before(async () => {
    t = await startTestApp();
    agency = await makeAgency(t, { code: '000.00.31.H29', name: 'Sở Nội vụ tỉnh thử' });
  });
  after(async () => t.close());

  it('is refused to anonymous callers (401) and to agencies (403); the node key is public', async () => {
    const anonymous = await api<{ code: string }>(t.baseUrl, 'GET', '/api/v1/exchange/federation/peers');
    assert.equal(anonymous.status, 401);
    const token = await clientToken(t, { agencyId: agency.id });
    const client = await api<{ code: string }>(t.baseUrl, 'POST', '/api/v1/exchange/federation/peers', {
      token,
      body: { name: 'X', nodeId: 'x.test', baseUrl: 'https://x.test', publicKey: publicKey() },
    });
    assert.equal(client.status, 403);
    const node = await api<{ nodeId: string; publicKey: string }>(
      t.baseUrl,
      'GET',
      '/api/v1/exchange/federation/node',
    );
    assert.equal(node.status, 200);
    assert.match(node.body.publicKey, /BEGIN PUBLIC KEY/);
  });

  it('a platform administrator adds a peer and the agencies it hosts on /admin/exchange/peers', async () => {
    const admin = await createOfficial(t, { agencyId: agency.id, roles: ['platform_admin'] });
    const browser = await signIn(t, admin);
    const page = await browser.get('/admin/exchange/peers');
    assert.equal(page.status, 200);
    assert.match(page.html, /BEGIN PUBLIC KEY/);

    const bad = await browser.post('/admin/exchange/peers', {
      name: 'Trục quốc gia',
      nodeId: 'quocgia.test',
      baseUrl: 'https://quocgia.test',
      publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
    });
    assert.equal(bad.status, 422);
    assert.match(bad.html, /FEDERATION_BAD_PUBLIC_KEY/);

    const added = await browser.post('/admin/exchange/peers', {
      name: 'Trục quốc gia',
      nodeId: 'quocgia.test',
      baseUrl: 'https://quocgia.test',
      publicKey: publicKey(),
    });
    assert.equal(added.status, 303);
    const listed = await browser.get('/admin/exchange/peers');
    assert.match(listed.html, /quocgia\.test/);
    const peerId = /\/admin\/exchange\/peers\/([0-9a-f-]{36})\/agencies/.exec(listed.html)?.[1] ?? '';
    const hosted = await browser.post(`/admin/exchange/peers/${peerId}/agencies`, {
      agency: '000.00.31.H29',
    });
    assert.equal(hosted.status, 303);
    const withAgency = await browser.get('/admin/exchange/peers');
    assert.match(withAgency.html, /Sở Nội vụ tỉnh thử/);

    const unknown = await browser.post(`/admin/exchange/peers/${peerId}/agencies`, {
      agency: '000.00.99.H99',
    });
    assert.equal(unknown.status, 404);
    const again = await browser.post('/admin/exchange/peers', {
      name: 'Trùng',
      nodeId: 'quocgia.test',
      baseUrl: 'https://quocgia2.test',
      publicKey: publicKey(),
    });
    assert.equal(again.status, 409);
  });
});
