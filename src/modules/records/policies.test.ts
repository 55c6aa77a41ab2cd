import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Role } from '../../platform/context.ts';
import { canAtDesk, seesOnlyAssigned, type DeskAction } from './policies.ts';

const AGENCY = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const official = (roles: Role[], agencyId = AGENCY): Actor => ({
  kind: 'official',
  accountId: 'a',
  agencyId,
  roles,
  sessionId: null,
});

describe('records desk policies', () => {
  const actions: DeskAction[] = [
    'read',
    'readOutgoing',
    'register',
    'reject',
    'answerRecall',
    'assign',
    'process',
    'compose',
    'recall',
    'updateRecipients',
  ];
  // Expected actions allowed for each role of the agency.
  const table: [string, Actor, DeskAction[]][] = [
    ['clerk', official(['records_clerk']), actions],
    ['agency admin', official(['admin']), actions],
    ['unit leader', official(['unit_leader']), ['read', 'readOutgoing', 'assign', 'process']],
    ['specialist', official(['specialist']), ['read', 'process']],
    ['one-stop officer', official(['one_stop_officer']), []],
    ['clerk of another agency', official(['records_clerk'], OTHER), []],
    ['platform admin of another agency', official(['platform_admin'], OTHER), []],
    ['machine client', { kind: 'client', clientId: 'c', agencyId: AGENCY, scopes: [] }, []],
    ['citizen', { kind: 'citizen', accountId: 'c', sessionId: null }, []],
    ['anonymous', { kind: 'anonymous' }, []],
  ];
  for (const [who, actor, allowed] of table)
    it(`${who}: ${allowed.join(', ') || 'nothing'}`, () => {
      for (const action of actions)
        assert.equal(canAtDesk(actor, AGENCY, action), allowed.includes(action), `${who} ${action}`);
    });

  it('a specialist alone sees only assigned documents; with a desk role, everything', () => {
    assert.equal(seesOnlyAssigned(official(['specialist'])), true);
    assert.equal(seesOnlyAssigned(official(['specialist', 'records_clerk'])), false);
    assert.equal(seesOnlyAssigned(official(['unit_leader'])), false);
  });
});
