import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EdxmlError, readEdxml, type EdxmlErrorCode } from '../../src/modules/exchange/index.ts';

const base = readFileSync(new URL('../fixtures/edxml/edoc-new.edxml', import.meta.url), 'utf8');
const status = readFileSync(new URL('../fixtures/edxml/status-03.edxml', import.meta.url), 'utf8');

/** Reads `xml` and expects the codec to refuse it with `code` (and `field` when given). */
async function refused(xml: string | Buffer, code: EdxmlErrorCode, field?: string, options = {}) {
  const error = await readEdxml(Buffer.isBuffer(xml) ? xml : Buffer.from(xml), options).then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EdxmlError, `not an EdxmlError: ${String(error)}`);
  const issue = error.issues.find((i) => i.code === code && (field === undefined || i.field === field));
  assert.ok(issue, `expected ${code} ${field ?? ''}, got ${JSON.stringify(error.issues)}`);
  assert.ok(error.text.vi.length > 0 && error.text.en.length > 0);
  return error;
}

const withDoctype = (doctype: string, body = base) => body.replace('?>\n', `?>\n${doctype}\n`);

describe('edXML hostile packets', () => {
  it('external entity (XXE): refused before anything is resolved', async () => {
    const xml = withDoctype('<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace(
      '<edXML:Subject>',
      '<edXML:Subject>&xxe;',
    );
    await refused(xml, 'EDXML_DOCTYPE_FORBIDDEN');
  });

  it('entity expansion (billion laughs): refused, nothing expanded', async () => {
    const levels = ['<!ENTITY lol "lol">'];
    for (let i = 1; i < 10; i++)
      levels.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = withDoctype(`<!DOCTYPE edXML [${levels.join('')}]>`).replace(
      '<edXML:Subject>',
      '<edXML:Subject>&lol9;',
    );
    const before = process.memoryUsage().rss;
    await refused(xml, 'EDXML_DOCTYPE_FORBIDDEN');
    assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024);
  });

  it('any DOCTYPE, even a harmless one, is refused', async () => {
    await refused(withDoctype('<!DOCTYPE edXML>'), 'EDXML_DOCTYPE_FORBIDDEN');
  });

  it('an undeclared entity reference is malformed', async () => {
    await refused(base.replace('<edXML:Subject>', '<edXML:Subject>&nbsp;'), 'EDXML_MALFORMED');
  });

  it('wrong namespace: the SOAP variant and a namespace-less root', async () => {
    await refused(
      base.replace(
        '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">',
        '<edXML xmlns="http://www.e-doc.vn/Schema/">',
      ),
      'EDXML_WRONG_NAMESPACE',
      'edXML',
    );
    await refused(
      base.replace('<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">', '<edXML>'),
      'EDXML_WRONG_NAMESPACE',
    );
  });

  it('a root other than edXML is not a packet', async () => {
    await refused(
      '<?xml version="1.0"?><Envelope xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>',
      'EDXML_NOT_EDXML',
    );
  });

  it('missing To: no recipient', async () => {
    const xml = base.replace(/<edXML:To>[\s\S]*?<\/edXML:To>\s*/g, '');
    await refused(xml, 'EDXML_NO_RECIPIENT', 'MessageHeader.To');
  });

  it('duplicate To, also when written once without the leading 000. group', async () => {
    await refused(
      base.replace('000.00.12.H99', '000.00.05.H99'),
      'EDXML_DUPLICATE_RECIPIENT',
      'MessageHeader.To[1].OrganId',
    );
    const short = base.replace('000.00.05.H99', '00.05.H99').replace('000.00.12.H99', '000.00.05.H99');
    await refused(short, 'EDXML_DUPLICATE_RECIPIENT', 'MessageHeader.To[1].OrganId');
  });

  it('missing sender code names the field', async () => {
    const xml = base.replace(
      '<edXML:OrganId>000.00.09.H99</edXML:OrganId>\n          <edXML:OrganizationInCharge>',
      '<edXML:OrganizationInCharge>',
    );
    await refused(xml, 'EDXML_MISSING_FIELD', 'MessageHeader.From.OrganId');
  });

  it('over-long fields: Subject, Content, ToPlaces/Place, Appendix, AttachmentName', async () => {
    const long = (n: number) => 'ạ'.repeat(n);
    await refused(
      base.replace(/<edXML:Subject>.*?</, `<edXML:Subject>${long(501)}<`),
      'EDXML_FIELD_TOO_LONG',
      'MessageHeader.Subject',
    );
    await refused(
      base.replace(/<edXML:Content>.*?</, `<edXML:Content>${long(501)}<`),
      'EDXML_FIELD_TOO_LONG',
      'MessageHeader.Content',
    );
    await refused(
      base.replace('<edXML:Place>Như trên', `<edXML:Place>${long(151)}`),
      'EDXML_FIELD_TOO_LONG',
      'MessageHeader.ToPlaces.Place[0]',
    );
    await refused(
      base.replace('<edXML:Appendix>Biểu mẫu số 01', `<edXML:Appendix>${long(251)}`),
      'EDXML_FIELD_TOO_LONG',
      'MessageHeader.OtherInfo.Appendixes.Appendix[0]',
    );
    await refused(
      base.replace('<AttachmentName>1482-SNV-TCBC.pdf', `<AttachmentName>${long(201)}`),
      'EDXML_FIELD_TOO_LONG',
      'AttachmentEncoded.Attachment[0].AttachmentName',
    );
    // exactly at the limit is fine
    await readEdxml(Buffer.from(base.replace(/<edXML:Subject>.*?</, `<edXML:Subject>${long(500)}<`)));
  });

  it('a giant text field is refused while streaming, not after', async () => {
    const xml = base.replace(/<edXML:Subject>.*?</, `<edXML:Subject>${'a'.repeat(2_000_000)}<`);
    await refused(xml, 'EDXML_FIELD_TOO_LONG', 'edXML.edXMLEnvelope.edXMLHeader.MessageHeader.Subject');
  });

  it('bad base64: foreign characters, data after padding, a dangling character', async () => {
    const b64 = /ContentTransferEncoded[^>]*>([\s\S]*?)</.exec(base)![1]!;
    const field = 'AttachmentEncoded.Attachment[0].ContentTransferEncoded';
    await refused(base.replace(b64, `${b64.slice(0, 40)}*!${b64.slice(40)}`), 'EDXML_BAD_BASE64', field);
    await refused(base.replace(b64, `${b64}QUJD`), 'EDXML_BAD_BASE64', field);
    await refused(base.replace(b64, b64.slice(0, -3)), 'EDXML_BAD_BASE64', field);
  });

  it('bad base64 anywhere in a long attachment (base64url included) is refused; blanks and line breaks are not content', async () => {
    const field = 'AttachmentEncoded.Attachment[0].ContentTransferEncoded';
    const bytes = Buffer.from(Array.from({ length: 90_000 }, (_, i) => (i * 7919) & 255));
    const b64 = bytes.toString('base64');
    const xml = (text: string) => base.replace(/(ContentTransferEncoded[^>]*>)[\s\S]*?</, `$1${text}<`);
    // Node's decoder would skip a foreign character or read base64url's '-' and '_': the codec may not.
    for (const [at, c] of [
      [60_001, '.'],
      [3, '-'],
      [b64.length - 2, '_'],
      [77_777, '\u00e9'],
    ] as const)
      await refused(xml(`${b64.slice(0, at)}${c}${b64.slice(at + 1)}`), 'EDXML_BAD_BASE64', field);
    // …and in an unfinished last group, which is decoded only when the element ends.
    await refused(xml(`${b64}QQ.`), 'EDXML_BAD_BASE64', field);
    // The same bytes with CRLF line breaks, tabs and blanks read back to the same size and hash.
    const spaced = b64.replace(
      /.{76}/g,
      (line, i: number) => `${line}${i % 3 === 0 ? '\r\n' : i % 3 === 1 ? '\n\t' : ' '}`,
    );
    const packet = await readEdxml(Buffer.from(xml(spaced)));
    const expected = createHash('sha256').update(bytes).digest('hex');
    assert.equal(packet.attachments[0]?.bytes, bytes.length);
    assert.equal(packet.attachments[0]?.sha256, expected);
  });

  it('truncated XML is malformed', async () => {
    await refused(base.slice(0, Math.floor(base.length / 2)), 'EDXML_MALFORMED');
    await refused('', 'EDXML_MALFORMED');
  });

  it('invalid UTF-8 is malformed', async () => {
    const bytes = Buffer.from(base);
    const at = bytes.indexOf('Minh Sơn');
    bytes[at + 6] = 0xff;
    await refused(bytes, 'EDXML_MALFORMED');
  });

  it('oversize attachment: refused while decoding', async () => {
    await refused(
      base,
      'EDXML_ATTACHMENT_TOO_LARGE',
      'AttachmentEncoded.Attachment[0].ContentTransferEncoded',
      {
        maxAttachmentBytes: 300,
      },
    );
  });

  it('oversize packet (buffer): refused before parsing', async () => {
    await refused(base, 'EDXML_TOO_LARGE', undefined, { maxBytes: 1000 });
  });

  it('manifest and attachments must match both ways', async () => {
    await refused(
      base.replace('<ContentId>cid:2056e508', '<ContentId>cid:ffff'),
      'EDXML_ATTACHMENT_MISMATCH',
      'edXMLManifest.Reference[0].ContentId',
    );
    await refused(
      base.replace('<ContentId>cid:2056e508', '<ContentId>cid:ffff'),
      'EDXML_ATTACHMENT_MISMATCH',
      'AttachmentEncoded.Attachment[0].ContentId',
    );
  });

  it('dates, agency codes, priority, steering type, business type, status code', async () => {
    await refused(
      base.replace('<edXML:PromulgationDate>2025/11/03', '<edXML:PromulgationDate>2025/13/45'),
      'EDXML_BAD_DATE',
      'MessageHeader.PromulgationInfo.PromulgationDate',
    );
    await refused(
      base.replace('<edXML:OrganId>000.00.05.H99', '<edXML:OrganId>Sở Tài chính'),
      'EDXML_BAD_AGENCY_CODE',
      'MessageHeader.To[0].OrganId',
    );
    await refused(
      base.replace('<edXML:Priority>1', '<edXML:Priority>7'),
      'EDXML_BAD_PRIORITY',
      'MessageHeader.OtherInfo.Priority',
    );
    await refused(
      base.replace('<edXML:Priority>1', '<edXML:Priority>khẩn'),
      'EDXML_BAD_PRIORITY',
      'MessageHeader.OtherInfo.Priority',
    );
    await refused(
      base.replace('<edXML:SteeringType>1', '<edXML:SteeringType>9'),
      'EDXML_BAD_STEERING_TYPE',
      'MessageHeader.SteeringType',
    );
    await refused(
      base.replace('<edXML:BussinessDocType>0', '<edXML:BussinessDocType>5'),
      'EDXML_BAD_BUSINESS_TYPE',
      'TraceHeaderList.Bussiness.BussinessDocType',
    );
    await refused(
      base.replace('<edXML:BussinessDocType>0', '<edXML:BussinessDocType>2'),
      'EDXML_BAD_BUSINESS_TYPE',
      'TraceHeaderList.Bussiness.BussinessDocumentInfo',
    );
    await refused(
      status.replace('<edXML:StatusCode>03', '<edXML:StatusCode>09'),
      'EDXML_BAD_STATUS_CODE',
      'Status.StatusCode',
    );
    await refused(
      status.replace(/<edXML:Timestamp>.*?</, '<edXML:Timestamp>hôm qua<'),
      'EDXML_BAD_DATE',
      'Status.Timestamp',
    );
  });

  it('lists every issue of a packet, not only the first', async () => {
    const xml = base
      .replace(/<edXML:Subject>.*?<\/edXML:Subject>/, '')
      .replace('000.00.12.H99', '000.00.05.H99');
    const error = await refused(xml, 'EDXML_MISSING_FIELD', 'MessageHeader.Subject');
    assert.ok(error.issues.some((i) => i.code === 'EDXML_DUPLICATE_RECIPIENT'));
    assert.equal(error.status, 400);
  });
});
