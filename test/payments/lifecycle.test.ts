import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { gatewayDate } from '../../src/modules/payments/protocol.ts';
import { systemContext } from '../../src/platform/context.ts';
import { api } from '../support/client.ts';
import {
  birthPayment,
  citizenClient,
  citizenCtx,
  startPaymentsHarness,
  type PaymentsHarness,
} from './harness.ts';

const pdftotext = '/usr/bin/pdftotext';

function today(): string {
  const d = gatewayDate(new Date());
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

describe('payments: expiry, refunds, reconciliation and receipts', () => {
  let h: PaymentsHarness;
  let agency: { id: string; name: string };
  before(async () => {
    h = await startPaymentsHarness();
    agency = await h.makeAgency();
  });
  after(() => h.close());

  async function paid(payer = randomUUID()) {
    const { payment, redirectUrl } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    const back = await h.gateway.pay(redirectUrl, 'success');
    await citizenClient(h.baseUrl, payer).get(back.slice(h.baseUrl.length));
    return { payer, payment: await h.payments.service.getPayment(citizenCtx(payer), payment.id) };
  }

  it('expires unpaid payments when their time is up, and refuses a notification after expiry (06), logged', async () => {
    const payer = randomUUID();
    const { payment, redirectUrl } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    const ctx = systemContext('test');
    assert.equal(await h.payments.service.expireOne(ctx, payment.id), 'created', 'not yet due');
    h.advanceMinutes(16);
    try {
      assert.ok((await h.payments.service.expireDue(ctx)) >= 1);
      const view = await h.payments.service.getPayment(citizenCtx(payer), payment.id);
      assert.equal(view.status, 'expired');
      const start = await citizenClient(h.baseUrl, payer).request('GET', `/payments/${payment.id}/pay`);
      assert.equal(start.status, 409, 'an expired payment cannot be started');
      // The payer had the gateway page open and pays anyway: the late IPN is refused and logged.
      const back = await h.gateway.pay(redirectUrl, 'success');
      const ipn = h.gateway.ipnDeliveries.filter((d) => d.txnRef === payment.txnRef);
      assert.deepEqual(
        ipn.map((d) => d.rspCode),
        ['06'],
      );
      const page = await citizenClient(h.baseUrl, payer).get(back.slice(h.baseUrl.length));
      assert.match(page.html, /đã hết hạn/);
      const logged = await sql<{ outcome: string; answer_code: string }>`SELECT outcome, answer_code
        FROM payments_notifications WHERE payment_id = ${payment.id} AND channel = 'ipn'`.execute(
        h.db.database.db,
      );
      assert.deepEqual(logged.rows, [{ outcome: 'paid_after_expiry', answer_code: '06' }]);
      assert.equal((await h.payments.service.getPayment(citizenCtx(payer), payment.id)).status, 'expired');
    } finally {
      h.advanceMinutes(-16);
    }
  });

  it('before expiring, asks the gateway: a payment it reports paid (IPN lost) becomes paid instead', async () => {
    const payer = randomUUID();
    const { payment, redirectUrl } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    await h.withIpnMode('none', async () => {
      await h.gateway.pay(redirectUrl, 'success'); // the payer closes the browser before coming back
    });
    h.advanceMinutes(20);
    try {
      assert.equal(await h.payments.service.expireOne(systemContext('test'), payment.id), 'paid');
    } finally {
      h.advanceMinutes(-20);
    }
  });

  it('refunds in part then in full through the gateway; only officers of the owning agency', async () => {
    const { payer, payment } = await paid();
    assert.equal(payment.status, 'paid');
    const citizen = await api(h.baseUrl, 'POST', `/api/v1/payments/${payment.id}/refunds`, {
      headers: { 'x-test-citizen': payer },
      body: { amount: 1000, reason: 'Thu thừa' },
    });
    assert.equal(citizen.status, 403, 'the payer reads but cannot refund');
    const other = await h.makeAgency();
    const stranger = await h.official(other.id, ['one_stop_officer']);
    const strangerAttempt = await stranger.request('POST', `/api/v1/payments/${payment.id}/refunds`, {
      body: JSON.stringify({ amount: 1000, reason: 'Thu thừa' }),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    assert.equal(strangerAttempt.status, 404, 'another agency does not see the payment');

    const officer = await h.official(agency.id, ['one_stop_officer']);
    const page = await officer.get(`/payments/${payment.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Hoàn tiền qua cổng thanh toán/);
    const tooMuch = await officer.post(`/payments/${payment.id}/refund`, {
      amount: '2000000',
      reason: 'Thu thừa',
    });
    assert.equal(tooMuch.status, 400);
    assert.match(tooMuch.html, /vượt quá/);
    const partial = await officer.post(`/payments/${payment.id}/refund`, {
      amount: '226.000',
      reason: 'Thu thừa phí',
    });
    assert.equal(partial.status, 303);
    const after1 = await h.payments.service.getPayment(citizenCtx(payer), payment.id);
    assert.equal(after1.status, 'partially_refunded');
    assert.equal(after1.refundedAmount, 226_000);
    assert.equal(h.gateway.transactions.get(payment.txnRef)?.refundedAmount, 226_000);

    const full = await officer.request('POST', `/api/v1/payments/${payment.id}/refunds`, {
      body: JSON.stringify({ reason: 'Hồ sơ bị từ chối' }),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    assert.equal(full.status, 201);
    const body = (await full.json()) as {
      payment: { status: string; refundedAmount: number };
      refund: { amount: number };
    };
    assert.equal(body.refund.amount, 1_008_000);
    assert.equal(body.payment.status, 'refunded');
    assert.equal(body.payment.refundedAmount, 1_234_000);
    await assert.rejects(
      h.payments.service.refund(systemContext('test'), payment.id, { reason: 'lần nữa' }),
      /PAYMENT_REFUND_TOO_LARGE/,
    );
  });

  it('reconciles a day: matched, a planted amount mismatch, missing here and missing at the gateway; page and CSV', async () => {
    const good = await paid();
    const planted = await paid();
    const tx = h.gateway.transactions.get(planted.payment.txnRef);
    assert.ok(tx);
    tx.amount += 5000; // the gateway's books disagree with ours
    const ghost = await paid();
    h.gateway.transactions.delete(ghost.payment.txnRef); // the gateway lost it
    // Paid at the gateway, but neither the IPN nor the payer came back: not paid on our side yet.
    const silentPayer = randomUUID();
    const silent = await h.payments.service.createPayment(
      citizenCtx(silentPayer),
      birthPayment(silentPayer, agency),
    );
    await h.withIpnMode('none', async () => {
      await h.gateway.pay(silent.redirectUrl, 'success');
    });

    const admin = await h.official(agency.id, ['platform_admin']);
    const response = await admin.request('GET', `/api/v1/payments/reconciliation?date=${today()}`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(response.status, 200);
    const report = (await response.json()) as {
      totals: Record<string, number>;
      lines: { txnRef: string; outcome: string; ourAmount: number | null; gatewayAmount: number | null }[];
    };
    const outcome = (ref: string) => report.lines.find((l) => l.txnRef === ref)?.outcome;
    assert.equal(outcome(good.payment.txnRef), 'matched');
    assert.equal(outcome(planted.payment.txnRef), 'amount_mismatch');
    assert.equal(outcome(ghost.payment.txnRef), 'missing_at_gateway');
    assert.equal(outcome(silent.payment.txnRef), 'missing_here');
    assert.ok((report.totals['matched'] ?? 0) >= 1);
    const mismatch = report.lines.find((l) => l.txnRef === planted.payment.txnRef);
    assert.deepEqual([mismatch?.ourAmount, mismatch?.gatewayAmount], [1_234_000, 1_239_000]);

    const page = await admin.get(`/admin/payments/reconciliation?date=${today()}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Lệch số tiền/);
    const csv = await admin.request('GET', `/admin/payments/reconciliation.csv?date=${today()}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const text = await csv.text();
    assert.match(text, new RegExp(`${planted.payment.txnRef},amount_mismatch,1234000,1239000,paid,`));

    // An officer of another agency sees none of this agency's lines; a citizen is refused.
    const other = await h.makeAgency();
    const stranger = await h.official(other.id, ['one_stop_officer']);
    const theirs = await stranger.request('GET', `/api/v1/payments/reconciliation?date=${today()}`, {
      headers: { accept: 'application/json' },
    });
    assert.deepEqual(((await theirs.json()) as { lines: unknown[] }).lines, []);
    const citizen = await api(h.baseUrl, 'GET', `/api/v1/payments/reconciliation?date=${today()}`, {
      headers: { 'x-test-citizen': good.payer },
    });
    assert.equal(citizen.status, 403);
  });

  it('issues a PDF receipt with the payer’s Vietnamese name, items, amount as 1.234.000 đ and references', async (t) => {
    const { payer, payment } = await paid();
    const response = await citizenClient(h.baseUrl, payer).request(
      'GET',
      `/payments/${payment.id}/receipt.pdf`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    if (!existsSync(pdftotext)) {
      if (process.env['LT_REQUIRE_BROWSER'] === '1')
        assert.fail('pdftotext (poppler-utils) is required in CI');
      t.skip('pdftotext not installed');
      return;
    }
    const text = execFileSync(pdftotext, ['-enc', 'UTF-8', '-', '-'], { input: bytes })
      .toString('utf8')
      .normalize('NFC');
    for (const expected of [
      'BIÊN LAI THU PHÍ, LỆ PHÍ',
      'Nguyễn Thị Ánh Tuyết',
      'Lệ phí đăng ký khai sinh',
      '1.234.000 đ',
      payment.txnRef,
      payment.gatewayTransactionNo ?? 'missing',
      agency.name,
    ])
      assert.ok(text.includes(expected), `receipt contains "${expected}"`);
  });

  it('has no receipt for an unpaid payment', async () => {
    const payer = randomUUID();
    const { payment } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    const r = await api(h.baseUrl, 'GET', `/api/v1/payments/${payment.id}/receipt`, {
      headers: { 'x-test-citizen': payer },
    });
    assert.equal(r.status, 409);
  });
});
