import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Role } from '../../platform/context.ts';
import { canCreatePayment, canReadPayment, canRefund, reconciliationScope } from './policies.ts';

const payer = '11111111-1111-4111-8111-111111111111';
const agency = '22222222-2222-4222-8222-222222222222';
const otherAgency = '33333333-3333-4333-8333-333333333333';
const owner = { payerAccountId: payer, agencyId: agency };
const citizen = (accountId: string): Actor => ({ kind: 'citizen', accountId, sessionId: null });
const official = (agencyId: string, roles: Role[]): Actor => ({
  kind: 'official',
  accountId: '44444444-4444-4444-8444-444444444444',
  agencyId,
  roles,
  sessionId: null,
});

describe('payments policies', () => {
  const table: [string, Actor, { read: boolean; refund: boolean; create: boolean; recon: string | null }][] =
    [
      ['the payer', citizen(payer), { read: true, refund: false, create: true, recon: null }],
      ['another citizen', citizen(otherAgency), { read: false, refund: false, create: false, recon: null }],
      [
        'one-stop officer of the agency',
        official(agency, ['one_stop_officer']),
        { read: true, refund: true, create: false, recon: agency },
      ],
      [
        'specialist of the agency',
        official(agency, ['specialist']),
        { read: true, refund: false, create: false, recon: null },
      ],
      [
        'officer of another agency',
        official(otherAgency, ['one_stop_officer']),
        { read: false, refund: false, create: false, recon: otherAgency },
      ],
      [
        'platform admin elsewhere',
        official(otherAgency, ['platform_admin']),
        { read: true, refund: true, create: false, recon: 'all' },
      ],
      ['anonymous', { kind: 'anonymous' }, { read: false, refund: false, create: false, recon: null }],
      [
        'the platform',
        { kind: 'system', name: 'dossiers' },
        { read: true, refund: true, create: true, recon: 'all' },
      ],
    ];
  for (const [who, actor, expected] of table)
    it(who, () => {
      assert.equal(canReadPayment(actor, owner), expected.read, 'read');
      assert.equal(canRefund(actor, owner), expected.refund, 'refund');
      assert.equal(canCreatePayment(actor, payer), expected.create, 'create');
      const scope = reconciliationScope(actor);
      assert.equal(scope === null ? null : (scope.agencyId ?? 'all'), expected.recon, 'reconciliation');
    });
});
