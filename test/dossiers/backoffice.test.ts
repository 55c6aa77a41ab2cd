import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import type { StatusChange, StepHandOff } from '../../src/modules/dossiers/index.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { systemContext, type RequestContext } from '../../src/platform/context.ts';
import { workflowStepsSchema } from '../../src/modules/dossiers/workflow/definition.ts';
import {
  citizenCtx,
  minimalPdf,
  startDossiersHarness,
  type DossiersHarness,
  vn,
  rejectsWith,
} from './harness.ts';

const clock = { now: null as Date | null };
const calendar = createWorkCalendar();
/** Local time in Vietnam (UTC+7). */

const pdfText = (pdf: Buffer) =>
  existsSync('/usr/bin/pdftotext')
    ? execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf })
        .toString('utf8')
        .normalize('NFC')
    : null;

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let procedure: ProcedureContent;
let desk: RequestContext;
let desk2: RequestContext;
let specialist: RequestContext;
let specialist2: RequestContext;
let leader: RequestContext;
const statusChanges: StatusChange[] = [];
const handOffs: StepHandOff[] = [];

async function submitted(applicantName = 'Nguyễn Thị Ánh Tuyết') {
  const ctx = citizenCtx();
  const s = h.dossiers.service;
  const d = await s.createDraft(ctx, { procedureCode: procedure.code, agencyId: agency.id, applicantName });
  await s.saveValues(ctx, d.id, { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' });
  await s.addPaper(ctx, d.id, { paperKey: 'giayChungSinh', fileName: 'chung-sinh.pdf', bytes: minimalPdf });
  const { dossier } = await s.submit(ctx, d.id);
  return { ctx, id: d.id, dossier };
}

/** Accepted, and the first step taken by the specialist. */
async function inProcessing() {
  const f = await submitted();
  const s = h.dossiers.service;
  let d = await s.accept(desk, f.id, { version: f.dossier.rowVersion });
  d = await s.take(specialist, f.id, { version: d.rowVersion });
  return { ...f, dossier: d };
}

describe('dossiers back office: desk, workflow, results, deadlines, work lists', () => {
  before(async () => {
    h = await startDossiersHarness({ options: { now: () => clock.now ?? new Date() } });
    agency = await h.makeAgency('commune');
    await h.certify(agency);
    procedure = await h.makeProcedure();
    desk = await h.officialCtx(agency.id, ['one_stop_officer'], 'Lê Thị Một Cửa');
    desk2 = await h.officialCtx(agency.id, ['one_stop_officer'], 'Đỗ Văn Tiếp Nhận');
    specialist = await h.officialCtx(agency.id, ['specialist'], 'Phạm Văn Thẩm Định');
    specialist2 = await h.officialCtx(agency.id, ['specialist'], 'Vũ Thị Chuyên Viên');
    leader = await h.officialCtx(agency.id, ['unit_leader'], 'Hoàng Văn Lãnh Đạo');
    h.dossiers.observe({
      name: 'test',
      statusChanged: (_trx, c) => {
        statusChanges.push(c);
        return Promise.resolve();
      },
      stepHandedOff: (_trx, o) => {
        handOffs.push(o);
        return Promise.resolve();
      },
    });
  });
  after(async () => {
    clock.now = null;
    await h.close();
  });

  it('receives a dossier, runs it through three steps by three officials, signs, numbers and returns it', async () => {
    clock.now = vn('2026-11-23T09:00:00'); // a Monday
    const f = await submitted();
    const s = h.dossiers.service;
    const queue = await s.receivingQueue(desk);
    assert.ok(queue.items.some((d) => d.id === f.id));

    // A stale version is refused with a clear conflict.
    await assert.rejects(
      s.accept(desk, f.id, { version: f.dossier.rowVersion - 1 }),
      rejectsWith('DOSSIER_CONFLICT', 409),
    );
    // The receipt's source (with the lookup key) kept beside the row at submission goes when
    // form 01 is issued again at acceptance.
    const sources = async () =>
      (await h.db.database.pool.query('SELECT 1 FROM dossiers_receipt_sources WHERE dossier_id = $1', [f.id]))
        .rowCount;
    assert.equal(await sources(), 1);
    const accepted = await s.accept(desk, f.id, { version: f.dossier.rowVersion });
    assert.equal(await sources(), 0);
    assert.equal(accepted.status, 'received');
    assert.equal(accepted.receivedAt, clock.now.toISOString());
    assert.equal(accepted.dueAt, calendar.dueAfterWorkingDays(clock.now, 3).toISOString());
    assert.equal(accepted.originalDueAt, accepted.dueAt);
    let steps = await s.steps(desk, f.id);
    assert.equal(steps.length, 1);
    assert.equal(steps[0]?.role, 'specialist');
    assert.equal(steps[0]?.dueAt, calendar.dueAfterWorkingDays(clock.now, 1).toISOString());
    const receipt = pdfText(await s.document(f.ctx, f.id, '01'));
    if (receipt) assert.match(receipt, /Thời điểm tiếp nhận/);

    // The desk cannot do the specialist's step.
    await assert.rejects(
      s.take(desk, f.id, { version: accepted.rowVersion }),
      rejectsWith('DOSSIER_STEP_NOT_YOURS', 409),
    );
    clock.now = vn('2026-11-23T10:00:00');
    let d = await s.take(specialist, f.id, { version: accepted.rowVersion });
    // The result is signed at the step before the return, not at the examination.
    await assert.rejects(
      s.issueResult(specialist, f.id, { version: d.rowVersion }),
      rejectsWith('DOSSIER_STEP_NOT_YOURS', 409),
    );
    d = await s.forward(specialist, f.id, { version: d.rowVersion, note: 'Hồ sơ hợp lệ' });
    assert.equal(d.status, 'processing');

    clock.now = vn('2026-11-24T10:00:00'); // the approval was allotted 4 working hours: late
    d = await s.take(leader, f.id, { version: d.rowVersion });
    d = await s.forward(leader, f.id, { version: d.rowVersion, note: 'Đồng ý' });

    // Signing: the result is needed before the return step.
    d = await s.take(leader, f.id, { version: d.rowVersion });
    await assert.rejects(
      s.forward(leader, f.id, { version: d.rowVersion }),
      rejectsWith('DOSSIER_RESULT_MISSING', 409),
    );
    d = await s.issueResult(leader, f.id, { version: d.rowVersion });
    assert.equal(d.resultReference, `1/2026/KQ-${agency.code}`);
    assert.equal(d.resultSigned, true);
    const verified = await s.verifyResult(f.ctx, f.id);
    assert.equal(verified.signature.result, 'valid');
    assert.equal(verified.pdfMatches, true);
    const result = pdfText((await s.result(f.ctx, f.id)).pdf);
    if (result) {
      for (const expected of [
        procedure.result.name.toUpperCase(),
        `Số: 1/2026/KQ-${agency.code}`,
        'Trần Minh Khôi',
        'Hoàng Văn Lãnh Đạo',
      ])
        assert.ok(result.includes(expected), `result shows ${expected}`);
    }
    d = await s.forward(leader, f.id, { version: d.rowVersion });
    assert.equal(d.status, 'result_ready');
    assert.equal(d.timeliness, 'early');

    clock.now = vn('2026-11-24T14:00:00');
    d = await s.deliver(desk, f.id, { version: d.rowVersion, method: 'counter' });
    assert.equal(d.status, 'delivered');
    assert.equal(d.returnMethod, 'counter');
    assert.ok(d.archivedAt);

    steps = await s.steps(f.ctx, f.id); // the citizen sees every step
    assert.deepEqual(
      steps.map((x) => [x.key, x.outcome, x.timeliness, x.finishedByName]),
      [
        ['tham_dinh', 'forwarded', 'on_time', 'Phạm Văn Thẩm Định'],
        ['phe_duyet', 'forwarded', 'late', 'Hoàng Văn Lãnh Đạo'],
        ['ky', 'forwarded', 'on_time', 'Hoàng Văn Lãnh Đạo'],
        ['tra_ket_qua', 'finished', 'on_time', 'Lê Thị Một Cửa'],
      ],
    );
    const mine = handOffs.filter((o) => o.dossier.id === f.id);
    assert.deepEqual(
      mine.map((o) => [o.seq, o.stepKey, o.officerName, o.timeliness]),
      steps.map((x) => [x.seq, x.key, x.finishedByName, x.timeliness]),
    );
    assert.deepEqual(
      statusChanges.filter((c) => c.dossier.id === f.id).map((c) => c.status),
      ['submitted', 'received', 'processing', 'result_ready', 'delivered'],
    );
    const sheet = pdfText(await s.controlSheet(desk, f.id))?.replace(/\s+/g, ' ');
    if (sheet)
      for (const expected of [
        'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
        'Thẩm định hồ sơ Lê Thị Một Cửa Phạm Văn Thẩm Định',
        'Quá hạn',
        'Trả kết quả Hoàng Văn Lãnh Đạo Lê Thị Một Cửa',
      ])
        assert.ok(sheet.includes(expected), `form 06 shows ${expected}`);
    const timeline = await s.timeline(f.ctx, f.id);
    assert.ok(timeline.some((e) => e.kind === 'step' && e.note?.startsWith('Thẩm định hồ sơ')));
    assert.ok(timeline.some((e) => e.kind === 'archived'));
  });

  it('lets exactly one of two officers acting at once win; the other gets DOSSIER_CONFLICT', async () => {
    clock.now = vn('2026-11-25T09:00:00');
    const f = await submitted();
    const both = await Promise.allSettled([
      h.dossiers.service.accept(desk, f.id, { version: f.dossier.rowVersion }),
      h.dossiers.service.accept(desk2, f.id, { version: f.dossier.rowVersion }),
    ]);
    assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = both.find((r) => r.status === 'rejected');
    assert.ok(lost && rejectsWith('DOSSIER_CONFLICT', 409)(lost.reason as { code?: string }));
    const d = await h.dossiers.service.get(desk, f.id);
    const takes = await Promise.allSettled([
      h.dossiers.service.take(specialist, f.id, { version: d.rowVersion }),
      h.dossiers.service.take(specialist2, f.id, { version: d.rowVersion }),
    ]);
    assert.equal(takes.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal((await h.dossiers.service.steps(desk, f.id)).length, 1);
  });

  it('takes a dossier at the counter for someone without an account, and refuses another with form 03', async () => {
    clock.now = vn('2026-11-25T09:30:00');
    const s = h.dossiers.service;
    await assert.rejects(
      s.intake(specialist, {
        procedureCode: procedure.code,
        channel: 'counter',
        applicant: { name: 'X' },
        values: {},
        scans: [],
      }),
      rejectsWith('DOSSIER_NOT_FOUND', 404),
    );
    const { dossier, lookupSecret } = await s.intake(desk, {
      procedureCode: procedure.code,
      channel: 'counter',
      applicant: { name: 'Bùi Văn Quầy', idNumber: '001099012345', phone: '0912345678' },
      values: { childName: 'Bùi Minh An', birthDate: '2026-02-01' },
      scans: [{ fileName: 'ho-so-giay.pdf', bytes: minimalPdf }],
    });
    assert.equal(dossier.status, 'submitted');
    assert.equal(dossier.channel, 'counter');
    assert.equal((await s.lookup(dossier.code ?? '', lookupSecret)).status, 'submitted');
    const receipt = pdfText(await s.receipt(desk, dossier.id).then((r) => r.pdf));
    if (receipt) {
      assert.ok(receipt.includes('Trực tiếp'));
      assert.ok(receipt.includes(lookupSecret));
    }
    const post = await s.intake(desk, {
      procedureCode: procedure.code,
      channel: 'post',
      applicant: { name: 'Ngô Thị Bưu Điện' },
      values: { childName: 'Ngô An', birthDate: '2026-03-01' },
      scans: [{ fileName: 'scan.pdf', bytes: minimalPdf }],
    });
    await assert.rejects(
      s.refuse(desk, post.dossier.id, { version: post.dossier.rowVersion, reasons: '' }),
      rejectsWith('DOSSIER_INVALID', 400),
    );
    const refused = await s.refuse(desk, post.dossier.id, {
      version: post.dossier.rowVersion,
      reasons: 'Không thuộc thẩm quyền giải quyết\nThiếu giấy chứng sinh bản chính',
    });
    assert.equal(refused.status, 'refused');
    assert.equal(refused.nationalStatus, 3);
    const form03 = pdfText(await s.document(desk, post.dossier.id, '03'));
    if (form03) {
      assert.ok(form03.includes('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ'));
      assert.ok(form03.includes('Thiếu giấy chứng sinh bản chính'));
    }
  });

  it('asks for a supplement (form 02), resumes at the same step, extends with form 04, sends back, reassigns and stops with form 05', async () => {
    clock.now = vn('2026-11-26T09:00:00');
    const s = h.dossiers.service;
    const f = await inProcessing();
    let d = await s.requestSupplement(
      desk,
      f.id,
      'Bản sao giấy chứng sinh\nẢnh của trẻ',
      f.dossier.rowVersion,
    );
    assert.equal(d.status, 'awaiting_supplement');
    const form02 = pdfText(await s.document(f.ctx, f.id, '02'));
    if (form02)
      for (const t of ['PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ', 'Ảnh của trẻ'])
        assert.ok(form02.includes(t));
    clock.now = vn('2026-11-27T09:00:00');
    await s.addPaper(f.ctx, f.id, { paperKey: 'giayChungSinh', fileName: 'bo-sung.pdf', bytes: minimalPdf });
    d = await s.completeSupplement(f.ctx, f.id, 'Đã bổ sung');
    assert.equal(d.status, 'processing');
    // The clock restarts (the default workflow) and the specialist who held it gets it back.
    assert.equal(d.dueAt, calendar.dueAfterWorkingDays(clock.now, 3).toISOString());
    let steps = await s.steps(desk, f.id);
    assert.deepEqual(
      steps.map((x) => [x.key, x.outcome, x.assigneeName]),
      [
        ['tham_dinh', 'supplement', 'Phạm Văn Thẩm Định'],
        ['tham_dinh', null, 'Phạm Văn Thẩm Định'],
      ],
    );
    d = await s.take(specialist, f.id, { version: d.rowVersion });
    d = await s.forward(specialist, f.id, { version: d.rowVersion });
    d = await s.take(leader, f.id, { version: d.rowVersion });
    // Sent back to the examination: it goes to the specialist who did it.
    await assert.rejects(
      s.sendBack(leader, f.id, { version: d.rowVersion, toStepKey: 'tham_dinh', note: ' ' }),
      rejectsWith('DOSSIER_INVALID', 400),
    );
    d = await s.sendBack(leader, f.id, {
      version: d.rowVersion,
      toStepKey: 'tham_dinh',
      note: 'Xác minh lại ngày sinh',
    });
    steps = await s.steps(desk, f.id);
    assert.equal(steps.at(-1)?.assigneeName, 'Phạm Văn Thẩm Định');
    assert.equal(steps.at(-2)?.outcome, 'sent_back');
    // Reassigned to a colleague with the role; not to the desk officer.
    await assert.rejects(
      s.reassign(specialist, f.id, {
        version: d.rowVersion,
        assigneeId: desk.actor.kind === 'official' ? desk.actor.accountId : '',
      }),
      rejectsWith('DOSSIER_ASSIGNEE_INVALID', 400),
    );
    const other = specialist2.actor.kind === 'official' ? specialist2.actor.accountId : '';
    d = await s.reassign(specialist, f.id, { version: d.rowVersion, assigneeId: other, note: 'Nghỉ phép' });
    assert.equal((await s.steps(desk, f.id)).at(-1)?.assigneeName, 'Vũ Thị Chuyên Viên');
    await assert.rejects(
      s.forward(specialist, f.id, { version: d.rowVersion }),
      rejectsWith('DOSSIER_STEP_NOT_YOURS', 409),
    );

    // Extension (form 04): original and extended due dates are both kept.
    await assert.rejects(
      s.extend(specialist2, f.id, { version: d.rowVersion, reason: 'Chờ xác minh', workingDays: 2 }),
      rejectsWith('DOSSIER_STEP_NOT_YOURS', 409),
    );
    const before = d;
    d = await s.extend(leader, f.id, {
      version: d.rowVersion,
      reason: 'Chờ xác minh của cơ quan khác',
      workingDays: 2,
    });
    assert.equal(d.originalDueAt, before.dueAt);
    assert.equal(d.extendedDueAt, d.dueAt);
    const day = (iso: string | null) => Math.floor((Date.parse(iso ?? '') + 7 * 3_600_000) / 86_400_000);
    assert.equal(day(d.dueAt), calendar.addWorkingDays(day(before.dueAt), 2));
    const form04 = pdfText(await s.document(f.ctx, f.id, '04'));
    if (form04)
      for (const t of ['VĂN BẢN XIN LỖI', 'Ngày hẹn trả ban đầu', 'Ngày hẹn trả mới'])
        assert.ok(form04.includes(t), t);

    d = await s.stop(leader, f.id, { version: d.rowVersion, reason: 'Người nộp đề nghị dừng' });
    assert.equal(d.status, 'stopped');
    assert.equal(d.nationalStatus, 8);
    const form05 = pdfText(await s.document(desk, f.id, '05'));
    if (form05) assert.ok(form05.includes('Người nộp đề nghị dừng'));
    assert.equal((await s.steps(desk, f.id)).at(-1)?.outcome, 'stopped');
  });

  it('pauses the clock during a supplement when the workflow says so, and closes the step when the citizen withdraws', async () => {
    const s = h.dossiers.service;
    const own = await h.makeProcedure({ name: 'Thủ tục dừng đồng hồ' });
    const admin = await h.officialCtx(agency.id, ['admin'], 'Quản Trị Xã');
    await s.saveWorkflow(admin, own.code, {
      supplementClock: 'pause',
      steps: [
        {
          key: 'tham_dinh',
          name: { vi: 'Thẩm định', en: 'Examination' },
          role: 'specialist',
          allotted: { workingDays: 2 },
        },
        {
          key: 'tra_ket_qua',
          name: { vi: 'Trả kết quả', en: 'Return' },
          role: 'one_stop_officer',
          allotted: { workingHours: 2 },
        },
      ],
    });
    clock.now = vn('2026-12-07T09:00:00'); // Monday
    const ctx = citizenCtx();
    const draft = await s.createDraft(ctx, {
      procedureCode: own.code,
      agencyId: agency.id,
      applicantName: 'Đào Thị Chờ',
    });
    await s.saveValues(ctx, draft.id, { childName: 'Đào An', birthDate: '2026-01-15' });
    await s.addPaper(ctx, draft.id, { paperKey: 'giayChungSinh', fileName: 'cs.pdf', bytes: minimalPdf });
    const { dossier } = await s.submit(ctx, draft.id);
    let d = await s.accept(desk, draft.id, { version: dossier.rowVersion });
    const due = d.dueAt;
    assert.equal(
      (await s.requestSupplement(desk, draft.id, 'Ảnh của trẻ', d.rowVersion)).status,
      'awaiting_supplement',
    );
    clock.now = vn('2026-12-09T10:00:00'); // two working days later
    await s.addPaper(ctx, draft.id, { paperKey: 'giayChungSinh', fileName: 'anh.pdf', bytes: minimalPdf });
    d = await s.completeSupplement(ctx, draft.id, '');
    const day = (iso: string | null) => Math.floor((Date.parse(iso ?? '') + 7 * 3_600_000) / 86_400_000);
    assert.equal(day(d.dueAt), calendar.addWorkingDays(day(due), 2), 'the wait is added to the due date');
    await s.withdraw(ctx, draft.id, 'Không cần nữa');
    const steps = await s.steps(ctx, draft.id);
    assert.equal(steps.at(-1)?.outcome, 'withdrawn');
    assert.ok(steps.every((x) => x.finishedAt !== null));
  });

  it('numbers results consecutively per agency and year, also when issued at once', async () => {
    clock.now = vn('2026-11-30T09:00:00');
    const s = h.dossiers.service;
    const ready = [];
    for (let i = 0; i < 3; i++) {
      const f = await inProcessing();
      let d = await s.forward(specialist, f.id, { version: f.dossier.rowVersion });
      d = await s.take(leader, f.id, { version: d.rowVersion });
      ready.push({
        id: f.id,
        version: (await s.forward(leader, f.id, { version: d.rowVersion })).rowVersion,
      });
    }
    const issued = await Promise.all(ready.map((r) => s.issueResult(leader, r.id, { version: r.version })));
    assert.deepEqual(issued.map((d) => Number(d.resultReference?.split('/')[0])).sort(), [2, 3, 4]);
  });

  it('lists my tasks, my unit’s, due soon and overdue; searches with filters and cursors; warns before due', async () => {
    clock.now = vn('2026-12-01T08:30:00'); // Tuesday
    const s = h.dossiers.service;
    const f = await inProcessing(); // taken by the specialist, due at 17:00 today
    const queued = await submitted('Trương Thị Hàng Đợi');
    await s.accept(desk, queued.id, { version: queued.dossier.rowVersion });
    const mine = await s.tasks(specialist, 'mine');
    assert.ok(mine.items.some((t) => t.dossierId === f.id));
    assert.ok(!mine.items.some((t) => t.dossierId === queued.id));
    const unit = await s.tasks(specialist2, 'unit');
    assert.ok(
      unit.items.some((t) => t.dossierId === f.id) && unit.items.some((t) => t.dossierId === queued.id),
    );
    assert.ok(!(await s.tasks(leader, 'unit')).items.some((t) => t.dossierId === queued.id));
    assert.equal(
      (await s.tasks(specialist, 'due_soon')).items.some((t) => t.dossierId === f.id),
      false,
    );
    clock.now = vn('2026-12-01T14:00:00');
    assert.ok((await s.tasks(specialist, 'due_soon')).items.some((t) => t.dossierId === f.id));
    assert.equal((await h.dossiers.checkDeadlines()).warned >= 1, true);
    assert.equal((await h.dossiers.checkDeadlines()).warned, 0, 'warned once');
    clock.now = vn('2026-12-02T09:00:00');
    const overdue = await s.tasks(specialist, 'overdue');
    assert.ok(overdue.items.some((t) => t.dossierId === f.id && t.overdue));

    // Search by code prefix, by name without the full name, with filters, two by two.
    const byCode = await s.searchDossiers(desk, { q: f.dossier.code?.slice(0, -2) ?? '' });
    assert.ok(byCode.items.some((d) => d.id === f.id));
    const byName = await s.searchDossiers(desk, { q: 'hàng đợi' });
    assert.deepEqual(
      byName.items.map((d) => d.id),
      [queued.id],
    );
    assert.equal((await s.searchDossiers(desk, { channel: 'post', q: 'hàng đợi' })).items.length, 0);
    // Typed without diacritics, or in capitals, the name is found all the same.
    for (const typed of ['hang doi', 'HÀNG ĐỢI', 'Hang Đoi'])
      assert.deepEqual(
        (await s.searchDossiers(desk, { q: typed })).items.map((d) => d.id),
        [queued.id],
        `search "${typed}"`,
      );
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await s.searchDossiers(desk, { limit: 2, cursor, status: 'delivered' });
      for (const d of page.items) seen.add(d.id);
      cursor = page.next ?? undefined;
      pages += 1;
    } while (cursor && pages < 20);
    const all = await s.searchDossiers(desk, { limit: 100, status: 'delivered' });
    assert.equal(seen.size, all.items.length);
    await assert.rejects(s.searchDossiers(desk, { cursor: 'bogus' }), rejectsWith('DOSSIER_BAD_CURSOR', 400));
  });

  it('seeds valid workflows for the seeded procedures that the default does not fit', async () => {
    await h.services.seed(systemContext('test'));
    const sameDay = await h.dossiers.service.workflowOf(desk, '1.001193');
    assert.equal(sameDay.isDefault, false);
    assert.deepEqual(
      sameDay.steps.map((x) => x.key),
      ['tham_dinh', 'ky', 'tra_ket_qua'],
    );
    for (const code of [
      '1.001193',
      '1.000894',
      '1.000656',
      '1.004194',
      '2.001620',
      '1.004227',
      '2.000488',
      '1.009974',
    ])
      assert.ok(
        workflowStepsSchema.safeParse((await h.dossiers.service.workflowOf(desk, code)).steps).success,
        code,
      );
    assert.equal((await h.dossiers.service.workflowOf(desk, '2.000575')).isDefault, true);
  });

  it('answers 404 to an officer of another agency on every back-office action', async () => {
    clock.now = vn('2026-12-03T09:00:00');
    const s = h.dossiers.service;
    const f = await inProcessing();
    const elsewhere = (await h.makeAgency()).id;
    const strangers = [
      await h.officialCtx(elsewhere, ['one_stop_officer']),
      await h.officialCtx(elsewhere, ['specialist', 'unit_leader', 'admin']),
    ];
    const v = { version: f.dossier.rowVersion };
    for (const o of strangers)
      for (const attempt of [
        () => s.get(o, f.id),
        () => s.steps(o, f.id),
        () => s.accept(o, f.id, v),
        () => s.requestSupplement(o, f.id, 'x', v.version),
        () => s.refuse(o, f.id, { ...v, reasons: 'x' }),
        () => s.take(o, f.id, v),
        () => s.forward(o, f.id, v),
        () => s.reassign(o, f.id, { ...v, assigneeId: f.id }),
        () => s.sendBack(o, f.id, { ...v, toStepKey: 'tham_dinh', note: 'x' }),
        () => s.extend(o, f.id, { ...v, reason: 'x', workingDays: 1 }),
        () => s.stop(o, f.id, { ...v, reason: 'x' }),
        () => s.issueResult(o, f.id, v),
        () => s.deliver(o, f.id, { ...v, method: 'online' }),
        () => s.controlSheet(o, f.id),
        () => s.document(o, f.id, '01'),
        () => s.verifyResult(o, f.id),
      ])
        await assert.rejects(attempt(), (e: { status?: number }) => e.status === 404);
    for (const o of strangers) {
      assert.ok(!(await s.searchDossiers(o, {})).items.some((d) => d.id === f.id));
      assert.ok(!(await s.tasks(o, 'unit')).items.some((t) => t.dossierId === f.id));
    }
    await assert.rejects(s.tasks(citizenCtx(), 'mine'), (e: { status?: number }) => e.status === 404);
  });
});
