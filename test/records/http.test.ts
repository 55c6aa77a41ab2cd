import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PageClient } from '../support/client.ts';
import { signIn } from '../support/auth.ts';
import {
  deliverPending,
  issueCertificate,
  makeDesk,
  pdf,
  startRecordsApp,
  type Desk,
  type RecordsTestApp,
} from './support.ts';

const fields = (to: string, o: Record<string, string> = {}) => ({
  to,
  typeName: 'Công văn',
  notation: 'SNV-TCBC',
  subject: 'V/v rà soát số lượng người làm việc năm 2026',
  content: 'Đề nghị các sở gửi số liệu.',
  competence: 'KT',
  signerHead: 'GIÁM ĐỐC',
  signerPosition: 'Phó Giám đốc',
  signerName: 'Trần Thị Minh Hằng',
  place: 'Minh Sơn',
  promulgationDate: new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10),
  priority: '3',
  steeringType: '1',
  dueDate: '',
  toPlaces: 'Như trên\nLưu: VT, TCBC',
  pdfBase64: pdf().toString('base64'),
  pdfName: '1-SNV-TCBC.pdf',
  ...o,
});

describe('records desk pages (HTTP, without JavaScript)', () => {
  let t: RecordsTestApp;
  let a: Desk;
  let b: Desk;
  let clerkA: PageClient;
  let clerkB: PageClient;
  let outgoingUrl = '';
  let incomingUrl = '';
  before(async () => {
    t = await startRecordsApp();
    a = await makeDesk(t, { name: 'Sở Nội vụ tỉnh Minh Sơn' });
    b = await makeDesk(t, { name: 'Sở Tài chính tỉnh Minh Sơn' });
    clerkA = await signIn(t, a.clerk);
    clerkB = await signIn(t, b.clerk);
  });
  after(async () => t.close());

  it('says clearly on the compose page when the agency has no certificate, and refuses to send', async () => {
    const page = await clerkA.get(`/records/outgoing/new?to=${b.agency.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /chưa có chứng thư số còn hiệu lực/);
    const r = await clerkA.post('/records/outgoing', fields(b.agency.id));
    assert.equal(r.status, 409);
    assert.match(r.html, /chưa có chứng thư số/);
  });

  it('finds recipients in the directory and composes, signs and sends (number from the outgoing register)', async () => {
    await issueCertificate(t, a);
    const search = await clerkA.get('/records/outgoing/new?find=tai chinh minh son');
    assert.match(search.html, /Sở Tài chính tỉnh Minh Sơn/);
    assert.ok(search.html.includes(`to=${b.agency.id}`), 'an Add link keeps the pick in the address');
    const page = await clerkA.get(`/records/outgoing/new?to=${b.agency.id}`);
    assert.doesNotMatch(page.html, /chưa có chứng thư số/);

    const noCsrf = await clerkA.post('/records/outgoing', { ...fields(b.agency.id), _csrf: 'forged' });
    assert.equal(noCsrf.status, 403);

    await clerkA.get(`/records/outgoing/new?to=${b.agency.id}`);
    const missing = await clerkA.post('/records/outgoing', fields(b.agency.id, { subject: '' }));
    assert.equal(missing.status, 400);
    assert.match(missing.html, /error-summary/);
    assert.match(missing.html, /href="#f-subject"/);
    assert.match(missing.html, /value="SNV-TCBC"/, 'what was typed is kept');

    const notPdf = await clerkA.post(
      '/records/outgoing',
      fields(b.agency.id, { pdfBase64: Buffer.from('<html>hello</html>').toString('base64') }),
    );
    assert.equal(notPdf.status, 400);
    assert.match(notPdf.html, /phải là tệp PDF/);

    const sent = await clerkA.post('/records/outgoing', fields(b.agency.id));
    assert.equal(sent.status, 303, sent.html.slice(0, 500));
    assert.match(sent.location ?? '', /^\/records\/outgoing\/[0-9a-f-]{36}\?done=sent$/);
    outgoingUrl = (sent.location ?? '').split('?')[0] ?? '';
    const shown = await clerkA.get(sent.location ?? '');
    assert.match(shown.html, /1\/SNV-TCBC/, 'first number of the year');
    assert.match(shown.html, /Đã phát hành và gửi/);
    assert.match(shown.html, /Sở Tài chính tỉnh Minh Sơn/);
  });

  it('accepts the PDF as a browser uploads it (multipart form data)', async () => {
    await clerkA.get(`/records/outgoing/new?to=${b.agency.id}`);
    const body = new FormData();
    for (const [k, v] of Object.entries(fields(b.agency.id, { subject: 'V/v gửi bằng biểu mẫu có tệp' })))
      if (k !== 'pdfBase64' && k !== 'pdfName') body.append(k, v);
    body.append('_csrf', clerkA.csrfToken());
    body.append('pdf', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), 'công-văn.pdf');
    const response = await fetch(`${t.baseUrl}/records/outgoing`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: clerkA.cookieHeader(), accept: 'text/html' },
      body,
    });
    assert.equal(response.status, 303, (await response.text()).slice(0, 400));
    const shown = await clerkA.get(response.headers.get('location') ?? '');
    assert.match(shown.html, /2\/SNV-TCBC/);
    assert.match(shown.html, /công-văn\.pdf/);
  });

  it('lets the receiving clerk find, register, assign and finish; each status shows at the sender', async () => {
    await deliverPending(t);
    const list = await clerkB.get('/records/incoming');
    assert.equal(list.status, 200);
    assert.match(list.html, /rà soát số lượng/);
    const plain = await clerkB.get('/records/incoming?q=ra+soat+so+luong&priority=3');
    assert.match(plain.html, /rà soát số lượng/, 'diacritics-insensitive search with a priority filter');
    const none = await clerkB.get('/records/incoming?priority=4');
    assert.match(none.html, /Không có văn bản đến nào phù hợp/);
    const href = /href="(\/records\/incoming\/[0-9a-f-]{36})"[^>]*>1\/SNV-TCBC/.exec(list.html)?.[1];
    assert.ok(href, 'the list links the document');
    incomingUrl = href;

    const detail = await clerkB.get(incomingUrl);
    assert.match(detail.html, /Hỏa tốc/);
    assert.match(detail.html, /Chưa vào sổ/);
    const file = await clerkB.request('GET', `${incomingUrl}/attachments/0`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.match(file.headers.get('content-disposition') ?? '', /attachment/);
    assert.equal((await file.text()).slice(0, 5), '%PDF-');

    const registered = await clerkB.post(`${incomingUrl}/register`, {});
    assert.equal(registered.status, 303);
    const after = await clerkB.get(registered.location ?? '');
    assert.match(after.html, /Số đến 1 năm \d{4}/);

    const emptyName = await clerkB.post(`${incomingUrl}/assign`, { kind: 'unit', name: ' ' });
    assert.equal(emptyName.status, 400);
    assert.match(emptyName.html, /Nhập tên đơn vị hoặc người xử lý/);
    assert.equal(
      (await clerkB.post(`${incomingUrl}/assign`, { kind: 'unit', name: 'Phòng Ngân sách' })).status,
      303,
    );
    await clerkB.get(incomingUrl);
    assert.equal((await clerkB.post(`${incomingUrl}/processing`, {})).status, 303);
    await clerkB.get(incomingUrl);
    assert.equal((await clerkB.post(`${incomingUrl}/done`, { note: 'Đã xong' })).status, 303);
    const out = await clerkA.get(outgoingUrl);
    assert.match(out.html, /Hoàn thành/);
    assert.match(out.html, /Phòng Ngân sách/);

    // A step out of order comes back on the page, not as an error page.
    await clerkB.get(incomingUrl);
    const late = await clerkB.post(`${incomingUrl}/register`, {});
    assert.equal(late.status, 409);
    assert.match(late.html, /trạng thái hiện tại/);
  });

  it('rejects with a reason required next to the field', async () => {
    const list = await clerkB.get('/records/incoming?q=bieu+mau');
    const href = /href="(\/records\/incoming\/[0-9a-f-]{36})"/.exec(list.html)?.[1];
    assert.ok(href);
    await clerkB.get(href);
    const empty = await clerkB.post(`${href}/reject`, { reason: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.html, /Nhập lý do/);
    const ok = await clerkB.post(`${href}/reject`, { reason: 'Không thuộc thẩm quyền' });
    assert.equal(ok.status, 303);
    const search = await clerkA.get('/records/search?q=bieu+mau');
    assert.match(search.html, /gửi bằng biểu mẫu có tệp/);
  });

  it("shows nothing of another agency's documents (404)", async () => {
    const stranger = await makeDesk(t);
    const other = await signIn(t, stranger.clerk);
    assert.equal((await other.get(incomingUrl)).status, 404);
    assert.equal((await other.get(`${incomingUrl}/attachments/0`)).status, 404);
    assert.equal((await other.get(outgoingUrl)).status, 404);
    await other.get('/records/incoming');
    assert.equal((await other.post(`${incomingUrl}/register`, {})).status, 404);
    assert.equal((await other.post(`${outgoingUrl}/recall`, { reason: 'x' })).status, 404);
    assert.equal(
      (await clerkB.get(outgoingUrl)).status,
      404,
      'the recipient does not see the sender’s register',
    );
  });
});
