import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { signedQuery } from '../../src/modules/payments/protocol.ts';
import type { IpnMode } from '../support/fakes/gateway.ts';
import { api } from '../support/client.ts';
import {
  birthPayment,
  citizenClient,
  citizenCtx,
  startPaymentsHarness,
  type PaymentsHarness,
} from './harness.ts';

async function statusOf(h: PaymentsHarness, id: string): Promise<string> {
  const r = await sql<{ status: string }>`SELECT status FROM payments_payments WHERE id = ${id}`.execute(
    h.db.database.db,
  );
  return r.rows[0]?.status ?? 'missing';
}

async function auditCount(h: PaymentsHarness, action: string, subject: string): Promise<number> {
  const r = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_events
    WHERE action = ${action} AND ${subject} = ANY(subject_ids)`.execute(h.db.database.db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Follows the payer: our pay link → the gateway page → "Thanh toán thành công" or "Hủy" → our return page. */
async function payThroughBrowser(
  h: PaymentsHarness,
  payer: string,
  paymentId: string,
  choice: 'success' | 'cancel',
) {
  const browser = citizenClient(h.baseUrl, payer);
  const toGateway = await browser.request('GET', `/payments/${paymentId}/pay`);
  assert.equal(toGateway.status, 303);
  const gatewayUrl = toGateway.headers.get('location') ?? '';
  assert.ok(gatewayUrl.startsWith(`${h.gateway.url}/pay?`), 'sent to the gateway');
  const page = await fetch(gatewayUrl);
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(html, /Thanh toán thành công/);
  assert.match(html, /1\.234\.000 đ/);
  const returnUrl = await h.gateway.pay(gatewayUrl, choice);
  assert.ok(returnUrl.startsWith(`${h.baseUrl}/payments/return?`));
  const back = await browser.get(returnUrl.slice(h.baseUrl.length));
  return { back, returnUrl, browser };
}

/** A new payment its payer starts and pays on the gateway while the IPN behaves as `mode`. */
async function payWithIpn(h: PaymentsHarness, agency: { id: string; name: string }, mode: IpnMode) {
  const payer = randomUUID();
  const { payment } = await h.payments.service.createPayment(citizenCtx(payer), birthPayment(payer, agency));
  await h.withIpnMode(mode, async () => {
    const toGateway = await citizenClient(h.baseUrl, payer).request('GET', `/payments/${payment.id}/pay`);
    await h.gateway.pay(toGateway.headers.get('location') ?? '', 'success');
  });
  return { payer, payment, answers: h.ipnAnswers(payment.txnRef) };
}

describe('payments: create → gateway → IPN → paid, over HTTP with the fake gateway', () => {
  let h: PaymentsHarness;
  let agency: { id: string; name: string };
  before(async () => {
    h = await startPaymentsHarness();
    agency = await h.makeAgency();
  });
  after(() => h.close());

  it('creates a payment with a reference, whole-đồng amount, expiry and a signed redirect URL', async () => {
    const payer = randomUUID();
    const { payment, redirectUrl } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    assert.equal(payment.status, 'created');
    assert.equal(payment.amount, 1_234_000);
    assert.equal(payment.currency, 'VND');
    assert.match(payment.txnRef, /^LT\d{12}[A-Z0-9]{8}$/);
    const url = new URL(redirectUrl);
    assert.equal(url.origin + url.pathname, `${h.gateway.url}/pay`);
    assert.equal(url.searchParams.get('gw_TxnRef'), payment.txnRef);
    assert.equal(url.searchParams.get('gw_Amount'), '1234000');
    assert.match(url.searchParams.get('gw_ExpireDate') ?? '', /^\d{14}$/);
    assert.match(url.searchParams.get('gw_SecureHash') ?? '', /^[0-9a-f]{128}$/);
    const tampered = redirectUrl.replace('gw_Amount=1234000', 'gw_Amount=1000');
    assert.equal((await fetch(tampered)).status, 400, 'the gateway refuses a URL changed after signing');
  });

  it('refuses a payment for someone else and amounts that are not whole đồng', async () => {
    const payer = randomUUID();
    await assert.rejects(
      h.payments.service.createPayment(citizenCtx(randomUUID()), birthPayment(payer, agency)),
      /FORBIDDEN/,
    );
    const bad = birthPayment(payer, agency, {
      items: [{ kind: 'phi', code: 'P', name: 'Phí', amount: 1000.5 }],
    });
    await assert.rejects(h.payments.service.createPayment(citizenCtx(payer), bad), /PAYMENT_INVALID/);
  });

  it('pays once: the IPN marks it paid, records the gateway id, audits, runs the hook; the return page shows it', async () => {
    const payer = randomUUID();
    const { payment } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    const hooksBefore = h.paidHookCalls.length;
    const { back } = await payThroughBrowser(h, payer, payment.id, 'success');
    assert.equal(back.status, 200);
    assert.match(back.html, /Thanh toán thành công/);
    assert.match(back.html, new RegExp(`href="${payment.returnPath}"`), 'links back to the dossier');
    assert.match(back.html, /receipt\.pdf/);
    const ipn = h.gateway.ipnDeliveries.filter((d) => d.txnRef === payment.txnRef);
    assert.deepEqual(
      ipn.map((d) => d.rspCode),
      ['00'],
    );
    const view = await h.payments.service.getPayment(citizenCtx(payer), payment.id);
    assert.equal(view.status, 'paid');
    assert.equal(view.gatewayTransactionNo, h.gateway.transactions.get(payment.txnRef)?.transactionNo);
    assert.equal(h.paidHookCalls.length, hooksBefore + 1);
    assert.equal(h.paidHookCalls.at(-1)?.id, payment.id);
    assert.equal(await auditCount(h, 'payments.paid', payment.id), 1);
  });

  it('the same notification twice pays once (02 the second time, one hook call, one audit event)', async () => {
    const payer = randomUUID();
    const { payment } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    const hooksBefore = h.paidHookCalls.length;
    await h.withIpnMode('duplicate', async () => {
      await payThroughBrowser(h, payer, payment.id, 'success');
    });
    const answers = h.gateway.ipnDeliveries.filter((d) => d.txnRef === payment.txnRef).map((d) => d.rspCode);
    assert.deepEqual(answers, ['00', '02']);
    assert.equal(h.paidHookCalls.length, hooksBefore + 1);
    assert.equal(await auditCount(h, 'payments.paid', payment.id), 1);
    assert.equal(await statusOf(h, payment.id), 'paid');
  });

  it('concurrent copies of one notification pay once', async () => {
    const payer = randomUUID();
    const { payment } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    await h.withIpnMode('hold', async () => {
      await payThroughBrowser(h, payer, payment.id, 'success');
    });
    // The return page confirmed it by querying the gateway; now replay the IPN five times at once.
    const query = h.gateway.resultQuery(payment.txnRef);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        api<{ RspCode: string }>(h.baseUrl, 'GET', `/api/v1/payments/gateway/ipn?${query}`),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.body.RspCode),
      ['02', '02', '02', '02', '02'],
    );
    assert.equal(await auditCount(h, 'payments.paid', payment.id), 1);
    await h.gateway.releaseHeld();
  });

  it('a notification with a wrong signature changes nothing and answers 97', async () => {
    const { payer, payment, answers } = await payWithIpn(h, agency, 'corrupt');
    assert.deepEqual(answers, ['97']);
    assert.equal(await statusOf(h, payment.id), 'pending');
    assert.equal(await auditCount(h, 'payments.paid', payment.id), 0);
    // A forged return URL is refused as well, and changes nothing.
    const forged = await citizenClient(h.baseUrl, payer).get(
      `/payments/return?gw_TxnRef=${payment.txnRef}&gw_Amount=1234000&gw_ResponseCode=00&gw_TransactionStatus=00&gw_SecureHash=${'a'.repeat(128)}`,
    );
    assert.equal(forged.status, 400);
    assert.equal(await statusOf(h, payment.id), 'pending');
  });

  it('refuses a signed notification whose amount differs (04) and leaves the payment unpaid', async () => {
    const { payment, answers } = await payWithIpn(h, agency, 'wrong-amount');
    assert.deepEqual(answers, ['04']);
    assert.equal(await statusOf(h, payment.id), 'pending');
    assert.equal(await auditCount(h, 'payments.notification_refused', payment.id), 1);
  });

  it('a lost IPN: the return page asks the gateway (querydr) and only then marks it paid', async () => {
    const payer = randomUUID();
    const { payment } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    await h.withIpnMode('none', async () => {
      const { back } = await payThroughBrowser(h, payer, payment.id, 'success');
      assert.match(back.html, /Thanh toán thành công/);
    });
    assert.equal(await statusOf(h, payment.id), 'paid');
    const r = await sql<{
      channel: string;
      outcome: string;
    }>`SELECT channel, outcome FROM payments_notifications
      WHERE payment_id = ${payment.id}`.execute(h.db.database.db);
    assert.deepEqual(r.rows, [{ channel: 'query', outcome: 'paid' }]);
  });

  it('a return whose success the gateway does not confirm does not mark the payment paid', async () => {
    const payer = randomUUID();
    const { payment } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    // Correctly signed (as if the secret leaked to the browser), but the gateway has no such transaction.
    const query = signedQuery(
      {
        gw_MerchantCode: h.gateway.merchantCode,
        gw_TxnRef: payment.txnRef,
        gw_Amount: String(payment.amount),
        gw_ResponseCode: '00',
        gw_TransactionStatus: '00',
        gw_TransactionNo: '99999999',
      },
      h.gateway.secret,
    );
    const back = await citizenClient(h.baseUrl, payer).get(`/payments/return?${query}`);
    assert.equal(back.status, 200);
    assert.match(back.html, /đang chờ cổng thanh toán xác nhận/);
    assert.equal(await statusOf(h, payment.id), 'created');
  });

  it('"Hủy" on the gateway: the payment fails and the payer is told nothing was charged', async () => {
    const payer = randomUUID();
    const { payment } = await h.payments.service.createPayment(
      citizenCtx(payer),
      birthPayment(payer, agency),
    );
    const { back } = await payThroughBrowser(h, payer, payment.id, 'cancel');
    assert.match(back.html, /Giao dịch đã bị hủy/);
    assert.equal(await statusOf(h, payment.id), 'failed');
    const again = await citizenClient(h.baseUrl, payer).request('GET', `/payments/${payment.id}/pay`);
    assert.equal(again.status, 409, 'a failed payment cannot be started again');
  });

  it('a hook that fails rolls the payment back and asks the gateway to retry (99), then pays on retry', async () => {
    let failures = 1;
    const local = await startPaymentsHarness({ failHook: () => failures-- > 0 });
    try {
      const a = await local.makeAgency();
      const payer = randomUUID();
      const { payment } = await local.payments.service.createPayment(
        citizenCtx(payer),
        birthPayment(payer, a),
      );
      const browser = citizenClient(local.baseUrl, payer);
      const toGateway = await browser.request('GET', `/payments/${payment.id}/pay`);
      await local.gateway.pay(toGateway.headers.get('location') ?? '', 'success');
      const answers = local.gateway.ipnDeliveries.map((d) => d.rspCode);
      assert.deepEqual(answers, ['99', '00']);
      assert.equal(await statusOf(local, payment.id), 'paid');
      assert.equal(local.paidHookCalls.length, 1);
    } finally {
      await local.close();
    }
  });
});
