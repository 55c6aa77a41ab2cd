/**
 * The officer asks for a financial obligation (TrangThaiHoSo 6) during processing: the service's
 * rules (who, what, versions, another agency 404), the clock paused while the applicant pays, the
 * cash recorded at the counter; over HTTP the officer's form without JavaScript and the citizen's
 * pay → fake gateway → IPN → back to processing, once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import { createDossiersSync } from '../../src/modules/dossiers/sync/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { StatusChange } from '../../src/modules/dossiers/index.ts';

import type { ProcedureContent } from '../../src/modules/services/index.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import { registerCitizen } from '../support/auth.ts';
import { api, type PageClient } from '../support/client.ts';
import { acceptedDossier, runJobsUntil } from './fee-request-support.ts';
import { citizenCtx, startDossiersHarness, type DossiersHarness, vn, rejectsWith } from './harness.ts';

const clock = { now: null as Date | null };

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let other: AgencySummary & { code: string };
let procedure: ProcedureContent;
let desk: RequestContext;
let specialist: RequestContext;
/** The statuses every observer saw (what the national-portal sync and statistics are told). */
const seen: { id: string; status: string }[] = [];

const items = [
  { name: 'Lệ phí trước bạ', amount: 500_000 },
  { name: 'Phí thẩm định', amount: 150_000 },
];

/** A dossier filed by `applicant` and accepted (its first step in the specialists' queue). */
function accepted(applicant: RequestContext = citizenCtx()) {
  return acceptedDossier(h, {
    procedureCode: procedure.code,
    agencyId: agency.id,
    desk,
    applicant,
    applicantName: 'Phạm Thị Nghĩa Vụ',
  });
}

/** Accepted, its first step taken by the specialist. */
async function taken(applicant: RequestContext = citizenCtx()) {
  const d = await accepted(applicant);
  return h.dossiers.service.take(specialist, d.id, { version: d.rowVersion });
}

describe('dossiers: the officer asks for a financial obligation (status 6)', () => {
  before(async () => {
    h = await startDossiersHarness({ options: { now: () => clock.now ?? new Date() } });
    agency = await h.makeAgency('commune');
    other = await h.makeAgency('commune');
    procedure = await h.makeProcedure({ timeLimit: { workingDays: 10 } });
    desk = await h.officialCtx(agency.id, ['one_stop_officer'], 'Lê Một Cửa');
    specialist = await h.officialCtx(agency.id, ['specialist'], 'Trần Chuyên Viên');
    // The national-portal sync's observer writes its outbox; nothing is pushed in this test.
    const sync = createDossiersSync({
      db: h.db.database.db,
      logger: createLogger('silent'),
      settings: { url: 'http://127.0.0.1:9', username: 'u', password: 'p', agency: 'X' },
      observers: () => h.dossiers.observers,
      directory: createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') }).service,
      services: h.services.service,
      calendar: createWorkCalendar(),
    });
    h.dossiers.observe(sync.observer);
    h.dossiers.observe({
      name: 'test-seen',
      statusChanged(_trx, c: StatusChange) {
        seen.push({ id: c.dossier.id, status: c.status });
        return Promise.resolve();
      },
    });
  });
  after(async () => {
    clock.now = null;
    await h.close();
  });

  it('refuses another agency (404), someone not holding the step, bad lines and a stale version', async () => {
    const s = h.dossiers.service;
    const d = await taken();
    const outsider = await h.officialCtx(other.id, ['specialist', 'unit_leader']);
    await assert.rejects(
      s.requestPayment(outsider, d.id, { version: d.rowVersion, items }),
      rejectsWith('DOSSIER_NOT_FOUND', 404),
    );
    await assert.rejects(
      s.recordPayment(outsider, d.id, { version: d.rowVersion }),
      rejectsWith('DOSSIER_NOT_FOUND', 404),
    );
    await assert.rejects(
      h.dossiers.service.feeRequests(outsider, d.id),
      rejectsWith('DOSSIER_NOT_FOUND', 404),
    );
    const colleague = await h.officialCtx(agency.id, ['specialist']);
    await assert.rejects(
      s.requestPayment(colleague, d.id, { version: d.rowVersion, items }),
      rejectsWith('DOSSIER_STEP_NOT_YOURS', 409),
    );
    for (const bad of [
      [],
      [{ name: 'Phí', amount: 0 }],
      [{ name: 'Phí', amount: 1.5 }],
      [{ name: 'Phí', amount: 1_000_000_001 }],
      [{ name: '  ', amount: 1000 }],
      Array.from({ length: 11 }, () => ({ name: 'Phí', amount: 1000 })),
    ])
      await assert.rejects(
        s.requestPayment(specialist, d.id, { version: d.rowVersion, items: bad }),
        rejectsWith('DOSSIER_INVALID', 400),
      );
    await assert.rejects(
      s.requestPayment(specialist, d.id, { version: d.rowVersion - 1, items }),
      rejectsWith('DOSSIER_CONFLICT', 409),
    );
    const after = await s.officerDossier(desk, d.id);
    assert.equal(after.status, 'received');
    assert.equal(after.rowVersion, d.rowVersion);
  });

  it('pauses the clock while the applicant pays; cash recorded at the counter resumes the same step', async () => {
    const s = h.dossiers.service;
    clock.now = vn('2026-12-07T09:00:00'); // Monday
    const applicant = citizenCtx();
    const d = await taken(applicant);
    const due = new Date(d.dueAt ?? '');
    const asked = await s.requestPayment(specialist, d.id, {
      version: d.rowVersion,
      items,
      note: 'Theo thông báo của cơ quan thuế',
    });
    assert.equal(asked.status, 'awaiting_payment');
    assert.equal(asked.nationalStatus, 6);
    assert.equal(asked.rowVersion > d.rowVersion, true);
    assert.equal(asked.feeTotal, d.feeTotal, 'the filing fee is left as it was');
    const [request] = await s.feeRequests(applicant, d.id);
    assert.equal(request?.total, 650_000);
    assert.deepEqual(request?.items, items);
    assert.equal(request?.paidAt, null);
    // The step waits (form 06 line closed), the applicant is told in the app.
    const steps = await s.steps(desk, d.id);
    assert.equal(steps.at(-1)?.outcome, 'suspended');
    assert.match(steps.at(-1)?.note ?? '', /Lệ phí trước bạ: 500\.000 đ/);
    const notices = await h.db.database.pool.query<{ template: string }>(
      `SELECT template FROM notify_notifications WHERE account_id = $1 ORDER BY created_at`,
      [applicant.actor.kind === 'citizen' ? applicant.actor.accountId : ''],
    );
    assert.equal(notices.rows.at(-1)?.template, 'dossier_status_changed');
    // No second request while one waits; nothing else moves in status 6.
    await assert.rejects(
      s.requestPayment(specialist, d.id, { version: asked.rowVersion, items }),
      rejectsWith('DOSSIER_WRONG_STATE', 409),
    );
    await assert.rejects(
      s.forward(specialist, d.id, { version: asked.rowVersion }),
      rejectsWith('DOSSIER_WRONG_STATE', 409),
    );
    // Another citizen cannot pay it; the applicant paid in cash a week later (5 working days).
    await assert.rejects(s.payRequested(citizenCtx(), d.id), rejectsWith('DOSSIER_NOT_FOUND', 404));
    await assert.rejects(
      s.recordPayment(desk, d.id, { version: d.rowVersion }),
      rejectsWith('DOSSIER_CONFLICT', 409),
    );
    clock.now = vn('2026-12-14T10:00:00');
    const resumed = await s.recordPayment(desk, d.id, { version: asked.rowVersion });
    assert.equal(resumed.status, 'processing');
    assert.equal(
      new Date(resumed.dueAt ?? '').getTime() - due.getTime(),
      7 * 86_400_000,
      'the due date moves by the 5 working days waited (a week)',
    );
    const open = (await s.steps(desk, d.id)).at(-1);
    assert.equal(open?.finishedAt, null);
    assert.equal(open?.key, steps.at(-1)?.key);
    assert.equal(open?.assigneeName, 'Trần Chuyên Viên');
    const [paid] = await s.feeRequests(desk, d.id);
    assert.equal(paid?.paidVia, 'cash');
    await assert.rejects(
      s.recordPayment(desk, d.id, { version: resumed.rowVersion }),
      rejectsWith('DOSSIER_WRONG_STATE', 409),
    );
    const timeline = await s.timeline(applicant, d.id);
    assert.deepEqual(
      timeline.filter((e) => e.kind === 'status').map((e) => e.nationalStatus),
      [1, 2, 6, 4],
    );
    assert.ok(timeline.some((e) => e.kind === 'fee_paid' && /650000 VND/.test(e.note ?? '')));
    assert.deepEqual(
      seen.filter((c) => c.id === d.id).map((c) => c.status),
      ['submitted', 'received', 'awaiting_payment', 'processing'],
      'the observers (national-portal sync, statistics, inter-agency) see 6 and the return',
    );
    type Fee = { TenPhiLePhi: string; SoTien: string; DaThanhToan: string };
    const outbox = await h.db.database.pool.query<{
      payload: { TrangThaiHoSo?: string; GhiChu?: string; DanhSachLePhi?: Fee[] };
    }>(
      `SELECT payload FROM dossiers_sync_outbox WHERE dossier_id = $1 AND service = 'DongBoHoSoMC' ORDER BY id`,
      [d.id],
    );
    const codes = outbox.rows.map((r) => r.payload.TrangThaiHoSo);
    assert.deepEqual(codes.slice(-2), ['6', '4'], 'the national portal gets status 6, then 4');
    assert.match(outbox.rows.at(-2)?.payload.GhiChu ?? '', /Lệ phí trước bạ: 500\.000 đ/);
    // The fee list names each requested line: unpaid while the dossier waits, paid once it resumes.
    const requested = (row: (typeof outbox.rows)[number] | undefined) =>
      (row?.payload.DanhSachLePhi ?? []).filter((f) => f.TenPhiLePhi === 'Lệ phí trước bạ');
    assert.deepEqual(requested(outbox.rows.at(-2)), [
      { TenPhiLePhi: 'Lệ phí trước bạ', SoTien: '500000', DaThanhToan: '0' },
    ]);
    assert.deepEqual(requested(outbox.rows.at(-1)), [
      { TenPhiLePhi: 'Lệ phí trước bạ', SoTien: '500000', DaThanhToan: '1' },
    ]);
    clock.now = null;
  });

  it('over HTTP: the officer’s form, the citizen pays on the fake gateway, the IPN resumes processing once', async () => {
    const citizen = await registerCitizen(h.asTestApp, { fullName: 'Đỗ Thị Nộp Phí' });
    const d = await accepted(citizenCtx(citizen.accountId));
    const officer: PageClient = await h.official(agency.id, ['specialist']);
    const take = await officer.post(`/one-stop/dossiers/${d.id}/take`, { version: String(d.rowVersion) });
    assert.equal(take.status, 303);
    const mine = await h.dossiers.service.officerDossier(desk, d.id);
    const page = await officer.get(`/one-stop/dossiers/${d.id}`);
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('Yêu cầu thực hiện nghĩa vụ tài chính'));
    const bad = await officer.post(`/one-stop/dossiers/${d.id}/request-payment`, {
      version: String(mine.rowVersion),
      feeName1: 'Lệ phí trước bạ',
      feeAmount1: '500,5',
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.html.includes('Nhập từ 1 đến 10 khoản'));
    const ok = await officer.post(`/one-stop/dossiers/${d.id}/request-payment`, {
      version: String(mine.rowVersion),
      feeName1: 'Lệ phí trước bạ',
      feeAmount1: '500.000',
      feeName2: '',
      feeAmount2: '',
      feeNote: 'Theo thông báo thuế',
    });
    assert.equal(ok.status, 303);
    const asked = await h.dossiers.service.officerDossier(desk, d.id);
    assert.equal(asked.status, 'awaiting_payment');
    const stale = await officer.post(`/one-stop/dossiers/${d.id}/record-payment`, {
      version: String(mine.rowVersion),
    });
    assert.equal(stale.status, 409);
    assert.ok(stale.html.includes('cán bộ khác'));

    // The citizen sees the lines and pays through the gateway.
    const own = await citizen.client.get(`/dossiers/${d.id}`);
    assert.ok(own.html.includes('Lệ phí trước bạ'));
    assert.ok(own.html.includes('500.000 đ'));
    const pay = await citizen.client.post(`/dossiers/${d.id}/pay-request`, {});
    assert.equal(pay.location, `/dossiers/${d.id}`);
    const link = /href="(\/payments\/([0-9a-f-]{36})\/pay)"/.exec(
      (await citizen.client.get(`/dossiers/${d.id}`)).html,
    );
    assert.ok(link?.[2]);
    const toGateway = await citizen.client.request('GET', link[1] ?? '');
    assert.equal(toGateway.status, 303);
    const gatewayUrl = new URL(toGateway.headers.get('location') ?? '');
    assert.equal(gatewayUrl.searchParams.get('gw_Amount'), '500000');
    const back = await h.gateway.pay(gatewayUrl.toString(), 'success');
    await citizen.client.get(back.slice(h.baseUrl.length));
    const resumed = await h.dossiers.service.officerDossier(desk, d.id);
    assert.equal(resumed.status, 'processing');
    const [request] = await h.dossiers.service.feeRequests(desk, d.id);
    assert.equal(request?.paidVia, 'online');

    // The same IPN again changes nothing.
    const payment = await h.db.database.pool.query<{ txn_ref: string }>(
      'SELECT txn_ref FROM payments_payments WHERE id = $1',
      [link[2]],
    );
    const txnRef = payment.rows[0]?.txn_ref ?? '';
    const query = h.gateway.resultQuery(txnRef);
    const again = await api<{ RspCode: string }>(h.baseUrl, 'GET', `/api/v1/payments/gateway/ipn?${query}`);
    assert.equal(again.body.RspCode, '02');
    const still = await h.dossiers.service.officerDossier(desk, d.id);
    assert.equal(still.rowVersion, resumed.rowVersion);
    const timeline = await h.dossiers.service.timeline(desk, d.id);
    assert.deepEqual(
      timeline.filter((e) => e.kind === 'status').map((e) => e.nationalStatus),
      [1, 2, 6, 4],
    );
    assert.equal(timeline.filter((e) => e.kind === 'fee_paid').length, 1);
    assert.equal(
      (await citizen.client.get(`/dossiers/${d.id}`)).html.includes(`/dossiers/${d.id}/pay-request`),
      false,
    );
  });

  it('the API: request-payment with its schema, another agency’s officer 404', async () => {
    const d = await taken();
    const officer = await h.official(other.id, ['specialist', 'unit_leader', 'admin']);
    const r = await officer.request('POST', `/api/v1/backoffice/dossiers/${d.id}/request-payment`, {
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ version: d.rowVersion, items }),
    });
    assert.equal(r.status, 404);
    const leader = await h.official(agency.id, ['unit_leader']);
    const invalid = await leader.request('POST', `/api/v1/backoffice/dossiers/${d.id}/request-payment`, {
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ version: d.rowVersion, items: [{ name: 'Phí', amount: -1 }] }),
    });
    assert.equal(invalid.status, 400);
    const done = await leader.request('POST', `/api/v1/backoffice/dossiers/${d.id}/request-payment`, {
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ version: d.rowVersion, items }),
    });
    assert.equal(done.status, 200);
    const body = (await done.json()) as { status: string; nationalStatus: number };
    assert.equal(body.nationalStatus, 6);
    const list = await leader.request('GET', `/api/v1/backoffice/dossiers/${d.id}/fee-requests`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(((await list.json()) as { items: { total: number }[] }).items[0]?.total, 650_000);
    const spec = await officer.request('GET', `/api/v1/backoffice/dossiers/${d.id}/fee-requests`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(spec.status, 404);
    const openapi = await (await fetch(`${h.baseUrl}/openapi.json`)).text();
    for (const p of ['request-payment', 'record-payment', 'fee-requests'])
      assert.ok(openapi.includes(`/api/v1/backoffice/dossiers/{id}/${p}`), `OpenAPI documents ${p}`);
  });
  it('paying a request twice over gives back the payment still waiting; a paid request is refused with its own code', async () => {
    const s = h.dossiers.service;
    const applicant = citizenCtx();
    const d = await taken(applicant);
    const asked = await s.requestPayment(specialist, d.id, { version: d.rowVersion, items });
    // Two tabs, or a double submit: one payment, the same link.
    const [first, second] = await Promise.all([
      s.payRequested(applicant, d.id),
      s.payRequested(applicant, d.id),
    ]);
    assert.equal(second, first);
    const paymentId = /^\/payments\/([0-9a-f-]{36})\/pay$/.exec(first)?.[1] ?? '';
    await h.payments.service.startPayment(applicant, paymentId); // at the gateway: pending
    assert.equal(await s.payRequested(applicant, d.id), first, 'a pending payment is given back too');
    assert.deepEqual(
      (await s.paymentsOf(applicant, d.id)).map((p) => p.id),
      [paymentId],
      'the applicant has one payment to pay, not three',
    );
    await s.recordPayment(desk, d.id, { version: asked.rowVersion });
    await assert.rejects(s.payRequested(applicant, d.id), rejectsWith('DOSSIER_FEE_REQUEST_PAID', 409));
    assert.equal((await s.paymentsOf(applicant, d.id)).length, 1);
  });

  it('money taken online after cash at the counter: the officer sees it, it is audited and refunded through payments', async () => {
    const s = h.dossiers.service;
    const citizen = await registerCitizen(h.asTestApp, { fullName: 'Vũ Thị Nộp Trùng' });
    const applicant = citizenCtx(citizen.accountId);
    const d = await taken(applicant);
    const asked = await s.requestPayment(specialist, d.id, { version: d.rowVersion, items });
    const paymentId =
      /^\/payments\/([0-9a-f-]{36})\/pay$/.exec(await s.payRequested(applicant, d.id))?.[1] ?? '';
    const gatewayUrl = await h.payments.service.startPayment(applicant, paymentId);
    // While the applicant is on the gateway's page, the desk takes the same amount in cash…
    const resumed = await s.recordPayment(desk, d.id, { version: asked.rowVersion });
    // …then the applicant confirms: the gateway takes the money and notifies us.
    const back = await h.gateway.pay(gatewayUrl, 'success');
    await citizen.client.get(back.slice(h.baseUrl.length));
    const system = systemContext('test');
    const payment = await h.payments.service.getPayment(system, paymentId);
    assert.equal(payment.status, 'paid', 'the gateway took the money');

    // Nothing moves on the dossier, but nothing is ignored either.
    const after = await s.officerDossier(desk, d.id);
    assert.equal(after.status, 'processing');
    assert.equal(after.rowVersion, resumed.rowVersion);
    const [request] = await s.feeRequests(desk, d.id);
    assert.equal(request?.paidVia, 'cash');
    assert.deepEqual(
      request?.paidTwice.map((p) => [p.paymentId, p.amount, p.refunded]),
      [[paymentId, 650_000, false]],
    );
    const audit = await h.db.database.pool.query<{ details: { settledVia?: string; amount?: number } }>(
      `SELECT details FROM audit_events WHERE action = 'dossiers.requested_fee_paid_twice' AND $1 = ANY(subject_ids)`,
      [paymentId],
    );
    assert.deepEqual(
      audit.rows.map((r) => [r.details.settledVia, r.details.amount]),
      [['cash', 650_000]],
    );
    const officer = await h.official(agency.id, ['one_stop_officer']);
    const page = await officer.get(`/one-stop/dossiers/${d.id}`);
    assert.ok(
      page.html.includes('Đã nhận thêm 650.000 đ thanh toán trực tuyến'),
      'the officer reads it on the dossier',
    );
    assert.ok(page.html.includes('khoản nộp trùng đang được hoàn trả'));
    assert.ok(
      (await s.timeline(desk, d.id)).some(
        (e) => e.kind === 'fee_paid' && /Nộp trùng 650000 VND/.test(e.note ?? ''),
      ),
    );

    // The refund goes through the payments module (and the gateway) after the commit, by a job.
    await runJobsUntil(
      h,
      async () => (await h.payments.service.getPayment(system, paymentId)).status === 'refunded',
    );
    const refunded = await h.payments.service.getPayment(system, paymentId);
    assert.equal(refunded.status, 'refunded');
    assert.equal(
      h.gateway.transactions.get(refunded.txnRef)?.refundedAmount,
      650_000,
      'the gateway gave it back',
    );
    // Run again (a retry after a crash): nothing more is refunded.
    const job = h.dossiers.jobs.find((j) => j.name === 'dossiers.refund_paid_twice');
    assert.ok(job, 'the refund job is registered');
    await job.handle({ paymentId, dossierId: d.id }, { attempt: 2, jobId: 'retry' });
    assert.equal((await h.payments.service.refundsOf(system, paymentId)).length, 1);
    assert.equal(h.gateway.transactions.get(refunded.txnRef)?.refundedAmount, 650_000);
    const [settled] = await s.feeRequests(applicant, d.id);
    assert.equal(settled?.paidTwice[0]?.refunded, true, 'the applicant sees the refund too');
    assert.ok(
      (await officer.get(`/one-stop/dossiers/${d.id}`)).html.includes('khoản nộp trùng đã được hoàn trả'),
    );
    // Paying it once more is refused on the applicant's page, in words.
    const again = await citizen.client.post(`/dossiers/${d.id}/pay-request`, {});
    assert.equal(again.status, 409);
    assert.ok(again.html.includes('Khoản nghĩa vụ tài chính này đã được nộp'));
  });
});
