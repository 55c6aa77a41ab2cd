import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../../../platform/context.ts';
import { partsScope } from './policies.ts';

const filing = '11111111-1111-4111-8111-111111111111';
const partAgency = '22222222-2222-4222-8222-222222222222';
const other = '33333333-3333-4333-8333-333333333333';
const applicant = '44444444-4444-4444-8444-444444444444';
const d = { applicantAccountId: applicant, agencyId: filing, partAgencyIds: [filing, partAgency] };
const official = (agencyId: string, roles: string[]): Actor =>
  ({ kind: 'official', accountId: other, agencyId, roles, sessionId: null }) as Actor;

describe('partsScope', () => {
  const cases: [string, Actor, string][] = [
    ['the applicant', { kind: 'citizen', accountId: applicant, sessionId: null }, 'all'],
    ['another citizen', { kind: 'citizen', accountId: other, sessionId: null }, 'none'],
    ['a one-stop officer of the filing agency', official(filing, ['one_stop_officer']), 'all'],
    ['a specialist of the part agency', official(partAgency, ['specialist']), 'own'],
    ['an officer of another agency', official(other, ['one_stop_officer']), 'none'],
    [
      'an official of the part agency without a back-office role',
      official(partAgency, ['reporting_officer']),
      'none',
    ],
    ['a platform administrator', official(other, ['platform_admin']), 'all'],
    ['anonymous', { kind: 'anonymous' }, 'none'],
  ];
  for (const [who, actor, expected] of cases)
    it(`${who} → ${expected}`, () => assert.equal(partsScope(actor, d).kind, expected));
});
