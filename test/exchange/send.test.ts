import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { readEdxml } from '../../src/modules/exchange/index.ts';
import type { AppError } from '../../src/platform/errors.ts';
import {
  agencyWithCodes,
  ctxSystem,
  deliverPending,
  edoc,
  exchangeCounts,
  startExchangeApp,
  type ExchangeTestApp,
  clientCtx,
} from './support.ts';

async function refusedWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = (await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )) as AppError;
  assert.equal(error.code, code, String(error));
  return error;
}

function blobFiles(dir: string): string[] {
  const root = path.join(dir, 'sha256');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('exchange: accepting and delivering packets', () => {
  let t: ExchangeTestApp;
  before(async () => {
    t = await startExchangeApp();
  });
  after(async () => t.close());

  it('accepts a packet, keeps the original and the attachment, delivers once with status 01', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const { xml, documentId } = edoc(a.code, [b.code]);
    const sent = await t.exchange.service.send(clientCtx(a.id), xml);
    assert.equal(sent.duplicate, false);
    assert.equal(sent.documentId, documentId);
    assert.deepEqual(
      sent.recipients.map((r) => r.agencyId),
      [b.id],
    );
    // Acknowledged means committed: the packet and its delivery exist now; the local deliverer's
    // batch job (one, shared by every sender) is queued after the commit — no job per delivery.
    const pending = await t.exchange.service.recipients(clientCtx(a.id), sent.id);
    assert.equal(pending.recipients[0]?.state, 'pending');
    const jobs = async (task: string) =>
      Number(
        (
          await sql<{
            n: string;
          }>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = ${task}`.execute(
            t.database.db,
          )
        ).rows[0]?.n,
      );
    for (let i = 0; i < 100 && (await jobs('exchange.deliver-local')) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await jobs('exchange.deliver-local'), 1);
    assert.equal(await jobs('exchange.deliver'), 0);

    assert.equal(await deliverPending(t), 1);
    const inbox = await t.exchange.service.inbox(clientCtx(b.id), {});
    assert.equal(inbox.items.length, 1);
    assert.equal(inbox.items[0]?.packetId, sent.id);
    assert.equal(inbox.items[0]?.status, '01');
    // Delivering again (a job run twice after a crash) changes nothing.
    const deliveryId = inbox.items[0]?.deliveryId ?? '';
    assert.equal(await t.exchange.service.deliverNow(deliveryId), 'already');
    const timeline = await t.exchange.service.recipients(clientCtx(a.id), sent.id);
    assert.deepEqual(
      timeline.recipients[0]?.timeline.map((e) => e.code),
      ['01'],
    );
    // The original bytes and the decoded attachment are in the blob store.
    const meta = await t.exchange.service.get(clientCtx(b.id), sent.id);
    assert.equal(meta.attachments.length, 1);
    assert.ok(t.blobs.has(meta.attachments[0]?.sha256 ?? ''));
    const got = await t.exchange.service.attachment(clientCtx(b.id), sent.id, 0);
    assert.equal(got.contentType, 'application/pdf');
  });

  it('a unique constraint makes a second 01 or a second inbox number for a delivery impossible', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const sent = await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml);
    await deliverPending(t);
    const d = (await t.exchange.service.recipients(clientCtx(a.id), sent.id)).recipients[0];
    await assert.rejects(
      sql`INSERT INTO exchange_status_events (id, delivery_id, code, occurred_at) VALUES (gen_random_uuid(), ${d?.deliveryId}, '01', now())`.execute(
        t.database.db,
      ),
      /duplicate key/,
    );
    await assert.rejects(
      sql`INSERT INTO exchange_deliveries (id, packet_id, recipient_agency_id, addressee_agency_id, addressed_codes, route)
          VALUES (gen_random_uuid(), ${sent.id}, ${b.id}, ${b.id}, ARRAY['x'], 'local')`.execute(
        t.database.db,
      ),
      /duplicate key/,
    );
  });

  it('two codes of one agency deliver once, with both codes kept', async () => {
    const a = await agencyWithCodes(t);
    const n = 10 + (Date.now() % 80);
    const short = `G${n}`;
    const full = `000.00.00.G${n}`;
    const ministry = await agencyWithCodes(t, {
      codes: [
        { scheme: 'QD20', code: full },
        { scheme: 'SHORT', code: short },
      ],
    });
    const sent = await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [short, full]).xml);
    assert.equal(sent.recipients.length, 1);
    assert.equal(sent.recipients[0]?.agencyId, ministry.id);
    assert.deepEqual(sent.recipients[0]?.addressedCodes, [short, full]);
  });

  it("a closed agency's code delivers to its successor, the original addressee kept", async () => {
    const a = await agencyWithCodes(t);
    const old = await agencyWithCodes(t, { name: 'Sở cũ' });
    const successor = await agencyWithCodes(t, { name: 'Sở mới' });
    await t.platform.directory.service.recordMerge(ctxSystem, {
      predecessors: [old.id, successor.id],
      successor: successor.id,
      effectiveOn: '2025-07-01',
      legalBasis: 'Nghị quyết thử nghiệm',
    });
    const sent = await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [old.code]).xml);
    assert.equal(sent.recipients[0]?.agencyId, successor.id);
    assert.equal(sent.recipients[0]?.forwarded, true);
    await deliverPending(t);
    const inbox = await t.exchange.service.inbox(clientCtx(successor.id), {});
    const item = inbox.items.find((i) => i.packetId === sent.id);
    assert.equal(item?.forwarded, true);
    assert.equal(item?.addresseeAgencyId, old.id);
    assert.deepEqual(item?.addressedCodes, [old.code]);
  });

  it('an unknown recipient code is refused, naming the code, and nothing is stored', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const before = await exchangeCounts(t);
    const blobsBefore = blobFiles(t.blobDir).length;
    const error = await refusedWith(
      t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code, '999.99.99.Z99']).xml),
      'EXCHANGE_UNKNOWN_RECIPIENT',
    );
    assert.deepEqual(error.details, { code: '999.99.99.Z99' });
    assert.deepEqual(await exchangeCounts(t), before);
    assert.equal(blobFiles(t.blobDir).length, blobsBefore);
  });

  it('a client sends only as its own agency', async () => {
    const a = await agencyWithCodes(t);
    const other = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const before = await exchangeCounts(t);
    await refusedWith(
      t.exchange.service.send(clientCtx(a.id), edoc(other.code, [b.code]).xml),
      'EXCHANGE_SENDER_MISMATCH',
    );
    assert.deepEqual(await exchangeCounts(t), before);
  });

  it('the same packet sent twice is one document', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const { xml } = edoc(a.code, [b.code]);
    const first = await t.exchange.service.send(clientCtx(a.id), xml);
    const again = await t.exchange.service.send(clientCtx(a.id), xml);
    assert.equal(again.id, first.id);
    assert.equal(again.duplicate, true);
    const [one, two] = await Promise.all([
      t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code], { number: '77' }).xml),
      t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code], { number: '77' }).xml),
    ]);
    assert.equal(one.id, two.id);
    assert.equal([one, two].filter((r) => r.duplicate).length, 1);
  });

  it("the delivered packet carries this hop's TraceHeader; the original is kept byte for byte", async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const { xml } = edoc(a.code, [b.code]);
    const sent = await t.exchange.service.send(clientCtx(a.id), xml);
    await deliverPending(t);
    const chunks: Buffer[] = [];
    for await (const c of await t.exchange.service.edxml(clientCtx(b.id), sent.id)) chunks.push(c as Buffer);
    const delivered = Buffer.concat(chunks);
    const packet = await readEdxml(delivered);
    assert.equal(packet.traces.length, 2);
    assert.equal(packet.traces[1]?.organId, new URL(t.config.baseUrl).host);
    assert.equal(packet.attachments[0]?.sha256, (await readEdxml(xml)).attachments[0]?.sha256);
    const originalChunks: Buffer[] = [];
    for await (const c of await t.exchange.service.edxml(clientCtx(b.id), sent.id, { original: true }))
      originalChunks.push(c as Buffer);
    assert.ok(Buffer.concat(originalChunks).equals(xml));
  });

  it("another agency's packet is not found", async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const stranger = await agencyWithCodes(t);
    const sent = await t.exchange.service.send(clientCtx(a.id), edoc(a.code, [b.code]).xml);
    await deliverPending(t);
    await refusedWith(t.exchange.service.get(clientCtx(stranger.id), sent.id), 'EXCHANGE_PACKET_NOT_FOUND');
    await refusedWith(t.exchange.service.recipients(clientCtx(b.id), sent.id), 'EXCHANGE_PACKET_NOT_FOUND');
    const inbox = await t.exchange.service.inbox(clientCtx(stranger.id), {});
    assert.equal(inbox.items.length, 0);
  });
});
