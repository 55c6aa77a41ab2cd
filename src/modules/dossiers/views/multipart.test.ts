import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMultipart } from './multipart.ts';

const type = 'multipart/form-data; boundary=XyZ';
const part = (headers: string, body: string | Buffer) =>
  Buffer.concat([Buffer.from(`--XyZ\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
const end = Buffer.from('--XyZ--\r\n');

describe('the bounded multipart reader', () => {
  it('reads fields (repeated names as lists) and a file with its exact bytes', () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff]);
    const body = Buffer.concat([
      part('Content-Disposition: form-data; name="_csrf"', 'token'),
      part('Content-Disposition: form-data; name="tag"', 'a'),
      part('Content-Disposition: form-data; name="tag"', 'b'),
      part(
        'Content-Disposition: form-data; name="file"; filename="giấy.pdf"\r\nContent-Type: application/pdf',
        bytes,
      ),
      end,
    ]);
    const form = readMultipart(body, type, 1);
    assert.equal(form['_csrf'], 'token');
    assert.deepEqual(form['tag'], ['a', 'b']);
    assert.equal(form.files.length, 1);
    assert.equal(form.files[0]?.filename, 'giấy.pdf');
    assert.deepEqual(form.files[0]?.data, bytes);
  });

  it('skips an empty file input (no file chosen)', () => {
    const body = Buffer.concat([part('Content-Disposition: form-data; name="file"; filename=""', ''), end]);
    assert.deepEqual(readMultipart(body, type, 1).files, []);
  });

  it('refuses a missing boundary, too many files, too many parts, an unterminated body and a field named files', () => {
    const file = part('Content-Disposition: form-data; name="file"; filename="a.pdf"', '%PDF-');
    const refused = (body: Buffer, t = type, maxFiles = 1) =>
      assert.throws(() => readMultipart(body, t, maxFiles), /DOSSIER_UPLOAD_INVALID/);
    refused(Buffer.concat([file, end]), 'multipart/form-data');
    refused(Buffer.concat([file, file, end]));
    refused(
      Buffer.concat([
        ...Array.from({ length: 101 }, () => part('Content-Disposition: form-data; name="x"', 'y')),
        end,
      ]),
    );
    refused(file);
    refused(Buffer.concat([part('Content-Disposition: form-data; name="files"', 'x'), end]));
  });
});
