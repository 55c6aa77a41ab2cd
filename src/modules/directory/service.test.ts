import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { systemContext, type RequestContext } from '../../platform/context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { createDirectoryModule, type DirectoryModule } from './index.ts';

const admin: RequestContext = {
  actor: {
    kind: 'official',
    accountId: randomUUID(),
    agencyId: randomUUID(),
    roles: ['platform_admin'],
    sessionId: null,
  },
  requestId: 'test-admin',
  ip: null,
  locale: 'vi',
};
const clerk: RequestContext = {
  actor: {
    kind: 'official',
    accountId: randomUUID(),
    agencyId: randomUUID(),
    roles: ['records_clerk'],
    sessionId: null,
  },
  requestId: 'test-clerk',
  ip: null,
  locale: 'vi',
};
const anonymous: RequestContext = { actor: { kind: 'anonymous' }, requestId: 'anon', ip: null, locale: 'vi' };

let n = 0;
/** A small factory: an agency with one fresh local code. */
function agencyInput(over: Partial<Parameters<DirectoryModule['service']['createAgency']>[1]> = {}) {
  n += 1;
  return {
    name: `Sở Thử nghiệm ${n}`,
    kind: 'department' as const,
    validFrom: '2020-01-01',
    codes: [{ scheme: 'LOCAL' as const, code: `T-${n}-${randomUUID().slice(0, 8)}` }],
    ...over,
  };
}

describe('directory service', () => {
  let tdb: TestDatabase;
  let dir: DirectoryModule;
  before(async () => {
    tdb = await createTestDatabase();
    dir = createDirectoryModule({ db: tdb.database.db, logger: pino({ level: 'silent' }) });
  });
  after(() => tdb.drop());

  it('creates an agency that other modules can read and resolve by code', async () => {
    const a = await dir.service.createAgency(systemContext('test'), {
      name: 'Bộ Thử nghiệm',
      shortName: 'BTN',
      kind: 'ministry',
      validFrom: '2020-01-01',
      codes: [
        { scheme: 'QD20', code: 'X91' },
        { scheme: 'SHORT', code: 'X91' },
      ],
    });
    assert.equal(a.name, 'Bộ Thử nghiệm');
    assert.equal(a.active, true);
    assert.deepEqual(await dir.service.getAgency(a.id), a);
    for (const code of ['X91', '000.00.00.X91', 'x91', 'QD20:000.00.00.X91']) {
      const r = await dir.service.resolveCode(code);
      assert.equal(r?.heldBy.id, a.id, code);
      assert.equal(r?.current.id, a.id, code);
    }
    assert.equal(await dir.service.resolveCode('X91', new Date('2019-06-01')), null, 'not yet valid');
    assert.equal(await dir.service.resolveCode('X99'), null);
    assert.equal(await dir.service.getAgency(randomUUID()), null);
  });

  it('tells whether an agency is within another through parent links', async () => {
    const top = await dir.service.createAgency(admin, agencyInput({ kind: 'province_ubnd' }));
    const mid = await dir.service.createAgency(admin, agencyInput({ parentId: top.id }));
    const leaf = await dir.service.createAgency(admin, agencyInput({ parentId: mid.id }));
    const other = await dir.service.createAgency(admin, agencyInput());
    assert.equal(leaf.level, 3);
    assert.equal(await dir.service.isWithin(top.id, leaf.id), true);
    assert.equal(await dir.service.isWithin(leaf.id, leaf.id), true);
    assert.equal(await dir.service.isWithin(leaf.id, top.id), false);
    assert.equal(await dir.service.isWithin(other.id, leaf.id), false);
  });

  it('refuses writes to anyone but a platform administrator', async () => {
    await assert.rejects(dir.service.createAgency(clerk, agencyInput()), { code: 'FORBIDDEN' });
    await assert.rejects(dir.service.createAgency(anonymous, agencyInput()), { code: 'UNAUTHENTICATED' });
  });

  it('refuses an identifier code whose period overlaps another holder of the same code', async () => {
    const a = await dir.service.createAgency(
      admin,
      agencyInput({ codes: [{ scheme: 'TAX', code: '0100000001' }] }),
    );
    await assert.rejects(
      dir.service.createAgency(admin, agencyInput({ codes: [{ scheme: 'TAX', code: '0100000001' }] })),
      { code: 'DIRECTORY_CODE_TAKEN' },
    );
    const b = await dir.service.createAgency(admin, agencyInput());
    await assert.rejects(
      dir.service.addCode(admin, b.id, { scheme: 'TAX', code: '0100000001', validFrom: '2024-01-01' }),
      { code: 'DIRECTORY_CODE_TAKEN' },
    );
    // Once the first holder's period ends, the code may be given to another agency.
    const detail = await dir.service.getAgencyDetail(a.id);
    const code = detail!.codes.find((c) => c.scheme === 'TAX')!;
    await dir.service.closeCode(admin, code.id, '2024-01-01');
    await dir.service.addCode(admin, b.id, { scheme: 'TAX', code: '0100000001', validFrom: '2024-01-01' });
    assert.equal((await dir.service.resolveCode('0100000001', new Date('2023-06-01')))?.heldBy.id, a.id);
    assert.equal((await dir.service.resolveCode('0100000001', new Date('2024-06-01')))?.heldBy.id, b.id);
    // The database itself refuses an overlap, even if the service's check were bypassed.
    await assert.rejects(
      tdb.database.pool.query(
        `INSERT INTO directory_codes (id, agency_id, scheme, code, valid_from) VALUES ($1, $2, 'TAX', '0100000001', '2025-01-01')`,
        [randomUUID(), a.id],
      ),
      /directory_codes_no_overlap/,
    );
  });

  it('merges agencies: closed codes resolve to their holder then and to the successor now', async () => {
    const a = await dir.service.createAgency(
      admin,
      agencyInput({ codes: [{ scheme: 'QD20', code: '000.00.00.X81' }] }),
    );
    const b = await dir.service.createAgency(
      admin,
      agencyInput({ codes: [{ scheme: 'QD20', code: '000.00.00.X82' }] }),
    );
    const merged = await dir.service.recordMerge(admin, {
      predecessors: ['X81', b.id],
      successor: b.id,
      effectiveOn: '2025-07-01',
      legalBasis: 'Nghị quyết thử nghiệm',
    });
    assert.deepEqual(merged.closed, [a.id]);
    const before = await dir.service.resolveCode('X81', new Date('2025-06-30'));
    assert.equal(before?.heldBy.id, a.id);
    assert.equal(before?.responsible.id, a.id);
    assert.equal(before?.current.id, b.id);
    const afterMerge = await dir.service.resolveCode('X81', new Date('2025-08-01'));
    assert.equal(afterMerge?.heldBy.id, a.id);
    assert.equal(afterMerge?.responsible.id, b.id);
    assert.deepEqual(
      afterMerge?.chain.map((x) => x.id),
      [a.id, b.id],
    );
    assert.equal((await dir.service.getAgency(a.id))?.active, false);
    const detail = await dir.service.getAgencyDetail(b.id);
    assert.equal(detail?.events[0]?.kind, 'merge');
    assert.deepEqual(
      detail?.predecessors.map((p) => p.id),
      [a.id],
    );
  });

  it('moves the surviving code of a merged agency to the successor', async () => {
    const a = await dir.service.createAgency(
      admin,
      agencyInput({ codes: [{ scheme: 'SHORT', code: 'X71' }] }),
    );
    const b = await dir.service.createAgency(admin, agencyInput());
    await dir.service.recordMerge(admin, {
      predecessors: [a.id],
      successor: b.id,
      effectiveOn: '2025-03-01',
      legalBasis: 'NQ thử nghiệm',
      survivingCode: 'X71',
    });
    assert.equal((await dir.service.resolveCode('X71', new Date('2025-02-01')))?.heldBy.id, a.id);
    assert.equal((await dir.service.resolveCode('X71', new Date('2025-04-01')))?.heldBy.id, b.id);
  });

  it('splits an agency and routes its codes to the default successor', async () => {
    const a = await dir.service.createAgency(
      admin,
      agencyInput({ codes: [{ scheme: 'SHORT', code: 'X61' }] }),
    );
    const s1 = await dir.service.createAgency(admin, agencyInput());
    const s2 = await dir.service.createAgency(admin, agencyInput());
    await assert.rejects(
      dir.service.recordSplit(admin, {
        predecessor: a.id,
        successors: [s1.id],
        defaultSuccessor: s2.id,
        effectiveOn: '2025-03-01',
        legalBasis: 'NQ',
      }),
      { code: 'DIRECTORY_EVENT_INVALID' },
    );
    await dir.service.recordSplit(admin, {
      predecessor: 'X61',
      successors: [s1.id, s2.id],
      defaultSuccessor: s2.id,
      effectiveOn: '2025-03-01',
      legalBasis: 'NQ thử nghiệm',
    });
    const r = await dir.service.resolveCode('X61');
    assert.equal(r?.heldBy.id, a.id);
    assert.equal(r?.current.id, s2.id);
    const detail = await dir.service.getAgencyDetail(a.id);
    assert.deepEqual(detail?.successors.map((s) => s.id).sort(), [s1.id, s2.id].sort());
  });

  it('detects an edit made on a stale version and keeps the names history', async () => {
    const a = await dir.service.createAgency(admin, agencyInput({ name: 'Sở Cũ' }));
    const detail = await dir.service.getAgencyDetail(a.id);
    const edit = {
      version: detail!.version,
      name: 'Sở Mới',
      shortName: null,
      kind: 'department' as const,
      parentId: null,
    };
    await dir.service.updateAgency(admin, a.id, {
      ...edit,
      effectiveOn: '2025-01-01',
      legalBasis: 'QĐ đổi tên',
    });
    await assert.rejects(dir.service.updateAgency(admin, a.id, { ...edit, name: 'Sở Khác' }), {
      code: 'DIRECTORY_VERSION_CONFLICT',
    });
    const after = await dir.service.getAgencyDetail(a.id);
    assert.equal(after?.name, 'Sở Mới');
    assert.deepEqual(
      after?.names.map((x) => [x.name, x.validFrom, x.validTo]),
      [
        ['Sở Cũ', '2020-01-01', '2025-01-01'],
        ['Sở Mới', '2025-01-01', null],
      ],
    );
    assert.equal(after?.events[0]?.kind, 'rename');
    assert.equal(
      (await dir.service.search({ q: 'so cu' })).items.some((i) => i.id === a.id),
      true,
    );
  });

  it('writes one audit event per change', async () => {
    const before = await tdb.database.pool.query(`SELECT count(*)::int AS n FROM audit_events`);
    const a = await dir.service.createAgency(admin, agencyInput());
    const rows = await tdb.database.pool.query<{ action: string; n: number }>(
      `SELECT action FROM audit_events WHERE $1 = ANY(subject_ids)`,
      [a.id],
    );
    assert.deepEqual(
      rows.rows.map((r) => r.action),
      ['directory.agency.create'],
    );
    const afterCount = await tdb.database.pool.query(`SELECT count(*)::int AS n FROM audit_events`);
    assert.equal(afterCount.rows[0].n, before.rows[0].n + 1);
  });
});
