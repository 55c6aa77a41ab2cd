import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, registerCitizen, signIn } from '../support/auth.ts';
import { PageClient } from '../support/client.ts';

/** A free loopback port, so that each instance's BASE_URL (its issuer) is where it listens. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The path and query of a Location header (the browser is given the host by the test). */
function pathOf(location: string | null): string {
  assert.ok(location, 'a redirect was expected');
  const url = new URL(location, 'http://x');
  return url.pathname + url.search;
}

describe('identity: delegated login to another Liên thông instance as upstream provider', () => {
  let a: TestApp; // the upstream provider (plays the national e-ID)
  let b: TestApp; // the portal that delegates sign-in to A
  let citizen: Awaited<ReturnType<typeof registerCitizen>>;

  before(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    a = await startTestApp({ PORT: String(portA), BASE_URL: `http://127.0.0.1:${portA}` });
    const agency = await makeAgency(a);
    const admin = await signIn(
      a,
      await createOfficial(a, { agencyId: agency.id, roles: ['platform_admin'] }),
    );
    const created = await admin.request('POST', '/api/v1/identity/oidc-clients', {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        name: 'Cổng dịch vụ công tỉnh B',
        redirectUris: [`http://127.0.0.1:${portB}/login/eid/callback`],
        scopes: ['openid', 'profile', 'email', 'phone', 'personal_id'],
      }),
    });
    assert.equal(created.status, 201);
    const rp = (await created.json()) as { client: { clientId: string }; clientSecret: string };
    b = await startTestApp({
      PORT: String(portB),
      BASE_URL: `http://127.0.0.1:${portB}`,
      OIDC_UPSTREAM_ISSUER: `http://127.0.0.1:${portA}/oidc`,
      OIDC_UPSTREAM_CLIENT_ID: rp.client.clientId,
      OIDC_UPSTREAM_CLIENT_SECRET: rp.clientSecret,
    });
    citizen = await registerCitizen(a, { fullName: 'Lê Văn Cường' });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  /** Drives one sign-in at B through A; returns B's browser, signed in. */
  async function signInThroughA(o: { shareNumber: boolean }): Promise<PageClient> {
    const atB = new PageClient(b.baseUrl);
    const login = await atB.get('/login');
    assert.match(login.html, /Đăng nhập bằng tài khoản định danh điện tử/);
    const toA = await atB.get('/login/eid');
    assert.equal(toA.status, 303);
    const authorize = toA.response.headers.get('location') ?? '';
    assert.ok(authorize.startsWith(`${a.baseUrl}/oidc/auth?`), authorize);
    assert.equal(new URL(authorize).searchParams.get('code_challenge_method'), 'S256');

    // At A, a browser without a session: A asks for its own sign-in, then consent.
    const atA = new PageClient(a.baseUrl);
    let page = await atA.get(pathOf(authorize));
    let location = page.response.headers.get('location');
    for (let i = 0; i < 10; i++) {
      if (location?.startsWith(`${b.baseUrl}/`)) break;
      if (page.status === 303 && location?.startsWith('/login?next=')) {
        await atA.get(location);
        const signedIn = await atA.post('/login', {
          username: citizen.email,
          password: citizen.password,
          next: decodeURIComponent(location.slice('/login?next='.length)),
        });
        assert.equal(signedIn.status, 303);
        page = await atA.get(pathOf(signedIn.location));
      } else if (page.status === 200) {
        const uid = /action="\/oidc\/interaction\/([\w-]+)\/consent"/.exec(page.html)?.[1];
        assert.ok(uid, 'consent page');
        const decided = await atA.post(`/oidc/interaction/${uid}/consent`, {
          decision: 'allow',
          ...(o.shareNumber ? { personal_id: 'yes' } : {}),
        });
        page = await atA.get(pathOf(decided.location));
      } else {
        page = await atA.get(pathOf(location));
      }
      location = page.response.headers.get('location');
    }
    assert.ok(location?.startsWith(`${b.baseUrl}/login/eid/callback?`), `back at B, got ${location}`);
    const done = await atB.get(pathOf(location));
    assert.equal(done.status, 303, done.html.slice(0, 500));
    assert.equal(done.response.headers.get('location'), '/account');
    return atB;
  }

  it('creates the local profile at B on first use, with the number vouched for by A', async () => {
    const atB = await signInThroughA({ shareNumber: true });
    const me = await atB.request('GET', '/api/v1/identity/me/profile', {
      headers: { accept: 'application/json' },
    });
    assert.equal(me.status, 200);
    const profile = (await me.json()) as Record<string, unknown>;
    assert.equal(profile['fullName'], 'Lê Văn Cường');
    assert.equal(profile['email'], citizen.email);
    assert.equal(profile['personalIdVerified'], true);
    assert.equal(
      profile['personalIdMasked'],
      `${citizen.personalId.slice(0, 3)}••••••${citizen.personalId.slice(-3)}`,
    );
    assert.notEqual(profile['accountId'], citizen.accountId, 'B has its own account');

    // The second time, the same local account is found by A's subject.
    const again = await signInThroughA({ shareNumber: false });
    const me2 = (await (
      await again.request('GET', '/api/v1/identity/me/profile', { headers: { accept: 'application/json' } })
    ).json()) as Record<string, unknown>;
    assert.equal(me2['accountId'], profile['accountId']);

    // A recorded that B's portal read the number, and the citizen can see it.
    const log = (await (
      await citizen.client.request('GET', '/api/v1/identity/me/access-log', {
        headers: { accept: 'application/json' },
      })
    ).json()) as { entries: { accessorName: string; what: string }[] };
    assert.ok(
      log.entries.some((e) => e.accessorName === 'Cổng dịch vụ công tỉnh B' && e.what === 'personal_id'),
    );
  });

  it('refuses a callback whose state does not match', async () => {
    const atB = new PageClient(b.baseUrl);
    await atB.get('/login/eid');
    const forged = await atB.get('/login/eid/callback?code=abc&state=not-the-state');
    assert.equal(forged.status, 401);
    const me = await atB.request('GET', '/api/v1/identity/me/profile', {
      headers: { accept: 'application/json' },
    });
    assert.equal(me.status, 401);
  });
});
