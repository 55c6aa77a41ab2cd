import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { isUuid, UUID_PATTERN } from './ids.ts';

describe('ids: isUuid', () => {
  it('accepts canonical UUIDs of any version, in either case, again and again', () => {
    const id = randomUUID();
    for (const v of [id, id.toUpperCase(), '00000000-0000-0000-0000-000000000000', id, id])
      assert.equal(isUuid(v), true, v);
    assert.equal(UUID_PATTERN.flags.includes('g'), false, 'a shared pattern keeps no state');
  });

  it('refuses what would make a uuid column fail: 36 dashes, hex without dashes, braces, spaces, other letters', () => {
    for (const v of [
      '',
      '-'.repeat(36),
      'a'.repeat(36),
      randomUUID().replace(/-/g, ''),
      `{${randomUUID()}}`,
      ` ${randomUUID()}`,
      `${randomUUID()}\n`,
      '0000000g-0000-0000-0000-000000000000',
      '00000000-0000-0000-0000-00000000000',
      '00000000-0000-0000-0000-0000000000000',
    ])
      assert.equal(isUuid(v), false, JSON.stringify(v));
  });
});
