import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { systemContext } from '../../platform/context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { createDirectoryModule, type DirectoryModule } from './index.ts';

describe('directory seed', () => {
  let tdb: TestDatabase;
  let dir: DirectoryModule;
  let firstRun: Record<string, number>;
  let seconds: number;
  before(async () => {
    tdb = await createTestDatabase();
    dir = createDirectoryModule({ db: tdb.database.db, logger: pino({ level: 'silent' }) });
    const started = performance.now();
    firstRun = await dir.seed(systemContext('test'));
    seconds = (performance.now() - started) / 1000;
  });
  after(() => tdb.drop());

  it('loads ministries, the 63 provinces before 2025 and the communes, fast', async () => {
    assert.ok(seconds < 3, `seed took ${seconds.toFixed(2)} s`);
    // 29 ministries and units + 63 provinces + 265 communes of 4 provinces.
    assert.equal(firstRun['agencies'], 29 + 63 + 126 + 56 + 45 + 38);
    const provinces = await dir.service.search({ kind: 'province_ubnd', status: 'active', pageSize: 100 });
    assert.equal(provinces.items.length, 34, 'the 34 provincial units of 2025 are active');
    const closed = await dir.service.search({ kind: 'province_ubnd', status: 'closed', pageSize: 100 });
    assert.equal(closed.items.length, 29, 'the 29 merged away are closed');
  });

  it('is idempotent: a second run adds nothing', async () => {
    const audit = async () =>
      (await tdb.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events`)).rows[0]!
        .n;
    const eventsBefore = await audit();
    const again = await dir.seed(systemContext('test'));
    assert.deepEqual(again, { agencies: 0, names: 0, codes: 0, events: 0 });
    assert.equal(await audit(), eventsBefore);
  });

  it('resolves 000.00.00.H41 and H41 to Nghệ An', async () => {
    for (const code of ['000.00.00.H41', 'H41']) {
      const r = await dir.service.resolveCode(code);
      assert.equal(r?.heldBy.name, 'Tỉnh Nghệ An');
      assert.equal(r?.current.name, 'Tỉnh Nghệ An');
    }
  });

  it('resolves Hà Giang (H22) to itself before 1 July 2025 and to Tuyên Quang after', async () => {
    const beforeReform = await dir.service.resolveCode('000.00.00.H22', new Date('2025-06-30'));
    assert.equal(beforeReform?.heldBy.name, 'Tỉnh Hà Giang');
    assert.equal(beforeReform?.responsible.name, 'Tỉnh Hà Giang');
    const afterReform = await dir.service.resolveCode('000.00.00.H22', new Date('2025-07-01'));
    assert.equal(afterReform?.heldBy.name, 'Tỉnh Hà Giang');
    assert.equal(afterReform?.responsible.name, 'Tỉnh Tuyên Quang');
    assert.equal(afterReform?.current.name, 'Tỉnh Tuyên Quang');
    assert.equal(afterReform?.heldBy.active, false);
  });

  it('keeps H60 with Tuyên Quang, one agency across the reform', async () => {
    const old = await dir.service.resolveCode('H60', new Date('2024-01-01'));
    const now = await dir.service.resolveCode('H60');
    assert.equal(old?.heldBy.id, now?.heldBy.id);
    assert.equal(now?.current.name, 'Tỉnh Tuyên Quang');
    const detail = await dir.service.getAgencyDetail(now.heldBy.id);
    assert.deepEqual(
      detail?.predecessors.map((p) => p.name),
      ['Tỉnh Hà Giang'],
    );
  });

  it('maps admin-unit codes by date: 15 was Yên Bái and is Lào Cai since the reform', async () => {
    assert.equal(
      (await dir.service.resolveCode('ADMIN_UNIT:15', new Date('2025-01-01')))?.heldBy.name,
      'Tỉnh Yên Bái',
    );
    assert.equal(
      (await dir.service.resolveCode('ADMIN_UNIT:15', new Date('2025-08-01')))?.heldBy.name,
      'Tỉnh Lào Cai',
    );
  });

  it('routes closed ministries to their successors, a split to its first successor', async () => {
    assert.equal((await dir.service.resolveCode('G04'))?.current.name, 'Bộ Xây dựng');
    assert.equal((await dir.service.resolveCode('000.00.00.G07'))?.current.name, 'Bộ Nội vụ');
    assert.equal((await dir.service.resolveCode('G12'))?.heldBy.name, 'Bộ Tài chính');
  });

  it('places communes under their province', async () => {
    const hanoi = (await dir.service.resolveCode('H26'))!.heldBy;
    const hoanKiem = (await dir.service.resolveCode('ADMIN_UNIT:00070'))!.heldBy;
    assert.equal(hoanKiem.name, 'Phường Hoàn Kiếm');
    assert.equal(await dir.service.isWithin(hanoi.id, hoanKiem.id), true);
    const children = await dir.service.search({ parentId: hanoi.id, pageSize: 100 });
    assert.equal(children.items.length, 100);
    assert.equal(children.hasNext, true);
  });

  it('shows which codes are unconfirmed', async () => {
    // Bắc Giang's H02 is inferred from the order of names (seed/SOURCES.md).
    const detail = await dir.service.getAgencyDetail((await dir.service.resolveCode('H02'))!.heldBy.id);
    assert.equal(detail?.codes.find((c) => c.scheme === 'QD20')?.confirmed, false);
    const nghean = await dir.service.getAgencyDetail((await dir.service.resolveCode('H41'))!.heldBy.id);
    assert.equal(nghean?.codes.find((c) => c.scheme === 'QD20')?.confirmed, true);
  });

  it('searches without diacritics, words in any order, and by code prefix', async () => {
    const hanoi = await dir.service.search({ q: 'ha noi', kind: 'province_ubnd' });
    assert.deepEqual(
      hanoi.items.map((i) => i.name),
      ['Thành phố Hà Nội'],
    );
    const nghean = await dir.service.search({ q: 'an nghe' });
    assert.ok(nghean.items.some((i) => i.name === 'Tỉnh Nghệ An'));
    const dak = await dir.service.search({ q: 'dak lak' });
    assert.ok(dak.items.some((i) => i.name === 'Tỉnh Đắk Lắk'));
    const g1 = await dir.service.search({ q: '000.00.00.G1', pageSize: 100 });
    const names = g1.items.map((i) => i.name);
    assert.ok(names.includes('Bộ Tài chính') && names.includes('Bộ Y tế'));
    assert.ok(!names.includes('Bộ Công an'), 'G01 does not start with G1');
  });
});
