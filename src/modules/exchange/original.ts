import { Readable } from 'node:stream';
import type { BlobStore } from '../../platform/blobs/index.ts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { exchangeRepo, type PacketRow } from './repo.ts';
import { deliveredStream } from './trace.ts';

/**
 * A packet's received bytes kept without its attachments' base64 text (the "skeleton"), where
 * that text is exactly the standard encoding of an attachment already in the blob store: on one
 * line, or in lines of one width ending the same way (CRLF or LF). Each run records where it goes
 * back and how it was laid out, so the bytes rebuilt are the bytes received, byte for byte (the
 * packet's SHA-256 stays its evidence). An attachment is stored once instead of twice (decoded
 * and inside the packet), and a typical packet needs no file of its own.
 */
export interface PackedRun {
  /** Offset in the skeleton where the run's text goes back. */
  at: number;
  /** The attachment blob whose base64 encoding the run is. */
  sha256: string;
  /** Characters per line (0: one line). */
  width: number;
  eol: '' | '\n' | '\r\n';
}

export interface PackedOriginal {
  skeleton: Buffer;
  runs: PackedRun[];
}

/** Attachments smaller than this stay inside the skeleton. */
const MIN_RUN_BYTES = 1024;
/** Characters of an attachment's encoding searched for to find where its run starts. */
const PROBE = 40;
const LF = 0x0a;
const CR = 0x0d;

/** `encoded` cut into lines of `width` characters joined by `eol` (no end of line after the last). */
function wrap(encoded: Buffer, width: number, eol: PackedRun['eol']): Buffer {
  if (width === 0 || encoded.length <= width) return encoded;
  const lines = Math.ceil(encoded.length / width);
  const out = Buffer.allocUnsafe(encoded.length + (lines - 1) * eol.length);
  let o = 0;
  for (let i = 0; i < encoded.length; i += width) {
    if (i > 0) o += out.write(eol, o, 'latin1');
    o += encoded.copy(out, o, i, Math.min(i + width, encoded.length));
  }
  return out;
}

/** The layout of the run starting at `start` if its bytes are exactly `encoded`, wrapped or not. */
function runAt(
  original: Buffer,
  start: number,
  encoded: Buffer,
): { width: number; eol: PackedRun['eol']; length: number } | null {
  const fits = (text: Buffer) =>
    start + text.length <= original.length &&
    original.compare(text, 0, text.length, start, start + text.length) === 0;
  if (fits(encoded)) return { width: 0, eol: '', length: encoded.length };
  let q = start;
  const limit = Math.min(original.length, start + 1024);
  while (q < limit && original[q] !== LF && original[q] !== CR) q++;
  const width = q - start;
  if (q === limit || width === 0 || width % 4 !== 0) return null;
  const eol = original[q] === LF ? '\n' : original[q + 1] === LF ? '\r\n' : null;
  if (eol === null) return null;
  const wrapped = wrap(encoded, width, eol);
  return fits(wrapped) ? { width, eol, length: wrapped.length } : null;
}

/**
 * Packs a received packet whose attachments' decoded bytes are at hand (in the order they appear).
 * Null when no attachment's text could be taken out: the packet is then kept whole.
 */
export function packOriginal(
  original: Buffer,
  attachments: readonly { bytes: Buffer; sha256: string }[],
): PackedOriginal | null {
  const kept: Buffer[] = [];
  const runs: PackedRun[] = [];
  let from = 0;
  let at = 0;
  for (const a of attachments) {
    if (a.bytes.length < MIN_RUN_BYTES) continue;
    const encoded = Buffer.from(a.bytes.toString('base64'), 'latin1');
    const start = original.indexOf(encoded.subarray(0, PROBE), from);
    if (start === -1) continue;
    const run = runAt(original, start, encoded);
    if (!run) continue;
    kept.push(original.subarray(from, start));
    at += start - from;
    runs.push({ at, sha256: a.sha256, width: run.width, eol: run.eol });
    from = start + run.length;
  }
  if (runs.length === 0) return null;
  kept.push(original.subarray(from));
  return { skeleton: Buffer.concat(kept), runs };
}

/** The received bytes of a packed packet, rebuilt from its skeleton and its attachments' blobs. */
export async function* unpackOriginal(blobs: BlobStore, packed: PackedOriginal): AsyncGenerator<Buffer> {
  let position = 0;
  for (const run of packed.runs) {
    if (run.at > position) yield packed.skeleton.subarray(position, run.at);
    const bytes = await blobs.read(run.sha256);
    yield wrap(Buffer.from(bytes.toString('base64'), 'latin1'), run.width, run.eol);
    position = run.at;
  }
  if (position < packed.skeleton.length) yield packed.skeleton.subarray(position);
}

/** The received bytes of a packet, whether it was packed or kept whole in the blob store. */
async function originalStream(
  db: DbOrTx,
  blobs: BlobStore,
  packet: Pick<PacketRow, 'id' | 'original_sha256'>,
): Promise<Readable> {
  const packed = await exchangeRepo.packedOriginal(db, packet.id);
  return packed ? Readable.from(unpackOriginal(blobs, packed)) : blobs.open(packet.original_sha256);
}

/**
 * The packet as served to a recipient or a peer: its received bytes with this hop's TraceHeader
 * spliced in (`deliveredStream`), or exactly as received with `asReceived`.
 */
export async function packetStream(
  db: DbOrTx,
  blobs: BlobStore,
  packet: Pick<PacketRow, 'id' | 'original_sha256' | 'trace_offset' | 'trace_xml'>,
  o: { asReceived?: boolean } = {},
): Promise<Readable> {
  const splice =
    !o.asReceived && packet.trace_offset !== null && packet.trace_xml
      ? { offset: Number(packet.trace_offset), xml: packet.trace_xml }
      : null;
  return deliveredStream(await originalStream(db, blobs, packet), splice);
}
