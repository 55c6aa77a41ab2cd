import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { registerCitizen } from '../support/auth.ts';
import { api, type PageClient } from '../support/client.ts';
import { minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';
import { parse as parseDisposition } from 'content-disposition';

/** Posts a multipart form as a browser without JavaScript would (file input + CSRF token of the last page). */
async function postFile(
  client: PageClient,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; bytes: Buffer },
) {
  const body = new FormData();
  body.set('_csrf', client.csrfToken());
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  if (file) body.set('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  const response = await fetch(client.baseUrl + path, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { cookie: client.cookieHeader(), accept: 'text/html' },
  });
  const html = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('text/html')) client.lastHtml = html;
  return { status: response.status, location: response.headers.get('location'), html };
}

const statusOf = async (client: PageClient, path: string, method = 'GET') =>
  (
    await client.request(
      method,
      path,
      method === 'GET' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } },
    )
  ).status;

describe('dossiers: a citizen files, pays, follows and gets the result over HTTP', () => {
  let h: DossiersHarness;
  let agency: AgencySummary & { code: string };
  let procedure: ProcedureContent;
  let citizen: PageClient;
  let dossierId = '';
  let code = '';
  let paymentId = '';
  let paperId = '';

  before(async () => {
    h = await startDossiersHarness();
    agency = await h.makeAgency('commune');
    procedure = await h.makeProcedure();
    citizen = (await registerCitizen(h.asTestApp, { fullName: 'Nguyễn Thị Ánh Tuyết' })).client;
  });
  after(() => h.close());

  it('starts a draft at a competent agency, saves it, shows field errors and resumes it', async () => {
    const start = await citizen.get(`/dossiers/new?procedure=${procedure.code}`);
    assert.equal(start.status, 200);
    assert.ok(start.html.includes(agency.code), 'the competent commune is offered');
    const noName = await citizen.post('/dossiers/new', {
      procedure: procedure.code,
      agencyId: agency.id,
      applicantName: '',
    });
    assert.equal(noName.status, 400);
    assert.match(noName.html, /field-error/);
    const created = await citizen.post('/dossiers/new', {
      procedure: procedure.code,
      agencyId: agency.id,
      applicantName: 'Nguyễn Thị Ánh Tuyết',
    });
    assert.equal(created.status, 303);
    dossierId = /\/dossiers\/([0-9a-f-]{36})\/edit/.exec(created.location ?? '')?.[1] ?? '';
    assert.ok(dossierId);

    await citizen.get(`/dossiers/${dossierId}/edit`);
    const saved = await citizen.post(`/dossiers/${dossierId}/edit`, {
      'f.childName': 'Trần Minh Khôi',
      action: 'save',
    });
    assert.equal(saved.location, `/dossiers/${dossierId}/edit?saved=1`);
    const mine = await citizen.get('/dossiers');
    assert.ok(mine.html.includes(`/dossiers/${dossierId}/edit`), 'the draft can be resumed from my dossiers');
    const resumed = await citizen.get(`/dossiers/${dossierId}/edit`);
    assert.ok(resumed.html.includes('value="Trần Minh Khôi"'));
    const invalid = await citizen.post(`/dossiers/${dossierId}/edit`, {
      'f.childName': 'Trần Minh Khôi',
      'f.birthDate': '',
      action: 'review',
    });
    assert.equal(invalid.status, 400);
    assert.match(invalid.html, /id="f-f\.birthDate-error"/);
    const ok = await citizen.post(`/dossiers/${dossierId}/edit`, {
      'f.childName': 'Trần Minh Khôi',
      'f.birthDate': '2026-01-15',
      action: 'review',
    });
    assert.equal(ok.location, `/dossiers/${dossierId}/review`);
  });

  it('refuses a file that is not what it claims, takes the paper, and submits', async () => {
    await citizen.get(`/dossiers/${dossierId}/review`);
    const early = await citizen.post(`/dossiers/${dossierId}/submit`, {});
    assert.equal(early.status, 400);
    assert.ok(early.html.includes('Vui lòng tải lên: Giấy chứng sinh'));
    const fake = await postFile(
      citizen,
      `/dossiers/${dossierId}/papers`,
      { paperKey: 'giayChungSinh' },
      { name: 'giay.pdf', bytes: Buffer.from('<html>not a pdf</html>') },
    );
    assert.equal(fake.status, 400);
    assert.ok(fake.html.includes('Tệp không được chấp nhận'));
    const good = await postFile(
      citizen,
      `/dossiers/${dossierId}/papers`,
      { paperKey: 'giayChungSinh' },
      { name: 'giấy chứng sinh.pdf', bytes: minimalPdf },
    );
    assert.equal(good.status, 303);
    await citizen.get(`/dossiers/${dossierId}/review`);
    const submitted = await citizen.post(`/dossiers/${dossierId}/submit`, {});
    assert.equal(submitted.location, `/dossiers/${dossierId}?submitted=1`);
    const page = await citizen.get(submitted.location ?? '');
    code = /Mã hồ sơ: ([^ .]+(?:\.[^ .]+)*-\d{6}-\d{4})/.exec(page.html)?.[1] ?? '';
    assert.ok(code.startsWith(`${agency.code}-`), `code ${code}`);
    assert.ok(page.html.includes('1. Mới đăng ký'));
    assert.ok(page.html.includes('8.000 đ — chưa nộp'));
    assert.match(page.html, /Ngày hẹn trả<\/dt>\s*<dd>\d{2}\/\d{2}\/\d{4}/);
  });

  it('pays on the fake gateway; the fee shows paid on the timeline', async () => {
    await citizen.get(`/dossiers/${dossierId}`);
    const pay = await citizen.post(`/dossiers/${dossierId}/pay`, {});
    assert.equal(pay.location, `/dossiers/${dossierId}`);
    const link = /href="(\/payments\/([0-9a-f-]{36})\/pay)"/.exec((await citizen.get(pay.location)).html);
    paymentId = link?.[2] ?? '';
    assert.ok(paymentId, 'the dossier page links on to the gateway');
    const toGateway = await citizen.request('GET', link?.[1] ?? '');
    assert.equal(toGateway.status, 303);
    const back = await h.gateway.pay(toGateway.headers.get('location') ?? '', 'success');
    await citizen.get(back.slice(h.baseUrl.length));
    const page = await citizen.get(`/dossiers/${dossierId}`);
    assert.ok(page.html.includes('8.000 đ — đã nộp'));
    assert.ok(page.html.includes('Đã thanh toán phí, lệ phí'));
    assert.ok(!page.html.includes('Thanh toán trực tuyến'), 'no second payment offered');
    const audit = await h.db.database.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'dossiers.fee_paid' AND $1 = ANY(subject_ids)`,
      [dossierId],
    );
    assert.equal(audit.rows[0]?.n, 1, 'the fee payment is audited on the dossier, once');
  });

  it('downloads the receipt and looks the dossier up with the key printed on it', async () => {
    const r = await citizen.request('GET', `/dossiers/${dossierId}/receipt.pdf`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', '-', '-'], {
      input: Buffer.from(await r.arrayBuffer()),
    })
      .toString('utf8')
      .normalize('NFC');
    assert.ok(text.includes('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ') && text.includes(code));
    const secret = /Mã tra cứu\s+([A-Z2-9]{10})/.exec(text)?.[1] ?? '';
    assert.ok(secret, 'the lookup key is printed');
    const found = await api<{ status: string; nationalStatus: number }>(
      h.baseUrl,
      'POST',
      '/api/v1/dossiers/lookup',
      { body: { code, secret } },
    );
    assert.equal(found.status, 200);
    assert.equal(found.body.nationalStatus, 1);
    assert.ok(!JSON.stringify(found.body).includes('Tuyết'), 'no personal data');
    const wrong = await api(h.baseUrl, 'POST', '/api/v1/dossiers/lookup', {
      body: { code, secret: 'AAAAAAAAAA' },
    });
    assert.equal(wrong.status, 404);
    const visitor = new (citizen.constructor as new (u: string) => PageClient)(h.baseUrl);
    await visitor.get('/tra-cuu');
    const page = await visitor.post('/tra-cuu', { code, secret });
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('1. Mới đăng ký'));
  });

  it('an officer receives, asks for a paper, the citizen supplements, the officer returns the result', async () => {
    const officer = await h.official(agency.id, ['one_stop_officer']);
    await officer.get(`/one-stop/dossiers/${dossierId}`);
    assert.equal((await officer.post(`/one-stop/dossiers/${dossierId}/receive`, {})).status, 303);
    await officer.get(`/one-stop/dossiers/${dossierId}`);
    const asked = await officer.post(`/one-stop/dossiers/${dossierId}/supplement`, {
      missing: 'Bản chụp giấy chứng sinh rõ nét hơn',
    });
    assert.equal(asked.status, 303);

    const page = await citizen.get(`/dossiers/${dossierId}`);
    assert.ok(page.html.includes('5. Yêu cầu bổ sung giấy tờ'));
    assert.ok(page.html.includes('Bản chụp giấy chứng sinh rõ nét hơn'));
    const sent = await postFile(
      citizen,
      `/dossiers/${dossierId}/supplement`,
      { note: 'Đã chụp lại' },
      { name: 'giấy chứng sinh rõ.pdf', bytes: minimalPdf },
    );
    assert.equal(sent.status, 303);
    assert.ok((await citizen.get(`/dossiers/${dossierId}`)).html.includes('4. Đang xử lý'));

    const desk = await officer.get(`/one-stop/dossiers/${dossierId}`);
    paperId = /\/dossiers\/[0-9a-f-]{36}\/papers\/([0-9a-f-]{36})/.exec(desk.html)?.[1] ?? '';
    const paperDownload = await officer.request('GET', `/dossiers/${dossierId}/papers/${paperId}`);
    assert.equal(paperDownload.status, 200);
    // The citizen's file name comes back as given, diacritics and all; old clients get it without them.
    const disposition = paperDownload.headers.get('content-disposition') ?? '';
    assert.ok(
      ['giấy chứng sinh.pdf', 'giấy chứng sinh rõ.pdf'].includes(
        parseDisposition(disposition).parameters['filename'] ?? '',
      ),
      disposition,
    );
    assert.match(disposition, /^attachment; filename="giay chung sinh( ro)?\.pdf"; filename\*=UTF-8''/);
    const result = Buffer.concat([minimalPdf, Buffer.from('% Giấy khai sinh điện tử\n')]);
    const returned = await postFile(
      officer,
      `/one-stop/dossiers/${dossierId}/result`,
      {},
      { name: 'ket-qua.pdf', bytes: result },
    );
    assert.equal(returned.status, 303);

    const done = await citizen.get(`/dossiers/${dossierId}`);
    assert.ok(done.html.includes('10. Đã trả kết quả'));
    const download = await citizen.request('GET', `/dossiers/${dossierId}/result.pdf`);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), result);
    const { rows } = await h.db.database.pool.query(
      `SELECT template FROM notify_notifications WHERE template = 'result_ready'`,
    );
    assert.equal(rows.length, 1, 'the citizen was told');
  });

  it('takes a rating and shows it in the public statistics', async () => {
    await citizen.get(`/dossiers/${dossierId}`);
    assert.equal(
      (await citizen.post(`/dossiers/${dossierId}/feedback`, { rating: '5', comment: 'Rất nhanh' })).status,
      303,
    );
    const stats = await api<{
      items: { procedureCode: string; completed: number; onTimeRate: number; averageRating: number }[];
    }>(h.baseUrl, 'GET', `/api/v1/dossiers/stats?agencyId=${agency.id}`);
    assert.deepEqual(
      stats.body.items.map((i) => [i.procedureCode, i.completed, i.onTimeRate, i.averageRating]),
      [[procedure.code, 1, 1, 5]],
    );
    const page = await citizen.get('/stats');
    assert.ok(page.html.includes(procedure.name) && page.html.includes('100 %'));
  });

  it('answers 404 to another citizen on every route of the dossier, its receipt, result and payment', async () => {
    const other = (await registerCitizen(h.asTestApp)).client;
    for (const path of [
      `/dossiers/${dossierId}`,
      `/dossiers/${dossierId}/edit`,
      `/dossiers/${dossierId}/review`,
      `/dossiers/${dossierId}/receipt.pdf`,
      `/dossiers/${dossierId}/result.pdf`,
      `/dossiers/${dossierId}/papers/${paperId}`,
      `/one-stop/dossiers/${dossierId}`,
      `/api/v1/dossiers/${dossierId}`,
      `/api/v1/payments/${paymentId}`,
      `/payments/${paymentId}/receipt.pdf`,
    ])
      assert.equal(await statusOf(other, path), 404, `GET ${path}`);
    await other.get('/dossiers');
    for (const path of [
      `/dossiers/${dossierId}/pay`,
      `/dossiers/${dossierId}/withdraw`,
      `/dossiers/${dossierId}/feedback`,
      `/dossiers/${dossierId}/submit`,
    ])
      assert.equal((await other.post(path, { rating: '5' })).status, 404, `POST ${path}`);
    assert.equal(
      (await postFile(other, `/dossiers/${dossierId}/supplement`, {}, { name: 'a.pdf', bytes: minimalPdf }))
        .status,
      404,
    );
    assert.equal(
      (
        await postFile(
          other,
          `/dossiers/${dossierId}/papers`,
          { paperKey: 'giayChungSinh' },
          { name: 'a.pdf', bytes: minimalPdf },
        )
      ).status,
      404,
    );
    assert.equal(await statusOf(other, `/api/v1/dossiers/${dossierId}/submit`, 'POST'), 404);

    const stranger = await h.official((await h.makeAgency('commune')).id, ['one_stop_officer']);
    assert.equal(await statusOf(stranger, `/one-stop/dossiers/${dossierId}`), 404);
    assert.equal(await statusOf(stranger, `/dossiers/${dossierId}/result.pdf`), 404);
    await stranger.get('/one-stop/dossiers');
    assert.equal((await stranger.post(`/one-stop/dossiers/${dossierId}/receive`, {})).status, 404);
  });
});
