import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  buildReplaceEdoc,
  buildRevokeEdoc,
  buildUpdateEdoc,
  writeEdxml,
  type EdocInput,
} from '../../src/modules/exchange/index.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import type { AppError } from '../../src/platform/errors.ts';
import {
  agencyWithCodes,
  ctxSystem,
  deliverPending,
  edoc,
  exchangeCounts,
  startExchangeApp,
  statusXml,
  type ExchangeTestApp,
} from './support.ts';

const as = (agencyId: string): RequestContext => ({
  actor: { kind: 'client', clientId: 'test-client', agencyId, scopes: [] },
  requestId: 'test',
  ip: null,
  locale: 'vi',
});

async function refusedWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = (await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )) as AppError;
  assert.equal(error.code, code, String(error));
  return error;
}

const base = (from: string, to: string[], number: string): EdocInput => ({
  from: { organId: from },
  to: to.map((organId) => ({ organId })),
  code: { number, notation: 'SNV-VP' },
  promulgationDate: '2026-03-02',
  documentType: { typeName: 'Công văn' },
  subject: `Văn bản ${number}`,
});

describe('exchange: statuses, recall, update, replace', () => {
  let t: ExchangeTestApp;
  before(async () => {
    t = await startExchangeApp();
  });
  after(async () => t.close());

  /** A sent and delivered document from a new agency to new recipients. */
  async function sentDocument(recipients = 2) {
    const a = await agencyWithCodes(t);
    const to = [];
    for (let i = 0; i < recipients; i++) to.push(await agencyWithCodes(t));
    const doc = edoc(
      a.code,
      to.map((r) => r.code),
    );
    const sent = await t.exchange.service.send(as(a.id), doc.xml);
    await deliverPending(t);
    return {
      a,
      to,
      doc,
      id: sent.id,
      target: { documentId: doc.documentId, senderCode: a.code, number: doc.number },
    };
  }

  async function statusOf(senderId: string, packetId: string, recipientId: string) {
    const r = await t.exchange.service.recipients(as(senderId), packetId);
    const d = r.recipients.find((x) => x.agencyId === recipientId);
    assert.ok(d);
    return d;
  }

  it('a recipient moves 01 → 03 → 04 → 05 → 06 with status packets; the sender sees the timeline', async () => {
    const { a, to, id, target } = await sentDocument(1);
    const b = to[0];
    assert.ok(b);
    for (const code of ['03', '04', '05', '06']) {
      const r = await t.exchange.service.send(
        as(b.id),
        statusXml(b.code, code, target, { description: `bước ${code}` }),
      );
      assert.equal(r.kind, 'status');
      assert.deepEqual(
        r.recipients.map((x) => x.agencyId),
        [a.id],
      );
    }
    const d = await statusOf(a.id, id, b.id);
    assert.equal(d.status, '06');
    assert.deepEqual(
      d.timeline.map((e) => e.code),
      ['01', '03', '04', '05', '06'],
    );
    // Status packets travel back to the sender's inbox.
    await deliverPending(t);
    const inbox = await t.exchange.service.inbox(as(a.id), {});
    assert.deepEqual(
      inbox.items.map((i) => i.statusCode),
      ['03', '04', '05', '06'],
    );
  });

  it('transitions are enforced; a repeat is a no-op', async () => {
    const { a, to, id, target } = await sentDocument(2);
    const [b, c] = to;
    assert.ok(b && c);
    const before = await exchangeCounts(t);
    const error = await refusedWith(
      t.exchange.service.send(as(b.id), statusXml(b.code, '05', target)),
      'EXCHANGE_STATUS_NOT_ALLOWED',
    );
    assert.equal(error.status, 409);
    assert.deepEqual(await exchangeCounts(t), before);
    const first = await t.exchange.service.recordStatus(as(b.id), id, '03');
    const again = await t.exchange.service.recordStatus(as(b.id), id, '03');
    assert.equal(again.id, first.id);
    assert.equal(again.duplicate, true);
    // Rejected (02) ends processing: registering afterwards is refused.
    await t.exchange.service.recordStatus(as(c.id), id, '02', { description: 'Không thuộc thẩm quyền' });
    await refusedWith(t.exchange.service.recordStatus(as(c.id), id, '03'), 'EXCHANGE_STATUS_NOT_ALLOWED');
    assert.equal((await statusOf(a.id, id, c.id)).status, '02');
    // A sender cannot record a recipient's status, and a stranger has no document to answer.
    const stranger = await agencyWithCodes(t);
    await refusedWith(
      t.exchange.service.send(as(stranger.id), statusXml(stranger.code, '03', target)),
      'EXCHANGE_TARGET_NOT_FOUND',
    );
  });

  it('recall by a revoke packet: one recipient accepts (15), another refuses (16)', async () => {
    const { a, to, id, target } = await sentDocument(2);
    const [b, c] = to;
    assert.ok(b && c);
    const revoke = buildRevokeEdoc({
      ...base(
        a.code,
        to.map((r) => r.code),
        `${target.number}-TH`,
      ),
      target: target.documentId,
    });
    const r = await t.exchange.service.send(as(a.id), Buffer.from(writeEdxml(revoke)));
    assert.equal(r.recipients.length, 2);
    assert.equal((await statusOf(a.id, id, b.id)).recallState, 'requested');
    // Answering before a recall exists is refused; after it, 15 and 16 are recorded.
    await t.exchange.service.send(as(b.id), statusXml(b.code, '15', target));
    await t.exchange.service.recordStatus(as(c.id), id, '16', { description: 'Đã xử lý xong' });
    const db = await statusOf(a.id, id, b.id);
    const dc = await statusOf(a.id, id, c.id);
    assert.equal(db.recallState, 'accepted');
    assert.equal(dc.recallState, 'refused');
    assert.deepEqual(
      db.timeline.map((e) => e.code),
      ['01', '13', '15'],
    );
    // A recalled copy takes no more processing statuses.
    await refusedWith(t.exchange.service.recordStatus(as(b.id), id, '03'), 'EXCHANGE_STATUS_NOT_ALLOWED');
    const meta = await t.exchange.service.get(as(b.id), id);
    assert.equal(meta.delivery?.recallState, 'accepted');
  });

  it('recall by status 13; only the sender may recall', async () => {
    const { a, to, id } = await sentDocument(1);
    const b = to[0];
    assert.ok(b);
    await refusedWith(t.exchange.service.recordStatus(as(b.id), id, '15'), 'EXCHANGE_STATUS_NOT_ALLOWED');
    await refusedWith(t.exchange.service.recall(as(b.id), id), 'EXCHANGE_PACKET_NOT_FOUND');
    const r = await t.exchange.service.recall(as(a.id), id, { reason: 'Sai sót số liệu' });
    assert.equal(r.kind, 'status');
    await deliverPending(t);
    const inbox = await t.exchange.service.inbox(as(b.id), {});
    assert.ok(inbox.items.some((i) => i.statusCode === '13'));
    await t.exchange.service.recordStatus(as(b.id), id, '15');
    assert.equal((await statusOf(a.id, id, b.id)).recallState, 'accepted');
    assert.ok((await t.exchange.service.get(as(a.id), id)).recallRequestedAt);
  });

  it('update adds a recipient (new delivery) and removes another (withdrawn)', async () => {
    const { a, to, id, target } = await sentDocument(2);
    const [b, c] = to;
    assert.ok(b && c);
    const e = await agencyWithCodes(t);
    const update = buildUpdateEdoc({
      ...base(a.code, [b.code, e.code], `${target.number}-CN`),
      target: target.documentId,
      receivers: [
        { receiverType: 1, organId: e.code },
        { receiverType: 0, organId: c.code },
      ],
    });
    await t.exchange.service.send(as(a.id), Buffer.from(writeEdxml(update)));
    assert.equal((await statusOf(a.id, id, c.id)).state, 'withdrawn');
    const added = await statusOf(a.id, id, e.id);
    assert.equal(added.state, 'pending');
    await deliverPending(t);
    const inbox = await t.exchange.service.inbox(as(e.id), {});
    assert.ok(inbox.items.some((i) => i.packetId === id && i.status === '01'));
    // The withdrawn recipient cannot move the document on any more.
    await refusedWith(t.exchange.service.recordStatus(as(c.id), id, '03'), 'EXCHANGE_STATUS_NOT_ALLOWED');
    // Updating someone else's document is not possible.
    await refusedWith(
      t.exchange.service.send(
        as(b.id),
        Buffer.from(
          writeEdxml(
            buildUpdateEdoc({
              ...base(b.code, [e.code], `${target.number}-X`),
              target: target.documentId,
              receivers: [{ receiverType: 1, organId: e.code }],
            }),
          ),
        ),
      ),
      'EXCHANGE_TARGET_NOT_FOUND',
    );
  });

  it('two different updates of one document both apply; the same update sent twice is one', async () => {
    const { a, to, id, target } = await sentDocument(2);
    const [b, c] = to;
    assert.ok(b && c);
    const e = await agencyWithCodes(t);
    // As the records desk writes them: the update carries the document's own DocumentId.
    const update = (receivers: { receiverType: 0 | 1; organId: string }[]) =>
      Buffer.from(
        writeEdxml(
          buildUpdateEdoc({
            ...base(a.code, [b.code, c.code], target.number),
            target: target.documentId,
            receivers,
          }),
        ),
      );
    const first = update([{ receiverType: 1, organId: e.code }]);
    const r1 = await t.exchange.service.send(as(a.id), first);
    assert.equal(r1.duplicate, false);
    assert.equal((await statusOf(a.id, id, e.id)).state, 'pending');
    const again = await t.exchange.service.send(as(a.id), first);
    assert.equal(again.duplicate, true, 'the same update sent twice is one');
    const r2 = await t.exchange.service.send(as(a.id), update([{ receiverType: 0, organId: c.code }]));
    assert.equal(r2.duplicate, false, 'a second, different update is not a duplicate');
    assert.equal((await statusOf(a.id, id, c.id)).state, 'withdrawn');
    assert.equal((await statusOf(a.id, id, e.id)).state, 'pending');
  });

  it('replace links the new document to the old one', async () => {
    const { a, to, id, target } = await sentDocument(1);
    const replace = buildReplaceEdoc({
      ...base(
        a.code,
        to.map((r) => r.code),
        `${target.number}-TT`,
      ),
      target: target.documentId,
      replacements: [{ documentId: target.documentId, organIds: to.map((r) => r.code) }],
    });
    const r = await t.exchange.service.send(as(a.id), Buffer.from(writeEdxml(replace)));
    const old = await t.exchange.service.get(as(a.id), id);
    const fresh = await t.exchange.service.get(as(a.id), r.id);
    assert.equal(old.replacedBy, r.id);
    assert.equal(fresh.targetPacketId, id);
    assert.equal(fresh.businessType, 3);
  });

  it("a successor's status matches a document sent to its predecessor (by DocumentId, then agency)", async () => {
    const { a, to, id, target } = await sentDocument(1);
    const old = to[0];
    assert.ok(old);
    const successor = await agencyWithCodes(t, { name: 'Sở sau sáp nhập' });
    await t.platform.directory.service.recordMerge(ctxSystem, {
      predecessors: [old.id, successor.id],
      successor: successor.id,
      effectiveOn: '2025-07-01',
      legalBasis: 'Nghị quyết thử nghiệm',
    });
    await t.exchange.service.send(as(successor.id), statusXml(successor.code, '03', target));
    const d = await statusOf(a.id, id, old.id);
    assert.equal(d.status, '03');
  });
});
