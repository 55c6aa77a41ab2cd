import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { BlobTooLarge, createFileBlobStore } from './index.ts';

describe('file blob store', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blobs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = createFileBlobStore(dir);

  it('stores by content hash, once, and reads it back', async () => {
    const content = Buffer.from('Văn bản điện tử mới');
    const a = await store.put(content);
    const b = await store.put(Readable.from([content.subarray(0, 5), content.subarray(5)]));
    assert.equal(a.sha256, createHash('sha256').update(content).digest('hex'));
    assert.deepEqual(a, b);
    assert.equal(a.bytes, content.length);
    assert.deepEqual(await store.read(a.sha256), content);
    assert.equal(store.size(a.sha256), content.length);
  });

  it('refuses a stream over the limit and keeps nothing of it', async () => {
    const big = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield Buffer.alloc(1024, i);
      })(),
    );
    await assert.rejects(store.put(big, { maxBytes: 10 * 1024 }), BlobTooLarge);
    assert.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
  });

  it('refuses a buffer over the limit, and writes a buffer already stored no second time', async () => {
    await assert.rejects(store.put(Buffer.alloc(2048), { maxBytes: 1024 }), BlobTooLarge);
    const content = Buffer.from('Công văn số 12/UBND');
    const first = await store.put(content);
    const file = path.join(dir, 'sha256', first.sha256.slice(0, 2), first.sha256.slice(2, 4), first.sha256);
    const written = statSync(file).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await store.put(Buffer.from(content)), first);
    assert.equal(statSync(file).mtimeMs, written);
    assert.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
  });

  it('stores again after its folders were removed behind its back (a clean-up, a restore)', async () => {
    const content = Buffer.from('Quyết định số 01/QĐ-UBND');
    const first = await store.put(content);
    await store.remove(first.sha256);
    rmSync(path.join(dir, 'sha256', first.sha256.slice(0, 2)), { recursive: true, force: true });
    assert.deepEqual(await store.put(content), first);
    assert.deepEqual(await store.read(first.sha256), content);
  });

  it('files a buffer under the hash its caller already took, without taking it again', async () => {
    const bytes = Buffer.from('tệp đính kèm đã băm khi giải mã');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const ref = await store.put(bytes, { sha256 });
    assert.deepEqual(ref, { sha256, bytes: bytes.length });
    assert.deepEqual(await store.read(sha256), bytes);
  });

  it('rejects addresses that are not SHA-256 hex', () => {
    assert.equal(store.has('../../etc/passwd'), false);
    assert.throws(() => store.open('../x'));
  });
});
