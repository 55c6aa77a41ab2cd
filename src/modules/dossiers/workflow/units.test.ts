import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Role } from '../../../platform/context.ts';
import { inUnitOf, unitScope } from './units.ts';

const P = '11111111-1111-4111-8111-111111111111';
const Q = '22222222-2222-4222-8222-222222222222';
const official = (roles: Role[], unitId: string | null) =>
  ({
    kind: 'official',
    accountId: '33333333-3333-4333-8333-333333333333',
    agencyId: '44444444-4444-4444-8444-444444444444',
    roles,
    sessionId: null,
    unitId,
  }) as Extract<Actor, { kind: 'official' }>;

describe('who reaches a step routed to a unit', () => {
  const table: [string, Extract<Actor, { kind: 'official' }>, string | null, boolean][] = [
    ['specialist of P, step of P', official(['specialist'], P), P, true],
    ['specialist of Q, step of P', official(['specialist'], Q), P, false],
    ['specialist without a unit, step of P', official(['specialist'], null), P, false],
    ['specialist of P, the agency’s step', official(['specialist'], P), null, true],
    ['specialist without a unit, the agency’s step', official(['specialist'], null), null, true],
    ['unit leader of Q, step of P', official(['unit_leader'], Q), P, false],
    ['head of the agency, step of P', official(['admin'], null), P, true],
    ['platform administrator, step of P', official(['platform_admin'], null), P, true],
  ];
  for (const [name, actor, unit, expected] of table)
    it(name, () => assert.equal(inUnitOf(actor, unit), expected));

  it('scopes the unit lists: own unit and the agency’s, or every unit for the head', () => {
    assert.deepEqual(unitScope(official(['specialist'], P)), { unitId: P });
    assert.deepEqual(unitScope(official(['specialist'], null)), { unitId: null });
    assert.equal(unitScope(official(['admin'], P)), 'all');
  });
});
