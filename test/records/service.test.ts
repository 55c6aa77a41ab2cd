import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildNewEdoc, writeEdxml } from '../../src/modules/exchange/index.ts';
import type { ComposeInput } from '../../src/modules/records/index.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import type { AppError } from '../../src/platform/errors.ts';
import {
  deliverPending,
  issueCertificate,
  makeDesk,
  officialCtx,
  pdf,
  startRecordsApp,
  type Desk,
  type RecordsTestApp,
} from './support.ts';
import { unique } from '../support/auth.ts';

async function refusedWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = (await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )) as AppError;
  assert.equal(error.code, code, String(error));
  return error;
}

describe('records desk service', () => {
  let t: RecordsTestApp;
  const clock = { now: new Date('2026-06-01T03:00:00Z') };
  before(async () => {
    t = await startRecordsApp({ now: () => clock.now });
  });
  after(async () => t.close());

  /** `count` unsigned documents from `from` to `to` over the exchange, delivered. */
  async function arrive(from: Desk, to: Desk[], count = 1, subject = 'V/v thử nghiệm') {
    for (let i = 0; i < count; i++) {
      const number = String(unique());
      const packet = buildNewEdoc({
        from: { organId: from.agency.code, organName: from.agency.name },
        to: to.map((d) => ({ organId: d.agency.code, organName: d.agency.name })),
        code: { number, notation: 'SNV-VP' },
        promulgationDate: '2026-06-01',
        documentType: { typeName: 'Công văn' },
        subject: `${subject} ${number}`,
        otherInfo: { priority: i % 2 },
        attachments: [{ name: `${number}.pdf`, content: pdf(), contentType: 'application/pdf' }],
      });
      await t.platform.exchange.service.send(from.ctx, Buffer.from(writeEdxml(packet)));
    }
    await deliverPending(t);
  }

  const compose = (to: Desk[], o: Partial<ComposeInput> = {}): ComposeInput => ({
    typeName: 'Công văn',
    notation: 'UBND-VP',
    subject: 'V/v rà soát số lượng người làm việc năm 2027',
    content: 'Đề nghị gửi số liệu trước ngày 14/11.',
    signer: { competence: 'KT. CHỦ TỊCH', position: 'Phó Chủ tịch', fullName: 'Trần Thị Minh Hằng' },
    place: 'Minh Sơn',
    promulgationDate: '2026-06-01',
    priority: 1,
    steeringType: 1,
    toPlaces: ['Như trên', 'Lưu: VT'],
    recipients: to.map((d) => d.agency.id),
    attachments: [{ name: 'cong-van.pdf', content: pdf() }],
    ...o,
  });

  it('numbers the incoming register per agency and year: 1, 2, then 1 again on 1 January (UTC+7)', async () => {
    const a = await makeDesk(t);
    const b = await makeDesk(t);
    await arrive(a, [b], 3);
    const list = await t.records.service.incoming.list(b.ctx, {});
    assert.equal(list.items.length, 3);
    const [first, second, third] = [...list.items].reverse();
    assert.ok(first && second && third);
    clock.now = new Date('2026-12-31T16:59:00Z'); // 23:59 on 31/12/2026 in Hà Nội
    const r1 = await t.records.service.incoming.register(b.ctx, first.id);
    const r2 = await t.records.service.incoming.register(b.ctx, second.id);
    clock.now = new Date('2026-12-31T17:00:00Z'); // 00:00 on 01/01/2027
    const r3 = await t.records.service.incoming.register(b.ctx, third.id);
    assert.deepEqual(
      [r1, r2, r3].map((r) => [r.reg_year, r.reg_number, r.status]),
      [
        [2026, 1, '03'],
        [2026, 2, '03'],
        [2027, 1, '03'],
      ],
    );
    // Registering again changes nothing: same number, no number taken.
    const again = await t.records.service.incoming.register(b.ctx, first.id);
    assert.equal(again.reg_number, 1);
    const other = await makeDesk(t);
    await arrive(a, [other], 1);
    const [o1] = (await t.records.service.incoming.list(other.ctx, {})).items;
    assert.ok(o1);
    assert.equal((await t.records.service.incoming.register(other.ctx, o1.id)).reg_number, 1, 'per agency');
  });

  it('gives 1..n with no gap and no duplicate when clerks register concurrently', async () => {
    clock.now = new Date('2026-06-02T03:00:00Z');
    const a = await makeDesk(t);
    const b = await makeDesk(t);
    const second = officialCtx(b.agency.id, b.clerk.accountId, ['records_clerk']);
    await arrive(a, [b], 12);
    const items = (await t.records.service.incoming.list(b.ctx, {})).items;
    assert.equal(items.length, 12);
    const results = await Promise.all(
      items.flatMap((row, i) => [
        t.records.service.incoming.register(i % 2 ? b.ctx : second, row.id),
        // The same document registered twice at once still gets one number.
        ...(i < 3 ? [t.records.service.incoming.register(second, row.id)] : []),
      ]),
    );
    const byDoc = new Map(results.map((r) => [r.id, r.reg_number]));
    assert.equal(byDoc.size, 12);
    assert.deepEqual(
      [...byDoc.values()].sort((x, y) => (x ?? 0) - (y ?? 0)),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it('sends each step back to the sender: registered, assigned, processing, done; rejected with its reason', async () => {
    clock.now = new Date('2026-06-03T03:00:00Z');
    const a = await makeDesk(t, { name: 'Sở Nội vụ tỉnh Minh Sơn' });
    const b = await makeDesk(t, { name: 'Sở Tài chính tỉnh Minh Sơn' });
    const leader = officialCtx(b.agency.id, b.clerk.accountId, ['unit_leader']);
    const specialist = officialCtx(b.agency.id, b.clerk.accountId, ['specialist']);
    await issueCertificate(t, a);
    const sent = await t.records.service.outgoing.issue(a.ctx, compose([b]));
    const sent2 = await t.records.service.outgoing.issue(a.ctx, compose([b], { subject: 'V/v thứ hai' }));
    assert.deepEqual([sent.number, sent2.number, sent.year], [1, 2, 2026], 'outgoing register numbers');
    assert.equal(sent.state, 'sent');
    await deliverPending(t);

    const inbox = await t.records.service.incoming.list(b.ctx, { q: 'ra soat so luong' });
    assert.equal(inbox.items.length, 1, 'found without diacritics');
    const doc = inbox.items[0];
    assert.ok(doc);
    assert.equal(doc.code_number, '1');
    assert.equal(doc.priority, 1);
    // A specialist sees nothing before the document is assigned, and may not register it.
    assert.equal((await t.records.service.incoming.list(specialist, {})).items.length, 0);
    await refusedWith(t.records.service.incoming.get(specialist, doc.id), 'RECORD_NOT_FOUND');
    await refusedWith(t.records.service.incoming.register(specialist, doc.id), 'RECORDS_NOT_AT_DESK');

    await t.records.service.incoming.register(b.ctx, doc.id);
    await refusedWith(t.records.service.incoming.progress(b.ctx, doc.id, '06'), 'RECORD_STEP_NOT_ALLOWED');
    await t.records.service.incoming.assign(leader, doc.id, { kind: 'unit', name: 'Phòng Ngân sách' });
    await t.records.service.incoming.progress(specialist, doc.id, '05');
    await t.records.service.incoming.progress(specialist, doc.id, '06', 'Đã trả lời bằng văn bản số 12');

    const followed = await t.records.service.outgoing.get(a.ctx, sent.id);
    const recipient = followed.recipients[0];
    assert.ok(recipient);
    assert.equal(recipient.status, '06');
    assert.deepEqual(
      recipient.timeline.map((e) => e.code),
      ['01', '03', '04', '05', '06'],
    );
    assert.equal(recipient.timeline[2]?.description, 'Phòng Ngân sách');
    assert.equal(followed.packet?.signature.result, 'valid', 'signed with the agency certificate');

    const doc2 = (await t.records.service.incoming.list(b.ctx, { q: 'thứ hai' })).items[0];
    assert.ok(doc2);
    await t.records.service.incoming.reject(b.ctx, doc2.id, 'Không thuộc thẩm quyền');
    const rejected = (await t.records.service.outgoing.get(a.ctx, sent2.id)).recipients[0];
    assert.equal(rejected?.status, '02');
    assert.equal(rejected?.timeline.at(-1)?.description, 'Không thuộc thẩm quyền');
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const count = async (q: Parameters<typeof t.records.service.incoming.list>[1]) =>
      (await t.records.service.incoming.list(b.ctx, q)).items.length;
    assert.equal(await count({ from: today, to: today }), 2, 'received today (UTC+7)');
    assert.equal(await count({ to: '2020-01-01' }), 0);
    assert.equal(await count({ from: '2999-01-01' }), 0);
    assert.equal(await count({ sender: a.agency.id, priority: 1 }), 2);
    assert.equal(await count({ sender: b.agency.id }), 0);
    assert.equal(await count({ q: 'so nhau vu' }), 0);
    assert.equal(await count({ q: 'so noi vu' }), 2, 'sender name without diacritics');
    assert.equal(await count({ q: '1/UBND-VP' }), 1, 'number and notation');
    const filtered = await t.records.service.incoming.list(b.ctx, { status: '02' });
    assert.deepEqual(
      filtered.items.map((x) => x.id),
      [doc2.id],
    );
  });

  it('recalls: the recipient sees the request and accepts; the sender sees the answer', async () => {
    const a = await makeDesk(t);
    const b = await makeDesk(t);
    await issueCertificate(t, a);
    const sent = await t.records.service.outgoing.issue(a.ctx, compose([b]));
    await deliverPending(t);
    await t.records.service.outgoing.recall(a.ctx, sent.id, 'Sai số liệu');
    await deliverPending(t);
    const [doc] = (await t.records.service.incoming.list(b.ctx, {})).items;
    assert.equal(doc?.recall_state, 'requested');
    await t.records.service.incoming.answerRecall(b.ctx, doc.id, true, 'Đồng ý');
    const recipient = (await t.records.service.outgoing.get(a.ctx, sent.id)).recipients[0];
    assert.equal(recipient?.recallState, 'accepted');
    await refusedWith(t.records.service.incoming.register(b.ctx, doc.id), 'RECORD_STEP_NOT_ALLOWED');
  });

  it('updates recipients and replaces a document', async () => {
    const a = await makeDesk(t);
    const b = await makeDesk(t);
    const c = await makeDesk(t);
    await issueCertificate(t, a);
    const sent = await t.records.service.outgoing.issue(a.ctx, compose([b]));
    await deliverPending(t);
    await t.records.service.outgoing.updateRecipients(a.ctx, sent.id, { add: [c.agency.id], remove: [] });
    await deliverPending(t);
    assert.equal(
      (await t.records.service.incoming.list(c.ctx, {})).items.length,
      1,
      'the added agency got it',
    );
    const names = (await t.records.service.outgoing.get(a.ctx, sent.id)).recipients.map((r) => r.agencyId);
    assert.deepEqual(new Set(names), new Set([b.agency.id, c.agency.id]));

    const replacing = await t.records.service.outgoing.issue(
      a.ctx,
      compose([b, c], { subject: 'V/v thay thế công văn trước', replacesId: sent.id }),
    );
    await deliverPending(t);
    const old = await t.records.service.outgoing.get(a.ctx, sent.id);
    assert.equal(old.record.replaced_by_id, replacing.id);
    const atB = (await t.records.service.incoming.list(b.ctx, { q: 'thay the' })).items[0];
    assert.ok(atB);
    const detail = await t.records.service.incoming.get(b.ctx, atB.id);
    assert.equal(detail.replaces?.packet_id, sent.packet_id);
  });

  it('refuses a file that is not a PDF, and a send without a certificate, before taking a number', async () => {
    const a = await makeDesk(t);
    const b = await makeDesk(t);
    await refusedWith(t.records.service.outgoing.issue(a.ctx, compose([b])), 'NO_SIGNING_CERTIFICATE');
    await issueCertificate(t, a);
    await refusedWith(
      t.records.service.outgoing.issue(
        a.ctx,
        compose([b], { attachments: [{ name: 'x.pdf', content: Buffer.from('<html>not a pdf</html>') }] }),
      ),
      'RECORD_ATTACHMENT_NOT_PDF',
    );
    const ok = await t.records.service.outgoing.issue(a.ctx, compose([b]));
    assert.equal(ok.number, 1, 'refused documents took no number');
    const list = await t.records.service.outgoing.list(a.ctx, { q: 'ra soat' });
    assert.equal(list.items.length, 1);
  });

  it("answers 404 for another agency's documents, and for people without a desk", async () => {
    const a = await makeDesk(t);
    const b = await makeDesk(t);
    const stranger = await makeDesk(t);
    await issueCertificate(t, a);
    const sent = await t.records.service.outgoing.issue(a.ctx, compose([b]));
    await deliverPending(t);
    const [doc] = (await t.records.service.incoming.list(b.ctx, {})).items;
    assert.ok(doc);
    await refusedWith(t.records.service.incoming.get(stranger.ctx, doc.id), 'RECORD_NOT_FOUND');
    await refusedWith(t.records.service.incoming.register(stranger.ctx, doc.id), 'RECORD_NOT_FOUND');
    await refusedWith(t.records.service.incoming.attachment(stranger.ctx, doc.id, 0), 'RECORD_NOT_FOUND');
    await refusedWith(t.records.service.outgoing.get(stranger.ctx, sent.id), 'RECORD_NOT_FOUND');
    await refusedWith(t.records.service.outgoing.recall(b.ctx, sent.id, 'x'), 'RECORD_NOT_FOUND');
    await refusedWith(t.records.service.outgoing.get(a.ctx, doc.id), 'RECORD_NOT_FOUND');
    const citizen: RequestContext = {
      actor: { kind: 'citizen', accountId: 'c1', sessionId: null },
      requestId: 'x',
      ip: null,
      locale: 'vi',
    };
    await refusedWith(t.records.service.incoming.list(citizen, {}), 'RECORDS_NOT_AT_DESK');
    assert.equal((await t.records.service.incoming.list(stranger.ctx, {})).items.length, 0);
  });
});
