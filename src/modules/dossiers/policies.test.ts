import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Role } from '../../platform/context.ts';
import { isApplicant, isHandlingOfficer, mayReadDossier } from './policies.ts';

const dossier = { applicantAccountId: 'citizen-a', agencyId: 'agency-1' };
const citizen = (accountId: string): Actor => ({ kind: 'citizen', accountId, sessionId: null });
const official = (agencyId: string, roles: Role[]): Actor => ({
  kind: 'official',
  accountId: 'o',
  agencyId,
  roles,
  sessionId: null,
});

describe('who may see and act on a dossier', () => {
  const table: [string, Actor, boolean, boolean, boolean][] = [
    // actor, applicant, handling officer, may read
    ['its applicant', citizen('citizen-a'), true, false, true],
    ['another citizen', citizen('citizen-b'), false, false, false],
    ['a one-stop officer of its agency', official('agency-1', ['one_stop_officer']), false, true, true],
    // The back office (specialists, unit leaders) reads the agency's dossiers; only the desk receives.
    ['a specialist of its agency', official('agency-1', ['specialist']), false, false, true],
    ['a unit leader of its agency', official('agency-1', ['unit_leader']), false, false, true],
    ['a reporting officer of its agency', official('agency-1', ['reporting_officer']), false, false, false],
    ['a specialist elsewhere', official('agency-2', ['specialist']), false, false, false],
    ['a one-stop officer elsewhere', official('agency-2', ['one_stop_officer']), false, false, false],
    ['a platform administrator', official('agency-9', ['platform_admin']), false, true, true],
    [
      'a machine client of its agency',
      { kind: 'client', clientId: 'c', agencyId: 'agency-1', scopes: [] },
      false,
      false,
      false,
    ],
    ['an anonymous visitor', { kind: 'anonymous' }, false, false, false],
  ];
  for (const [who, actor, applicant, officer, read] of table)
    it(who, () => {
      assert.equal(isApplicant(actor, dossier), applicant);
      assert.equal(isHandlingOfficer(actor, dossier), officer);
      assert.equal(mayReadDossier(actor, dossier), read);
    });
});
