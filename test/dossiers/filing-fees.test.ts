/**
 * Fees that follow the form, end to end over HTTP: the seeded criminal record certificate
 * (Phiếu lý lịch tư pháp) charges 200,000 đ, or 100,000 đ for those entitled to the reduction,
 * plus 5,000 đ for each copy from the third. The review page shows the computed lines, the
 * server computes fee_total from the submitted values (never from the browser), the receipt
 * prints it, and the payment on the fake gateway charges exactly that.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { systemContext } from '../../src/platform/context.ts';
import { registerCitizen } from '../support/auth.ts';
import type { PageClient } from '../support/client.ts';
import { startDossiersHarness, type DossiersHarness } from './harness.ts';

const LLTP = '2.000488';

describe('dossiers: fees computed from the submitted form (seeded criminal record certificate)', () => {
  let h: DossiersHarness;
  let citizen: PageClient;
  let agencyId = '';
  let dossierId = '';

  const values = (o: { copies: string; reduced: boolean }) => ({
    'f.fullName': 'Lê Văn Thành',
    'f.sex': 'nam',
    'f.birthDate': '1990-05-04',
    'f.birthPlace': 'Nghệ An',
    'f.nationality': 'Việt Nam',
    'f.idNumber': '040090012345',
    'f.residences.0.period': '05/2004 - nay',
    'f.residences.0.address': 'Phường Vinh Phú, Nghệ An',
    'f.certificateType': '2',
    'f.purpose': 'Bổ sung hồ sơ xin việc',
    'f.copies': o.copies,
    ...(o.reduced ? { 'f.reducedFee': 'on' } : {}),
    'f.phone': '0912345678',
    'f.delivery': 'truc_tuyen',
    'f.pledge': 'on',
  });

  before(async () => {
    h = await startDossiersHarness();
    agencyId = (await h.makeAgency('department')).id;
    await h.services.seed(systemContext('test'));
    citizen = (await registerCitizen(h.asTestApp, { fullName: 'Lê Văn Thành' })).client;
  });
  after(() => h.close());

  it('shows the procedure page with each fee and its rule in words', async () => {
    const page = await citizen.get(`/services/${LLTP}`);
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('trừ khi Thuộc đối tượng được giảm 50% phí'), 'the rule of the full fee');
    assert.ok(page.html.includes('mỗi đơn vị của “Số lượng Phiếu đề nghị cấp”, miễn 2 đơn vị đầu'));
  });

  it('the review page lists the fees the answers call for, and follows a change of answers', async () => {
    await citizen.get(`/dossiers/new?procedure=${LLTP}`);
    const created = await citizen.post('/dossiers/new', {
      procedure: LLTP,
      agencyId,
      applicantName: 'Lê Văn Thành',
    });
    dossierId = /\/dossiers\/([0-9a-f-]{36})\/edit/.exec(created.location ?? '')?.[1] ?? '';
    assert.ok(dossierId, `draft created (${created.status})`);
    await citizen.get(`/dossiers/${dossierId}/edit`);
    const first = await citizen.post(`/dossiers/${dossierId}/edit`, {
      ...values({ copies: '1', reduced: false }),
      action: 'review',
    });
    assert.equal(first.location, `/dossiers/${dossierId}/review`, first.html.slice(0, 0));
    let review = await citizen.get(`/dossiers/${dossierId}/review`);
    assert.ok(review.html.includes('Phí cung cấp thông tin lý lịch tư pháp'));
    assert.ok(review.html.includes('200.000 đồng'));
    assert.ok(!review.html.includes('Phí cấp từ Phiếu thứ 3 trở đi'), 'one copy: no extra copies charged');

    await citizen.get(`/dossiers/${dossierId}/edit`);
    await citizen.post(`/dossiers/${dossierId}/edit`, {
      ...values({ copies: '5', reduced: true }),
      action: 'review',
    });
    review = await citizen.get(`/dossiers/${dossierId}/review`);
    const fees = review.html.slice(review.html.indexOf('id="f-fees"'));
    assert.ok(fees.includes('Phí cung cấp thông tin lý lịch tư pháp (giảm)'));
    assert.ok(fees.includes('100.000 đồng'));
    assert.ok(fees.includes('5.000 đồng × 3'), 'copies 3 to 5 at 5,000 đ');
    assert.ok(fees.includes('115.000 đồng'), 'the total');
    assert.ok(!/Phí cung cấp thông tin lý lịch tư pháp<\/td>/.test(fees), 'the full fee is not charged too');
  });

  it('submits: fee_total is computed on the server, printed on the receipt and charged exactly', async () => {
    await citizen.get(`/dossiers/${dossierId}/review`);
    const submitted = await citizen.post(`/dossiers/${dossierId}/submit`, {});
    assert.equal(submitted.location, `/dossiers/${dossierId}?submitted=1`);
    const row = await h.db.database.pool.query<{ fee_total: string }>(
      'SELECT fee_total FROM dossiers_dossiers WHERE id = $1',
      [dossierId],
    );
    assert.equal(Number(row.rows[0]?.fee_total), 115_000);
    const page = await citizen.get(`/dossiers/${dossierId}`);
    assert.ok(page.html.includes('115.000 đ — chưa nộp'));

    const receipt = await citizen.request('GET', `/dossiers/${dossierId}/receipt.pdf`);
    assert.equal(receipt.status, 200);
    if (existsSync('/usr/bin/pdftotext')) {
      const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', '-', '-'], {
        input: Buffer.from(await receipt.arrayBuffer()),
      })
        .toString('utf8')
        .normalize('NFC');
      assert.ok(text.includes('115.000 đồng'), 'the receipt shows the computed total');
      assert.ok(text.includes('5.000 đồng × 3'), 'and the copies line');
    }

    await citizen.get(`/dossiers/${dossierId}`);
    const pay = await citizen.post(`/dossiers/${dossierId}/pay`, {});
    assert.equal(pay.location, `/dossiers/${dossierId}`);
    const link = /href="(\/payments\/([0-9a-f-]{36})\/pay)"/.exec(
      (await citizen.get(`/dossiers/${dossierId}`)).html,
    );
    const paymentId = link?.[2] ?? '';
    assert.ok(paymentId);
    const payment = await h.db.database.pool.query<{
      amount: string;
      items: { name: string; amount: number; quantity?: number }[];
    }>('SELECT amount, items FROM payments_payments WHERE id = $1', [paymentId]);
    assert.equal(Number(payment.rows[0]?.amount), 115_000);
    assert.deepEqual(
      payment.rows[0]?.items.map((i) => [i.name, i.amount, i.quantity]),
      [
        ['Phí cung cấp thông tin lý lịch tư pháp (giảm)', 100_000, 1],
        ['Phí cấp từ Phiếu thứ 3 trở đi', 15_000, 3],
      ],
    );
    const toGateway = await citizen.request('GET', link?.[1] ?? '');
    assert.equal(toGateway.status, 303);
    const gatewayUrl = new URL(toGateway.headers.get('location') ?? '');
    assert.equal(
      gatewayUrl.searchParams.get('gw_Amount'),
      '115000',
      'the gateway is asked for exactly the total',
    );
    const back = await h.gateway.pay(gatewayUrl.toString(), 'success');
    await citizen.get(back.slice(h.baseUrl.length));
    assert.ok((await citizen.get(`/dossiers/${dossierId}`)).html.includes('115.000 đ — đã nộp'));
  });

  it('values posted after submission do not change the fee', async () => {
    const late = await citizen.post(`/dossiers/${dossierId}/edit`, {
      ...values({ copies: '10', reduced: false }),
      action: 'review',
    });
    assert.notEqual(late.status, 200);
    const row = await h.db.database.pool.query<{ fee_total: string }>(
      'SELECT fee_total FROM dossiers_dossiers WHERE id = $1',
      [dossierId],
    );
    assert.equal(Number(row.rows[0]?.fee_total), 115_000);
  });
});
