import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { systemContext, type RequestContext } from '../../src/platform/context.ts';
import { AppError } from '../../src/platform/errors.ts';
import type { ChangeListener } from '../../src/platform/db/listen.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createIdentityModule, type IdentityModule } from '../../src/modules/identity/index.ts';
import { totpCode } from '../../src/modules/identity/crypto.ts';
import { OAuthError } from '../../src/modules/identity/service-clients.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { makeAgency } from '../support/auth.ts';

const minute = 60_000;

/** Rejects with an AppError of `code`. */
async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AppError && e.code === code);
}

describe('identity service on a real database', () => {
  let t: TestApp;
  let identity: IdentityModule;
  let listener: ChangeListener;
  let clock: Date;
  let agencyId: string;
  const ctx = (): RequestContext => ({ ...systemContext('test'), requestId: 'r1', ip: '127.0.0.1' });
  let n = 0;
  const newOfficial = async (password = 'dung-mat-khau-1') => {
    n += 1;
    const username = `user${n}`;
    const { account } = await identity.service.createAccount(systemContext('test'), {
      username,
      fullName: `Người dùng ${n}`,
      email: `${username}@example.gov.vn`,
      agencyId,
      roles: ['specialist'],
      password,
    });
    return { id: account.id, username, password };
  };
  const signedIn = async (username: string, password: string) => {
    const r = await identity.service.login(ctx(), { username, password });
    assert.equal(r.status, 'signed_in');
    return r;
  };
  const auditRows = (action: string) =>
    t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .orderBy('seq')
      .execute();

  before(async () => {
    t = await startTestApp();
    agencyId = (await makeAgency(t)).id;
    identity = createIdentityModule({
      db: t.database.db,
      logger: createLogger('silent'),
      config: t.config,
      directory: t.platform.directory.service,
      options: { now: () => clock, passwordHashing: { memoryCost: 1024, timeCost: 1 } },
      pool: t.database.pool,
    });
    // As in a running server: validated sessions are kept in memory while the module listens.
    const { sessions } = identity.service.internals;
    listener = sessions.listen(t.database.pool, createLogger('silent'));
    const until = Date.now() + 5000;
    while (!sessions.listening && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(sessions.listening, 'listening');
  });
  beforeEach(() => {
    clock = new Date('2026-03-02T02:00:00Z');
  });
  after(async () => {
    await listener.stop();
    await t.close();
  });

  it('signs in with the right password and refuses a wrong one or an unknown name with the same error', async () => {
    const u = await newOfficial();
    const ok = await signedIn(u.username.toUpperCase(), u.password);
    const session = await identity.service.resolveSession(ok.sessionToken);
    assert.equal(session?.actor.kind, 'official');
    assert.deepEqual(session?.actor.kind === 'official' && session.actor.roles, ['specialist']);
    await rejectsWith(
      identity.service.login(ctx(), { username: u.username, password: 'sai-mat-khau' }),
      'LOGIN_FAILED',
    );
    await rejectsWith(
      identity.service.login(ctx(), { username: 'khong-ton-tai', password: 'x' }),
      'LOGIN_FAILED',
    );
    const failures = (await auditRows('identity.login')).filter((e) => e.outcome === 'failure');
    assert.deepEqual(
      failures.slice(-2).map((e) => e.details['reason']),
      ['wrong_password', 'unknown_username'],
    );
    const all = JSON.stringify(await t.database.db.selectFrom('audit_events').select('details').execute());
    assert.ok(!all.includes(u.password) && !all.includes('sai-mat-khau') && !all.includes(ok.sessionToken));
  });

  it('locks an account after 5 failures in a row, even for the right password, and unlocks after 15 minutes', async () => {
    const u = await newOfficial();
    for (let i = 0; i < 5; i++)
      await rejectsWith(
        identity.service.login(ctx(), { username: u.username, password: `sai-${i}` }),
        'LOGIN_FAILED',
      );
    await rejectsWith(
      identity.service.login(ctx(), { username: u.username, password: u.password }),
      'LOGIN_FAILED',
    );
    const last = (await auditRows('identity.login')).at(-1);
    assert.equal(last?.details['reason'], 'locked');
    clock = new Date(clock.getTime() + 14 * minute);
    await rejectsWith(
      identity.service.login(ctx(), { username: u.username, password: u.password }),
      'LOGIN_FAILED',
    );
    clock = new Date(clock.getTime() + 2 * minute);
    await signedIn(u.username, u.password);
  });

  it('asks for a TOTP code once enrolled, accepts it once, and counts wrong codes', async () => {
    const u = await newOfficial();
    const first = await signedIn(u.username, u.password);
    const me = (await identity.service.resolveSession(first.sessionToken))!;
    const selfCtx = { ...ctx(), actor: me.actor };
    const { secret, uri } = await identity.service.startTotp(selfCtx);
    assert.match(uri, /^otpauth:\/\/totp\//);
    await rejectsWith(identity.service.confirmTotp(selfCtx, { code: '000000' }), 'TOTP_INVALID');
    assert.equal((await identity.service.me(selfCtx)).totpEnabled, false);
    await identity.service.confirmTotp(selfCtx, { code: totpCode(secret, clock) });
    assert.equal((await identity.service.me(selfCtx)).totpEnabled, true);

    clock = new Date(clock.getTime() + 2 * minute);
    const step1 = await identity.service.login(ctx(), { username: u.username, password: u.password });
    assert.equal(step1.status, 'totp_required');
    if (step1.status !== 'totp_required') return;
    await rejectsWith(
      identity.service.completeTotp(ctx(), { challenge: step1.challenge, code: '123456' }),
      'TOTP_INVALID',
    );
    const code = totpCode(secret, clock);
    const done = await identity.service.completeTotp(ctx(), { challenge: step1.challenge, code });
    assert.equal(done.status, 'signed_in');
    // The same code cannot be used twice.
    await rejectsWith(
      identity.service.completeTotp(ctx(), { challenge: step1.challenge, code }),
      'TOTP_INVALID',
    );
    // A challenge too old is refused.
    clock = new Date(clock.getTime() + 6 * minute);
    await rejectsWith(
      identity.service.completeTotp(ctx(), { challenge: step1.challenge, code: totpCode(secret, clock) }),
      'LOGIN_CHALLENGE_EXPIRED',
    );
    // An administrator's reset removes the second factor.
    await identity.service.resetTotp(systemContext('test'), u.id);
    assert.equal(
      (await identity.service.login(ctx(), { username: u.username, password: u.password })).status,
      'signed_in',
    );
    const secretInAudit = JSON.stringify(
      await t.database.db.selectFrom('audit_events').select('details').execute(),
    );
    assert.ok(!secretInAudit.includes(secret));
  });

  it('ends sessions after 30 idle minutes, after 12 hours whatever happens, and everywhere on request', async () => {
    const u = await newOfficial();
    const s1 = await signedIn(u.username, u.password);
    clock = new Date(clock.getTime() + 29 * minute);
    assert.ok(
      await identity.service.resolveSession(s1.sessionToken),
      'still alive after 29 minutes of activity gap',
    );
    clock = new Date(clock.getTime() + 31 * minute);
    assert.equal(await identity.service.resolveSession(s1.sessionToken), null, 'idle expiry');

    const s2 = await signedIn(u.username, u.password);
    for (let h = 0; h < 12; h++) {
      clock = new Date(clock.getTime() + 25 * minute);
      assert.ok(await identity.service.resolveSession(s2.sessionToken));
      clock = new Date(clock.getTime() + 25 * minute);
      assert.ok(await identity.service.resolveSession(s2.sessionToken));
      clock = new Date(clock.getTime() + 10 * minute);
      if (h < 11) assert.ok(await identity.service.resolveSession(s2.sessionToken));
    }
    assert.equal(await identity.service.resolveSession(s2.sessionToken), null, 'absolute expiry');

    const a = await signedIn(u.username, u.password);
    const b = await signedIn(u.username, u.password);
    const actor = (await identity.service.resolveSession(a.sessionToken))!.actor;
    assert.equal((await identity.service.mySessions({ ...ctx(), actor })).length, 2);
    await identity.service.logoutEverywhere({ ...ctx(), actor });
    assert.equal(await identity.service.resolveSession(a.sessionToken), null);
    assert.equal(await identity.service.resolveSession(b.sessionToken), null);
  });

  it('refuses a session kept in memory once its 12 hours are over, though it was used a second ago', async () => {
    const u = await newOfficial();
    const start = clock.getTime();
    const s = await signedIn(u.username, u.password);
    for (let ms = 20 * minute; ms < 12 * 60 * minute; ms += 20 * minute) {
      clock = new Date(start + ms);
      assert.ok(await identity.service.resolveSession(s.sessionToken), `valid after ${ms / minute} min`);
    }
    clock = new Date(start + 12 * 60 * minute - 2000);
    assert.ok(
      await identity.service.resolveSession(s.sessionToken),
      'used (and recorded) 2 s before the end',
    );
    clock = new Date(start + 12 * 60 * minute - 1000);
    assert.ok(await identity.service.resolveSession(s.sessionToken), 'a second later, from memory');
    clock = new Date(start + 12 * 60 * minute);
    assert.equal(await identity.service.resolveSession(s.sessionToken), null, 'absolute expiry');
    assert.equal(await identity.service.resolveSession(s.sessionToken), null, 'and it stays refused');
  });

  it('counts idle time from the last recorded use, though uses in between come from memory', async () => {
    const u = await newOfficial();
    const start = clock.getTime();
    const s = await signedIn(u.username, u.password);
    const valid = async (ms: number) => {
      clock = new Date(start + ms);
      return (await identity.service.resolveSession(s.sessionToken)) !== null;
    };
    assert.ok(await valid(3000), 'from memory');
    assert.ok(await valid(2 * minute), 'a use more than a minute after the last recorded one is recorded');
    assert.ok(await valid(2 * minute + 29 * minute), '29 idle minutes after the recorded use');
    assert.equal(await valid(2 * minute + 29 * minute + 31 * minute), false, '31 idle minutes');
  });

  it('never keeps an unknown or signed-out token as valid', async () => {
    assert.equal(await identity.service.resolveSession('x'.repeat(43)), null);
    const u = await newOfficial();
    const s = await signedIn(u.username, u.password);
    const session = await identity.service.resolveSession(s.sessionToken);
    assert.ok(session);
    await identity.service.logout({ ...ctx(), actor: session.actor });
    assert.equal(await identity.service.resolveSession(s.sessionToken), null);
    clock = new Date(clock.getTime() + 1000);
    assert.equal(await identity.service.resolveSession(s.sessionToken), null);
  });

  it('disabling an account ends its sessions and refuses sign-in', async () => {
    const u = await newOfficial();
    const s = await signedIn(u.username, u.password);
    await identity.service.updateAccount(systemContext('test'), u.id, { status: 'disabled' });
    assert.equal(await identity.service.resolveSession(s.sessionToken), null);
    await rejectsWith(
      identity.service.login(ctx(), { username: u.username, password: u.password }),
      'LOGIN_FAILED',
    );
  });

  it('issues client-credentials tokens that verify without the database, expire, and stop for a disabled client', async () => {
    const { client, clientSecret } = await identity.service.createClient(systemContext('test'), {
      agencyId,
      name: 'Phần mềm QLVB',
      scopes: ['directory.read', 'exchange.send'],
    });
    const row = await t.database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'identity.client.created')
      .execute();
    assert.ok(!JSON.stringify(row).includes(clientSecret));
    const issued = await identity.service.issueToken(ctx(), { clientId: client.id, clientSecret });
    assert.equal(issued.token_type, 'Bearer');
    assert.equal(issued.expires_in, 600);
    assert.deepEqual(identity.service.verifyAccessToken(issued.access_token), {
      kind: 'client',
      clientId: client.id,
      agencyId,
      scopes: ['directory.read', 'exchange.send'],
    });
    const narrow = await identity.service.issueToken(ctx(), {
      clientId: client.id,
      clientSecret,
      scope: 'exchange.send',
    });
    assert.deepEqual(identity.service.verifyAccessToken(narrow.access_token)?.scopes, ['exchange.send']);
    await assert.rejects(
      identity.service.issueToken(ctx(), { clientId: client.id, clientSecret, scope: 'cabinet.vote' }),
      (e: unknown) => e instanceof OAuthError && e.error === 'invalid_scope',
    );
    await assert.rejects(
      identity.service.issueToken(ctx(), { clientId: client.id, clientSecret: 'lts_wrong' }),
      (e: unknown) => e instanceof OAuthError && e.error === 'invalid_client' && e.status === 401,
    );
    // A tampered token is refused.
    const [h, p, s] = issued.access_token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), agency: 'x' }),
    ).toString('base64url');
    assert.equal(identity.service.verifyAccessToken(`${h}.${forged}.${s}`), null);
    clock = new Date(clock.getTime() + 601_000);
    assert.equal(identity.service.verifyAccessToken(issued.access_token), null, 'expired');
    await identity.service.setClientStatus(systemContext('test'), client.id, 'disabled');
    await assert.rejects(
      identity.service.issueToken(ctx(), { clientId: client.id, clientSecret }),
      (e: unknown) => e instanceof OAuthError && e.error === 'invalid_client',
    );
  });

  it('moves an official to another agency, keeping the history', async () => {
    const u = await newOfficial();
    const other = await makeAgency(t);
    clock = new Date(clock.getTime() + minute);
    const moved = await identity.service.setMembership(systemContext('test'), u.id, {
      agencyId: other.id,
      roles: ['unit_leader'],
    });
    assert.equal(moved.agencyId, other.id);
    const history = await identity.service.membershipHistory(systemContext('test'), u.id);
    assert.deepEqual(
      history.map((h) => [h.agencyId, h.roles, h.validTo === null]),
      [
        [other.id, ['unit_leader'], true],
        [agencyId, ['specialist'], false],
      ],
    );
  });

  it('refuses a second account with the same username in another case', async () => {
    const u = await newOfficial();
    await rejectsWith(
      identity.service.createAccount(systemContext('test'), {
        username: u.username.toUpperCase(),
        fullName: 'Trùng tên',
        email: 'x@example.gov.vn',
        agencyId,
        roles: [],
      }),
      'USERNAME_TAKEN',
    );
  });
});
