/**
 * Test factories for people and systems: an agency, an official with roles, a signed-in
 * browser session (through the real /login form) and a machine client's access token
 * (through the real /api/v1/oauth/token).
 */
import { randomInt } from 'node:crypto';
import { systemContext, type Role } from '../../src/platform/context.ts';
import type { AgencyKind, AgencySummary } from '../../src/modules/directory/index.ts';
import type { TestApp } from './app.ts';
import { PageClient } from './client.ts';

let counter = randomInt(0, 9000);

/** A unique suffix for usernames and codes within one test database. */
export function unique(): number {
  counter += 1;
  return counter;
}

/** Creates an agency through the directory service, with a unique QĐ20 code (e.g. 123.45.67.H12). */
export async function makeAgency(
  t: TestApp,
  o: { name?: string; code?: string; kind?: AgencyKind } = {},
): Promise<AgencySummary> {
  const n = unique();
  const code =
    o.code ??
    `${String(100 + (n % 900)).padStart(3, '0')}.${String(randomInt(0, 100)).padStart(2, '0')}.${String(randomInt(0, 100)).padStart(2, '0')}.H${String(randomInt(1, 64)).padStart(2, '0')}`;
  return t.platform.directory.service.createAgency(systemContext('test'), {
    name: o.name ?? `Cơ quan thử nghiệm ${n}`,
    kind: o.kind ?? 'department',
    codes: [{ scheme: 'QD20', code }],
  });
}

/** Creates an official of `agencyId` holding `roles`; returns the credentials to sign in with. */
export async function createOfficial(
  t: TestApp,
  o: { agencyId: string; roles: Role[]; username?: string; password?: string; fullName?: string },
): Promise<{ accountId: string; username: string; password: string }> {
  const username = o.username ?? `canbo${unique()}`;
  const password = o.password ?? `mat-khau-${unique()}-thu`;
  const { account } = await t.platform.identity.service.createAccount(systemContext('test'), {
    username,
    fullName: o.fullName ?? `Cán bộ ${username}`,
    email: `${username}@example.gov.vn`,
    agencyId: o.agencyId,
    roles: o.roles,
    password,
  });
  return { accountId: account.id, username, password };
}

/** Signs in through the /login form like a browser without JavaScript; the client keeps the session. */
export async function signIn(t: TestApp, o: { username: string; password: string }): Promise<PageClient> {
  const client = new PageClient(t.baseUrl);
  await client.get('/login');
  const r = await client.post('/login', { username: o.username, password: o.password });
  if (r.status !== 303 || r.location !== '/account')
    throw new Error(`sign-in of ${o.username} failed: ${r.status} ${r.location ?? ''}`);
  return client;
}

/** Creates a machine client of the agency and returns an access token from POST /api/v1/oauth/token. */
export async function clientToken(t: TestApp, o: { agencyId: string; scopes?: string[] }): Promise<string> {
  const { client, clientSecret } = await t.platform.identity.service.createClient(systemContext('test'), {
    agencyId: o.agencyId,
    name: `Hệ thống thử nghiệm ${unique()}`,
    scopes: o.scopes ?? [],
  });
  const response = await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token)
    throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The verification code waiting for delivery to `to` (tests run no worker, so the notice is still queued). */
export async function pendingVerificationCode(t: TestApp, to: string): Promise<string> {
  const { rows } = await t.database.pool.query<{ code: string }>(
    `SELECT params->>'code' AS code FROM notify_notifications
      WHERE template = 'account_verification' AND (email = $1 OR phone = $1 OR phone = $2)
      ORDER BY created_at DESC LIMIT 1`,
    [to, to.replace(/^0/, '84')],
  );
  const code = rows[0]?.code;
  if (!code) throw new Error('no verification code was queued');
  return code;
}

/**
 * Registers a citizen through the real /register and /register/verify forms; the browser it
 * returns is signed in. `personalId` defaults to a fresh valid number.
 */
export async function registerCitizen(
  t: TestApp,
  o: { email?: string; phone?: string; fullName?: string; password?: string; personalId?: string } = {},
): Promise<{ client: PageClient; email: string; password: string; personalId: string; accountId: string }> {
  const n = unique();
  const email = o.email ?? `cong.dan.${n}@example.vn`;
  const password = o.password ?? `Mat-khau-${n}-an-toan`;
  const personalId =
    o.personalId ?? `0010${String(90 + (n % 10)).padStart(2, '0')}${String(n).padStart(6, '0').slice(-6)}`;
  const client = new PageClient(t.baseUrl);
  await client.get('/register');
  const r = await client.post('/register', {
    kind: 'citizen',
    fullName: o.fullName ?? `Nguyễn Văn ${n}`,
    email: o.phone ? '' : email,
    phone: o.phone ?? '',
    personalId,
    password,
  });
  if (r.status !== 303 || !r.location?.startsWith('/register/verify'))
    throw new Error(`registration failed: ${r.status} ${r.html.slice(0, 300)}`);
  await client.get(r.location);
  const id = new URL(r.location, t.baseUrl).searchParams.get('id') ?? '';
  const code = await pendingVerificationCode(t, o.phone ?? email);
  const v = await client.post('/register/verify', { id, code, action: 'verify' });
  if (v.status !== 303) throw new Error(`verification failed: ${v.status}`);
  const me = await client.request('GET', '/api/v1/identity/me/profile', {
    headers: { accept: 'application/json' },
  });
  const profile = (await me.json()) as { accountId: string };
  return { client, email, password, personalId, accountId: profile.accountId };
}

/** Signs a citizen in through /login with their email or phone. */
export async function signInCitizen(t: TestApp, o: { login: string; password: string }): Promise<PageClient> {
  return signIn(t, { username: o.login, password: o.password });
}
