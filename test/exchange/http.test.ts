import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEdxml } from '../../src/modules/exchange/index.ts';
import { api } from '../support/client.ts';
import { clientToken } from '../support/auth.ts';
import {
  agencyWithCodes,
  deliverPending,
  edoc,
  exchangeCounts,
  pdfBytes,
  startExchangeApp,
  statusXml,
  type ExchangeTestApp,
} from './support.ts';

interface SendBody {
  id: string;
  duplicate: boolean;
  recipients: { agencyId: string }[];
}
interface ErrorBody {
  code: string;
  details?: unknown;
}
interface InboxBody {
  items: { cursor: string; packetId: string; status: string | null; statusCode: string | null }[];
  nextCursor: string;
}

async function postPacket(t: ExchangeTestApp, token: string, body: Buffer, query = '') {
  const response = await fetch(`${t.apiUrl}/api/v1/exchange/packets${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/xml',
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as SendBody & ErrorBody };
}

describe('exchange transport API', () => {
  let t: ExchangeTestApp;
  let a: Awaited<ReturnType<typeof agencyWithCodes>>;
  let b: Awaited<ReturnType<typeof agencyWithCodes>>;
  let c: Awaited<ReturnType<typeof agencyWithCodes>>;
  let tokenA: string;
  let tokenB: string;
  let tokenC: string;
  before(async () => {
    t = await startExchangeApp();
    a = await agencyWithCodes(t);
    b = await agencyWithCodes(t);
    c = await agencyWithCodes(t);
    tokenA = await clientToken(t, { agencyId: a.id });
    tokenB = await clientToken(t, { agencyId: b.id });
    tokenC = await clientToken(t, { agencyId: c.id });
  });
  after(async () => t.close());

  it('sends (201), resends (200, same id), delivers to the inbox after a cursor, fetches, acknowledges', async () => {
    // 3 MB of attachment: over the global 1 MB body limit, within the packet limit.
    const pdf = pdfBytes(3 * 1024 * 1024);
    const doc = edoc(a.code, [b.code], { attachment: pdf });
    const first = await postPacket(t, tokenA, doc.xml);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const again = await postPacket(t, tokenA, doc.xml);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.duplicate, true);

    const empty = await api<InboxBody>(t.apiUrl, 'GET', '/api/v1/exchange/inbox', { token: tokenB });
    assert.equal(empty.body.items.length, 0);
    await deliverPending(t);
    const inbox = await api<InboxBody>(t.apiUrl, 'GET', '/api/v1/exchange/inbox?limit=10', { token: tokenB });
    assert.equal(inbox.status, 200);
    assert.deepEqual(
      inbox.body.items.map((i) => [i.packetId, i.status]),
      [[first.body.id, '01']],
    );
    const later = await api<InboxBody>(
      t.apiUrl,
      'GET',
      `/api/v1/exchange/inbox?after=${inbox.body.nextCursor}`,
      {
        token: tokenB,
      },
    );
    assert.equal(later.body.items.length, 0);

    const meta = await api<{ subject: string; attachments: { bytes: number }[]; trace: unknown[] }>(
      t.apiUrl,
      'GET',
      `/api/v1/exchange/packets/${first.body.id}`,
      { token: tokenB },
    );
    assert.equal(meta.status, 200);
    assert.equal(meta.body.attachments[0]?.bytes, pdf.length);
    assert.equal(meta.body.trace.length, 2);

    const xml = await fetch(`${t.apiUrl}/api/v1/exchange/packets/${first.body.id}/edxml`, {
      headers: { authorization: `Bearer ${tokenB}` },
    });
    assert.equal(xml.status, 200);
    assert.match(xml.headers.get('content-type') ?? '', /application\/xml/);
    const delivered = await readEdxml(Buffer.from(await xml.arrayBuffer()));
    assert.equal(delivered.traces.length, 2);

    const file = await fetch(`${t.apiUrl}/api/v1/exchange/packets/${first.body.id}/attachments/0`, {
      headers: { authorization: `Bearer ${tokenB}` },
    });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.ok(Buffer.from(await file.arrayBuffer()).equals(pdf));

    const ack = await api<{ acknowledgedAt: string }>(
      t.apiUrl,
      'POST',
      `/api/v1/exchange/packets/${first.body.id}/ack`,
      {
        token: tokenB,
      },
    );
    assert.equal(ack.status, 200);
    const ack2 = await api<{ acknowledgedAt: string }>(
      t.apiUrl,
      'POST',
      `/api/v1/exchange/packets/${first.body.id}/ack`,
      {
        token: tokenB,
      },
    );
    assert.equal(ack2.body.acknowledgedAt, ack.body.acknowledgedAt);

    // The recipient answers with a status packet; the sender follows it per recipient.
    const status = await postPacket(
      t,
      tokenB,
      statusXml(b.code, '03', { documentId: doc.documentId, senderCode: a.code, number: doc.number }),
      '?messagetype=status',
    );
    assert.equal(status.status, 201, JSON.stringify(status.body));
    const recipients = await api<{
      recipients: {
        agencyId: string;
        status: string;
        acknowledgedAt: string | null;
        timeline: { code: string }[];
      }[];
    }>(t.apiUrl, 'GET', `/api/v1/exchange/packets/${first.body.id}/recipients`, { token: tokenA });
    assert.equal(recipients.status, 200);
    assert.equal(recipients.body.recipients[0]?.status, '03');
    assert.ok(recipients.body.recipients[0]?.acknowledgedAt);
    assert.deepEqual(
      recipients.body.recipients[0]?.timeline.map((e) => e.code),
      ['01', '03'],
    );
    const sent = await api<{ items: { packetId: string; recipients: { status: string }[] }[] }>(
      t.apiUrl,
      'GET',
      '/api/v1/exchange/sent',
      { token: tokenA },
    );
    assert.deepEqual(
      sent.body.items.map((i) => [i.packetId, i.recipients[0]?.status]),
      [[first.body.id, '03']],
    );
  });

  it("one agency's client cannot send in another's name (403) nor read another's packets (404)", async () => {
    const before = await exchangeCounts(t);
    const forged = await postPacket(t, tokenC, edoc(a.code, [b.code]).xml);
    assert.equal(forged.status, 403);
    assert.equal(forged.body.code, 'EXCHANGE_SENDER_MISMATCH');
    assert.deepEqual(await exchangeCounts(t), before);

    const sent = await postPacket(t, tokenA, edoc(a.code, [b.code]).xml);
    await deliverPending(t);
    for (const path of ['', '/edxml', '/attachments/0', '/recipients']) {
      const r = await api<ErrorBody>(t.apiUrl, 'GET', `/api/v1/exchange/packets/${sent.body.id}${path}`, {
        token: tokenC,
      });
      assert.equal(r.status, 404, path);
      assert.equal(r.body.code, 'EXCHANGE_PACKET_NOT_FOUND', path);
    }
    const ack = await api<ErrorBody>(t.apiUrl, 'POST', `/api/v1/exchange/packets/${sent.body.id}/ack`, {
      token: tokenC,
    });
    assert.equal(ack.body.code, 'EXCHANGE_PACKET_NOT_FOUND');
    // The recipient sees the packet but not the sender's per-recipient view.
    const theirs = await api<ErrorBody>(
      t.apiUrl,
      'GET',
      `/api/v1/exchange/packets/${sent.body.id}/recipients`,
      {
        token: tokenB,
      },
    );
    assert.equal(theirs.status, 404);
    const inboxC = await api<InboxBody>(t.apiUrl, 'GET', '/api/v1/exchange/inbox', { token: tokenC });
    assert.equal(inboxC.body.items.length, 0);
    const anonymous = await api<ErrorBody>(t.apiUrl, 'GET', '/api/v1/exchange/inbox');
    assert.notEqual(anonymous.status, 200);
  });

  it('an unknown recipient is refused with its code; a JSON body is not a packet', async () => {
    const r = await postPacket(t, tokenA, edoc(a.code, [b.code, '000.00.00.Z98']).xml);
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'EXCHANGE_UNKNOWN_RECIPIENT');
    assert.deepEqual(r.body.details, { code: '000.00.00.Z98' });
    const json = await api<ErrorBody>(t.apiUrl, 'POST', '/api/v1/exchange/packets', {
      token: tokenA,
      body: { x: 1 },
    });
    assert.equal(json.status, 415);
  });

  it('the API is in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, unknown> }>(t.apiUrl, 'GET', '/openapi.json');
    for (const path of [
      '/api/v1/exchange/packets',
      '/api/v1/exchange/inbox',
      '/api/v1/exchange/sent',
      '/api/v1/exchange/packets/{id}',
      '/api/v1/exchange/packets/{id}/edxml',
      '/api/v1/exchange/packets/{id}/attachments/{n}',
      '/api/v1/exchange/packets/{id}/ack',
      '/api/v1/exchange/packets/{id}/recipients',
    ])
      assert.ok(doc.body.paths[path], path);
  });
});
