import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { systemContext, type Actor, type RequestContext } from '../context.ts';
import type { AppError } from '../errors.ts';
import { recordAuditAlone } from './chain.ts';
import { createAuditService, type AuditService } from './service.ts';

const agencyA = '7a1c4a10-0000-4000-8000-00000000000a';
const agencyB = '7a1c4a10-0000-4000-8000-00000000000b';

function ctxOf(actor: Actor): RequestContext {
  return { actor, requestId: 'req-audit-test', ip: '192.0.2.1', locale: 'en' };
}

function official(agencyId: string, roles: ('admin' | 'platform_admin' | 'records_clerk')[]): RequestContext {
  return ctxOf({ kind: 'official', accountId: `acc-${roles.join('-')}`, agencyId, roles, sessionId: null });
}

async function refusedWith(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as AppError).code;
  }
  return 'ALLOWED';
}

describe('audit trail browsing', () => {
  let t: TestDatabase;
  let service: AuditService;
  before(async () => {
    t = await createTestDatabase();
    service = createAuditService(t.database.db);
    for (const [agencyId, action] of [
      [agencyA, 'directory.agency.rename'],
      [agencyB, 'identity.account.create'],
      [agencyA, 'identity.account.lock'],
      [null, 'platform.seed'],
    ] as const)
      await recordAuditAlone(t.database.db, systemContext('test'), {
        action,
        agencyId,
        subjectIds: [`${action}-subject`],
      });
    await recordAuditAlone(t.database.db, official(agencyB, ['admin']), {
      action: 'identity.login',
      outcome: 'denied',
    });
  });
  after(() => t.drop());

  it('shows a platform administrator every agency, newest first', async () => {
    const { events } = await service.list(official(agencyA, ['platform_admin']), { limit: 50 });
    assert.deepEqual(
      events.map((e) => e.seq),
      [5, 4, 3, 2, 1],
    );
    const onlyB = await service.list(official(agencyA, ['platform_admin']), { agencyId: agencyB, limit: 50 });
    assert.deepEqual(
      onlyB.events.map((e) => e.action),
      ['identity.login', 'identity.account.create'],
    );
  });

  it("shows an agency administrator only their own agency's events, whatever the filter asks", async () => {
    const own = await service.list(official(agencyA, ['admin']), { limit: 50 });
    assert.deepEqual(
      own.events.map((e) => e.action),
      ['identity.account.lock', 'directory.agency.rename'],
    );
    const asked = await service.list(official(agencyA, ['admin']), { agencyId: agencyB, limit: 50 });
    assert.ok(asked.events.every((e) => e.agencyId === agencyA));
  });

  it('refuses everyone else', async () => {
    const cases: [string, RequestContext, string][] = [
      ['anonymous visitor', ctxOf({ kind: 'anonymous' }), 'UNAUTHENTICATED'],
      ['records clerk', official(agencyA, ['records_clerk']), 'FORBIDDEN'],
      ['citizen', ctxOf({ kind: 'citizen', accountId: 'citizen-1', sessionId: null }), 'FORBIDDEN'],
      [
        'machine client with every scope',
        ctxOf({ kind: 'client', clientId: 'client-1', agencyId: agencyA, scopes: ['audit:read', 'admin'] }),
        'FORBIDDEN',
      ],
    ];
    for (const [who, ctx, code] of cases)
      assert.equal(await refusedWith(service.list(ctx, { limit: 50 })), code, who);
  });

  it('filters by action prefix, outcome, subject and pages by sequence', async () => {
    const admin = official(agencyA, ['platform_admin']);
    const identity = await service.list(admin, { action: 'identity.', limit: 50 });
    assert.deepEqual(
      identity.events.map((e) => e.action),
      ['identity.login', 'identity.account.lock', 'identity.account.create'],
    );
    // `_` and `%` are literal characters in the prefix, not wildcards.
    assert.equal((await service.list(admin, { action: 'identity_', limit: 50 })).events.length, 0);
    assert.equal((await service.list(admin, { action: '%', limit: 50 })).events.length, 0);
    const denied = await service.list(admin, { outcome: 'denied', limit: 50 });
    assert.deepEqual(
      denied.events.map((e) => e.seq),
      [5],
    );
    const bySubject = await service.list(admin, { subjectId: 'platform.seed-subject', limit: 50 });
    assert.deepEqual(
      bySubject.events.map((e) => e.seq),
      [4],
    );
    const first = await service.list(admin, { limit: 2 });
    assert.deepEqual(
      first.events.map((e) => e.seq),
      [5, 4],
    );
    assert.equal(first.nextBefore, 4);
    const second = await service.list(admin, { limit: 2, before: 4 });
    assert.deepEqual(
      second.events.map((e) => e.seq),
      [3, 2],
    );
    const last = await service.list(admin, { limit: 2, before: 2 });
    assert.deepEqual(
      last.events.map((e) => e.seq),
      [1],
    );
    assert.equal(last.nextBefore, null);
  });
});
