/**
 * The records desk sends each step on the axis as the real official, with no role lent: the
 * exchange itself lets a unit leader report 04 (and 05, 06), a specialist 05 and 06 on an
 * assigned copy, and keeps registering, rejecting and the inbox for the desk (clerks, admins).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildNewEdoc, buildStatus, writeEdxml } from '../../src/modules/exchange/index.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import type { AppError } from '../../src/platform/errors.ts';
import type { PageClient } from '../support/client.ts';
import { createOfficial, signIn, unique } from '../support/auth.ts';
import {
  deliverPending,
  makeDesk,
  officialCtx,
  pdf,
  startRecordsApp,
  type Desk,
  type RecordsTestApp,
} from './support.ts';

async function refusedWith(promise: Promise<unknown>, code: string, status: number): Promise<void> {
  const error = (await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )) as AppError;
  assert.equal(error.code, code, String(error));
  assert.equal(error.status, status, code);
}

interface Official {
  accountId: string;
  ctx: RequestContext;
  page: PageClient;
}

describe('records desk: each role reports its own statuses on the axis', () => {
  let t: RecordsTestApp;
  let a: Desk;
  let b: Desk;
  let c: Desk;
  let leaderB: Official;
  let specialistB: Official;
  let leaderC: Official;
  let leaderA: RequestContext;

  async function official(desk: Desk, role: 'unit_leader' | 'specialist'): Promise<Official> {
    const o = await createOfficial(t, { agencyId: desk.agency.id, roles: [role] });
    return {
      accountId: o.accountId,
      ctx: officialCtx(desk.agency.id, o.accountId, [role]),
      page: await signIn(t, o),
    };
  }

  before(async () => {
    t = await startRecordsApp();
    a = await makeDesk(t, { name: 'Sở Nội vụ tỉnh Minh Sơn' });
    b = await makeDesk(t, { name: 'Sở Tài chính tỉnh Minh Sơn' });
    c = await makeDesk(t, { name: 'Sở Y tế tỉnh Minh Sơn' });
    leaderB = await official(b, 'unit_leader');
    specialistB = await official(b, 'specialist');
    leaderC = await official(c, 'unit_leader');
    leaderA = officialCtx(
      a.agency.id,
      (await createOfficial(t, { agencyId: a.agency.id, roles: ['unit_leader'] })).accountId,
      ['unit_leader'],
    );
  });
  after(async () => t.close());

  /** A document from A to B, delivered and read into B's register by B's clerk. */
  async function arrive() {
    const number = String(unique());
    const packet = buildNewEdoc({
      from: { organId: a.agency.code, organName: a.agency.name },
      to: [{ organId: b.agency.code, organName: b.agency.name }],
      code: { number, notation: 'SNV-VP' },
      promulgationDate: '2026-06-01',
      documentType: { typeName: 'Công văn' },
      subject: `V/v phân công xử lý ${number}`,
      attachments: [{ name: `${number}.pdf`, content: pdf(), contentType: 'application/pdf' }],
    });
    const sent = await t.platform.exchange.service.send(a.ctx, Buffer.from(writeEdxml(packet)));
    await deliverPending(t);
    const [row] = (await t.records.service.incoming.list(b.ctx, { q: `phan cong xu ly ${number}` })).items;
    assert.ok(row, 'the clerk finds the document in the register');
    return {
      packetId: sent.id,
      id: row.id,
      url: `/records/incoming/${row.id}`,
      number,
      documentId: sent.documentId,
    };
  }

  /** What the sender sees of B: current status and the codes of its timeline. */
  async function atSender(packetId: string) {
    const { recipients } = await t.platform.exchange.service.recipients(a.ctx, packetId);
    const [r] = recipients;
    assert.ok(r);
    return { status: r.status, codes: r.timeline.map((e) => e.code), timeline: r.timeline };
  }

  /** Who sent B's status packet `code` about `documentId` (the exchange's own record). */
  async function sentBy(documentId: string, code: string) {
    const rows = await sql<{ sent_by: string | null }>`SELECT sent_by FROM exchange_packets
      WHERE kind = 'status' AND status_code = ${code} AND document_id = ${documentId}`.execute(t.database.db);
    return rows.rows.map((r) => r.sent_by);
  }

  /** Each of `codes` is refused to `who` for their role: 403 EXCHANGE_STATUS_NOT_PERMITTED. */
  async function refusedByRole(who: RequestContext, packetId: string, codes: ('02' | '03' | '16')[]) {
    for (const code of codes)
      await refusedWith(
        t.platform.exchange.service.recordStatus(who, packetId, code),
        'EXCHANGE_STATUS_NOT_PERMITTED',
        403,
      );
  }

  /** A status packet for `doc` written by hand, as a client of the transport API would send it. */
  const statusPacket = (doc: { number: string; documentId: string }, code: string, fromCode: string) =>
    Buffer.from(
      writeEdxml(
        buildStatus({
          code,
          from: { organId: fromCode },
          responseFor: {
            organId: a.agency.code,
            code: `${doc.number}/SNV-VP`,
            promulgationDate: '2026-06-01',
            documentId: doc.documentId,
          },
          description: null,
        }),
      ),
    );

  it('a unit leader assigns (04) on the desk pages; the sender sees 04, sent by the leader', async () => {
    const doc = await arrive();
    await t.records.service.incoming.register(b.ctx, doc.id);
    const page = await leaderB.page.get(doc.url);
    assert.equal(page.status, 200);
    const assigned = await leaderB.page.post(`${doc.url}/assign`, { kind: 'unit', name: 'Phòng Ngân sách' });
    assert.equal(assigned.status, 303, assigned.html.slice(0, 400));
    const seen = await atSender(doc.packetId);
    assert.equal(seen.status, '04');
    assert.deepEqual(seen.codes, ['01', '03', '04']);
    assert.equal(seen.timeline[2]?.description, 'Phòng Ngân sách');
    // The axis records the leader's own account, not a borrowed clerk.
    assert.deepEqual(await sentBy(doc.documentId, '04'), [leaderB.accountId]);
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events
      WHERE action = 'exchange.packet.accepted' AND actor_id = ${leaderB.accountId}
        AND details->>'statusCode' = '04'`.execute(t.database.db);
    assert.equal(audit.rows[0]?.n, 1);
  });

  it('a specialist marks processing (05) and done (06) on an assigned document; the sender sees both', async () => {
    const doc = await arrive();
    await t.records.service.incoming.register(b.ctx, doc.id);
    // Before assignment a specialist sees nothing of it, on the desk or on the axis.
    assert.equal((await specialistB.page.get(doc.url)).status, 404);
    await refusedWith(
      t.platform.exchange.service.get(specialistB.ctx, doc.packetId),
      'EXCHANGE_PACKET_NOT_FOUND',
      404,
    );
    await t.records.service.incoming.assign(leaderB.ctx, doc.id, { kind: 'person', name: 'Nguyễn Văn An' });

    const list = await specialistB.page.get('/records/incoming');
    assert.equal(list.status, 200);
    assert.ok(list.html.includes(doc.url), 'the assigned document is on the specialist’s list');
    assert.ok(!list.html.includes('href="/records/outgoing"'), 'no outgoing register for a specialist');
    assert.equal((await specialistB.page.get(doc.url)).status, 200);
    assert.equal((await specialistB.page.request('GET', `${doc.url}/attachments/0`)).status, 200);
    assert.equal((await specialistB.page.post(`${doc.url}/processing`, {})).status, 303);
    await specialistB.page.get(doc.url);
    assert.equal((await specialistB.page.post(`${doc.url}/done`, { note: 'Đã trả lời' })).status, 303);

    const seen = await atSender(doc.packetId);
    assert.equal(seen.status, '06');
    assert.deepEqual(seen.codes, ['01', '03', '04', '05', '06']);
    assert.deepEqual(await sentBy(doc.documentId, '05'), [specialistB.accountId]);
    assert.deepEqual(await sentBy(doc.documentId, '06'), [specialistB.accountId]);
    assert.equal((await specialistB.page.get('/records/outgoing')).status, 404);
  });

  it('a specialist cannot register (03) or reject (02), on the desk or on the axis', async () => {
    const doc = await arrive();
    await specialistB.page.get('/records/incoming');
    assert.equal((await specialistB.page.post(`${doc.url}/register`, {})).status, 404);
    await specialistB.page.get('/records/incoming');
    assert.equal(
      (await specialistB.page.post(`${doc.url}/reject`, { reason: 'Không thuộc thẩm quyền' })).status,
      404,
    );
    // On the axis an unassigned copy is invisible to a specialist, and so is the inbox.
    const exchange = t.platform.exchange.service;
    await refusedWith(
      exchange.recordStatus(specialistB.ctx, doc.packetId, '03'),
      'EXCHANGE_PACKET_NOT_FOUND',
      404,
    );
    await refusedWith(exchange.inbox(specialistB.ctx, {}), 'EXCHANGE_PACKET_NOT_FOUND', 404);
    // Once assigned the specialist reads it, yet rejecting is still not theirs: refused by role
    // (403) before the order of statuses (which would answer 409) is even looked at.
    await t.records.service.incoming.register(b.ctx, doc.id);
    await t.records.service.incoming.assign(b.ctx, doc.id, { kind: 'unit', name: 'Phòng Ngân sách' });
    await refusedByRole(specialistB.ctx, doc.packetId, ['02', '16']);
    assert.deepEqual((await atSender(doc.packetId)).codes, ['01', '03', '04']);
  });

  it('a unit leader cannot register (03) or reject (02) a document that just arrived', async () => {
    const doc = await arrive();
    const exchange = t.platform.exchange.service;
    // 01 → 03 and 01 → 02 are valid steps: only the role refuses them.
    await refusedByRole(leaderB.ctx, doc.packetId, ['03', '02']);
    // The same through the transport path (a hand-written status packet).
    await refusedWith(
      exchange.send(leaderB.ctx, statusPacket(doc, '03', b.agency.code)),
      'EXCHANGE_SENDER_MISMATCH',
      403,
    );
    await refusedWith(
      exchange.send(specialistB.ctx, statusPacket(doc, '02', b.agency.code)),
      'EXCHANGE_SENDER_MISMATCH',
      403,
    );
    const seen = await atSender(doc.packetId);
    assert.equal(seen.status, '01');
    assert.deepEqual(seen.codes, ['01']);
  });

  it("a leader of another agency records no status on this agency's delivery (404)", async () => {
    const doc = await arrive();
    await t.records.service.incoming.register(b.ctx, doc.id);
    const exchange = t.platform.exchange.service;
    for (const code of ['02', '03', '04', '05', '06', '15', '16'] as const) {
      await refusedWith(
        exchange.recordStatus(leaderC.ctx, doc.packetId, code),
        'EXCHANGE_PACKET_NOT_FOUND',
        404,
      );
      // The sender's own leader has no delivery of it to report on either.
      await refusedWith(exchange.recordStatus(leaderA, doc.packetId, code), 'EXCHANGE_PACKET_NOT_FOUND', 404);
    }
    await leaderC.page.get('/records/incoming');
    assert.equal(
      (await leaderC.page.post(`${doc.url}/assign`, { kind: 'unit', name: 'Phòng Y tế' })).status,
      404,
    );
    assert.equal((await leaderC.page.get(doc.url)).status, 404);
    // Writing B's code into a status packet does not make C's leader speak for B.
    await refusedWith(
      exchange.send(leaderC.ctx, statusPacket(doc, '04', b.agency.code)),
      'EXCHANGE_SENDER_MISMATCH',
      403,
    );
    assert.deepEqual((await atSender(doc.packetId)).codes, ['01', '03']);
  });
});
