import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import {
  createServicesModule,
  type ProcedureContent,
  type ServicesService,
} from '../../src/modules/services/index.ts';
import { birthLinkedSet, seedProcedures } from '../../src/modules/services/seed.ts';
import { systemContext, type RequestContext, type Role } from '../../src/platform/context.ts';
import type { AppError } from '../../src/platform/errors.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let tdb: TestDatabase;
let services: ServicesService;
let seed: (ctx: RequestContext) => Promise<Record<string, number>>;
let agencyA: AgencySummary;
let agencyB: AgencySummary;
const system = systemContext('test');

function official(agencyId: string, roles: Role[]): RequestContext {
  return {
    actor: {
      kind: 'official',
      accountId: `acc-${agencyId.slice(0, 8)}-${roles.join()}`,
      agencyId,
      roles,
      sessionId: null,
    },
    requestId: 'test',
    ip: null,
    locale: 'vi',
  };
}

/** A small valid procedure; `code` must be unique per test. */
export function makeContent(code: string, o: Partial<ProcedureContent> = {}): ProcedureContent {
  return {
    code,
    codeConfirmed: false,
    name: `Thủ tục thử nghiệm ${code}`,
    sector: { code: 'THU_NGHIEM', name: 'Thử nghiệm' },
    applicants: ['citizen'],
    agencies: { kinds: ['commune'], agencyIds: [], description: 'Ủy ban nhân dân cấp xã' },
    where: 'Bộ phận Một cửa',
    channels: ['online'],
    steps: [],
    papers: [],
    form: { fields: [{ key: 'fullName', type: 'text', label: 'Họ và tên', required: true }] },
    fees: [],
    timeLimit: { workingDays: 5 },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'electronic', name: 'Kết quả' },
    legalBasis: [],
    ...o,
  };
}

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: AppError) => {
    assert.equal(e.code, code);
    return true;
  });
}

before(async () => {
  tdb = await createTestDatabase();
  const logger = pino({ level: 'silent' });
  const directory = createDirectoryModule({ db: tdb.database.db, logger });
  const module = createServicesModule({ db: tdb.database.db, logger, directory: directory.service });
  services = module.service;
  seed = (ctx) => module.seed(ctx);
  agencyA = await directory.service.createAgency(system, {
    name: 'UBND xã Thử A',
    kind: 'commune',
    codes: [{ scheme: 'QD20', code: '001.01.01.H26' }],
  });
  agencyB = await directory.service.createAgency(system, {
    name: 'UBND xã Thử B',
    kind: 'commune',
    codes: [{ scheme: 'QD20', code: '002.02.02.H26' }],
  });
});
after(async () => {
  await tdb.drop();
});

describe('versioning', () => {
  it('edit → draft, publish → current, the old version stays readable', async () => {
    const p = await services.createProcedure(system, { content: makeContent('9.000001') });
    assert.equal(p.status, 'draft');
    assert.equal(await services.getPublished('9.000001'), null, 'a draft is not public');
    const v1 = (await services.publish(system, p.id)).currentVersionId!;
    assert.equal((await services.getPublished('9.000001'))?.version.number, 1);

    const draft = await services.saveDraft(system, p.id, {
      baseNumber: 1,
      content: makeContent('9.000001', { name: 'Tên mới' }),
    });
    assert.equal(draft.number, 2);
    assert.equal(draft.state, 'draft');
    assert.equal(
      (await services.getPublished('9.000001'))?.version.content.name,
      'Thủ tục thử nghiệm 9.000001',
      'the public still sees version 1',
    );
    assert.equal(await services.getVersion(draft.id), null, 'drafts are not readable by id');

    await services.saveDraft(system, p.id, {
      baseNumber: 2,
      content: makeContent('9.000001', { name: 'Tên mới hơn' }),
    });
    await rejects(
      services.saveDraft(system, p.id, { baseNumber: 1, content: makeContent('9.000001') }),
      'SERVICES_DRAFT_CONFLICT',
    );

    const published = await services.publish(system, p.id);
    assert.equal(published.latestNumber, 2);
    assert.equal((await services.getPublished('9.000001'))?.version.content.name, 'Tên mới hơn');
    const old = await services.getVersion(v1);
    assert.equal(old?.state, 'superseded');
    assert.equal(old?.content.name, 'Thủ tục thử nghiệm 9.000001');
    await rejects(services.publish(system, p.id), 'SERVICES_NOTHING_TO_PUBLISH');

    await services.unpublish(system, p.id);
    assert.equal(await services.getPublished('9.000001'), null);
    assert.equal(
      (await services.getVersion(published.currentVersionId!))?.state,
      'published',
      'a dossier can still read its version',
    );
    await services.publish(system, p.id);
    assert.ok(await services.getPublished('9.000001'));
    const view = await services.getForAdmin(system, p.id);
    assert.deepEqual(
      view.versions.map((v) => [v.number, v.state]),
      [
        [2, 'published'],
        [1, 'superseded'],
      ],
    );
  });

  it('refuses a taken code, a changed code and invalid content', async () => {
    await services.createProcedure(system, { content: makeContent('9.000002') });
    await rejects(
      services.createProcedure(system, { content: makeContent('9.000002') }),
      'SERVICES_CODE_TAKEN',
    );
    const p = await services.createProcedure(system, { content: makeContent('9.000003') });
    await rejects(
      services.saveDraft(system, p.id, { baseNumber: 1, content: makeContent('9.000004') }),
      'SERVICES_CODE_CHANGED',
    );
    const bad = { ...makeContent('9.000005'), form: { fields: [{ key: 'x', type: 'select', label: 'X' }] } };
    await assert.rejects(services.createProcedure(system, { content: bad }), (e: AppError) => {
      assert.equal(e.code, 'SERVICES_CONTENT_INVALID');
      assert.deepEqual((e.details as { fields: { field: string; message: string }[] }).fields, [
        { field: 'form.fields.0.options', message: 'FORM_DEF_OPTIONS_REQUIRED' },
      ]);
      return true;
    });
  });
});

describe('authorization', () => {
  it('lets an agency admin manage only its own procedures', async () => {
    const adminA = official(agencyA.id, ['admin']);
    const adminB = official(agencyB.id, ['admin']);
    const p = await services.createProcedure(adminA, { content: makeContent('9.000010') });
    assert.equal(p.ownerAgencyId, agencyA.id, 'an agency admin creates for its agency');
    await services.saveDraft(adminA, p.id, {
      baseNumber: 1,
      content: makeContent('9.000010', { name: 'Sửa bởi A' }),
    });
    await rejects(
      services.saveDraft(adminB, p.id, { baseNumber: 1, content: makeContent('9.000010') }),
      'SERVICES_PROCEDURE_NOT_FOUND',
    );
    await rejects(services.publish(adminB, p.id), 'SERVICES_PROCEDURE_NOT_FOUND');
    await rejects(services.getForAdmin(adminB, p.id), 'SERVICES_PROCEDURE_NOT_FOUND');
    await rejects(
      services.createProcedure(adminB, { ownerAgencyId: agencyA.id, content: makeContent('9.000011') }),
      'FORBIDDEN',
    );
    const listB = await services.listForAdmin(adminB, {});
    assert.ok(!listB.items.some((i) => i.id === p.id));
    assert.ok((await services.listForAdmin(adminA, {})).items.some((i) => i.id === p.id));
    const national = await services.createProcedure(system, { content: makeContent('9.000012') });
    await rejects(services.publish(adminA, national.id), 'SERVICES_PROCEDURE_NOT_FOUND');
  });

  it('refuses writes from non-admins (403) and anonymous (401)', async () => {
    const clerk = official(agencyA.id, ['one_stop_officer']);
    await rejects(services.createProcedure(clerk, { content: makeContent('9.000020') }), 'FORBIDDEN');
    const p = await services.createProcedure(system, { content: makeContent('9.000021') });
    await rejects(services.publish(clerk, p.id), 'FORBIDDEN');
    await rejects(services.listForAdmin(clerk, {}), 'FORBIDDEN');
    const anonymous: RequestContext = {
      actor: { kind: 'anonymous' },
      requestId: 't',
      ip: null,
      locale: 'vi',
    };
    await rejects(services.publish(anonymous, p.id), 'UNAUTHENTICATED');
  });
});

describe('seed and search', () => {
  it('seeds the 12 procedures and the linked set once', async () => {
    const first = await seed(system);
    assert.equal(first['procedures'], 12);
    const again = await seed(system);
    assert.deepEqual(again, { procedures: 0, proceduresKept: 12, linkedSets: 0 });
    for (const s of seedProcedures) assert.ok(await services.getPublished(s.content.code), s.content.code);
    const sets = await services.linkedSets();
    assert.deepEqual(
      sets.map((s) => s.code),
      [birthLinkedSet.code],
    );
    assert.equal(sets[0]?.parts.length, 3);
  });

  const first = async (q: string) => (await services.search({ q })).items[0]?.name ?? '(none)';

  it('finds procedures without diacritics and with typos, exact name first', async () => {
    assert.equal(await first('dang ky khai sinh'), 'Đăng ký khai sinh');
    assert.equal(await first('Đăng ký khai sinh'), 'Đăng ký khai sinh');
    assert.equal(await first('dang ki khai sin'), 'Đăng ký khai sinh');
    assert.equal(await first('khai sinh'), 'Đăng ký khai sinh');
    assert.equal(await first('ho chieu'), 'Cấp hộ chiếu phổ thông ở trong nước');
    assert.equal(await first('ket hon'), 'Đăng ký kết hôn');
    assert.equal(await first('ly lich tu phap'), seedProcedures[2]?.content.name ?? '');
    assert.equal(await first('giay phep xay dung'), 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ');
    assert.equal(await first('bao hiem y te tre em'), 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi');
    assert.equal(await first('1.000656'), 'Đăng ký khai tử');
    const none = await services.search({ q: 'xyzzy quux' });
    assert.equal(none.items.length, 0);
  });

  it('filters by sector and agency kind', async () => {
    const hoTich = await services.search({ sector: 'HO_TICH' });
    assert.deepEqual(hoTich.items.map((i) => i.name).sort(), [
      'Đăng ký khai sinh',
      'Đăng ký khai tử',
      'Đăng ký kết hôn',
    ]);
    const commune = await services.search({ q: 'khai sinh', agencyId: agencyA.id });
    assert.equal(commune.items[0]?.name, 'Đăng ký khai sinh');
    const units = await services.search({ agencyKind: 'unit' });
    assert.ok(units.items.every((i) => ['BHYT', 'DAT_DAI'].includes(i.sector.code)));
    const sectors = await services.sectors();
    assert.ok(sectors.some((s) => s.code === 'HO_TICH' && s.count === 3));
  });

  it('generates a template from the form', async () => {
    const file = await services.template('1.001193', 'toKhai');
    const text = file.body.toString('utf8');
    assert.match(text, /TỜ KHAI ĐĂNG KÝ KHAI SINH/);
    assert.match(text, /Họ, chữ đệm, tên của trẻ \(\*\)/);
    await rejects(services.template('1.001193', 'giayChungSinh'), 'SERVICES_TEMPLATE_NOT_FOUND');
  });
});
