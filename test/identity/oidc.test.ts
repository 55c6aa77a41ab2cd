import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, registerCitizen, signIn, signInCitizen } from '../support/auth.ts';
import type { PageClient } from '../support/client.ts';

const redirectUri = 'https://dichvucong.nghean.test/dang-nhap/callback';

/** Follows one redirect of the provider (absolute or relative Location) with the same browser. */
async function follow(client: PageClient, location: string | null) {
  assert.ok(location, 'a redirect was expected');
  const url = new URL(location, client.baseUrl);
  return client.get(url.pathname + url.search);
}

/** Follows the provider's redirects until the portal's redirect URI; returns the code. */
async function codeWithoutPages(client: PageClient, start: string): Promise<string> {
  let page = await client.get(start);
  for (let i = 0; i < 6; i++) {
    const location = page.response.headers.get('location');
    assert.equal(page.status, 303, `redirect expected, got ${page.status}`);
    if (location?.startsWith(redirectUri)) return new URL(location).searchParams.get('code') ?? '';
    page = await follow(client, location);
  }
  throw new Error('too many redirects');
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

describe('identity: Liên thông as an OpenID Connect provider', () => {
  let t: TestApp;
  let rp: { clientId: string; clientSecret: string };
  let citizen: Awaited<ReturnType<typeof registerCitizen>>;
  const issuer = () => `${t.config.baseUrl}/oidc`;

  before(async () => {
    t = await startTestApp();
    const agency = await makeAgency(t);
    const admin = await createOfficial(t, { agencyId: agency.id, roles: ['platform_admin'] });
    const adminBrowser = await signIn(t, admin);
    const created = await adminBrowser.request('POST', '/api/v1/identity/oidc-clients', {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        name: 'Cổng dịch vụ công tỉnh Nghệ An',
        redirectUris: [redirectUri],
        scopes: ['openid', 'profile', 'email', 'personal_id'],
      }),
    });
    assert.equal(created.status, 201);
    const body = (await created.json()) as { client: { clientId: string }; clientSecret: string };
    rp = { clientId: body.client.clientId, clientSecret: body.clientSecret };
    citizen = await registerCitizen(t, { fullName: 'Trần Thị Bình' });
  });
  after(() => t.close());

  const authorize = (o: { challenge?: string; scope?: string; state: string; nonce: string }) =>
    `/oidc/auth?${new URLSearchParams({
      response_type: 'code',
      client_id: rp.clientId,
      redirect_uri: redirectUri,
      scope: o.scope ?? 'openid profile email personal_id',
      state: o.state,
      nonce: o.nonce,
      ...(o.challenge ? { code_challenge: o.challenge, code_challenge_method: 'S256' } : {}),
    }).toString()}`;

  const token = (code: string, verifier: string) =>
    fetch(`${t.baseUrl}/oidc/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${rp.clientId}:${encodeURIComponent(rp.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }).toString(),
    });

  it('publishes discovery and a JWKS with an RS256 key', async () => {
    const d = (await (await fetch(`${t.baseUrl}/oidc/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(d['issuer'], issuer());
    assert.deepEqual(d['code_challenge_methods_supported'], ['S256']);
    assert.ok((d['scopes_supported'] as string[]).includes('personal_id'));
    const jwks = (await (await fetch(`${t.baseUrl}/oidc/jwks`)).json()) as {
      keys: Record<string, unknown>[];
    };
    assert.equal(jwks.keys[0]?.['kty'], 'RSA');
    assert.equal(jwks.keys[0]?.['d'], undefined, 'no private part is published');
  });

  it('signs a citizen in with the code flow and PKCE, reusing the Liên thông session, with consent', async () => {
    const { verifier, challenge } = pkce();
    const state = randomBytes(8).toString('hex');
    const nonce = randomBytes(8).toString('hex');
    const browser = citizen.client;
    let page = await browser.get(authorize({ challenge, state, nonce }));
    assert.equal(page.status, 303);
    // Login interaction: the session exists, so no second sign-in; then consent.
    let location = page.response.headers.get('location');
    for (let i = 0; i < 6 && page.status === 303; i++) {
      page = await follow(browser, location);
      location = page.response.headers.get('location');
      if (location?.startsWith(redirectUri)) break;
    }
    assert.equal(page.status, 200, 'the consent page is shown');
    assert.match(page.html, /Cổng dịch vụ công tỉnh Nghệ An/);
    assert.match(page.html, /Số định danh cá nhân/);
    const uid = /action="\/oidc\/interaction\/([\w-]+)\/consent"/.exec(page.html)?.[1];
    assert.ok(uid);
    const consent = await browser.post(`/oidc/interaction/${uid}/consent`, {
      decision: 'allow',
      personal_id: 'yes',
    });
    assert.equal(consent.status, 303);
    page = await follow(browser, consent.location);
    location = page.response.headers.get('location');
    assert.ok(location?.startsWith(redirectUri), `back to the portal, got ${location}`);
    const back = new URL(location ?? '');
    assert.equal(back.searchParams.get('state'), state);
    const code = back.searchParams.get('code');
    assert.ok(code);

    const wrong = await token(code, pkce().verifier);
    assert.equal(wrong.status, 400, 'a wrong code verifier is refused');

    // A new authorization in the same browser: session and consent are remembered, no page is shown.
    const code2 = await codeWithoutPages(browser, authorize({ challenge, state, nonce }));
    const ok = await token(code2, verifier);
    assert.equal(ok.status, 200);
    const tokens = (await ok.json()) as { id_token: string; access_token: string };
    const { payload } = await jwtVerify(
      tokens.id_token,
      createRemoteJWKSet(new URL(`${t.baseUrl}/oidc/jwks`)),
      {
        issuer: issuer(),
        audience: rp.clientId,
        algorithms: ['RS256'],
      },
    );
    assert.equal(payload['nonce'], nonce);
    assert.equal(payload.sub, citizen.accountId);
    assert.equal(payload['personal_id_number'], undefined, 'the number is not in the ID token');

    const info = (await (
      await fetch(`${t.baseUrl}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    ).json()) as Record<string, unknown>;
    assert.equal(info['sub'], citizen.accountId);
    assert.equal(info['name'], 'Trần Thị Bình');
    assert.equal(info['email'], citizen.email);
    assert.equal(info['personal_id_number'], citizen.personalId);

    const log = await citizen.client.request('GET', '/api/v1/identity/me/access-log', {
      headers: { accept: 'application/json' },
    });
    const entries = ((await log.json()) as { entries: { accessorKind: string; accessorName: string }[] })
      .entries;
    assert.ok(
      entries.some(
        (e) => e.accessorKind === 'oidc_client' && e.accessorName === 'Cổng dịch vụ công tỉnh Nghệ An',
      ),
    );
  });

  it('refuses an authorization request without PKCE', async () => {
    const page = await citizen.client.get(authorize({ state: 's', nonce: 'n' }));
    const location = page.response.headers.get('location') ?? '';
    assert.ok(location.startsWith(redirectUri), location);
    assert.equal(new URL(location).searchParams.get('error'), 'invalid_request');
  });

  it('sends an anonymous browser to /login and comes back to the interaction', async () => {
    const { PageClient } = await import('../support/client.ts');
    const anonymous = new PageClient(t.baseUrl);
    const start = await anonymous.get(authorize({ challenge: pkce().challenge, state: 's', nonce: 'n' }));
    const interaction = await follow(anonymous, start.response.headers.get('location'));
    assert.equal(interaction.status, 303);
    assert.match(
      interaction.response.headers.get('location') ?? '',
      /^\/login\?next=%2Foidc%2Finteraction%2F/,
    );
  });

  it('lets only platform administrators register relying parties', async () => {
    const agency = await makeAgency(t);
    const official = await createOfficial(t, { agencyId: agency.id, roles: ['admin'] });
    const browser = await signIn(t, official);
    const r = await browser.request('GET', '/api/v1/identity/oidc-clients', {
      headers: { accept: 'application/json' },
    });
    assert.equal(r.status, 403);
    const c = await citizen.client.request('GET', '/admin/oidc-clients');
    assert.ok([403, 404].includes(c.status));
  });
  it('a provider session outlives no Liên thông session: "sign out everywhere" elsewhere stops silent sign-in here', async () => {
    const { challenge } = pkce();
    // Consent was given in this browser earlier: prompt=none answers a code at once.
    await codeWithoutPages(citizen.client, authorize({ challenge, state: 'a', nonce: 'a' }) + '&prompt=none');
    const phone = await signInCitizen(t, { login: citizen.email, password: citizen.password });
    await phone.get('/account');
    const everywhere = await phone.post('/account/sessions/revoke-all', {});
    assert.equal(everywhere.status, 303);
    const page = await citizen.client.get(authorize({ challenge, state: 'b', nonce: 'b' }) + '&prompt=none');
    const location = page.response.headers.get('location') ?? '';
    assert.ok(location.startsWith(redirectUri), location);
    const back = new URL(location);
    assert.equal(back.searchParams.get('error'), 'login_required');
    assert.equal(back.searchParams.get('code'), null, 'no code without a live Liên thông session');
  });
});
