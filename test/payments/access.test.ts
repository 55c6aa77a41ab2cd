import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PaymentView } from '../../src/modules/payments/index.ts';
import type { PageClient } from '../support/client.ts';
import {
  birthPayment,
  citizenClient,
  citizenCtx,
  startPaymentsHarness,
  type PaymentsHarness,
} from './harness.ts';

/** Every route that shows or acts on one payment, as a browser or an API client would call it. */
function routes(
  p: PaymentView,
  returnQuery: string,
): { method: string; path: string; api: boolean; body?: string }[] {
  return [
    { method: 'GET', path: `/payments/${p.id}`, api: false },
    { method: 'GET', path: `/payments/${p.id}/pay`, api: false },
    { method: 'GET', path: `/payments/${p.id}/receipt.pdf`, api: false },
    { method: 'GET', path: `/payments/return?${returnQuery}`, api: false },
    { method: 'GET', path: `/api/v1/payments/${p.id}`, api: true },
    { method: 'GET', path: `/api/v1/payments/${p.id}/refunds`, api: true },
    { method: 'GET', path: `/api/v1/payments/${p.id}/receipt`, api: true },
    {
      method: 'POST',
      path: `/api/v1/payments/${p.id}/refunds`,
      api: true,
      body: JSON.stringify({ amount: 1000, reason: 'Thử' }),
    },
  ];
}

async function call(client: PageClient, r: { method: string; path: string; api: boolean; body?: string }) {
  const response = await client.request(r.method, r.path, {
    headers: {
      accept: r.api ? 'application/json' : 'text/html',
      ...(r.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(r.body ? { body: r.body } : {}),
  });
  return { status: response.status, text: await response.text() };
}

describe('payments: other people’s payments are invisible (404 on every route)', () => {
  let h: PaymentsHarness;
  let agency: { id: string; name: string };
  let payment: PaymentView;
  let payer: string;
  let returnQuery: string;
  before(async () => {
    h = await startPaymentsHarness();
    agency = await h.makeAgency();
    payer = randomUUID();
    const created = await h.payments.service.createPayment(citizenCtx(payer), birthPayment(payer, agency));
    const back = await h.gateway.pay(created.redirectUrl, 'success');
    returnQuery = back.split('?')[1] ?? '';
    payment = await h.payments.service.getPayment(citizenCtx(payer), created.payment.id);
    assert.equal(payment.status, 'paid');
  });
  after(() => h.close());

  it('the payer sees the status page, the receipt, the return page and the API', async () => {
    const own = citizenClient(h.baseUrl, payer);
    for (const r of routes(payment, returnQuery)) {
      const { status } = await call(own, r);
      if (r.path.endsWith('/pay')) assert.equal(status, 409, 'a paid payment cannot be started again');
      else if (r.method === 'POST') assert.equal(status, 403, 'a payer cannot refund');
      else assert.equal(status, 200, `${r.method} ${r.path}`);
    }
  });

  it('another citizen gets 404 from every route, and learns nothing about the payment', async () => {
    const other = citizenClient(h.baseUrl, randomUUID());
    for (const r of routes(payment, returnQuery)) {
      const { status, text } = await call(other, r);
      assert.equal(status, 404, `${r.method} ${r.path}`);
      // The return URL carries the reference itself (the page's language link repeats the URL).
      if (!r.path.startsWith('/payments/return'))
        assert.ok(!text.includes(payment.txnRef), `${r.path} does not leak the reference`);
      assert.ok(!text.includes(payment.agencyName), `${r.path} does not leak the agency`);
      assert.ok(!text.includes('Nguyễn Thị Ánh Tuyết'), `${r.path} does not leak the payer's name`);
    }
    await assert.rejects(h.payments.service.getPayment(citizenCtx(), payment.id), /PAYMENT_NOT_FOUND/);
    assert.deepEqual(await h.payments.service.paymentsOf(citizenCtx(), payment.reference.id), []);
  });

  it('an official of another agency gets 404; one of the owning agency reads it', async () => {
    const other = await h.makeAgency();
    const stranger = await h.official(other.id, ['one_stop_officer']);
    for (const r of routes(payment, returnQuery)) {
      if (r.path.endsWith('/pay') || r.path.startsWith('/payments/return')) continue; // payer-only pages
      assert.equal((await call(stranger, r)).status, 404, `${r.method} ${r.path}`);
    }
    const officer = await h.official(agency.id, ['specialist']);
    assert.equal(
      (await call(officer, { method: 'GET', path: `/api/v1/payments/${payment.id}`, api: true })).status,
      200,
    );
    assert.equal(
      (await call(officer, { method: 'GET', path: `/payments/${payment.id}/receipt.pdf`, api: false }))
        .status,
      200,
    );
  });

  it('without signing in, pages send to the login and the API answers 404', async () => {
    const page = await fetch(`${h.baseUrl}/payments/${payment.id}`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location') ?? '', /^\/login\?next=/);
    const apiAnswer = await fetch(`${h.baseUrl}/api/v1/payments/${payment.id}`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(apiAnswer.status, 404);
  });
});
