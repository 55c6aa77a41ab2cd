/**
 * Single sign-on in a real browser (Chromium, JavaScript off) with a relying party on loopback
 * (another origin: another port) doing the authorization code flow with PKCE through our
 * provider. What only a browser shows: the Content-Security-Policy `form-action` of the login
 * and consent pages must let the form's redirect chain end at the relying party's redirect URI
 * (and the logout confirmation's at its post-logout URI); and after "Đăng xuất" on Liên thông
 * the relying party cannot sign the person back in silently (`prompt=none` → `login_required`).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, registerCitizen, signIn } from '../support/auth.ts';
import { browserSkip, launchBrowser } from '../support/browser.ts';

interface RelyingParty {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/** A small relying party: /start redirects to our provider, /callback exchanges the code. */
async function startRelyingParty(
  t: TestApp,
  register: (redirect: string, postLogout: string) => Promise<{ clientId: string; clientSecret: string }>,
): Promise<RelyingParty> {
  const pending = new Map<string, { verifier: string; nonce: string }>();
  let client = { clientId: '', clientSecret: '' };
  let base = '';
  const issuer = `${t.config.baseUrl}/oidc`;
  const jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/oidc/jwks`));
  const page = (title: string) =>
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/start') {
        const state = randomBytes(12).toString('hex');
        const nonce = randomBytes(12).toString('hex');
        const verifier = randomBytes(32).toString('base64url');
        pending.set(state, { verifier, nonce });
        const auth = new URLSearchParams({
          response_type: 'code',
          client_id: client.clientId,
          redirect_uri: `${base}/callback`,
          scope: 'openid profile',
          state,
          nonce,
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
          ...(url.searchParams.get('prompt') ? { prompt: url.searchParams.get('prompt') ?? '' } : {}),
        });
        res.writeHead(302, { location: `${t.baseUrl}/oidc/auth?${auth.toString()}` }).end();
        return;
      }
      if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const flow = pending.get(state);
        pending.delete(state);
        const error = url.searchParams.get('error');
        if (!flow || error) {
          res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
            .end(page(`RP lỗi: ${error ?? 'state'}`));
          return;
        }
        const tokenResponse = await fetch(`${t.baseUrl}/oidc/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${client.clientId}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: url.searchParams.get('code') ?? '',
            redirect_uri: `${base}/callback`,
            code_verifier: flow.verifier,
          }).toString(),
        });
        const tokens = (await tokenResponse.json()) as { id_token: string; access_token: string };
        const { payload } = await jwtVerify(tokens.id_token, jwks, { issuer, audience: client.clientId });
        assert.equal(payload['nonce'], flow.nonce);
        const info = (await (
          await fetch(`${t.baseUrl}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
        ).json()) as { name?: string };
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(page(`RP xin chào ${info.name ?? ''}`));
        return;
      }
      if (url.pathname === '/logged-out') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('RP đã đăng xuất'));
        return;
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  client = await register(`${base}/callback`, `${base}/logged-out`);
  return {
    url: base,
    ...client,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe(
  'identity: single sign-on in a browser with a relying party on another origin',
  { skip: browserSkip },
  () => {
    let t: TestApp;
    let rp: RelyingParty;
    let browser: Browser;
    let page: Page;
    let citizen: Awaited<ReturnType<typeof registerCitizen>>;

    before(async () => {
      t = await startTestApp();
      const agency = await makeAgency(t);
      const admin = await signIn(
        t,
        await createOfficial(t, { agencyId: agency.id, roles: ['platform_admin'] }),
      );
      rp = await startRelyingParty(t, async (redirect, postLogout) => {
        const created = await admin.request('POST', '/api/v1/identity/oidc-clients', {
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            name: 'Cổng dịch vụ công tỉnh Nghệ An',
            redirectUris: [redirect],
            postLogoutRedirectUris: [postLogout],
            scopes: ['openid', 'profile'],
          }),
        });
        assert.equal(created.status, 201, await created.clone().text());
        const body = (await created.json()) as { client: { clientId: string }; clientSecret: string };
        return { clientId: body.client.clientId, clientSecret: body.clientSecret };
      });
      citizen = await registerCitizen(t, { fullName: 'Trần Thị Bình' });
      browser = await launchBrowser();
      page = await (await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false })).newPage();
    });
    after(async () => {
      await browser?.close();
      await rp?.close();
      await t?.close();
    });

    const heading = () => page.locator('h1').first().innerText();

    it('signs in on our login page, consents, and lands signed in at the relying party', async () => {
      await page.goto(`${rp.url}/start`);
      assert.match(new URL(page.url()).pathname, /^\/login$/);
      const csp = (await page.context().request.get(page.url())).headers()['content-security-policy'] ?? '';
      assert.match(csp, new RegExp(`form-action 'self' ${rp.url.replace(/[.]/g, '\\.')}(;|$)`), csp);
      await page.locator('[name="username"]').fill(citizen.email);
      await page.locator('[name="password"]').fill(citizen.password);
      await page.locator('form[action^="/login"] button[type="submit"]').click();
      assert.match(page.url(), /\/oidc\/interaction\//, 'the consent page');
      await page.getByRole('button', { name: 'Đồng ý' }).click();
      assert.ok(page.url().startsWith(`${rp.url}/callback`), `at the relying party: ${page.url()}`);
      assert.equal(await heading(), 'RP xin chào Trần Thị Bình');
    });

    it('signs in again without a page while the Liên thông session lasts', async () => {
      await page.goto(`${rp.url}/start?prompt=none`);
      assert.equal(await heading(), 'RP xin chào Trần Thị Bình');
    });

    it('widens form-action only on those pages, only to the registered redirect origin', async () => {
      const csp = async (path: string) =>
        (await page.context().request.get(`${t.baseUrl}${path}`)).headers()['content-security-policy'] ?? '';
      for (const path of [
        '/account',
        '/services',
        '/login',
        '/login?next=%2Foidc%2Finteraction%2Fnot-an-interaction',
      ])
        assert.match(await csp(path), /form-action 'self'(;|$)/, path);
    });

    it('after "Đăng xuất" on Liên thông, the relying party cannot sign the person back in silently', async () => {
      await page.goto(`${t.baseUrl}/account`);
      await page.locator('form[action="/logout"] button').click();
      await page.goto(`${rp.url}/start?prompt=none`);
      assert.equal(await heading(), 'RP lỗi: login_required');
      await page.goto(`${rp.url}/start`);
      assert.match(new URL(page.url()).pathname, /^\/login$/, 'a new sign-in is asked for');
    });

    it('RP-initiated logout: the confirmation form ends both sessions and returns to the relying party', async () => {
      await page.locator('[name="username"]').fill(citizen.email);
      await page.locator('[name="password"]').fill(citizen.password);
      await page.locator('form[action^="/login"] button[type="submit"]').click();
      // Signing out revoked the grants given in the provider's session: consent is asked again.
      await page.getByRole('button', { name: 'Đồng ý' }).click();
      assert.equal(await heading(), 'RP xin chào Trần Thị Bình');
      const end = new URLSearchParams({
        client_id: rp.clientId,
        post_logout_redirect_uri: `${rp.url}/logged-out`,
      });
      await page.goto(`${t.baseUrl}/oidc/session/end?${end.toString()}`);
      await page.getByRole('button', { name: 'Đăng xuất / Sign out' }).click();
      assert.ok(page.url().startsWith(`${rp.url}/logged-out`), page.url());
      await page.goto(`${rp.url}/start?prompt=none`);
      assert.equal(await heading(), 'RP lỗi: login_required');
      await page.goto(`${t.baseUrl}/account`);
      assert.match(new URL(page.url()).pathname, /^\/login$/, 'signed out of Liên thông too');
    });
  },
);
