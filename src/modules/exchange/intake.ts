import { createHash, type Hash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { BlobRef, BlobStore } from '../../platform/blobs/index.ts';
import { readEdxml, type AttachmentWritable, type EdxmlPacket } from './edxml/index.ts';
import { packOriginal, type PackedOriginal } from './original.ts';

/** Where this hop's TraceHeader goes in the received bytes (found by a byte scan of the header). */
export interface TraceInsertion {
  /** Byte offset in the original packet. */
  offset: number;
  /** Prefix (with its colon, or '') of the element found there, in scope at that point. */
  prefix: string;
  /** `inside`: before `</TraceHeaderList>`; `wrap`: a whole TraceHeaderList before `</edXMLHeader>`. */
  mode: 'inside' | 'wrap';
}

export interface LandedPacket {
  original: BlobRef;
  packed: PackedOriginal | null;
  attachments: BlobRef[];
}

/** A packet read and checked by the codec whose blobs are written but not yet landed. */
export interface StagedPacket {
  packet: EdxmlPacket;
  /** Size of the received bytes. */
  bytes: number;
  trace: TraceInsertion | null;
  /**
   * Lands the attachments and the received bytes in the blob store — the latter as a skeleton
   * (`packed`, to store with the packet row) when its attachments' text could be taken out, then
   * `original` names bytes that have no blob of their own. Call before the commit.
   */
  land(): Promise<LandedPacket>;
  /** Drops every held blob, and the original if this packet stored it first. */
  discard(): Promise<void>;
  /** The received bytes: for signature verification. */
  originalBytes(): Promise<Buffer>;
}

/** A blob write kept open until the packet is accepted: failure destroys it, nothing lands. */
interface HeldBlob {
  stream: PassThrough;
  done: Promise<BlobRef>;
  ended: boolean;
}

function holdBlob(blobs: BlobStore, maxBytes: number): HeldBlob {
  const stream = new PassThrough({ highWaterMark: 256 * 1024 });
  const done = blobs.put(stream, { maxBytes });
  done.catch(() => undefined); // observed by land() or discard()
  return { stream, done, ended: false };
}

async function writeHeld(held: HeldBlob, chunk: Uint8Array): Promise<void> {
  if (held.stream.write(chunk)) return;
  await Promise.race([
    new Promise<void>((resolve) => held.stream.once('drain', resolve)),
    held.done.then(() => undefined),
  ]);
}

async function dropHeld(held: HeldBlob): Promise<void> {
  if (!held.ended) held.stream.destroy(new Error('packet refused'));
  await held.done.catch(() => undefined);
}

async function landHeld(held: HeldBlob): Promise<BlobRef> {
  if (!held.ended) {
    held.ended = true;
    held.stream.end();
  }
  return held.done;
}

/** Bytes of one packet kept in memory, all spools together; past it a spool streams to the store. */
const IN_MEMORY_BYTES = 4 * 1024 * 1024;

/**
 * Where one blob's bytes go while the packet is read: kept in memory while the packet's budget
 * allows (most packets: one write of the whole blob on acceptance, nothing on refusal), else
 * streamed to a held blob from then on.
 */
class Spool {
  private chunks: Uint8Array[] = [];
  private held: HeldBlob | null = null;
  /** The hash of what was streamed (the original's: to know, before landing early, if it is new). */
  private hash: Hash | null = null;
  /** What the codec reported of an attachment's decoded bytes (size and SHA-256), once it ended. */
  decoded: { bytes: number; sha256: string } | null = null;
  private readonly blobs: BlobStore;
  private readonly maxBytes: number;
  private readonly budget: { left: number };

  constructor(blobs: BlobStore, maxBytes: number, budget: { left: number }) {
    this.blobs = blobs;
    this.maxBytes = maxBytes;
    this.budget = budget;
  }

  get streamed(): boolean {
    return this.held !== null;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.held && chunk.byteLength <= this.budget.left) {
      this.budget.left -= chunk.byteLength;
      this.chunks.push(chunk);
      return;
    }
    if (!this.held) {
      this.held = holdBlob(this.blobs, this.maxBytes);
      this.hash = createHash('sha256');
      const kept = this.chunks;
      this.chunks = [];
      for (const c of kept) {
        this.budget.left += c.byteLength;
        this.hash.update(c);
        await writeHeld(this.held, c);
      }
    }
    this.hash?.update(chunk);
    await writeHeld(this.held, chunk);
  }

  /** The sha256 of a streamed blob's bytes (null while they are in memory). */
  streamedSha256(): string | null {
    return this.hash ? this.hash.copy().digest('hex') : null;
  }

  /** The bytes, when they are all in memory (joined once). */
  inMemory(): Buffer | null {
    if (this.held) return null;
    const [first] = this.chunks;
    const whole = this.chunks.length === 1 && Buffer.isBuffer(first) ? first : Buffer.concat(this.chunks);
    this.chunks = [whole];
    return whole;
  }

  /** The bytes and their SHA-256, when both are in memory and the codec hashed them. */
  decodedInMemory(): { bytes: Buffer; sha256: string } | null {
    const bytes = this.inMemory();
    const decoded = this.decoded;
    return bytes && decoded && decoded.bytes === bytes.length ? { bytes, sha256: decoded.sha256 } : null;
  }

  async land(): Promise<BlobRef> {
    if (this.held) return landHeld(this.held);
    const bytes = this.inMemory() ?? Buffer.alloc(0);
    // The codec hashed exactly these bytes while decoding them: not hashed a second time.
    const known = this.decodedInMemory();
    return this.blobs.put(bytes, { maxBytes: this.maxBytes, ...(known ? { sha256: known.sha256 } : {}) });
  }

  async drop(): Promise<void> {
    this.chunks = [];
    if (this.held) await dropHeld(this.held);
  }

  destroy(): void {
    this.held?.stream.destroy(new Error('attachment refused'));
  }
}

const SCAN_LIMIT = 8 * 1024 * 1024;
const CLOSE_TAG = /<\/([A-Za-z_][\w.-]*:)?(TraceHeaderList|edXMLHeader)\s*>/;
const EMPTY_TRACE_LIST = /<([A-Za-z_][\w.-]*:)?TraceHeaderList(\s[^>]*)?\/>/;

/** Finds the insertion point of a TraceHeader while bytes stream by (tags are ASCII: latin1 is exact). */
class TraceScanner {
  found: TraceInsertion | null = null;
  private done = false;
  private consumed = 0;
  private tail: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): void {
    if (this.done) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const base = this.consumed - this.tail.length;
    this.consumed += bytes.length;
    // Most pieces (attachments' base64) name neither element: they are searched as bytes and
    // never made text. The tail of the previous piece catches a name cut between two.
    const joined = this.tail.length > 0 ? Buffer.concat([this.tail, bytes]) : bytes;
    if (joined.includes('TraceHeaderList') || joined.includes('edXMLHeader')) {
      const text = joined.toString('latin1');
      if (EMPTY_TRACE_LIST.test(text)) {
        this.done = true; // an empty self-closed list: leave the bytes as they are
        return;
      }
      const match = CLOSE_TAG.exec(text);
      if (match) {
        this.done = true;
        this.found = {
          offset: base + match.index,
          prefix: match[1] ?? '',
          mode: match[2] === 'TraceHeaderList' ? 'inside' : 'wrap',
        };
        return;
      }
    }
    if (this.consumed > SCAN_LIMIT) this.done = true;
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 256)));
  }
}

/**
 * Streams a packet through the codec: the received bytes are kept (as evidence), and so are each
 * attachment's decoded bytes — in memory up to 4 MB a packet, beyond that in held blobs — and
 * nothing lands in the blob store until the caller accepts the packet (`land`): a refused or
 * broken packet leaves no blob behind.
 */
export async function stagePacket(
  blobs: BlobStore,
  source: Readable | Buffer | AsyncIterable<Uint8Array>,
  limits: { maxBytes: number; maxAttachmentBytes?: number },
): Promise<StagedPacket> {
  const budget = { left: IN_MEMORY_BYTES };
  const original = new Spool(blobs, limits.maxBytes, budget);
  const attachments: Spool[] = [];
  const scanner = new TraceScanner();
  let bytes = 0;
  // A refused packet must not destroy the request stream: the route drains it so the client
  // reads the error instead of a reset connection.
  const chunks = Buffer.isBuffer(source)
    ? [source]
    : source instanceof Readable
      ? source.iterator({ destroyOnReturn: false })
      : source;

  async function* tee(): AsyncGenerator<Uint8Array> {
    for await (const raw of chunks as AsyncIterable<Uint8Array | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      bytes += chunk.byteLength;
      // Past the limit the codec refuses the packet; do not copy what it will not read.
      if (bytes <= limits.maxBytes) {
        scanner.push(chunk);
        await original.write(chunk);
      }
      yield chunk;
    }
  }

  const dropAll = () => Promise.all([original.drop(), ...attachments.map((a) => a.drop())]);

  let packet: EdxmlPacket;
  try {
    packet = await readEdxml(tee(), {
      maxBytes: limits.maxBytes,
      maxAttachmentBytes: limits.maxAttachmentBytes ?? limits.maxBytes,
      attachmentSink: (): AttachmentWritable => {
        const spool = new Spool(blobs, limits.maxBytes, budget);
        attachments.push(spool);
        return {
          write: (chunk: Buffer) => spool.write(chunk),
          decoded: (result) => {
            spool.decoded = result;
          },
          // The reader's end is not ours: the blob lands only when the packet is accepted.
          end: () => undefined,
          destroy: () => spool.destroy(),
        };
      },
    });
  } catch (error) {
    await dropAll();
    throw error;
  }
  /**
   * The original as a skeleton, when it and every attachment are in memory (most packets), with
   * the reference of the bytes it stands for (no blob of their own).
   */
  const pack = (): { skeleton: PackedOriginal; ref: BlobRef } | null => {
    const whole = original.inMemory();
    if (!whole || attachments.length === 0) return null;
    const decoded: { bytes: Buffer; sha256: string }[] = [];
    for (const a of attachments) {
      const d = a.decodedInMemory();
      if (!d) return null;
      decoded.push(d);
    }
    const skeleton = packOriginal(whole, decoded);
    if (!skeleton) return null;
    return {
      skeleton,
      ref: { sha256: createHash('sha256').update(whole).digest('hex'), bytes: whole.length },
    };
  };
  // A large original read back for the signature check lands early: remember whether this packet
  // stored it first, so that a refusal removes it.
  let early: { ref: BlobRef; created: boolean } | null = null;
  return {
    packet,
    bytes,
    trace: packet.kind === 'edoc' ? scanner.found : null,
    async land() {
      const packed = early ? null : pack();
      const [ref, ...refs] = await Promise.all([
        early ? early.ref : packed ? packed.ref : original.land(),
        ...attachments.map((a) => a.land()),
      ]);
      return { original: ref, packed: packed?.skeleton ?? null, attachments: refs };
    },
    async discard() {
      await dropAll();
      if (early?.created) await blobs.remove(early.ref.sha256).catch(() => undefined);
    },
    async originalBytes() {
      const kept = original.inMemory();
      if (kept) return kept;
      if (!early) {
        const sha256 = original.streamedSha256();
        const created = sha256 !== null && !blobs.has(sha256);
        early = { ref: await original.land(), created };
      }
      return blobs.read(early.ref.sha256);
    },
  };
}
