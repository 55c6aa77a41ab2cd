/**
 * The same document sent twice (same sender, same DocumentId) while the batched local
 * deliverer (`exchange.deliver-local`, on a real worker) is running: the recipient gets it once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { agencyWithCodes, clientCtx, edoc, startExchangeApp, type ExchangeTestApp } from './support.ts';
import { until } from '../support/until.ts';

describe('exchange: a duplicate send while the local deliverer runs', () => {
  let t: ExchangeTestApp;
  let worker: WorkerHandle;
  before(async () => {
    t = await startExchangeApp();
    worker = await startWorker({
      pool: t.database.pool,
      jobs: t.exchange.jobs,
      concurrency: 2,
      logger: createLogger('silent'),
    });
  });
  after(async () => {
    await worker.stop();
    await t.close();
  });

  const pendingOf = async (senderId: string) =>
    Number(
      (
        await sql<{ n: string }>`SELECT count(*) AS n FROM exchange_deliveries d
          JOIN exchange_packets p ON p.id = d.packet_id
          WHERE p.sender_agency_id = ${senderId} AND d.state = 'pending'`.execute(t.database.db)
      ).rows[0]?.n,
    );

  /** What the recipient holds of document `documentId`: inbox items, deliveries, arrivals (01). */
  async function heldBy(recipientId: string, senderId: string, documentId: string) {
    const inbox = await t.exchange.service.inbox(clientCtx(recipientId), { limit: 500 });
    const counts = await sql<{ packets: string; deliveries: string; arrivals: string }>`
      SELECT count(DISTINCT p.id) AS packets, count(DISTINCT d.id) AS deliveries,
        count(e.id) FILTER (WHERE e.code = '01') AS arrivals
      FROM exchange_packets p
      JOIN exchange_deliveries d ON d.packet_id = p.id AND d.recipient_agency_id = ${recipientId}
      LEFT JOIN exchange_status_events e ON e.delivery_id = d.id
      WHERE p.sender_agency_id = ${senderId} AND p.document_id = ${documentId}
        AND p.kind = 'edoc'`.execute(t.database.db);
    const row = counts.rows[0];
    return {
      inbox: inbox.items.filter((i) => i.documentId === documentId),
      packets: Number(row?.packets),
      deliveries: Number(row?.deliveries),
      arrivals: Number(row?.arrivals),
    };
  }

  it('sent again while its batch is being delivered: one document, one delivery, one 01', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    // Other packets keep the deliverer busy while the copy comes in.
    const busy = Array.from({ length: 40 }, () =>
      t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml),
    );
    const first = edoc(a.code, [b.code]);
    // The same document built again (its own trace time): same sender, same DocumentId.
    const again = edoc(a.code, [b.code], { number: first.number });
    assert.equal(again.documentId, first.documentId);
    const sentFirst = await t.exchange.service.send(clientCtx(a.id), first.xml);
    const sentAgain = await t.exchange.service.send(clientCtx(a.id), again.xml);
    await Promise.all(busy);
    assert.equal(sentFirst.duplicate, false);
    assert.equal(sentAgain.duplicate, true);
    assert.equal(sentAgain.id, sentFirst.id, 'the second send answers the first id');

    await until('delivery by the worker', async () => (await pendingOf(a.id)) === 0);
    const held = await heldBy(b.id, a.id, first.documentId);
    assert.equal(held.inbox.length, 1, 'once in the inbox');
    assert.equal(held.inbox[0]?.packetId, sentFirst.id);
    assert.equal(held.inbox[0]?.status, '01');
    assert.deepEqual([held.packets, held.deliveries, held.arrivals], [1, 1, 1]);
  });

  it('two copies racing while the deliverer runs: one is new, the other a duplicate of it', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const first = edoc(a.code, [b.code]);
    const again = edoc(a.code, [b.code], { number: first.number });
    const busy = Array.from({ length: 20 }, () =>
      t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml),
    );
    const results = await Promise.all([
      t.exchange.service.send(clientCtx(a.id), first.xml),
      t.exchange.service.send(clientCtx(a.id), again.xml),
      ...busy,
    ]);
    const [x, y] = results;
    assert.ok(x && y);
    assert.deepEqual([x.duplicate, y.duplicate].sort(), [false, true]);
    assert.equal(x.id, y.id);

    await until('delivery by the worker', async () => (await pendingOf(a.id)) === 0);
    const held = await heldBy(b.id, a.id, first.documentId);
    assert.equal(held.inbox.length, 1);
    assert.deepEqual([held.packets, held.deliveries, held.arrivals], [1, 1, 1]);
  });

  it('sent again after it was delivered: a duplicate, nothing new delivered', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const first = edoc(a.code, [b.code]);
    const sentFirst = await t.exchange.service.send(clientCtx(a.id), first.xml);
    await until('delivery by the worker', async () => (await pendingOf(a.id)) === 0);
    const before = await heldBy(b.id, a.id, first.documentId);
    assert.equal(before.inbox.length, 1);
    const cursor = before.inbox[0]?.cursor;

    const sentAgain = await t.exchange.service.send(
      clientCtx(a.id),
      edoc(a.code, [b.code], { number: first.number }).xml,
    );
    assert.equal(sentAgain.duplicate, true);
    assert.equal(sentAgain.id, sentFirst.id);
    // Give the deliverer the chance to do something wrong (another packet of A goes through it).
    await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml);
    await until('delivery by the worker', async () => (await pendingOf(a.id)) === 0);
    const held = await heldBy(b.id, a.id, first.documentId);
    assert.equal(held.inbox.length, 1);
    assert.equal(held.inbox[0]?.cursor, cursor, 'the same inbox number');
    assert.deepEqual([held.packets, held.deliveries, held.arrivals], [1, 1, 1]);
  });
});
