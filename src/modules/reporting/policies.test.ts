import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Role } from '../../platform/context.ts';
import { canDecideFor, canDefineRegime, canReadUnit, canReportFor } from './policies.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const official = (agencyId: string, ...roles: Role[]): Actor => ({
  kind: 'official',
  accountId: 'x',
  agencyId,
  roles,
  sessionId: null,
});
const client = (agencyId: string, ...scopes: string[]): Actor => ({
  kind: 'client',
  clientId: 'c',
  agencyId,
  scopes,
});

describe('reporting policies', () => {
  // [case, actor, canReportFor(actor, A), canDecideFor(actor, A)]
  const cases: [string, Actor, boolean, boolean][] = [
    ['reporting officer of A', official(A, 'reporting_officer'), true, true],
    ['leader of A', official(A, 'unit_leader'), true, true],
    ['records clerk of A', official(A, 'records_clerk'), false, false],
    ['reporting officer of B', official(B, 'reporting_officer'), false, false],
    ['platform admin of B', official(B, 'platform_admin'), false, false],
    ['client of A with scope', client(A, 'reporting'), true, false],
    ['client of A without scope', client(A), false, false],
    ['client of B with scope', client(B, 'reporting'), false, false],
    ['anonymous', { kind: 'anonymous' }, false, false],
  ];
  for (const [name, actor, report, decide] of cases) {
    it(`${name}: report ${report}, decide ${decide}`, () => {
      assert.equal(canReportFor(actor, A), report);
      assert.equal(canDecideFor(actor, A), decide);
    });
  }

  it('reads a unit only from it or its ancestors (platform admins too)', () => {
    assert.equal(canReadUnit(official(A, 'specialist'), [A, B]), true);
    assert.equal(canReadUnit(official(B), [A]), false);
    assert.equal(canReadUnit(official(B, 'platform_admin'), [A]), true);
    assert.equal(canReadUnit(client(B, 'reporting'), [A, B]), true);
  });

  it('defines regimes as the recipient’s administrator or a platform administrator', () => {
    assert.equal(canDefineRegime(official(A, 'admin'), A), true);
    assert.equal(canDefineRegime(official(B, 'admin'), A), false);
    assert.equal(canDefineRegime(official(A, 'reporting_officer'), A), false);
    assert.equal(canDefineRegime(official(B, 'platform_admin'), A), true);
  });
});
