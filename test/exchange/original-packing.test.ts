import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createFileBlobStore, type BlobStore } from '../../src/platform/blobs/index.ts';
import { packOriginal, unpackOriginal } from '../../src/modules/exchange/original.ts';
import { readEdxml } from '../../src/modules/exchange/index.ts';
import {
  agencyWithCodes,
  clientCtx,
  deliverPending,
  edoc,
  startExchangeApp,
  type ExchangeTestApp,
} from './support.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The packet with its (one) attachment's base64 laid out again: lines of `width` ending in `eol`. */
function relaid(xml: Buffer, width: number, eol: string): Buffer {
  const text = xml.toString('utf8');
  return Buffer.from(
    text.replace(
      /(<(?:\w+:)?ContentTransferEncoded[^>]*>)([^<]*)(<)/,
      (_m, open: string, b64: string, close: string) => {
        const flat = b64.replace(/\s+/g, '');
        const lines: string[] = [];
        for (let i = 0; i < flat.length; i += width) lines.push(flat.slice(i, i + width));
        return `${open}${lines.join(eol)}${close}`;
      },
    ),
    'utf8',
  );
}

async function rebuilt(
  blobs: BlobStore,
  packed: NonNullable<ReturnType<typeof packOriginal>>,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of unpackOriginal(blobs, packed)) parts.push(part);
  return Buffer.concat(parts);
}

describe('exchange: a packet kept without its attachments’ base64 (packed original)', () => {
  let dir: string;
  let blobs: BlobStore;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lienthong-packing-'));
    blobs = createFileBlobStore(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function attachment(bytes: Buffer) {
    const ref = await blobs.put(bytes);
    return { bytes, sha256: ref.sha256 };
  }

  for (const [label, width, eol] of [
    ['on one line', 0, ''],
    ['in lines of 76 ending in CRLF', 76, '\r\n'],
    ['in lines of 64 ending in LF', 64, '\n'],
    ['in lines of 76 ending in LF, with an end of line after the last', 76, '\n'],
  ] as const) {
    it(`rebuilds the received bytes exactly when the base64 is ${label}`, async () => {
      const pdf = await attachment(Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5000)]));
      let b64 = pdf.bytes.toString('base64');
      if (width > 0) b64 = (b64.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol);
      if (label.includes('after the last')) b64 += eol;
      const original = Buffer.from(
        `<a><ContentTransferEncoded>${b64}</ContentTransferEncoded><z>Ủy ban</z></a>`,
      );
      const packed = packOriginal(original, [pdf]);
      assert.ok(packed, 'packed');
      assert.equal(packed.runs.length, 1);
      assert.ok(packed.skeleton.length < 200, `skeleton of ${packed.skeleton.length} bytes`);
      assert.ok((await rebuilt(blobs, packed)).equals(original));
    });
  }

  it('keeps a packet whole when its base64 is laid out irregularly, and small attachments inside', async () => {
    const pdf = await attachment(randomBytes(3000));
    const b64 = pdf.bytes.toString('base64');
    const irregular = `${b64.slice(0, 76)}\n${b64.slice(76, 140)}\n${b64.slice(140)}`;
    const original = Buffer.from(`<a><C>${irregular}</C></a>`);
    assert.equal(packOriginal(original, [pdf]), null);
    const small = await attachment(randomBytes(500));
    assert.equal(packOriginal(Buffer.from(`<a><C>${small.bytes.toString('base64')}</C></a>`), [small]), null);
  });

  it('takes out each of several attachments, the same one twice included, in order', async () => {
    const one = await attachment(randomBytes(4000));
    const two = await attachment(randomBytes(6000));
    const original = Buffer.from(
      `<a><C>${one.bytes.toString('base64')}</C><C>${two.bytes.toString('base64')}</C>` +
        `<C>${one.bytes.toString('base64')}</C></a>`,
    );
    const packed = packOriginal(original, [one, two, one]);
    assert.ok(packed);
    assert.deepEqual(
      packed.runs.map((r) => r.sha256),
      [one.sha256, two.sha256, one.sha256],
    );
    assert.ok((await rebuilt(blobs, packed)).equals(original));
  });
});

describe('exchange: packets stored packed through the axis', () => {
  let t: ExchangeTestApp;
  before(async () => {
    t = await startExchangeApp();
  });
  after(async () => t.close());

  async function original(agencyId: string, packetId: string, asSent: boolean): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of await t.exchange.service.edxml(clientCtx(agencyId), packetId, { original: asSent }))
      chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  it('a packet with CRLF-wrapped base64 has no blob of its own, and is delivered byte for byte', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    const xml = relaid(edoc(a.code, [b.code], { attachment: randomBytes(20_000) }).xml, 64, '\r\n');
    const sent = await t.exchange.service.send(clientCtx(a.id), xml);
    await deliverPending(t);
    const row = await sql<{
      original_sha256: string;
      skeleton_bytes: number;
    }>`SELECT p.original_sha256, length(o.skeleton) AS skeleton_bytes FROM exchange_packets p
       JOIN exchange_packet_originals o ON o.packet_id = p.id WHERE p.id = ${sent.id}`.execute(t.database.db);
    assert.equal(row.rows[0]?.original_sha256, sha256(xml), 'the packet hash is of the bytes received');
    assert.ok(Number(row.rows[0]?.skeleton_bytes) < xml.length / 4);
    assert.equal(t.blobs.has(sha256(xml)), false, 'no second copy of the attachment on disk');
    assert.ok((await original(b.id, sent.id, true)).equals(xml));
    const delivered = await readEdxml(await original(b.id, sent.id, false));
    assert.equal(delivered.traces.length, 2);
    assert.equal(delivered.attachments[0]?.sha256, (await readEdxml(xml)).attachments[0]?.sha256);
  });

  it('a packet whose base64 cannot be rebuilt is kept whole, and delivered byte for byte', async () => {
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    // Lines of 60 characters then one of 64: not one layout.
    const xml = relaid(edoc(a.code, [b.code], { attachment: randomBytes(3000) }).xml, 60, '\n');
    const uneven = Buffer.from(
      xml.toString('utf8').replace(/\n([A-Za-z0-9+/]{60})\n([A-Za-z0-9+/]{4})/, '\n$1$2\n'),
    );
    const sent = await t.exchange.service.send(clientCtx(a.id), uneven);
    await deliverPending(t);
    const packed = await sql`SELECT 1 FROM exchange_packet_originals WHERE packet_id = ${sent.id}`.execute(
      t.database.db,
    );
    assert.equal(packed.rows.length, 0);
    assert.equal(t.blobs.has(sha256(uneven)), true);
    assert.ok((await original(b.id, sent.id, true)).equals(uneven));
  });
});
