import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A stored blob: its SHA-256 (hex) is its address. */
export interface BlobRef {
  sha256: string;
  bytes: number;
}

/** Raised when a blob is larger than the caller allowed; nothing is kept. */
export class BlobTooLarge extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`blob larger than ${limit} bytes`);
    this.name = 'BlobTooLarge';
    this.limit = limit;
  }
}

export interface BlobStore {
  /**
   * Stores bytes or a stream, hashing while writing; the same content is stored once. `sha256`:
   * the hash of these very bytes (a buffer), already computed by the caller while it read them —
   * not computed again. A wrong one would file the bytes under another address: pass only a hash
   * taken over exactly this buffer's bytes.
   */
  put(
    source: Buffer | Readable | AsyncIterable<Uint8Array>,
    o?: { maxBytes?: number; sha256?: string },
  ): Promise<BlobRef>;
  /** Reads a stored blob; throws if it does not exist. */
  open(sha256: string): Readable;
  read(sha256: string): Promise<Buffer>;
  has(sha256: string): boolean;
  size(sha256: string): number | null;
  remove(sha256: string): Promise<void>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed blob storage on a filesystem (a local folder or a shared mount):
 * `dir/sha256/ab/cd/<hash>`. Writes go to a temporary file first and are renamed into place,
 * so a crash never leaves a partial blob under its address. A blob is durable when `put`
 * resolves: its bytes are flushed to disk before the rename, and the folder after it, so a row
 * committed afterwards never names a blob that a power cut took back.
 */
export function createFileBlobStore(dir: string): BlobStore {
  const root = path.join(dir, 'sha256');
  const tmp = path.join(dir, 'tmp');
  mkdirSync(root, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const pathOf = (sha256: string) => {
    if (!HEX64.test(sha256)) throw new Error('invalid blob address');
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  // Folders known to exist (at most 65,536 `ab/cd`): a write does not ask the file system again.
  const folders = new Set<string>();
  /** Flushes a folder's entries (a rename into it, a new subfolder) to disk. */
  const syncFolder = async (folder: string) => {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
  /** Moves a finished temporary file to its address (a folder removed behind our back is made again). */
  const place = async (temp: string, target: string) => {
    const folder = path.dirname(target);
    let made = false;
    if (!folders.has(folder)) {
      made = mkdirSync(folder, { recursive: true }) !== undefined;
      folders.add(folder);
    }
    try {
      await rename(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(temp)) throw error;
      made = mkdirSync(folder, { recursive: true }) !== undefined || made;
      await rename(temp, target);
    }
    await syncFolder(folder);
    if (made) {
      // New folders are entries of their parents: `ab/cd` in `ab`, `ab` in the root.
      await syncFolder(path.dirname(folder));
      await syncFolder(root);
    }
  };

  /** A blob already in memory: hashed first, written only when its address is new. */
  async function putBuffer(
    source: Buffer,
    limit: number,
    known: string | undefined,
  ): Promise<{ sha256: string; bytes: number }> {
    if (source.length > limit) throw new BlobTooLarge(limit);
    const sha256 = known ?? createHash('sha256').update(source).digest('hex');
    const target = pathOf(sha256);
    if (existsSync(target)) return { sha256, bytes: source.length };
    const temp = path.join(tmp, randomUUID());
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(source);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await place(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { sha256, bytes: source.length };
  }

  return {
    async put(source, o = {}) {
      const limit = o.maxBytes ?? Number.POSITIVE_INFINITY;
      if (Buffer.isBuffer(source)) return putBuffer(source, limit, o.sha256);
      const hash = createHash('sha256');
      let bytes = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done: TransformCallback) {
          bytes += chunk.length;
          if (bytes > limit) return done(new BlobTooLarge(limit));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      const temp = path.join(tmp, randomUUID());
      try {
        // `flush`: the stream's bytes reach the disk before it closes.
        await pipeline(Readable.from(source), meter, createWriteStream(temp, { flags: 'wx', flush: true }));
        const sha256 = hash.digest('hex');
        const target = pathOf(sha256);
        if (existsSync(target)) await rm(temp, { force: true });
        else {
          await place(temp, target);
        }
        return { sha256, bytes };
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    open(sha256) {
      return createReadStream(pathOf(sha256));
    },
    async read(sha256) {
      const chunks: Buffer[] = [];
      for await (const chunk of createReadStream(pathOf(sha256))) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    has(sha256) {
      return HEX64.test(sha256) && existsSync(pathOf(sha256));
    },
    size(sha256) {
      try {
        return statSync(pathOf(sha256)).size;
      } catch {
        return null;
      }
    },
    async remove(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}
