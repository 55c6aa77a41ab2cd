/**
 * Fee requests (TrangThaiHoSo 6) when the money and the request do not line up: a payment under a
 * request's codes for another amount settles nothing, is audited and refunded; at the counter the
 * officer's "record payment" form names the request it pays, and cash posted for a request
 * already paid is refused while the one waiting stays unpaid.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import { systemContext, type RequestContext } from '../../src/platform/context.ts';
import { registerCitizen } from '../support/auth.ts';
import { runJobsUntil, startFeeRequestHarness } from './fee-request-support.ts';
import { citizenCtx, type DossiersHarness } from './harness.ts';

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let desk: RequestContext;
let specialist: RequestContext;

const items = [
  { name: 'Lệ phí trước bạ', amount: 500_000 },
  { name: 'Phí thẩm định', amount: 150_000 },
];

/** A dossier filed by `applicant`, accepted, its first step taken by the specialist. */
let taken: (
  applicant: RequestContext,
) => ReturnType<Awaited<ReturnType<typeof startFeeRequestHarness>>['taken']>;

describe('dossiers: fee requests whose money does not match', () => {
  before(async () => {
    const f = await startFeeRequestHarness();
    ({ h, agency, desk, specialist } = f);
    taken = (applicant) => f.taken(applicant, 'Nguyễn Thị Lệch Tiền');
  });
  after(() => h.close());

  it('a payment of another amount leaves the request unpaid, is audited and refunded; the right amount then resumes processing', async () => {
    const s = h.dossiers.service;
    const system = systemContext('test');
    const citizen = await registerCitizen(h.asTestApp, { fullName: 'Nguyễn Thị Lệch Tiền' });
    const applicant = citizenCtx(citizen.accountId);
    const d = await taken(applicant);
    const asked = await s.requestPayment(specialist, d.id, { version: d.rowVersion, items });
    const [request] = await s.feeRequests(applicant, d.id);
    assert.ok(request);

    // A payment under the request's codes, but only its first line (500.000 of 650.000 đ),
    // paid on the gateway: the gateway takes the money and notifies us.
    const { payment: partial } = await h.payments.service.createPayment(applicant, {
      payerAccountId: citizen.accountId,
      payerName: 'Nguyễn Thị Lệch Tiền',
      agencyId: agency.id,
      agencyName: agency.name,
      reference: { kind: 'dossier', id: d.id, code: asked.code ?? d.id },
      items: [{ kind: 'phi', code: `YC-${request.id}-1`, name: 'Lệ phí trước bạ', amount: 500_000 }],
      description: 'Nghĩa vụ tài chính (một phần)',
      returnPath: `/dossiers/${d.id}`,
    });
    const gatewayUrl = await h.payments.service.startPayment(applicant, partial.id);
    const back = await h.gateway.pay(gatewayUrl, 'success');
    await citizen.client.get(back.slice(h.baseUrl.length));
    assert.equal((await h.payments.service.getPayment(system, partial.id)).status, 'paid');

    // Nothing is settled: the dossier still waits, the request is still to pay…
    const still = await s.officerDossier(desk, d.id);
    assert.equal(still.status, 'awaiting_payment');
    assert.equal(still.nationalStatus, 6);
    assert.equal(still.rowVersion, asked.rowVersion);
    const [unpaid] = await s.feeRequests(applicant, d.id);
    assert.equal(unpaid?.paidAt, null);
    assert.equal(unpaid?.paidVia, null);
    // …but nothing is swallowed either: audited, on the timeline both see.
    const audit = await h.db.database.pool.query<{
      outcome: string;
      details: { requestId?: string; requested?: number; amount?: number; refund?: string };
    }>(
      `SELECT outcome, details FROM audit_events WHERE action = 'dossiers.fee_request.amount_mismatch' AND $1 = ANY(subject_ids)`,
      [partial.id],
    );
    assert.deepEqual(
      audit.rows.map((r) => [
        r.outcome,
        r.details.requestId,
        r.details.requested,
        r.details.amount,
        r.details.refund,
      ]),
      [['failure', request.id, 650_000, 500_000, 'queued']],
    );
    const mismatch = (await s.timeline(applicant, d.id)).filter((e) => /không khớp/.test(e.note ?? ''));
    assert.equal(mismatch.length, 1);
    assert.match(mismatch[0]?.note ?? '', /500000 VND .* 650000 VND: không được ghi nhận, hoàn trả tự động/);

    // The money is not kept: refunded through the payments module and the gateway.
    await runJobsUntil(
      h,
      async () => (await h.payments.service.getPayment(system, partial.id)).status === 'refunded',
    );
    const refunded = await h.payments.service.getPayment(system, partial.id);
    assert.equal(refunded.status, 'refunded');
    assert.equal(h.gateway.transactions.get(refunded.txnRef)?.refundedAmount, 500_000);
    const refunds = await h.payments.service.refundsOf(system, partial.id);
    assert.equal(refunds.length, 1);
    assert.match(refunds[0]?.reason ?? '', /không khớp số tiền/);

    // The applicant pays the request for its amount: the dossier resumes, once.
    const link = await s.payRequested(applicant, d.id);
    const paymentId = /^\/payments\/([0-9a-f-]{36})\/pay$/.exec(link)?.[1] ?? '';
    assert.notEqual(paymentId, partial.id);
    const whole = await h.gateway.pay(await h.payments.service.startPayment(applicant, paymentId), 'success');
    await citizen.client.get(whole.slice(h.baseUrl.length));
    assert.equal((await s.officerDossier(desk, d.id)).status, 'processing');
    const [paid] = await s.feeRequests(applicant, d.id);
    assert.equal(paid?.paidVia, 'online');
    assert.deepEqual(paid?.paidTwice, [], 'the refunded partial payment is not money paid twice');
  });

  it('the counter form names the request it pays; cash posted for a request already paid is refused', async () => {
    const s = h.dossiers.service;
    const d = await taken(citizenCtx());
    const first = await s.requestPayment(specialist, d.id, { version: d.rowVersion, items });
    const resumed = await s.recordPayment(desk, d.id, { version: first.rowVersion });
    const second = await s.requestPayment(specialist, d.id, {
      version: resumed.rowVersion,
      items: [{ name: 'Phí cấp bản sao', amount: 120_000 }],
    });
    const [paidBefore, waiting] = await s.feeRequests(desk, d.id);
    assert.ok(paidBefore?.paidAt && waiting && waiting.paidAt === null);

    const officer = await h.official(agency.id, ['one_stop_officer']);
    const page = await officer.get(`/one-stop/dossiers/${d.id}`);
    assert.equal(page.status, 200);
    const recordForm = /<form[^>]*action="\/one-stop\/dossiers\/[^"]+\/record-payment"[\s\S]*?<\/form>/.exec(
      page.html,
    )?.[0];
    assert.ok(recordForm, 'the one-stop officer can record the cash');
    assert.ok(recordForm.includes(`name="requestId" value="${waiting.id}"`), 'the form carries the request');
    assert.ok(recordForm.includes('120.000 đ'), 'the officer reads the amount to take');
    assert.ok(recordForm.includes('Trần Chuyên Viên'), 'and who asked for it');

    // A form of the first request (a page left open, another tab): refused in words, nothing paid.
    const stale = await officer.post(`/one-stop/dossiers/${d.id}/record-payment`, {
      version: String(second.rowVersion),
      requestId: paidBefore.id,
    });
    assert.equal(stale.status, 409);
    assert.ok(stale.html.includes('Khoản nghĩa vụ tài chính này đã được nộp'));
    const unknown = await officer.post(`/one-stop/dossiers/${d.id}/record-payment`, {
      version: String(second.rowVersion),
      requestId: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(unknown.status, 409);
    assert.ok(unknown.html.includes('không có khoản phí nào cần nộp'));
    assert.equal((await s.officerDossier(desk, d.id)).status, 'awaiting_payment');
    assert.equal((await s.feeRequests(desk, d.id))[1]?.paidAt, null);

    // The form as the page gives it: the request waiting is paid, the first one left as it was.
    const ok = await officer.post(`/one-stop/dossiers/${d.id}/record-payment`, {
      version: String(second.rowVersion),
      requestId: waiting.id,
    });
    assert.equal(ok.status, 303);
    assert.equal((await s.officerDossier(desk, d.id)).status, 'processing');
    const [firstAfter, secondAfter] = await s.feeRequests(desk, d.id);
    assert.equal(firstAfter?.paidAt, paidBefore.paidAt);
    assert.equal(secondAfter?.paidVia, 'cash');
    const audit = await h.db.database.pool.query<{ details: { requestId?: string; amount?: number } }>(
      `SELECT details FROM audit_events WHERE action = 'dossiers.requested_fee_paid' AND $1 = ANY(subject_ids)`,
      [d.id],
    );
    assert.deepEqual(
      audit.rows
        .map((r) => [r.details.requestId, r.details.amount])
        .sort((a, b) => Number(b[1]) - Number(a[1])),
      [
        [paidBefore.id, 650_000],
        [waiting.id, 120_000],
      ],
    );
  });
});
