import { createHash, type Hash } from 'node:crypto';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { edxmlError } from './errors.ts';
import type { SniffedType } from './types.ts';

const HEAD_BYTES = 16;
/** Compressed bytes of a zip we are willing to look into to find the inner file's type. */
const ZIP_PEEK_LIMIT = 1 << 20;
/** Pieces pushed to the unzipper, small so a zip bomb cannot inflate much before we stop. */
const ZIP_PIECE = 4096;
const MAX_ZIP_NAMES = 64;

function startsWith(head: Uint8Array, bytes: number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

function extension(name: string | null): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(name ?? '');
  return (m?.[1] ?? '').toLowerCase();
}

/** What a file is, from its first bytes (and its name only to tell OLE and zip formats apart). */
export function sniffBytes(head: Uint8Array, name: string | null = null): SniffedType {
  const ext = extension(name);
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    if (ext === 'docx' || ext === 'xlsx' || ext === 'pptx') return ext;
    if (ext === 'odt' || ext === 'ods' || ext === 'odp') return 'odf';
    return 'zip';
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    return ext === 'xls' ? 'xls' : ext === 'ppt' ? 'ppt' : 'doc';
  if (startsWith(head, [0x7b, 0x5c, 0x72, 0x74, 0x66])) return 'rtf';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  const text = Buffer.from(head)
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '');
  if (text.startsWith('<?xml')) return 'xml';
  return 'unknown';
}

/** Looks into the start of a zip: entry names and the first bytes of its first file. */
class ZipPeek {
  readonly names: string[] = [];
  innerHead: Uint8Array | null = null;
  innerName: string | null = null;
  private fed = 0;
  private done = false;
  private readonly unzip: Unzip;

  constructor() {
    this.unzip = new Unzip((file) => this.onFile(file));
    this.unzip.register(UnzipInflate);
  }

  private onFile(file: UnzipFile): void {
    if (this.names.length < MAX_ZIP_NAMES) this.names.push(file.name);
    if (this.innerName !== null || file.name.endsWith('/')) return;
    this.innerName = file.name;
    const parts: Uint8Array[] = [];
    let got = 0;
    file.ondata = (error, data, final) => {
      if (error || this.innerHead) return;
      parts.push(data);
      got += data.length;
      if (got >= HEAD_BYTES || final) {
        this.innerHead = Buffer.concat(parts).subarray(0, HEAD_BYTES);
        file.terminate();
      }
    };
    try {
      file.start();
    } catch {
      // Unsupported compression method: the inner type stays unknown.
    }
  }

  push(chunk: Buffer): void {
    for (let i = 0; i < chunk.length && !this.done; i += ZIP_PIECE) {
      const piece = chunk.subarray(i, i + ZIP_PIECE);
      this.fed += piece.length;
      try {
        this.unzip.push(piece);
      } catch {
        this.done = true; // not a zip we can read: sniff from the outer bytes only
      }
      if (this.fed >= ZIP_PEEK_LIMIT || this.names.length >= MAX_ZIP_NAMES) this.done = true;
    }
  }
}

export interface DecodedAttachment {
  bytes: number;
  sha256: string;
  sniffedType: SniffedType;
  zipped: boolean;
  innerName: string | null;
  content?: Buffer;
}

/** Classifies a zip from its entries: an OOXML/ODF document, a zipped single file (SDK), or an archive. */
function classifyZip(peek: ZipPeek): Pick<DecodedAttachment, 'sniffedType' | 'zipped' | 'innerName'> {
  const names = peek.names;
  if (names.includes('[Content_Types].xml')) {
    const type = names.some((n) => n.startsWith('xl/'))
      ? 'xlsx'
      : names.some((n) => n.startsWith('ppt/'))
        ? 'pptx'
        : 'docx';
    return { sniffedType: type, zipped: false, innerName: null };
  }
  if (names[0] === 'mimetype') return { sniffedType: 'odf', zipped: false, innerName: null };
  const files = names.filter((n) => !n.endsWith('/'));
  if (files.length === 1 && peek.innerHead)
    return {
      sniffedType: sniffBytes(peek.innerHead, peek.innerName),
      zipped: true,
      innerName: peek.innerName,
    };
  return { sniffedType: 'zip', zipped: false, innerName: null };
}

const INVALID_BASE64 = /[^A-Za-z0-9+/=]/;

/** Base64 text without its line breaks and blanks (plain replacements first: they are the common case). */
function withoutWhitespace(text: string): string {
  let t = text.includes('\n') ? text.replaceAll('\n', '') : text;
  if (t.includes('\r')) t = t.replaceAll('\r', '');
  return t.includes(' ') || t.includes('\t') ? t.replace(/[\t ]+/g, '') : t;
}

/**
 * Decodes one attachment's base64 as its text arrives, in any chunking: carries the remainder of
 * 4-character groups, hashes and counts the bytes, keeps the first bytes to sniff, peeks into
 * zips, and stops with EDXML_ATTACHMENT_TOO_LARGE as soon as the limit is passed.
 */
export class AttachmentDecoder {
  private carry = '';
  /** Absolute position of the first '=', or -1. */
  private padStart = -1;
  private quartetChars = 0;
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private head: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  private zip: ZipPeek | null = null;
  private readonly kept: Buffer[] | null;

  private readonly field: string;
  private readonly maxBytes: number;

  constructor(field: string, maxBytes: number, keepContent: boolean) {
    this.field = field;
    this.maxBytes = maxBytes;
    this.kept = keepContent ? [] : null;
  }

  /** Decodes the complete groups of `text`; returns the decoded bytes (possibly empty). */
  push(text: string): Buffer {
    const clean = withoutWhitespace(text);
    if (clean.length === 0) return Buffer.alloc(0);
    const data = this.carry + clean;
    const whole = data.length - (data.length % 4);
    const quartets = whole === data.length ? data : data.slice(0, whole);
    const bytes = Buffer.from(quartets, 'base64');
    // Node's decoder skips characters outside the alphabet, so the bytes encode back to the same
    // text only when there were none (five times cheaper than searching for one); the pattern
    // looks only when they do not, or at the few characters carried to the next piece.
    if (
      (bytes.toString('base64') !== quartets || INVALID_BASE64.test(data.slice(whole))) &&
      INVALID_BASE64.test(clean)
    )
      throw this.bad('invalid character');
    const seen = this.quartetChars + this.carry.length;
    if (this.padStart < 0) {
      const pad = clean.indexOf('=');
      if (pad >= 0) {
        this.padStart = seen + pad;
        if (this.padStart % 4 < 2) throw this.bad('misplaced padding');
      }
    }
    // After the first '=' only '=' may follow, up to the end of that group.
    if (this.padStart >= 0) {
      const from = Math.max(0, this.padStart - seen);
      if (/[^=]/.test(clean.slice(from))) throw this.bad('data after padding');
      if (seen + clean.length > Math.ceil(this.padStart / 4) * 4) throw this.bad('too much padding');
    }
    this.carry = data.slice(whole);
    this.quartetChars += whole;
    return this.accept(bytes);
  }

  private bad(detail: string) {
    return edxmlError('EDXML_BAD_BASE64', this.field, detail);
  }

  /** Takes already-decoded bytes (for building packets from files). */
  accept(bytes: Buffer): Buffer {
    if (bytes.length === 0) return bytes;
    this.count += bytes.length;
    if (this.count > this.maxBytes)
      throw edxmlError('EDXML_ATTACHMENT_TOO_LARGE', this.field, `limit ${this.maxBytes} bytes`);
    this.hash.update(bytes);
    if (this.head.length < HEAD_BYTES) {
      this.head = Buffer.concat([this.head, bytes.subarray(0, HEAD_BYTES - this.head.length)]);
      if (this.head.length >= 4 && this.zip === null && sniffBytes(this.head) === 'zip')
        this.zip = new ZipPeek();
    }
    this.zip?.push(bytes);
    this.kept?.push(bytes);
    return bytes;
  }

  /** Ends the attachment: checks the last group and returns size, hash and sniffed type. */
  finish(name: string | null): { last: Buffer; result: DecodedAttachment } {
    let last: Buffer = Buffer.alloc(0);
    if (this.carry.replace(/=+$/, '').length === 1) throw this.bad('truncated final group');
    if (this.carry.length > 0) last = this.accept(Buffer.from(this.carry, 'base64'));
    this.carry = '';
    const classified =
      this.zip && sniffBytes(this.head) === 'zip'
        ? classifyZip(this.zip)
        : { sniffedType: sniffBytes(this.head, name), zipped: false, innerName: null };
    const result: DecodedAttachment = { bytes: this.count, sha256: this.hash.digest('hex'), ...classified };
    if (this.kept) result.content = Buffer.concat(this.kept);
    return { last, result };
  }
}

/** Size, hash and sniffed type of bytes in memory, as the reader would report them. */
export function describeBytes(content: Buffer, name: string | null): DecodedAttachment {
  const decoder = new AttachmentDecoder('attachment', Number.MAX_SAFE_INTEGER, false);
  decoder.accept(content);
  return decoder.finish(name).result;
}
