import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createExchangeModule } from '../../src/modules/exchange/index.ts';
import type { AppError } from '../../src/platform/errors.ts';
import { clientToken } from '../support/auth.ts';
import {
  agencyWithCodes,
  edoc,
  exchangeCounts,
  pdfBytes,
  startExchangeApp,
  type ExchangeTestApp,
} from './support.ts';

function filesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

describe('exchange: hostile packets over HTTP store nothing and the server keeps serving', () => {
  let t: ExchangeTestApp;
  let token: string;
  let from: string;
  let to: string;
  let fromId: string;
  before(async () => {
    t = await startExchangeApp();
    const a = await agencyWithCodes(t);
    const b = await agencyWithCodes(t);
    from = a.code;
    fromId = a.id;
    to = b.code;
    token = await clientToken(t, { agencyId: a.id });
  });
  after(async () => t.close());

  async function refused(body: Buffer | string | Readable, status: number, code: string): Promise<void> {
    const before = await exchangeCounts(t);
    const blobs = filesUnder(t.blobDir);
    const response = await fetch(`${t.apiUrl}/api/v1/exchange/packets`, {
      method: 'POST',
      headers: {
        'content-type': 'application/xml',
        authorization: `Bearer ${token}`,
        accept: 'application/json',
      },
      body: body instanceof Readable ? Readable.toWeb(body) : body,
      ...(body instanceof Readable ? { duplex: 'half' } : {}),
    });
    const answer = (await response.json()) as { code: string };
    assert.equal(answer.code, code);
    assert.equal(response.status, status);
    assert.deepEqual(await exchangeCounts(t), before, `${code}: rows stored`);
    assert.equal(filesUnder(t.blobDir), blobs, `${code}: blob or temporary file left behind`);
  }

  const valid = () => edoc(from, [to], { attachment: pdfBytes(200 * 1024) }).xml.toString('utf8');
  const withDoctype = (doctype: string, xml: string) => xml.replace('?>', `?>\n${doctype}`);

  it('external entity', async () => {
    const xml = withDoctype('<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', valid()).replace(
      /<edXML:Subject>/,
      '<edXML:Subject>&xxe;',
    );
    await refused(xml, 400, 'EDXML_DOCTYPE_FORBIDDEN');
  });

  it('entity expansion', async () => {
    const levels = ['<!ENTITY lol "lol">'];
    for (let i = 1; i < 10; i++)
      levels.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = withDoctype(`<!DOCTYPE edXML [${levels.join('')}]>`, valid()).replace(
      /<edXML:Subject>/,
      '<edXML:Subject>&lol9;',
    );
    await refused(xml, 400, 'EDXML_DOCTYPE_FORBIDDEN');
  });

  it('wrong namespace', async () => {
    await refused(
      valid().replace(
        '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">',
        '<edXML xmlns="http://www.e-doc.vn/Schema/">',
      ),
      400,
      'EDXML_WRONG_NAMESPACE',
    );
  });

  it('missing To and duplicate To', async () => {
    await refused(valid().replace(/<edXML:To>[\s\S]*?<\/edXML:To>/, ''), 400, 'EDXML_NO_RECIPIENT');
    const xml = valid();
    const toBlock = /<edXML:To>[\s\S]*?<\/edXML:To>/.exec(xml)?.[0] ?? '';
    await refused(xml.replace(toBlock, toBlock + toBlock), 400, 'EDXML_DUPLICATE_RECIPIENT');
  });

  it('over-long fields', async () => {
    await refused(
      valid().replace(/<edXML:Subject>[^<]*/, `<edXML:Subject>${'Â'.repeat(501)}`),
      400,
      'EDXML_FIELD_TOO_LONG',
    );
  });

  it('bad base64 after a first attachment was streamed', async () => {
    const two = edoc(from, [to], { attachment: pdfBytes(300 * 1024) }).xml.toString('utf8');
    // Corrupt the end of the base64: the attachment's first 300 KB were already decoded.
    const xml = two.replace(/<\/edXML:ContentTransferEncoded>/, '*!*</edXML:ContentTransferEncoded>');
    await refused(xml, 400, 'EDXML_BAD_BASE64');
  });

  it('truncated XML', async () => {
    const xml = valid();
    await refused(xml.slice(0, Math.floor(xml.length * 0.8)), 400, 'EDXML_MALFORMED');
  });

  it('a 60 MB packet is refused while streaming (413)', async () => {
    const head = valid().split('<edXML:ContentTransferEncoded');
    const start = `${head[0]}<edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">`;
    const chunk = Buffer.alloc(1024 * 1024, 'QUFB');
    function* body() {
      yield Buffer.from(start);
      for (let i = 0; i < 60; i++) yield chunk;
      yield Buffer.from('</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>');
    }
    await refused(Readable.from(body()), 413, 'EDXML_TOO_LARGE');
  });

  it('an oversize attachment is refused by an axis with an attachment limit, leaving no blob', async () => {
    const small = createExchangeModule({
      db: t.database.db,
      logger: t.platform.app.log as never,
      config: t.config,
      directory: t.platform.directory.service,
      pki: t.platform.pki.service,
      blobs: t.blobs,
      maxAttachmentBytes: 256 * 1024,
      sweep: false,
    });
    const before = await exchangeCounts(t);
    const blobs = filesUnder(t.blobDir);
    const error = (await small.service
      .send(
        {
          actor: { kind: 'client', clientId: 'c', agencyId: fromId, scopes: [] },
          requestId: 'r',
          ip: null,
          locale: 'vi',
        },
        edoc(from, [to], { attachment: pdfBytes(1024 * 1024) }).xml,
      )
      .then(
        () => assert.fail('accepted'),
        (e: unknown) => e,
      )) as AppError;
    assert.equal(error.code, 'EDXML_ATTACHMENT_TOO_LARGE');
    assert.equal(error.status, 413);
    assert.deepEqual(await exchangeCounts(t), before);
    assert.equal(filesUnder(t.blobDir), blobs);
  });

  it('after all that, the server still serves and accepts a good packet', async () => {
    const health = await fetch(`${t.apiUrl}/healthz`);
    assert.equal(health.status, 200);
    const response = await fetch(`${t.apiUrl}/api/v1/exchange/packets`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
      body: valid(),
    });
    assert.equal(response.status, 201);
    // The attachment is stored; the packet itself is kept packed, without a file of its own.
    assert.ok(filesUnder(path.join(t.blobDir, 'sha256')) >= 1);
    assert.equal(filesUnder(path.join(t.blobDir, 'tmp')), 0);
  });
});
