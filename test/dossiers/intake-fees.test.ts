// Fees of dossiers that do not come through the online form: taken at the counter, or imported
// from the national portal. Both follow the procedure's fee rules (`dossierFees`, the computation
// online filing uses), so the same answers cost the same, and a fee whose condition is only words
// is left to the agency instead of being added to the total.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import { importFiledDossier } from '../../src/modules/dossiers/sync/import.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { PageClient } from '../support/client.ts';
import { citizenCtx, minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';
import { postIntakePage } from './intake-support.ts';

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let procedure: ProcedureContent;
let desk: PageClient;

/** What the online form charges for these answers: a citizen's draft, as the review page shows it. */
async function onlineFees(values: Record<string, unknown>) {
  const ctx = citizenCtx();
  const s = h.dossiers.service;
  const d = await s.createDraft(ctx, {
    procedureCode: procedure.code,
    agencyId: agency.id,
    applicantName: 'Người Nộp Trực Tuyến',
  });
  await s.saveValues(ctx, d.id, values);
  await s.addPaper(ctx, d.id, { paperKey: 'giayChungSinh', fileName: 'cs.pdf', bytes: minimalPdf });
  const review = await s.fees(ctx, d.id);
  const { dossier } = await s.submit(ctx, d.id);
  assert.equal(dossier.feeTotal, review.total, 'online: what the review shows is what is charged');
  return review.total;
}

describe('fees of counter and imported dossiers follow the procedure’s fee rules', () => {
  before(async () => {
    h = await startDossiersHarness();
    agency = await h.makeAgency('commune');
    const fee = (name: string, amount: number, more: Partial<ProcedureContent['fees'][number]> = {}) => ({
      kind: 'phi' as const,
      name,
      amount,
      ...more,
    });
    const base = await h.makeProcedure();
    procedure = await h.makeProcedure({
      form: {
        fields: [
          ...base.form.fields,
          { key: 'copies', type: 'number', label: 'Số bản sao', required: true, min: 1, max: 10 },
          { key: 'reducedFee', type: 'checkbox', label: 'Thuộc đối tượng được giảm phí' },
        ],
      },
      fees: [
        fee('Phí cấp', 200_000, { unless: { field: 'reducedFee', equals: true } }),
        fee('Phí cấp (giảm)', 100_000, { when: { field: 'reducedFee', equals: true } }),
        fee('Phí từ bản thứ 3', 5_000, { perUnit: { field: 'copies', free: 2 } }),
        fee('Phí xác minh', 50_000, { condition: 'khi phải xác minh ở nhiều nơi' }),
      ],
    });
    desk = await h.official(agency.id, ['one_stop_officer']);
  });
  after(() => h.close());

  it('charges at the counter what the online form charges for the same answers, and shows it to the officer', async () => {
    const answers = { childName: 'Đặng An', birthDate: '2026-01-15', copies: 5, reducedFee: true };
    const online = await onlineFees(answers);
    assert.equal(online, 100_000 + 3 * 5_000, 'reduced fee and three copies beyond the two free ones');

    const r = await postIntakePage(
      h.baseUrl,
      desk,
      procedure.code,
      {
        channel: 'counter',
        applicantName: 'Đặng Văn Quầy',
        'f.childName': answers.childName,
        'f.birthDate': answers.birthDate,
        'f.copies': String(answers.copies),
        'f.reducedFee': 'on',
      },
      [{ field: 'paper.giayChungSinh', bytes: minimalPdf, name: 'cs.pdf' }],
    );
    const html = r.html;
    assert.equal(r.status, 200);
    assert.match(html, /115\.000 đ — chưa nộp/, 'the officer sees the fee to collect');
    const code = /Đã ghi nhận hồ sơ ([0-9A-Z.]+-\d{6}-\d{4})/.exec(html)?.[1];
    const counter = (await h.dossiers.service.listForAgency(h.officerCtxFor(agency.id))).find(
      (d) => d.code === code,
    );
    assert.equal(counter?.feeTotal, online);

    // The same through the API, without the reduction and with one copy: the full fee only.
    const api = await desk.request('POST', '/api/v1/backoffice/intake', {
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        procedureCode: procedure.code,
        channel: 'post',
        applicant: { name: 'Đặng Thị Bưu' },
        values: { childName: 'Đặng Bình', birthDate: '2026-01-16', copies: 1 },
        scans: [{ fileName: 'cs.pdf', contentBase64: minimalPdf.toString('base64') }],
      }),
    });
    assert.equal(api.status, 201);
    const { dossier } = (await api.json()) as { dossier: { feeTotal: number } };
    assert.equal(
      dossier.feeTotal,
      await onlineFees({ childName: 'Đặng Bình', birthDate: '2026-01-16', copies: 1 }),
    );
    assert.equal(dossier.feeTotal, 200_000);
  });

  it('charges an imported dossier by the rules on the answers it carries (none), not the sum of every fee', async () => {
    const directory = createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') });
    const outcome = await importFiledDossier(
      {
        db: h.db.database.db,
        directory: directory.service,
        services: h.services.service,
        calendar: createWorkCalendar(),
        observers: () => [],
        now: () => new Date(),
      },
      {
        MaHoSo: `G22.99-${String(Date.now()).slice(-6)}-0001`,
        MaTTHC: procedure.code,
        TenTTHC: procedure.name,
        MaDonViTiepNhan: agency.code,
        ChuHoSo: 'Lê Văn Cổng',
        LoaiDoiTuong: '1',
        MaDoiTuong: '001099012345',
        Email: '',
        SoDienThoai: '',
        DiaChi: '',
        TrichYeuHoSo: 'Đăng ký khai sinh',
        NgayNop: '20261120090000',
        TaiLieuNop: [],
      },
    );
    assert.equal(outcome.kind, 'imported');
    const id = outcome.kind === 'imported' ? outcome.dossierId : '';
    const imported = await h.dossiers.service.officerDossier(h.officerCtxFor(agency.id), id);
    // The full fee (not reduced), no copy beyond the free ones, the verification fee left to the
    // agency: what the online form charges for one copy without the reduction.
    assert.equal(imported.feeTotal, 200_000);
    assert.notEqual(imported.feeTotal, 200_000 + 100_000 + 5_000 + 50_000);
  });
});
