import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { buildNewEdoc, EdxmlError, readEdxml, writeEdxml } from '../../src/modules/exchange/index.ts';

const base = readFileSync(new URL('../fixtures/edxml/edoc-new.edxml', import.meta.url), 'utf8');
const [head, rest] = base.split(/(?<=<edXML:ContentTransferEncoded[^>]*>)/) as [string, string];
const tail = rest.slice(rest.indexOf('</edXML:ContentTransferEncoded>'));
const block = Buffer.concat(
  Array.from({ length: 1024 }, (_, i) => createHash('sha256').update(String(i)).digest()),
); // 32 KiB of fixed pseudo-random bytes; base64 groups align on 3-byte multiples below
const blockBase64 = `${block
  .subarray(0, 32_766)
  .toString('base64')
  .replace(/(.{76})/g, '$1\n')}\n`;
const blockBytes = block.subarray(0, 32_766);

/** A packet of about `mb` megabytes produced lazily in odd-sized chunks: never whole in memory. */
function packetStream(mb: number): { stream: Readable; decodedBytes: number; sha256: string } {
  const blocks = Math.ceil((mb * 1024 * 1024) / blockBase64.length);
  const hash = createHash('sha256');
  for (let i = 0; i < blocks; i++) hash.update(blockBytes);
  function* chunks() {
    yield Buffer.from(head);
    let pending = '';
    for (let i = 0; i < blocks; i++) {
      pending += blockBase64;
      while (pending.length > 7777) {
        yield Buffer.from(pending.slice(0, 7777));
        pending = pending.slice(7777);
      }
    }
    yield Buffer.from(pending + tail);
  }
  return {
    stream: Readable.from(chunks()),
    decodedBytes: blocks * blockBytes.length,
    sha256: hash.digest('hex'),
  };
}

describe('edXML streaming limits', () => {
  it('refuses a 60 MB packet with EDXML_TOO_LARGE without holding it in memory', async () => {
    const { stream } = packetStream(60);
    const before = process.memoryUsage().rss;
    let peak = before;
    const error = await readEdxml(stream, {
      attachmentSink: () => () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    }).then(
      () => assert.fail('accepted'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof EdxmlError);
    assert.equal(error.code, 'EDXML_TOO_LARGE');
    assert.equal(error.status, 413);
    assert.ok(stream.destroyed, 'the source is closed');
    const growth = Math.max(peak, process.memoryUsage().rss) - before;
    assert.ok(growth < 100 * 1024 * 1024, `rss grew ${Math.round(growth / 1048576)} MB`);
  });

  it('streams a 45 MB attachment into a Writable sink, hashing the decoded bytes', async () => {
    const { stream, decodedBytes, sha256 } = packetStream(45);
    const before = process.memoryUsage().rss;
    let peak = before;
    let received = 0;
    const sink = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        peak = Math.max(peak, process.memoryUsage().rss);
        setImmediate(done); // a slow disk: the reader must wait for 'drain'
      },
    });
    const packet = await readEdxml(stream, { attachmentSink: () => sink });
    const [a] = packet.attachments;
    assert.equal(a?.bytes, decodedBytes);
    assert.equal(received, decodedBytes);
    assert.equal(a?.sha256, sha256);
    assert.ok(sink.writableFinished, 'the sink was ended');
    const growth = peak - before;
    assert.ok(growth < 100 * 1024 * 1024, `rss grew ${Math.round(growth / 1048576)} MB`);
  });

  it('refuses an attachment over its own limit while streaming', async () => {
    const { stream } = packetStream(5);
    await assert.rejects(readEdxml(stream, { maxAttachmentBytes: 1024 * 1024 }), (e: unknown) => {
      assert.ok(e instanceof EdxmlError);
      assert.equal(e.code, 'EDXML_ATTACHMENT_TOO_LARGE');
      return true;
    });
  });

  it('decodes the same bytes whatever the chunking (carrying partial 4-character groups)', async () => {
    const bytes = Buffer.from(base);
    const whole = await readEdxml(bytes, { keepAttachmentContent: true });
    for (const size of [1, 3, 5, 77]) {
      function* pieces() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const chunked = await readEdxml(Readable.from(pieces()), { keepAttachmentContent: true });
      assert.deepEqual(chunked.attachments, whole.attachments, `chunks of ${size}`);
    }
  });

  it('decodes attachment text holding character references and CRLF line breaks, whatever the chunking', async () => {
    const plain = Buffer.from(base);
    const whole = await readEdxml(plain, { keepAttachmentContent: true });
    const encoded = whole.attachments[0]?.content?.toString('base64') ?? '';
    assert.ok(encoded.length > 8, 'the fixture has an attachment');
    // Line breaks as CRLF, some as character references, and one letter written as a reference.
    const body = encoded
      .replace(/(.{20})/g, '$1\r\n')
      .replace(/(.{60})\r\n/, '$1&#13;&#10;')
      .replace(/^(.)/, (c) => `&#${c.charCodeAt(0)};`);
    const xml = Buffer.from(head + body + tail);
    for (const size of [1, 7, 64, xml.length]) {
      function* pieces() {
        for (let i = 0; i < xml.length; i += size) yield xml.subarray(i, i + size);
      }
      const read = await readEdxml(Readable.from(pieces()), { keepAttachmentContent: true });
      assert.deepEqual(read.attachments[0]?.content, whole.attachments[0]?.content, `chunks of ${size}`);
    }
  });

  it('reads several attachments in one chunk or split anywhere, each to its own sink, byte for byte', async () => {
    const files = [Buffer.alloc(70_000, 7), Buffer.from('%PDF-1.4\n% tệp nhỏ\n'), Buffer.alloc(9_000, 200)];
    const xml = Buffer.from(
      writeEdxml(
        buildNewEdoc({
          from: { organId: '000.00.09.H99' },
          to: [{ organId: '000.00.05.H99' }],
          code: { number: '7', notation: 'SNV-VP' },
          promulgationDate: '2026-03-02',
          documentType: { typeName: 'Công văn' },
          subject: 'Ba tệp đính kèm',
          attachments: files.map((content, i) => ({ name: `tep-${i}.bin`, content })),
        }),
      ),
    );
    for (const size of [xml.length, 65_536, 4_096, 13, 1]) {
      function* pieces() {
        for (let i = 0; i < xml.length; i += size) yield xml.subarray(i, i + size);
      }
      const sunk: Buffer[][] = [];
      const read = await readEdxml(Readable.from(pieces()), {
        attachmentSink: (meta) => {
          const parts: Buffer[] = [];
          sunk[meta.index] = parts;
          return (chunk) => {
            if (chunk) parts.push(chunk);
          };
        },
      });
      assert.equal(read.attachments.length, 3, `chunks of ${size}`);
      files.forEach((content, i) =>
        assert.ok(Buffer.concat(sunk[i] ?? []).equals(content), `attachment ${i}, chunks of ${size}`),
      );
      assert.equal(read.header?.subject, 'Ba tệp đính kèm');
    }
  });
});
