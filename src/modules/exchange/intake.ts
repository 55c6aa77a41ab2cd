import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { BlobRef, BlobStore } from '../../platform/blobs/index.ts';
import { readEdxml, type AttachmentWritable, type EdxmlPacket } from './edxml/index.ts';

/** Where this hop's TraceHeader goes in the received bytes (found by a byte scan of the header). */
export interface TraceInsertion {
  /** Byte offset in the original packet. */
  offset: number;
  /** Prefix (with its colon, or '') of the element found there, in scope at that point. */
  prefix: string;
  /** `inside`: before `</TraceHeaderList>`; `wrap`: a whole TraceHeaderList before `</edXMLHeader>`. */
  mode: 'inside' | 'wrap';
}

/** A packet read and checked by the codec whose blobs are written but not yet landed. */
export interface StagedPacket {
  packet: EdxmlPacket;
  original: BlobRef;
  trace: TraceInsertion | null;
  /** Lands the held blobs (attachments; the original if still held). Call before the commit. */
  land(): Promise<{ attachments: BlobRef[] }>;
  /** Drops every held blob, and the original if this packet stored it first. */
  discard(): Promise<void>;
  /** The original bytes (lands the original first): for signature verification. */
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

const SCAN_LIMIT = 8 * 1024 * 1024;
const CLOSE_TAG = /<\/([A-Za-z_][\w.-]*:)?(TraceHeaderList|edXMLHeader)\s*>/;
const EMPTY_TRACE_LIST = /<([A-Za-z_][\w.-]*:)?TraceHeaderList(\s[^>]*)?\/>/;

/** Finds the insertion point of a TraceHeader while bytes stream by (tags are ASCII: latin1 is exact). */
class TraceScanner {
  found: TraceInsertion | null = null;
  private done = false;
  private consumed = 0;
  private tail = '';

  push(chunk: Uint8Array): void {
    if (this.done) return;
    const text = this.tail + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    const base = this.consumed - this.tail.length;
    this.consumed += chunk.byteLength;
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
    if (this.consumed > SCAN_LIMIT) this.done = true;
    this.tail = text.slice(-256);
  }
}

/**
 * Streams a packet through the codec: the received bytes go to a held blob (kept as evidence),
 * each attachment's decoded bytes to another, and nothing lands in the blob store until the
 * caller accepts the packet (`land`) — a refused or broken packet leaves no blob behind.
 */
export async function stagePacket(
  blobs: BlobStore,
  source: Readable | Buffer | AsyncIterable<Uint8Array>,
  limits: { maxBytes: number; maxAttachmentBytes?: number },
): Promise<StagedPacket> {
  const original = holdBlob(blobs, limits.maxBytes);
  const attachments: HeldBlob[] = [];
  const hash = createHash('sha256');
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
        hash.update(chunk);
        scanner.push(chunk);
        await writeHeld(original, chunk);
      }
      yield chunk;
    }
  }

  const discard = async () => {
    const originalWasHeld = !original.ended;
    await Promise.all([dropHeld(original), ...attachments.map(dropHeld)]);
    // The original landed early (signature check) and this packet stored it first: remove it.
    if (!originalWasHeld && createdOriginal) await blobs.remove(sha256).catch(() => undefined);
  };

  let packet: EdxmlPacket;
  try {
    packet = await readEdxml(tee(), {
      maxBytes: limits.maxBytes,
      maxAttachmentBytes: limits.maxAttachmentBytes ?? limits.maxBytes,
      attachmentSink: (): AttachmentWritable => {
        const held = holdBlob(blobs, limits.maxBytes);
        attachments.push(held);
        return {
          write: (chunk: Buffer) => writeHeld(held, chunk),
          // The reader's end is not ours: the blob lands only when the packet is accepted.
          end: () => undefined,
          destroy: () => held.stream.destroy(new Error('attachment refused')),
        };
      },
    });
  } catch (error) {
    await Promise.all([dropHeld(original), ...attachments.map(dropHeld)]);
    throw error;
  }
  const sha256 = hash.digest('hex');
  const createdOriginal = !blobs.has(sha256);
  return {
    packet,
    original: { sha256, bytes },
    trace: packet.kind === 'edoc' ? scanner.found : null,
    async land() {
      await landHeld(original);
      return { attachments: await Promise.all(attachments.map(landHeld)) };
    },
    discard,
    async originalBytes() {
      await landHeld(original);
      return blobs.read(sha256);
    },
  };
}
