import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { agencyWithCodes, clientCtx, edoc, startExchangeApp, type ExchangeTestApp } from './support.ts';

async function pendingLocal(t: ExchangeTestApp): Promise<number> {
  const r = await sql<{ n: string }>`SELECT count(*) AS n FROM exchange_deliveries
    WHERE state = 'pending' AND route = 'local'`.execute(t.database.db);
  return Number(r.rows[0]?.n);
}

describe('exchange: local deliveries in batches', () => {
  let t: ExchangeTestApp;
  before(async () => {
    t = await startExchangeApp();
  });
  after(async () => t.close());

  it('several batches at once deliver every delivery once, with gap-free inbox numbers per agency', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const c = await agencyWithCodes(t);
    const sent: string[] = [];
    for (let i = 0; i < 60; i++)
      sent.push((await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code, c.code]).xml)).id);
    // Four deliverers race for 120 deliveries, taking 7 at a time: SKIP LOCKED gives each its own rows.
    const counts = await Promise.all(
      Array.from({ length: 4 }, async () => {
        let n = 0;
        for (let got = -1; got !== 0; n += got) got = await t.exchange.service.deliverPendingNow(7);
        return n;
      }),
    );
    assert.equal(
      counts.reduce((x, y) => x + y, 0),
      120,
    );
    assert.equal(await pendingLocal(t), 0);
    for (const agency of [b, c]) {
      const inbox = await t.exchange.service.inbox(clientCtx(agency.id), { limit: 500 });
      assert.deepEqual(
        inbox.items.map((i) => i.cursor),
        Array.from({ length: 60 }, (_, i) => String(i + 1)),
        'numbers 1..60, each once',
      );
      assert.deepEqual(new Set(inbox.items.map((i) => i.packetId)), new Set(sent));
      assert.ok(inbox.items.every((i) => i.status === '01' && i.state === 'delivered'));
    }
    const arrivals = await sql<{ n: string; deliveries: string }>`SELECT count(*) AS n,
      count(DISTINCT delivery_id) AS deliveries FROM exchange_status_events WHERE code = '01'
      AND delivery_id IN (SELECT id FROM exchange_deliveries WHERE packet_id = ANY(${sent}::uuid[]))`.execute(
      t.database.db,
    );
    assert.equal(Number(arrivals.rows[0]?.n), 120);
    assert.equal(Number(arrivals.rows[0]?.deliveries), 120);
    // Delivering again changes nothing.
    assert.equal(await t.exchange.service.deliverPendingNow(), 0);
  });

  it('a lost wake-up: the sweep queues the batch job again, and the delivery arrives once', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const localJobs = async () =>
      Number(
        (
          await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker._private_jobs j
            JOIN graphile_worker._private_tasks k ON k.id = j.task_id
            WHERE k.identifier = 'exchange.deliver-local'`.execute(t.database.db)
        ).rows[0]?.n,
      );
    const sent = await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml);
    for (let i = 0; i < 100 && (await localJobs()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await localJobs(), 1, 'the send queued the wake-up');
    // The wake-up is lost (a process died between the commit and the job).
    await sql`SELECT graphile_worker.remove_job('exchange-deliver-local')`.execute(t.database.db);
    assert.equal(await localJobs(), 0);
    assert.equal(await t.exchange.service.sweepStale(0), 1, 'the sweep finds the pending delivery');
    assert.equal(await localJobs(), 1, 'and queues the batch job again');
    assert.equal(await t.exchange.service.deliverPendingNow(), 1);
    const arrivals = await sql<{ n: string }>`SELECT count(*) AS n FROM exchange_status_events e
      JOIN exchange_deliveries d ON d.id = e.delivery_id
      WHERE d.packet_id = ${sent.id} AND e.code = '01'`.execute(t.database.db);
    assert.equal(Number(arrivals.rows[0]?.n), 1);
    assert.equal(await t.exchange.service.sweepStale(0), 0, 'nothing left to sweep');
  });

  it('a packet an observer refuses waits; the other packets of its batch are delivered', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const good = await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml);
    const bad = await t.exchange.service.send(
      clientCtx(a.id),
      edoc(a.code, [b.code], { subject: 'Từ chối bởi bên quan sát' }).xml,
    );
    const good2 = await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml);
    t.exchange.observe({
      name: 'refuses one packet',
      packetArrived: (_trx, e) =>
        e.packetId === bad.id ? Promise.reject(new Error('observer refused')) : Promise.resolve(),
    });
    assert.equal(await t.exchange.service.deliverPendingNow(), 2);
    const inbox = await t.exchange.service.inbox(clientCtx(b.id), {});
    assert.deepEqual(
      inbox.items.map((i) => i.packetId),
      [good.id, good2.id],
    );
    const row = await sql<{ state: string; attempts: number; last_attempt_at: Date | null }>`
      SELECT state, attempts, last_attempt_at FROM exchange_deliveries WHERE packet_id = ${bad.id}`.execute(
      t.database.db,
    );
    assert.equal(row.rows[0]?.state, 'pending');
    assert.equal(row.rows[0]?.attempts, 1);
    assert.ok(row.rows[0]?.last_attempt_at, 'the failed attempt is recorded: it waits before the next');
    // While it waits, a batch does not take it again.
    assert.equal(await t.exchange.service.deliverPendingNow(), 0);
  });
});
