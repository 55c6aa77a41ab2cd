import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundaryOf, parseMultipart } from './multipart.ts';

const limits = { maxParts: 20, maxFieldBytes: 1000, maxFiles: 2 };

async function encode(form: FormData): Promise<{ body: Buffer; boundary: string }> {
  const request = new Request('http://x/', { method: 'POST', body: form });
  const boundary = boundaryOf(request.headers.get('content-type') ?? '');
  assert.ok(boundary);
  return { body: Buffer.from(await request.arrayBuffer()), boundary };
}

describe('multipart form data', () => {
  it('reads fields (repeated ones as lists) and files with their bytes, as a browser sends them', async () => {
    const form = new FormData();
    form.append('subject', 'V/v rà soát "số liệu"\r\n--x');
    form.append('to', 'a');
    form.append('to', 'b');
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x0d, 0x0a, 0x00, 0xff]);
    form.append('pdf', new Blob([bytes], { type: 'application/pdf' }), 'công văn.pdf');
    const { body, boundary } = await encode(form);
    const parsed = parseMultipart(body, boundary, limits);
    assert.deepEqual(parsed.fields, { subject: 'V/v rà soát "số liệu"\r\n--x', to: ['a', 'b'] });
    assert.equal(parsed.files.length, 1);
    assert.equal(parsed.files[0]?.filename, 'công văn.pdf');
    assert.deepEqual([...(parsed.files[0]?.data ?? [])], [...bytes]);
  });

  it('skips a file input left empty (a browser sends filename="")', () => {
    const body = Buffer.from(
      '--b0\r\nContent-Disposition: form-data; name="pdf"; filename=""\r\n' +
        'Content-Type: application/octet-stream\r\n\r\n\r\n--b0--\r\n',
    );
    assert.deepEqual(parseMultipart(body, 'b0', limits), { fields: {}, files: [] });
  });

  it('refuses truncated bodies, too many files and over-long fields', async () => {
    const form = new FormData();
    form.append('note', 'x'.repeat(2000));
    const long = await encode(form);
    assert.throws(() => parseMultipart(long.body, long.boundary, limits), /MULTIPART_INVALID/);
    assert.throws(
      () => parseMultipart(long.body.subarray(0, 100), long.boundary, { ...limits, maxFieldBytes: 5000 }),
      /MULTIPART_INVALID/,
    );
    const files = new FormData();
    for (let i = 0; i < 3; i++) files.append('pdf', new Blob(['%PDF-']), `${i}.pdf`);
    const many = await encode(files);
    assert.throws(() => parseMultipart(many.body, many.boundary, limits), /MULTIPART_INVALID/);
  });
});
