import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { formatDossierCode } from '../../src/modules/dossiers/index.ts';
import type { MalwareScanner } from '../../src/modules/dossiers/index.ts';
import { createWorkCalendar, isoDateOfDay, localDay } from '../../src/platform/calendar/index.ts';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { citizenCtx, minimalPdf, officerCtx, startDossiersHarness, type DossiersHarness } from './harness.ts';

const clock = { now: null as Date | null };
const scanner: { verdict: 'clean' | 'infected' } = { verdict: 'clean' };
const scan: MalwareScanner = () => Promise.resolve(scanner.verdict);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let procedure: ProcedureContent;

async function filledDraft(at: { id: string } = agency) {
  const ctx = citizenCtx();
  const d = await h.dossiers.service.createDraft(ctx, {
    procedureCode: procedure.code,
    agencyId: at.id,
    applicantName: 'Nguyễn Thị Ánh Tuyết',
  });
  await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' });
  await h.dossiers.service.addPaper(ctx, d.id, {
    paperKey: 'giayChungSinh',
    fileName: 'chung-sinh.pdf',
    bytes: minimalPdf,
  });
  return { ctx, id: d.id };
}

describe('dossiers: filing and following through the service', () => {
  before(async () => {
    h = await startDossiersHarness({ options: { now: () => clock.now ?? new Date(), scan } });
    agency = await h.makeAgency('commune');
    procedure = await h.makeProcedure();
  });
  after(() => h.close());

  it('formats codes in the national pattern and pads the sequence', () => {
    const at = new Date('2026-11-20T18:30:00Z'); // 21/11/2026 01:30 in Vietnam
    assert.equal(
      formatDossierCode('{agencyCode}-{yyMMdd}-{seq:4}', { agencyCode: '000.00.01.H41', at, sequence: 7 }),
      '000.00.01.H41-261121-0007',
    );
    assert.equal(
      formatDossierCode('{agencyCode}-{yyyyMMdd}-{seq:7}', { agencyCode: 'G09.20', at, sequence: 92637 }),
      'G09.20-20261121-0092637',
    );
  });

  it('saves an incomplete draft, resumes it from the list, and refuses to submit it with the form errors', async () => {
    const ctx = citizenCtx();
    const d = await h.dossiers.service.createDraft(ctx, {
      procedureCode: procedure.code,
      agencyId: agency.id,
      applicantName: 'Lê Văn Khôi',
    });
    await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Bé An' });
    const mine = await h.dossiers.service.listMine(ctx);
    assert.deepEqual(
      mine.map((x) => [x.id, x.status]),
      [[d.id, 'draft']],
    );
    assert.deepEqual((await h.dossiers.service.get(ctx, d.id)).values, { childName: 'Bé An' });
    const problems = await h.dossiers.service.problems(ctx, d.id);
    assert.deepEqual(
      problems.form.map((i) => [i.path, i.code]),
      [['birthDate', 'FORM_REQUIRED']],
    );
    assert.deepEqual(problems.missingPapers, ['giayChungSinh']);
    await assert.rejects(h.dossiers.service.submit(ctx, d.id), /DOSSIER_INVALID/);
    await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Bé An', birthDate: '2099-01-01' });
    assert.equal((await h.dossiers.service.problems(ctx, d.id)).form[0]?.code, 'FORM_DATE_TOO_LATE');
  });

  it('refuses an agency that is not competent for the procedure', async () => {
    const department = await h.makeAgency('department');
    await assert.rejects(
      h.dossiers.service.createDraft(citizenCtx(), {
        procedureCode: procedure.code,
        agencyId: department.id,
        applicantName: 'A',
      }),
      /DOSSIER_AGENCY_NOT_COMPETENT/,
    );
  });

  it('checks uploads by content and lets the malware scanner refuse a file', async () => {
    const ctx = citizenCtx();
    const d = await h.dossiers.service.createDraft(ctx, {
      procedureCode: procedure.code,
      agencyId: agency.id,
      applicantName: 'Phạm Thu Hà',
    });
    const upload = (bytes: Buffer, fileName = 'giay.pdf') =>
      h.dossiers.service.addPaper(ctx, d.id, { paperKey: 'giayChungSinh', fileName, bytes });
    await assert.rejects(
      upload(Buffer.from('MZ this is an executable pretending'), 'giay.pdf'),
      /DOSSIER_FILE_REFUSED/,
    );
    await assert.rejects(upload(Buffer.alloc(0)), /DOSSIER_FILE_REFUSED/);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32)]);
    assert.equal((await upload(jpeg, 'anh.jpg')).media_type, 'image/jpeg');
    assert.equal((await upload(png, '../../etc/anh.png')).file_name, 'anh.png');
    scanner.verdict = 'infected';
    try {
      await assert.rejects(upload(minimalPdf), /DOSSIER_FILE_INFECTED/);
    } finally {
      scanner.verdict = 'clean';
    }
    assert.equal((await h.dossiers.service.papers(ctx, d.id)).length, 2);
  });

  it('submits: code from the agency day counter, due date in working days, status 1, notice and receipt', async () => {
    const { ctx, id } = await filledDraft();
    const { dossier, lookupSecret } = await h.dossiers.service.submit(ctx, id);
    const day = isoDateOfDay(localDay(new Date())).replaceAll('-', '').slice(2);
    assert.match(dossier.code ?? '', new RegExp(`^${agency.code.replaceAll('.', '\\.')}-${day}-\\d{4}$`));
    assert.equal(dossier.status, 'submitted');
    assert.equal(dossier.nationalStatus, 1);
    assert.equal(dossier.statusName.vi, 'Mới đăng ký');
    assert.match(lookupSecret, /^[A-Z2-9]{10}$/);
    const due = new Date(dossier.dueAt ?? '');
    assert.equal(
      due.getTime(),
      createWorkCalendar()
        .dueAfterWorkingDays(new Date(dossier.submittedAt ?? ''), 3)
        .getTime(),
    );
    const { rows } = await h.db.database.pool.query(
      `SELECT template FROM notify_notifications WHERE account_id = $1`,
      [ctx.actor.kind === 'citizen' ? ctx.actor.accountId : ''],
    );
    assert.deepEqual(
      rows.map((r: { template: string }) => r.template),
      ['dossier_received'],
    );
    const audit = await h.db.database.pool.query(
      `SELECT action FROM audit_events WHERE $1 = ANY(subject_ids) ORDER BY seq`,
      [id],
    );
    assert.ok(audit.rows.some((r: { action: string }) => r.action === 'dossiers.submitted'));
    await assert.rejects(h.dossiers.service.submit(ctx, id), /DOSSIER_WRONG_STATE/);

    // The submission wrote its receipt's source beside the row (no file); the first download
    // renders the PDF into the blob store and deletes the source with the lookup key it holds.
    const sources = async () =>
      Number(
        (
          await h.db.database.pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM dossiers_receipt_sources WHERE dossier_id = $1',
            [id],
          )
        ).rows[0]?.n,
      );
    assert.equal(await sources(), 1);
    const { pdf } = await h.dossiers.service.receipt(ctx, id);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.equal(await sources(), 0);
    assert.ok((await h.dossiers.service.receipt(ctx, id)).pdf.equals(pdf), 'the stored PDF the second time');
    if (existsSync('/usr/bin/pdftotext')) {
      const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf })
        .toString('utf8')
        .normalize('NFC');
      for (const expected of [
        'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
        dossier.code ?? '',
        'Nguyễn Thị Ánh Tuyết',
        procedure.name,
        'Giấy chứng sinh',
        'Lệ phí đăng ký',
        '8.000 đồng',
        'Ngày hẹn trả kết quả',
        lookupSecret,
      ])
        assert.ok(text.includes(expected), `receipt shows ${expected}`);
    }
    const found = await h.dossiers.service.lookup(dossier.code ?? '', lookupSecret.toLowerCase());
    assert.deepEqual(Object.keys(found).sort(), [
      'agencyName',
      'code',
      'dueAt',
      'nationalStatus',
      'procedureName',
      'status',
      'statusName',
      'submittedAt',
    ]);
    await assert.rejects(
      h.dossiers.service.lookup(dossier.code ?? '', 'WRONGSECRET'),
      /DOSSIER_LOOKUP_FAILED/,
    );
  });

  it('gives 20 parallel submissions at one agency distinct, consecutive numbers', async () => {
    const busy = await h.makeAgency('commune');
    const drafts = await Promise.all(Array.from({ length: 20 }, () => filledDraft(busy)));
    const submitted = await Promise.all(drafts.map((d) => h.dossiers.service.submit(d.ctx, d.id)));
    const numbers = submitted
      .map((s) => Number((s.dossier.code ?? '').split('-').at(-1)))
      .sort((a, b) => a - b);
    assert.deepEqual(
      numbers,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('counts the due date across the 30/04–01/05 holidays, and restarts numbering on a new day', async () => {
    const other = await h.makeAgency('commune');
    const localAgency = agency;
    agency = other;
    try {
      // Drafts are made today (the agency's code is valid from today); submitted on the days below.
      const first = await filledDraft();
      const second = await filledDraft();
      clock.now = new Date('2026-04-29T02:00:00Z'); // Wednesday 29/04/2026, 09:00 in Vietnam
      const a = await h.dossiers.service.submit(first.ctx, first.id);
      const dueDay = isoDateOfDay(localDay(new Date(a.dossier.dueAt ?? '')));
      const calendar = createWorkCalendar();
      assert.ok(!calendar.isWorkingDay(localDay(new Date('2026-04-30T05:00:00Z'))), '30/04 is a holiday');
      assert.ok(dueDay >= '2026-05-05', `due ${dueDay} skips the holidays and the weekend`);
      assert.equal(a.dossier.code, `${other.code}-260429-0001`);
      clock.now = new Date('2026-04-30T02:00:00Z');
      assert.equal(
        (await h.dossiers.service.submit(second.ctx, second.id)).dossier.code,
        `${other.code}-260430-0001`,
      );
    } finally {
      clock.now = null;
      agency = localAgency;
    }
  });

  it('follows a dossier: receive, supplement, result, feedback, statistics; withdrawal before the end', async () => {
    const { ctx, id } = await filledDraft();
    await h.dossiers.service.submit(ctx, id);
    const officer = officerCtx(agency.id);
    await h.dossiers.service.receive(officer, id);
    await h.dossiers.service.requestSupplement(
      officer,
      id,
      'Bản sao giấy chứng sinh bị mờ, đề nghị tải lại.',
    );
    assert.equal((await h.dossiers.service.get(ctx, id)).nationalStatus, 5);
    await assert.rejects(h.dossiers.service.completeSupplement(ctx, id, ''), /DOSSIER_INVALID/);
    await h.dossiers.service.addPaper(ctx, id, { paperKey: 'giayChungSinh', fileName: 'ro.png', bytes: png });
    assert.equal((await h.dossiers.service.completeSupplement(ctx, id, 'Đã tải lại')).status, 'processing');
    await assert.rejects(h.dossiers.service.returnResult(officer, id, png), /DOSSIER_FILE_REFUSED/);
    const done = await h.dossiers.service.returnResult(officer, id, minimalPdf);
    assert.equal(done.nationalStatus, 10);
    assert.deepEqual((await h.dossiers.service.result(ctx, id)).pdf, minimalPdf);
    const timeline = await h.dossiers.service.timeline(ctx, id);
    assert.deepEqual(
      timeline.map((e) => `${e.kind}:${e.nationalStatus}`),
      // Step hand-offs (the back office's form 06 lines) and documents issued are on it too.
      [
        'status:1',
        'status:2',
        'step:2',
        'status:5',
        'document:5',
        'supplemented:5',
        'status:4',
        'step:4',
        'status:9',
        'status:10',
      ],
    );
    await assert.rejects(h.dossiers.service.withdraw(ctx, id, ''), /DOSSIER_WRONG_STATE/);
    await h.dossiers.service.giveFeedback(ctx, id, { rating: 4, comment: 'Nhanh, đúng hẹn' });
    await assert.rejects(
      h.dossiers.service.giveFeedback(ctx, id, { rating: 5, comment: '' }),
      /DOSSIER_INVALID/,
    );
    const [stats] = await h.dossiers.service.statistics({
      agencyId: agency.id,
      procedureCode: procedure.code,
    });
    assert.ok(stats && stats.completed === 1 && stats.onTimeRate === 1 && stats.averageRating === 4);
    assert.ok(stats.received >= 2);

    const other = await filledDraft();
    await h.dossiers.service.submit(other.ctx, other.id);
    assert.equal((await h.dossiers.service.withdraw(other.ctx, other.id, 'Nộp nhầm')).nationalStatus, 7);
  });

  it('answers 404 to another citizen and to an officer of another agency', async () => {
    const { ctx, id } = await filledDraft();
    await h.dossiers.service.submit(ctx, id);
    const stranger = citizenCtx();
    const s = h.dossiers.service;
    const elsewhere = officerCtx((await h.makeAgency()).id);
    for (const attempt of [
      () => s.get(stranger, id),
      () => s.timeline(stranger, id),
      () => s.papers(stranger, id),
      () => s.receipt(stranger, id),
      () => s.result(stranger, id),
      () => s.pay(stranger, id),
      () => s.withdraw(stranger, id, ''),
      () => s.giveFeedback(stranger, id, { rating: 5, comment: '' }),
      () => s.receive(elsewhere, id),
      () => s.receive(officerCtx(agency.id, ['specialist']), id),
      () => s.get(ctx, '00000000-0000-4000-8000-000000000000'),
    ])
      await assert.rejects(attempt(), (e: { status?: number }) => e.status === 404);
    // The officer cannot act as the citizen either.
    await assert.rejects(
      s.withdraw(officerCtx(agency.id), id, ''),
      (e: { status?: number }) => e.status === 404,
    );
  });
});
