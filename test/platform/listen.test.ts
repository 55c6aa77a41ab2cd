import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listenForNotices, type ChangeListener } from '../../src/platform/db/listen.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { until } from '../support/until.ts';

/** Waits until `ok()` holds (or fails after `ms`). */

describe('change listeners on one pool', () => {
  let t: TestDatabase;
  const logger = createLogger('silent');
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  it('share one connection, each hears its own channel, and hear of a lost connection', async () => {
    const heard = { a: [] as string[], b: [] as string[] };
    const gaps = { a: 0, b: 0 };
    const idleBefore = t.database.pool.totalCount;
    const a: ChangeListener = listenForNotices(
      t.database.pool,
      'test_channel_a',
      { onNotice: (p) => heard.a.push(p), onGap: () => (gaps.a += 1) },
      logger,
    );
    const b: ChangeListener = listenForNotices(
      t.database.pool,
      'test_channel_b',
      { onNotice: (p) => heard.b.push(p), onGap: () => (gaps.b += 1) },
      logger,
    );
    try {
      await until('both listening', () => a.live && b.live, 5000);
      assert.ok(t.database.pool.totalCount - idleBefore <= 1, 'one connection for both channels');
      await t.database.pool.query(
        `SELECT pg_notify('test_channel_a', 'eins'), pg_notify('test_channel_b', 'zwei')`,
      );
      await until('both heard the notice', () => heard.a.length === 1 && heard.b.length === 1, 5000);
      assert.deepEqual(heard, { a: ['eins'], b: ['zwei'] });

      // The server ends the listening connection: both are told, and both listen again.
      const gapsBefore = { ...gaps };
      await t.database.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
      );
      await until('both lost the connection', () => !a.live && !b.live, 5000);
      assert.ok(gaps.a > gapsBefore.a && gaps.b > gapsBefore.b, 'a lost connection is a gap');
      await until('both listening', () => a.live && b.live, 5000);
      await t.database.pool.query(`SELECT pg_notify('test_channel_a', 'drei')`);
      await until('the resync', () => heard.a.length === 2, 5000);
      assert.deepEqual(heard.a, ['eins', 'drei']);
    } finally {
      await a.stop();
      await b.stop();
    }
    assert.equal(a.live, false);
  });
});
