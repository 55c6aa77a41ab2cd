import assert from 'node:assert/strict';
import type pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { buildPlatform, type Platform } from '../../src/main.ts';
import { systemContext } from '../../src/platform/context.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, signIn } from '../support/auth.ts';
import { api, type PageClient } from '../support/client.ts';

/** Who a session cookie is at `baseUrl`: its kind and roles, or 'anonymous'. */
async function whoIs(baseUrl: string, c: PageClient): Promise<string> {
  const r = await api<{ kind: string; roles: string[] }>(baseUrl, 'GET', '/api/v1/identity/whoami', {
    headers: { cookie: c.cookieHeader() },
  });
  return r.status === 200 ? `${r.body.kind} ${r.body.roles.join(',')}`.trim() : 'anonymous';
}

/** Polls `read` until it gives `want` or `ms` pass; returns the last answer. */
async function eventually(read: () => Promise<string>, want: string, ms: number): Promise<string> {
  const until = Date.now() + ms;
  let got = await read();
  while (got !== want && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    got = await read();
  }
  return got;
}

/**
 * The statements `database` runs while `fn` runs (the platform's own background work included,
 * so a test looks for the ones it is about).
 */
async function statementsDuring(database: Database, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  type Query = (...args: unknown[]) => unknown;
  const originals = new Map<pg.PoolClient, Query>();
  const watch = (client: pg.PoolClient) => {
    if (originals.has(client)) return;
    const c = client as unknown as { query: Query };
    const query = c.query;
    originals.set(client, query);
    c.query = function (this: unknown, ...args: unknown[]) {
      const first = args[0];
      seen.push(typeof first === 'string' ? first : String((first as { text?: unknown }).text));
      return query.apply(this, args);
    };
  };
  database.pool.on('acquire', watch);
  try {
    await fn();
  } finally {
    database.pool.off('acquire', watch);
    for (const [client, query] of originals) (client as unknown as { query: Query }).query = query;
  }
  return seen;
}

describe('sessions kept in memory, two platform instances on one database', () => {
  let t: TestApp;
  let second: { platform: Platform; database: Database; baseUrl: string };
  let agencyId: string;
  before(async () => {
    t = await startTestApp();
    agencyId = (await makeAgency(t)).id;
    // A second process would have a pool of its own: so does this instance.
    const database = openDatabase(t.database.connectionString, 3);
    const platform = await buildPlatform({ config: t.config, logger: createLogger('silent'), database });
    await platform.app.listen({ port: 0, host: '127.0.0.1' });
    const address = platform.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    second = { platform, database, baseUrl: `http://127.0.0.1:${port}` };
    // Sessions are kept only once an instance listens for changes.
    const until = Date.now() + 5000;
    const listening = () =>
      [t.platform, platform].every((p) => p.identity.service.internals.sessions.listening);
    while (!listening() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(listening(), 'both instances listen');
  });
  after(async () => {
    await second.platform.app.close();
    await second.database.close();
    await t.close();
  });

  it('serves a signed-in person without reading the session again', async () => {
    const o = await createOfficial(t, { agencyId, roles: ['records_clerk'] });
    const c = await signIn(t, o);
    assert.equal(await whoIs(second.baseUrl, c), 'official records_clerk');
    const statements = await statementsDuring(second.database, async () => {
      for (let i = 0; i < 5; i++) assert.equal(await whoIs(second.baseUrl, c), 'official records_clerk');
    });
    const sessionReads = statements.filter((q) => /identity_sessions/.test(q));
    assert.deepEqual(sessionReads, [], 'five requests of a known session read no session row');
    // The watch does see session reads: a session this instance has not met yet is read.
    const fresh = await signIn(t, o);
    const first = await statementsDuring(second.database, () => whoIs(second.baseUrl, fresh));
    assert.ok(
      first.some((q) => /identity_sessions/.test(q)),
      'the first request of a new session reads its row',
    );
  });

  it('refuses a signed-out session at once on the same instance and, by notice, on the other', async () => {
    const o = await createOfficial(t, { agencyId, roles: ['records_clerk'] });
    const c = await signIn(t, o);
    // Both instances hold the session in memory.
    for (const baseUrl of [t.baseUrl, second.baseUrl, t.baseUrl, second.baseUrl])
      assert.equal(await whoIs(baseUrl, c), 'official records_clerk');
    const cookie = c.cookieHeader();
    await c.get('/account');
    assert.equal((await c.post('/logout', {})).status, 303);
    // The browser dropped its cookie; someone who kept a copy of it tries it again.
    const copy = { cookieHeader: () => cookie } as PageClient;
    assert.equal(await whoIs(t.baseUrl, copy), 'anonymous', 'refused at once where the sign-out happened');
    // Well within the few seconds a session is trusted from memory.
    assert.equal(await eventually(() => whoIs(second.baseUrl, copy), 'anonymous', 1500), 'anonymous');
  });

  it('gives the other instance the new roles, and refuses a disabled account there, through the notice', async () => {
    const o = await createOfficial(t, { agencyId, roles: ['records_clerk'] });
    const c = await signIn(t, o);
    assert.equal(await whoIs(second.baseUrl, c), 'official records_clerk');
    const system = systemContext('test');
    await t.platform.identity.service.setMembership(system, o.accountId, {
      agencyId,
      roles: ['specialist'],
    });
    assert.equal(await whoIs(t.baseUrl, c), 'official specialist');
    assert.equal(
      await eventually(() => whoIs(second.baseUrl, c), 'official specialist', 1500),
      'official specialist',
    );
    await t.platform.identity.service.updateAccount(system, o.accountId, { status: 'disabled' });
    assert.equal(await whoIs(t.baseUrl, c), 'anonymous');
    assert.equal(await eventually(() => whoIs(second.baseUrl, c), 'anonymous', 1500), 'anonymous');
  });

  it('refuses the other sessions after a password change on another instance, keeps the current one', async () => {
    const o = await createOfficial(t, { agencyId, roles: ['records_clerk'] });
    const here = await signIn(t, o);
    const elsewhere = await signIn(t, o);
    assert.equal(await whoIs(second.baseUrl, elsewhere), 'official records_clerk');
    await here.get('/account');
    const r = await here.post('/account/password', {
      currentPassword: o.password,
      newPassword: 'mat-khau-moi-rat-dai-2026',
      confirmPassword: 'mat-khau-moi-rat-dai-2026',
    });
    assert.ok(r.status < 400, `password changed (${r.status})`);
    assert.equal(await eventually(() => whoIs(second.baseUrl, elsewhere), 'anonymous', 1500), 'anonymous');
    assert.equal(await whoIs(t.baseUrl, elsewhere), 'anonymous');
    assert.equal(await whoIs(second.baseUrl, here), 'official records_clerk');
  });
});
