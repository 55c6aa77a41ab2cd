import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../../platform/context.ts';
import { canReadFor, canSendAs, canViewStats } from './policies.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const client: Actor = { kind: 'client', clientId: 'c', agencyId: A, scopes: [] };
const official = (roles: ('records_clerk' | 'specialist' | 'platform_admin')[]): Actor => ({
  kind: 'official',
  accountId: 'x',
  agencyId: A,
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
});
