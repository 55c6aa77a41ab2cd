import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import {
  EdxmlError,
  buildNewEdoc,
  buildReplaceEdoc,
  buildRevokeEdoc,
  buildStatus,
  buildUpdateEdoc,
  readEdxml,
  writeEdxml,
  type EdocInput,
  type EdxmlPacket,
} from '../../src/modules/exchange/index.ts';

const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const at = new Date('2025-11-03T08:42:10Z'); // 15:42:10 in Vietnam

const input: EdocInput = {
  from: { organId: '000.00.09.H99', organName: 'Sở Nội vụ tỉnh Minh Sơn' },
  to: [{ organId: '000.00.05.H99', organName: 'Sở Tài chính tỉnh Minh Sơn' }],
  code: { number: '1482', notation: 'SNV-TCBC' },
  promulgationDate: '2025-11-03',
  place: 'Minh Sơn',
  documentType: { type: '1', typeName: 'Công văn' },
  subject: 'V/v rà soát số lượng người làm việc',
  signer: { competence: 'KT. GIÁM ĐỐC', fullName: 'Trần Thị Minh Hằng' },
  otherInfo: { priority: 2 },
  steeringType: 1,
  staff: { staff: 'Nguyễn Thu Lan' },
  attachments: [
    { name: 'cv.pdf', contentType: 'application/pdf', content: pdf },
    {
      name: 'bieu-mau.zip',
      contentType: 'application/pdf',
      content: Buffer.from(zipSync({ 'bieu-mau.pdf': pdf })),
    },
  ],
  at,
};

async function again(packet: EdxmlPacket): Promise<EdxmlPacket> {
  return readEdxml(Buffer.from(writeEdxml(packet)), { keepAttachmentContent: true });
}

describe('edXML builders', () => {
  it('a new document: canonical DocumentId, trace at UTC+7, attachments sniffed, survives a round trip', async () => {
    const packet = buildNewEdoc(input);
    assert.equal(packet.header?.documentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
    assert.deepEqual(packet.traces, [{ organId: '000.00.09.H99', timestamp: '2025-11-03T15:42:10+07:00' }]);
    assert.equal(packet.business?.docType, 0);
    assert.deepEqual(
      packet.attachments.map((a) => [a.sniffedType, a.zipped]),
      [
        ['pdf', false],
        ['pdf', true],
      ],
    );
    const xml = writeEdxml(packet);
    assert.match(xml, /<edXML:Timestamp>2025\/11\/03 15:42:10<\/edXML:Timestamp>/);
    assert.deepEqual(await again(packet), packet);
  });

  it('revoke, update and replace carry their business details through the wire', async () => {
    const target = '000.00.09.H99,2025/11/01,1470/SNV-TCBC';
    const revoke = await again(buildRevokeEdoc({ ...input, target, reason: 'Ban hành nhầm' }));
    assert.deepEqual(
      [revoke.business?.docType, revoke.business?.documentId, revoke.business?.reason],
      [1, target, 'Ban hành nhầm'],
    );
    const update = await again(
      buildUpdateEdoc({
        ...input,
        target,
        receivers: [
          { receiverType: 1, organId: '000.00.12.H99' },
          { receiverType: 0, organId: '000.00.05.H99' },
        ],
      }),
    );
    assert.equal(update.business?.docType, 2);
    assert.deepEqual(update.business?.documentInfo?.receivers, [
      { receiverType: 1, organId: '000.00.12.H99' },
      { receiverType: 0, organId: '000.00.05.H99' },
    ]);
    const replace = await again(
      buildReplaceEdoc({
        ...input,
        target,
        replacements: [{ documentId: target, organIds: ['000.00.05.H99'] }],
      }),
    );
    assert.equal(replace.business?.docType, 3);
    assert.deepEqual(replace.business?.replacements, [{ documentId: target, organIds: ['000.00.05.H99'] }]);
  });

  it('refuses to build what the reader would refuse', () => {
    assert.throws(
      () => buildNewEdoc({ ...input, to: [...input.to, { organId: '000.00.05.H99' }] }),
      (e: unknown) => e instanceof EdxmlError && e.code === 'EDXML_DUPLICATE_RECIPIENT',
    );
    assert.throws(
      () => buildNewEdoc({ ...input, subject: 'x'.repeat(501) }),
      (e: unknown) =>
        e instanceof EdxmlError && e.code === 'EDXML_FIELD_TOO_LONG' && e.field === 'MessageHeader.Subject',
    );
    assert.throws(
      () => buildUpdateEdoc({ ...input, target: 'x', receivers: [] }),
      (e: unknown) => e instanceof EdxmlError && e.code === 'EDXML_BAD_BUSINESS_TYPE',
    );
  });

  it('status packets 01–06, 13, 15, 16; 3 means 03; 07 is refused', async () => {
    const responseFor = {
      organId: '000.00.09.H99',
      code: '1482/SNV-TCBC',
      promulgationDate: '2025-11-03',
      documentId: '000.00.09.H99,2025/11/03,1482/SNV-TCBC',
    };
    const from = { organId: '000.00.05.H99', organName: 'Sở Tài chính tỉnh Minh Sơn' };
    for (const code of ['01', '02', '03', '04', '05', '06', '13', '15', '16']) {
      const packet = buildStatus({ code, responseFor, from, description: 'Đã tiếp nhận', at });
      const read = await again(packet);
      assert.deepEqual(read, packet);
      assert.equal(read.status?.statusCode, code);
    }
    assert.equal(buildStatus({ code: 3, responseFor, from, at }).status?.statusCode, '03');
    assert.throws(
      () => buildStatus({ code: '07', responseFor, from, at }),
      (e: unknown) => e instanceof EdxmlError && e.code === 'EDXML_BAD_STATUS_CODE',
    );
  });

  it('a built status packet matches the §8 example after reading it', async () => {
    const example = await readEdxml(
      readFileSync(new URL('../fixtures/edxml/status-03.edxml', import.meta.url)),
    );
    const s = example.status!;
    const built = buildStatus({
      code: '03',
      responseFor: {
        organId: s.responseFor!.organId!,
        code: s.responseFor!.code!,
        promulgationDate: s.responseFor!.promulgationDate!,
        documentId: s.responseFor!.documentId!,
      },
      from: { ...s.from!, organId: s.from!.organId! },
      description: s.description,
      staff: s.staffInfo,
      at: new Date(s.timestamp!),
    });
    assert.deepEqual(await again(built), example);
  });
});
