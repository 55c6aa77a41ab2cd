import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readEdxml, writeEdxml, type EdxmlPacket } from '../../src/modules/exchange/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/edxml/${name}`, import.meta.url));
const read = (bytes: Buffer) => readEdxml(bytes, { keepAttachmentContent: true });

/** Reads, writes canonically, reads again: the two packets must be the same. */
async function roundTrip(name: string): Promise<{ first: EdxmlPacket; second: EdxmlPacket; xml: string }> {
  const first = await read(fixture(name));
  const xml = writeEdxml(first);
  const second = await read(Buffer.from(xml));
  return { first, second, xml };
}

describe('edXML reader: the §7 example packet', () => {
  it('reads every MessageHeader field with ISO dates and the +07:00 trace time', async () => {
    const p = await read(fixture('edoc-new.edxml'));
    assert.equal(p.kind, 'edoc');
    const h = p.header!;
    assert.equal(h.from?.organId, '000.00.09.H99');
    assert.deepEqual(
      h.to.map((t) => t.organId),
      ['000.00.05.H99', '000.00.12.H99'],
    );
    assert.equal(h.documentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
    assert.deepEqual(h.code, { number: '1482', notation: 'SNV-TCBC' });
    assert.deepEqual(h.promulgationInfo, { place: 'Minh Sơn', date: '2025-11-03' });
    assert.equal(h.dueDate, '2025-11-14');
    assert.equal(h.otherInfo?.priority, 1);
    assert.equal(h.otherInfo?.direction, false);
    assert.deepEqual(h.otherInfo?.appendixes, ['Biểu mẫu số 01']);
    assert.deepEqual(h.toPlaces, ['Như trên', 'Lưu: VT, TCBC']);
    assert.equal(h.steeringType, 1);
    assert.deepEqual(h.responseFor, []);
    assert.deepEqual(p.traces, [{ organId: '000.00.09.H99', timestamp: '2025-11-03T15:42:10+07:00' }]);
    assert.equal(p.business?.docType, 0);
    assert.equal(p.business?.staffInfo?.staff, 'Nguyễn Thu Lan');
  });

  it('decodes the attachment: a 310-byte PDF, hashed over the decoded bytes', async () => {
    const p = await read(fixture('edoc-new.edxml'));
    const [a] = p.attachments;
    assert.equal(a?.sniffedType, 'pdf');
    assert.equal(a?.zipped, false);
    assert.equal(a?.bytes, 310);
    assert.ok(a?.content?.subarray(0, 5).equals(Buffer.from('%PDF-')));
    assert.equal(a?.sha256, createHash('sha256').update(a.content!).digest('hex'));
    assert.equal(p.references[0]?.contentId, a?.contentId);
  });

  it('streams attachment bytes to the sink with the metadata known at that point', async () => {
    const chunks: Buffer[] = [];
    let meta: unknown = null;
    let ended = false;
    await readEdxml(fixture('edoc-new.edxml'), {
      attachmentSink: (m) => {
        meta = m;
        return (chunk) => {
          if (chunk === null) ended = true;
          else chunks.push(chunk);
        };
      },
    });
    assert.deepEqual(meta, {
      index: 0,
      contentId: 'cid:2056e508-2f12-42a2-aacd-6cde230ce7d7',
      name: '1482-SNV-TCBC.pdf',
      declaredContentType: 'application/pdf',
    });
    assert.ok(ended);
    assert.equal(Buffer.concat(chunks).length, 310);
  });
});

describe('edXML reader: tolerance', () => {
  it('reads a Bkav-style producer: Business spelling, dd/MM/yyyy, other order, xlink, short code', async () => {
    const p = await read(fixture('edoc-producer-variant.edxml'));
    const h = p.header!;
    assert.equal(p.business?.docType, 0, 'BusinessDocType read as BussinessDocType');
    assert.equal(p.business?.reason, 'Văn bản điện tử mới');
    assert.equal(h.promulgationInfo.date, '2025-11-03', 'dd/MM/yyyy');
    assert.equal(h.dueDate, '2025-11-14', 'yyyy-MM-dd');
    assert.equal(p.traces[0]?.timestamp, '2025-11-03T15:42:10+07:00', 'dd/MM/yyyy HH:mm:ss');
    assert.equal(h.to[1]?.organId, '28.22.H17', 'agency code kept as written');
    assert.deepEqual(h.toPlaces, ['Như trên', 'Lưu: VT, TCBC'], 'ToPlaces before OtherInfo');
    assert.equal(h.documentId, '7d0f3c1e-5b8a-4c2e-9f4d-2a6b8c0e1f37', 'non-canonical DocumentId accepted');
    assert.equal(p.references[0]?.contentId, 'cid:2056e508-2f12-42a2-aacd-6cde230ce7d7', 'xlink:href');
  });

  it('keeps unknown elements and attributes with their position', async () => {
    const p = await read(fixture('edoc-producer-variant.edxml'));
    const names = p.unknown.elements.map((u) => [u.parent, u.after, u.node.name]);
    assert.deepEqual(names, [
      ['MessageHeader', 'DocumentType', 'ProducerNote'],
      ['MessageHeader.OtherInfo', 'Direction', 'ReleaseChannel'],
    ]);
    const attrs = p.unknown.attributes.map((u) => [
      u.element,
      u.attribute.ns,
      u.attribute.name,
      u.attribute.value,
    ]);
    assert.deepEqual(attrs, [
      ['MessageHeader', 'urn:example:producer', 'version', '4.2'],
      ['edXMLManifest.Reference[0]', 'http://www.w3.org/1999/xlink', 'type', 'simple'],
    ]);
  });

  it('detects a zipped attachment whatever ContentType says, and names the file inside', async () => {
    const p = await read(fixture('edoc-zipped-attachment.edxml'));
    const [a] = p.attachments;
    assert.equal(a?.declaredContentType, 'application/zip');
    assert.equal(a?.zipped, true);
    assert.equal(a?.sniffedType, 'pdf');
    assert.equal(a?.innerName, '1482-SNV-TCBC.pdf');
    assert.ok(a?.content?.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')));
  });

  it('reads a status packet, normalising StatusCode 3 to 03', async () => {
    const p = await read(fixture('status-3-short.edxml'));
    assert.equal(p.kind, 'status');
    assert.equal(p.header, null);
    assert.equal(p.status?.statusCode, '03');
    assert.equal(p.status?.timestamp, '2025-11-04T08:17:45+07:00');
    assert.equal(p.status?.responseFor?.documentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
    assert.equal(p.status?.responseFor?.promulgationDate, '2025-11-03');
    assert.equal(p.status?.from?.organId, '000.00.05.H99');
  });

  it('matches on namespace and local name, not on the prefix', async () => {
    const xml = fixture('status-03.edxml')
      .toString()
      .replaceAll('edXML:', 'q:')
      .replace('xmlns:edXML=', 'xmlns:q=');
    const p = await read(Buffer.from(xml));
    assert.equal(p.status?.statusCode, '03');
  });

  it('accepts empty elements and missing optional blocks', async () => {
    const xml = fixture('edoc-new.edxml')
      .toString()
      .replace(/<edXML:OtherInfo>[\s\S]*?<\/edXML:OtherInfo>/, '')
      .replace(/<edXML:DueDate>.*?<\/edXML:DueDate>/, '<edXML:DueDate/>')
      .replace(/<edXML:Content>.*?<\/edXML:Content>/, '<edXML:Content></edXML:Content>');
    const p = await read(Buffer.from(xml));
    assert.equal(p.header?.otherInfo, null);
    assert.equal(p.header?.dueDate, null);
    assert.equal(p.header?.content, null);
  });
});

describe('edXML writer: round trips and canonical form', () => {
  for (const name of [
    'edoc-new.edxml',
    'status-03.edxml',
    'status-3-short.edxml',
    'edoc-zipped-attachment.edxml',
    'edoc-producer-variant.edxml',
  ]) {
    it(`read → write → read gives the same packet: ${name}`, async () => {
      const { first, second } = await roundTrip(name);
      if (name === 'edoc-producer-variant.edxml') {
        // The writer emits the canonical DocumentId in place of the producer's UUID.
        assert.equal(second.header?.documentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
        if (second.header) second.header.documentId = first.header?.documentId ?? null;
      }
      assert.deepEqual(second, first);
    });
  }

  it('emits the canonical spellings and formats', async () => {
    const { xml } = await roundTrip('edoc-producer-variant.edxml');
    assert.match(
      xml,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<edXML xmlns="http:\/\/www\.mic\.gov\.vn\/TBT\/QCVN_102_2016">/,
    );
    assert.match(xml, /<edXML:BussinessDocType>0<\/edXML:BussinessDocType>/);
    assert.doesNotMatch(xml, /Business/);
    assert.match(xml, /<edXML:PromulgationDate>2025\/11\/03<\/edXML:PromulgationDate>/);
    assert.match(xml, /<edXML:Timestamp>2025\/11\/03 15:42:10<\/edXML:Timestamp>/);
    assert.match(xml, /<edXML:DocumentId>000\.00\.09\.H99,2025\/11\/03,1482\/SNV-TCBC<\/edXML:DocumentId>/);
    // SDK order: OtherInfo, ResponseFor, SteeringType, ToPlaces; TraceHeader before Bussiness.
    const order = ['<edXML:OtherInfo>', '<edXML:ResponseFor/>', '<edXML:SteeringType>', '<edXML:ToPlaces>'];
    assert.deepEqual(
      order.map((tag) => xml.indexOf(tag)),
      order.map((tag) => xml.indexOf(tag)).toSorted((a, b) => a - b),
    );
    assert.ok(xml.indexOf('<edXML:TraceHeader>') < xml.indexOf('<edXML:Bussiness>'));
    // Unknown content put back after the sibling it followed, with its namespaces.
    assert.match(
      xml,
      /<edXML:DocumentType>[\s\S]*?<\/edXML:DocumentType>\s*<edXML:ProducerNote xmlns:x="urn:example:x" x:kind="demo">/,
    );
    assert.match(xml, /<edXML:MessageHeader xmlns:p="urn:example:producer" p:version="4\.2">/);
  });

  it('re-reads timestamps written with an explicit offset in UTC+7', async () => {
    const p = await read(fixture('status-03.edxml'));
    p.status!.timestamp = '2025-11-04T01:17:45Z';
    const again = await read(Buffer.from(writeEdxml(p)));
    assert.equal(again.status?.timestamp, '2025-11-04T08:17:45+07:00');
  });
});
