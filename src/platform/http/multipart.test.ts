import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMultipartBody } from './multipart.ts';

const limits = { maxParts: 20, maxFieldBytes: 1000, maxFiles: 2, maxFileBytes: 64 * 1024 };

async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const request = new Request('http://x/', { method: 'POST', body: form });
  return {
    body: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.equal((e as { code?: string }).code, code);
    return true;
  });
}

describe('multipart form data', () => {
  it('reads fields (repeated ones as lists) and files with their bytes, as a browser sends them', async () => {
    const form = new FormData();
    form.append('subject', 'V/v rà soát "số liệu"\r\n--x');
    form.append('to', 'a');
    form.append('to', 'b');
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x0d, 0x0a, 0x00, 0xff]);
    form.append('pdf', new Blob([bytes], { type: 'application/pdf' }), 'công văn.pdf');
    const { body, contentType } = await encode(form);
    const parsed = await parseMultipartBody(body, contentType, limits);
    assert.deepEqual(parsed.fields, { subject: 'V/v rà soát "số liệu"\r\n--x', to: ['a', 'b'] });
    assert.equal(parsed.files.length, 1);
    assert.equal(parsed.files[0]?.field, 'pdf');
    assert.equal(parsed.files[0]?.filename, 'công văn.pdf');
    assert.equal(parsed.files[0]?.contentType, 'application/pdf');
    assert.deepEqual([...(parsed.files[0]?.data ?? [])], [...bytes]);
  });

  it('skips a file input left empty (a browser sends filename="")', async () => {
    const body = Buffer.from(
      '--b0\r\nContent-Disposition: form-data; name="pdf"; filename=""\r\n' +
        'Content-Type: application/octet-stream\r\n\r\n\r\n--b0--\r\n',
    );
    assert.deepEqual(await parseMultipartBody(body, 'multipart/form-data; boundary=b0', limits), {
      fields: {},
      files: [],
    });
  });

  it('refuses a missing boundary, too many files, an over-long field and an oversized file', async () => {
    await refused(parseMultipartBody(Buffer.from('x'), 'multipart/form-data', limits), 'MULTIPART_INVALID');
    const note = new FormData();
    note.append('note', 'x'.repeat(2000));
    const long = await encode(note);
    await refused(parseMultipartBody(long.body, long.contentType, limits), 'MULTIPART_TOO_LARGE');
    const files = new FormData();
    for (let i = 0; i < 3; i++) files.append('pdf', new Blob(['%PDF-']), `${i}.pdf`);
    const many = await encode(files);
    await refused(parseMultipartBody(many.body, many.contentType, limits), 'MULTIPART_TOO_LARGE');
    const big = new FormData();
    big.append('pdf', new Blob([new Uint8Array(100 * 1024)]), 'big.pdf');
    const large = await encode(big);
    await refused(parseMultipartBody(large.body, large.contentType, limits), 'MULTIPART_TOO_LARGE');
  });

  it('refuses field names that would reach the prototype or replace the files', async () => {
    for (const name of ['__proto__', 'constructor', 'files']) {
      const form = new FormData();
      form.append(name, 'x');
      const { body, contentType } = await encode(form);
      await refused(parseMultipartBody(body, contentType, limits), 'MULTIPART_INVALID');
    }
  });

  it('refuses a truncated body', async () => {
    const form = new FormData();
    form.append('pdf', new Blob([new Uint8Array(5000)]), 'a.pdf');
    const { body, contentType } = await encode(form);
    await refused(parseMultipartBody(body.subarray(0, 300), contentType, limits), 'MULTIPART_INVALID');
  });
});
