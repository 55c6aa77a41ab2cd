import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Role } from '../../platform/context.ts';
import { canReadDelivery, canReadFor, canReportStatus, canSendAs, canViewStats } from './policies.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const client: Actor = { kind: 'client', clientId: 'c', agencyId: A, scopes: [] };
const official = (roles: Role[], agencyId = A): Actor => ({
  kind: 'official',
  accountId: 'x',
  agencyId,
  roles,
  sessionId: null,
});

describe('exchange policies', () => {
  const cases: [string, Actor, string, boolean, boolean, boolean][] = [
    // who, actor, agency, send, read, stats
    ['client, own agency', client, A, true, true, true],
    ['client, other agency', client, B, false, false, false],
    ['clerk, own agency', official(['records_clerk']), A, true, true, true],
    ['clerk, other agency', official(['records_clerk']), B, false, false, false],
    ['specialist, own agency', official(['specialist']), A, false, false, true],
    ['platform admin, other agency', official(['platform_admin']), B, false, true, true],
    ['anonymous', { kind: 'anonymous' }, A, false, false, false],
    ['system', { kind: 'system', name: 's' }, B, true, true, true],
  ];
  for (const [who, actor, agency, send, read, stats] of cases)
    it(who, () => {
      assert.equal(canSendAs(actor, agency), send, 'send');
      assert.equal(canReadFor(actor, agency), read, 'read');
      assert.equal(canViewStats(actor, agency), stats, 'stats');
    });

  const recipientStatuses = ['02', '03', '04', '05', '06', '15', '16'];
  // Which recipient statuses each actor may report for agency A.
  const reporting: [string, Actor, string[]][] = [
    ['clerk', official(['records_clerk']), recipientStatuses],
    ['agency admin', official(['admin']), recipientStatuses],
    ['machine client', client, recipientStatuses],
    ['unit leader', official(['unit_leader']), ['04', '05', '06']],
    ['specialist', official(['specialist']), ['05', '06']],
    ['leader and specialist', official(['unit_leader', 'specialist']), ['04', '05', '06']],
    ['one-stop officer', official(['one_stop_officer']), []],
    ['unit leader of another agency', official(['unit_leader'], B), []],
    ['specialist of another agency', official(['specialist'], B), []],
    ['clerk of another agency', official(['records_clerk'], B), []],
    ['citizen', { kind: 'citizen', accountId: 'c', sessionId: null }, []],
    ['anonymous', { kind: 'anonymous' }, []],
  ];
  for (const [who, actor, allowed] of reporting)
    it(`status reports, ${who}: ${allowed.join(', ') || 'none'}`, () => {
      for (const code of recipientStatuses)
        assert.equal(canReportStatus(actor, A, code), allowed.includes(code), `${who} ${code}`);
    });

  it('a specialist reads a delivered copy only once it is assigned (04–06); the inbox never', () => {
    const specialist = official(['specialist']);
    for (const status of [null, '01', '02', '03'])
      assert.equal(canReadDelivery(specialist, A, status), false, String(status));
    for (const status of ['04', '05', '06'])
      assert.equal(canReadDelivery(specialist, A, status), true, status);
    assert.equal(canReadDelivery(official(['specialist'], B), A, '04'), false, 'another agency');
    assert.equal(canReadFor(specialist, A), false, 'the inbox');
    assert.equal(canReadDelivery(official(['unit_leader']), A, '01'), true, 'a leader reads the inbox');
  });
});
