import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { systemContext } from '../../platform/context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { createDirectoryModule } from './index.ts';

describe('directory cache across processes', () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(() => tdb.drop());

  it('drops cached resolutions when another process changes the directory', async () => {
    const logger = pino({ level: 'silent' });
    // Two module instances stand for two processes: each has its own cache.
    const writer = createDirectoryModule({ db: tdb.database.db, logger });
    const reader = createDirectoryModule({ db: tdb.database.db, logger });
    const listener = reader.listen(tdb.database.pool);
    try {
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await reader.service.resolveCode('X55'), null, 'cached as unknown');
      await writer.service.createAgency(systemContext('test'), {
        name: 'Cơ quan mới',
        kind: 'unit',
        codes: [{ scheme: 'SHORT', code: 'X55' }],
      });
      let seen = null;
      for (let i = 0; i < 40 && !seen; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = await reader.service.resolveCode('X55');
      }
      assert.equal(seen?.heldBy.name, 'Cơ quan mới');
    } finally {
      await listener.stop();
    }
  });

  it('keeps a stale answer without the listener (which is what the listener is for)', async () => {
    const logger = pino({ level: 'silent' });
    const writer = createDirectoryModule({ db: tdb.database.db, logger });
    const reader = createDirectoryModule({ db: tdb.database.db, logger });
    assert.equal(await reader.service.resolveCode('X56'), null);
    await writer.service.createAgency(systemContext('test'), {
      name: 'Khác',
      kind: 'unit',
      codes: [{ scheme: 'SHORT', code: 'X56' }],
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await reader.service.resolveCode('X56'), null);
    assert.equal(
      (await writer.service.resolveCode('X56'))?.heldBy.name,
      'Khác',
      'the writer drops its own cache',
    );
  });
});
