import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Role } from '../../platform/context.ts';
import { listScope, mayAdminister, mayGrantRoles, mayManage } from './policies.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const official = (agencyId: string, roles: Role[]): Actor => ({
  kind: 'official',
  accountId: 'acc',
  agencyId,
  roles,
  sessionId: null,
});
const actors = {
  anonymous: { kind: 'anonymous' } as Actor,
  citizen: { kind: 'citizen', accountId: 'c', sessionId: null } as Actor,
  client: { kind: 'client', clientId: 'x', agencyId: A, scopes: ['identity'] } as Actor,
  system: { kind: 'system', name: 'seed' } as Actor,
  platformAdmin: official(B, ['platform_admin']),
  adminOfA: official(A, ['admin']),
  clerkOfA: official(A, ['records_clerk']),
  adminOfB: official(B, ['admin', 'specialist']),
};
type Who = keyof typeof actors;

describe('identity policies', () => {
  it('mayAdminister: only administrators reach the administration', () => {
    const table: [Who, string][] = [
      ['anonymous', 'unauthenticated'],
      ['citizen', 'forbidden'],
      ['client', 'forbidden'],
      ['clerkOfA', 'forbidden'],
      ['adminOfA', 'allow'],
      ['platformAdmin', 'allow'],
      ['system', 'allow'],
    ];
    for (const [who, expected] of table) assert.equal(mayAdminister(actors[who]), expected, who);
  });

  it("mayManage: an agency admin manages its own agency; another agency's things are hidden (404)", () => {
    const table: [Who, string | null, string][] = [
      ['adminOfA', A, 'allow'],
      ['adminOfA', B, 'hidden'],
      ['adminOfA', null, 'hidden'],
      ['adminOfB', A, 'hidden'],
      ['clerkOfA', A, 'hidden'],
      ['clerkOfA', B, 'hidden'],
      ['client', A, 'hidden'],
      ['citizen', A, 'hidden'],
      ['anonymous', A, 'unauthenticated'],
      ['platformAdmin', A, 'allow'],
      ['platformAdmin', null, 'allow'],
      ['system', B, 'allow'],
    ];
    for (const [who, agency, expected] of table)
      assert.equal(mayManage(actors[who], agency), expected, `${who} on ${agency}`);
  });

  it('listScope: agency admins are held to their agency, platform admins choose', () => {
    assert.deepEqual(listScope(actors.adminOfA, undefined), { agencyId: A });
    assert.deepEqual(listScope(actors.adminOfA, A), { agencyId: A });
    assert.equal(listScope(actors.adminOfA, B), 'hidden');
    assert.deepEqual(listScope(actors.platformAdmin, undefined), { agencyId: null });
    assert.deepEqual(listScope(actors.platformAdmin, A), { agencyId: A });
    assert.equal(listScope(actors.clerkOfA, undefined), 'forbidden');
    assert.equal(listScope(actors.anonymous, undefined), 'unauthenticated');
  });

  it('mayGrantRoles: only a platform admin touches the platform_admin role', () => {
    const table: [Who, Role[], Role[], boolean][] = [
      ['adminOfA', ['specialist'], ['specialist', 'records_clerk'], true],
      ['adminOfA', ['specialist'], ['platform_admin'], false],
      ['adminOfA', ['platform_admin'], ['specialist'], false],
      ['adminOfA', ['platform_admin', 'admin'], ['platform_admin'], true],
      ['platformAdmin', [], ['platform_admin'], true],
      ['system', [], ['platform_admin'], true],
    ];
    for (const [who, before, after, expected] of table)
      assert.equal(
        mayGrantRoles(actors[who], before, after),
        expected,
        `${who} ${before.join()}→${after.join()}`,
      );
  });
});
