import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { AttachmentDecoder, type DecodedAttachment } from './attachments.ts';
import { EdxmlError, edxmlError } from './errors.ts';
import { mapPacket } from './map.ts';
import { EDXML_NS, type EdxmlPacket, type XmlNode } from './types.ts';
import { validateEdxml } from './validate.ts';

export const DEFAULT_MAX_PACKET_BYTES = 50 * 1024 * 1024;
/** Longest text of one element outside attachments; real fields are at most a few hundred characters. */
const MAX_ELEMENT_TEXT = 256 * 1024;
const MAX_ELEMENTS = 100_000;
const MAX_DEPTH = 64;
const FEED_SLICE = 64 * 1024;
/** saxes' state for character data (its `text` buffer then holds element text only). */
const SAXES_TEXT_STATE = 13;

/** What is known of an attachment when its content starts (siblings written after it are not yet read). */
export interface AttachmentStartMeta {
  index: number;
  contentId: string | null;
  name: string | null;
  declaredContentType: string | null;
}

/** A Writable-like target: `write` may return false (wait for 'drain') or a promise. */
export interface AttachmentWritable {
  write(chunk: Buffer): unknown;
  end(): unknown;
  /** Told, before `end`, the size and SHA-256 of the decoded bytes it was given. */
  decoded?(result: { bytes: number; sha256: string }): void;
  once?(event: 'drain' | 'finish', listener: () => void): unknown;
  destroy?(error?: Error): unknown;
  writableFinished?: boolean;
}

/** Receives each attachment's decoded bytes: a Writable-like, or a callback given chunks then null. */
export type AttachmentSink = (
  meta: AttachmentStartMeta,
) => AttachmentWritable | ((chunk: Buffer | null) => unknown);

export interface ReadEdxmlOptions {
  /** Maximum packet size in bytes, enforced while reading (default 50 MB). */
  maxBytes?: number;
  /** Maximum decoded size of one attachment (default: maxBytes). */
  maxAttachmentBytes?: number;
  attachmentSink?: AttachmentSink;
  /** Keep each attachment's decoded bytes in `attachment.content` (for small packets and tests). */
  keepAttachmentContent?: boolean;
  /** Check the packet's fields (default true); on failure throws EdxmlError listing every issue. */
  validate?: boolean;
}

type SinkTarget = ReturnType<AttachmentSink>;

async function sinkWrite(target: SinkTarget, chunk: Buffer): Promise<void> {
  if (typeof target === 'function') {
    await target(chunk);
    return;
  }
  const written = target.write(chunk);
  if (written instanceof Promise) await written;
  else if (written === false && target.once) {
    const once = target.once.bind(target);
    await new Promise<void>((resolve) => once('drain', resolve));
  }
}

async function sinkEnd(target: SinkTarget): Promise<void> {
  if (typeof target === 'function') {
    await target(null);
    return;
  }
  const ended = target.end();
  if (ended instanceof Promise) await ended;
  else if (target.once && target.writableFinished === false) {
    const once = target.once.bind(target);
    await new Promise<void>((resolve) => once('finish', resolve));
  }
}

function attributesOf(tag: SaxesTagNS): XmlNode['attributes'] {
  return Object.values(tag.attributes)
    .filter((a) => a.uri !== 'http://www.w3.org/2000/xmlns/' && a.prefix !== 'xmlns' && a.name !== 'xmlns')
    .map((a) => ({ ns: a.uri || null, name: a.local, prefix: a.prefix || null, value: a.value }));
}

function childText(node: XmlNode, name: string): string | null {
  const text = node.children.find((c) => c.name === name)?.text.trim();
  return text ? text : null;
}

/**
 * Streams an edXML packet through a non-validating SAX parser with no DTD support: builds a small
 * tree of everything but attachment content, which is decoded chunk by chunk into the sink.
 */
class PacketParser {
  root: XmlNode | null = null;
  readonly decoded = new Map<XmlNode, DecodedAttachment>();
  private readonly stack: XmlNode[] = [];
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  private elements = 0;
  private attachmentIndex = 0;
  private decoder: AttachmentDecoder | null = null;
  private target: SinkTarget | null = null;
  private readonly pending: (() => Promise<void>)[] = [];

  private readonly options: ReadEdxmlOptions & { maxAttachmentBytes: number };

  constructor(options: ReadEdxmlOptions & { maxAttachmentBytes: number }) {
    this.options = options;
    const p = this.parser;
    p.on('doctype', () => {
      throw edxmlError('EDXML_DOCTYPE_FORBIDDEN');
    });
    p.on('error', (error) => {
      throw edxmlError('EDXML_MALFORMED', null, error.message);
    });
    p.on('opentag', (tag) => this.open(tag));
    p.on('closetag', () => this.close());
    p.on('text', (text) => this.text(text));
    p.on('cdata', (text) => this.text(text));
  }

  private path(): string {
    return this.stack.map((n) => n.name).join('.');
  }

  private open(tag: SaxesTagNS): void {
    if (++this.elements > MAX_ELEMENTS) throw edxmlError('EDXML_TOO_LARGE', null, 'too many elements');
    if (this.stack.length >= MAX_DEPTH) throw edxmlError('EDXML_MALFORMED', this.path(), 'nesting too deep');
    const node: XmlNode = {
      ns: tag.uri || null,
      name: tag.local,
      prefix: tag.prefix || null,
      attributes: attributesOf(tag),
      children: [],
      text: '',
    };
    const parent = this.stack.at(-1);
    if (!parent) {
      if (node.name !== 'edXML') throw edxmlError('EDXML_NOT_EDXML', null, `root <${node.name}>`);
      if (node.ns !== EDXML_NS)
        throw edxmlError('EDXML_WRONG_NAMESPACE', 'edXML', `namespace "${node.ns ?? ''}"`);
      this.root = node;
    } else parent.children.push(node);
    this.stack.push(node);
    if (node.name === 'ContentTransferEncoded' && parent?.name === 'Attachment') this.startAttachment(parent);
  }

  private startAttachment(attachment: XmlNode): void {
    const index = this.attachmentIndex++;
    const field = `AttachmentEncoded.Attachment[${index}].ContentTransferEncoded`;
    this.decoder = new AttachmentDecoder(
      field,
      this.options.maxAttachmentBytes,
      this.options.keepAttachmentContent === true,
    );
    const meta: AttachmentStartMeta = {
      index,
      contentId: childText(attachment, 'ContentId'),
      name: childText(attachment, 'AttachmentName'),
      declaredContentType: childText(attachment, 'ContentType'),
    };
    this.target = this.options.attachmentSink ? this.options.attachmentSink(meta) : null;
  }

  private close(): void {
    const node = this.stack.pop();
    // Indentation between child elements is not content: dropping it makes round trips exact.
    if (node && node.children.length > 0 && node.text.trim() === '') node.text = '';
    if (node && this.decoder) {
      const parent = this.stack.at(-1);
      const { last, result } = this.decoder.finish(parent ? childText(parent, 'AttachmentName') : null);
      if (parent) this.decoded.set(parent, result);
      this.queue(last);
      const target = this.target;
      if (target && typeof target !== 'function') target.decoded?.(result);
      if (target) this.pending.push(() => sinkEnd(target));
      this.decoder = null;
      this.target = null;
    }
  }

  private text(text: string): void {
    if (this.decoder) {
      this.queue(this.decoder.push(text));
      return;
    }
    const node = this.stack.at(-1);
    if (!node) return;
    node.text += text;
    if (node.text.length > MAX_ELEMENT_TEXT)
      throw edxmlError('EDXML_FIELD_TOO_LONG', this.path(), `more than ${MAX_ELEMENT_TEXT} characters`);
  }

  private queue(bytes: Buffer): void {
    const target = this.target;
    if (target && bytes.length > 0) this.pending.push(() => sinkWrite(target, bytes));
  }

  /** Feeds decoded text; attachment text is taken out of saxes' buffer so it never accumulates. */
  async write(text: string): Promise<void> {
    let rest = text;
    while (rest.length > 0) {
      rest = this.attachmentRun(rest);
      if (rest.length === 0) break;
      // saxes reads up to the end of the next ContentTransferEncoded tag (start or end) only:
      // once an attachment starts, the rest of this chunk takes the fast path instead of saxes'
      // character loop.
      const name = rest.indexOf('ContentTransferEncoded');
      const end = name === -1 ? -1 : rest.indexOf('>', name);
      const cut = end === -1 ? rest.length : end + 1;
      this.parser.write(cut === rest.length ? rest : rest.slice(0, cut));
      this.afterParserWrite();
      rest = cut === rest.length ? '' : rest.slice(cut);
    }
    await this.flush();
  }

  /**
   * Fast path: an attachment's base64 run up to the next markup goes straight to the decoder
   * (saxes would only copy it character by character). A run holding an entity reference takes
   * the ordinary path, which resolves it. Returns what is left for saxes.
   */
  private attachmentRun(text: string): string {
    const inner = this.parser as unknown as { state: number; text: string };
    if (!this.decoder || inner.state !== SAXES_TEXT_STATE) return text;
    const lt = text.indexOf('<');
    const run = lt === -1 ? text.length : lt;
    const amp = text.indexOf('&');
    if (run === 0 || (amp !== -1 && amp < run)) return text;
    if (inner.text.length > 0) {
      this.queue(this.decoder.push(inner.text));
      inner.text = '';
    }
    this.queue(this.decoder.push(run === text.length ? text : text.slice(0, run)));
    return run === text.length ? '' : text.slice(run);
  }

  /** After saxes read a piece: attachment text it buffered goes to the decoder; limits are checked. */
  private afterParserWrite(): void {
    const inner = this.parser as unknown as { state: number; text: string };
    if (inner.state === SAXES_TEXT_STATE && inner.text.length > 0) {
      if (this.decoder) {
        this.queue(this.decoder.push(inner.text));
        inner.text = '';
      } else if (inner.text.length > MAX_ELEMENT_TEXT) {
        throw edxmlError('EDXML_FIELD_TOO_LONG', this.path(), `more than ${MAX_ELEMENT_TEXT} characters`);
      }
    } else if (inner.text.length > MAX_ELEMENT_TEXT) {
      throw edxmlError('EDXML_MALFORMED', this.path(), 'comment or instruction too long');
    }
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) await this.pending.shift()?.();
  }

  async end(): Promise<void> {
    this.parser.close();
    await this.flush();
  }

  abort(error: unknown): void {
    const target = this.target;
    if (target && typeof target !== 'function') target.destroy?.(error instanceof Error ? error : undefined);
  }
}

async function* chunksOf(source: Readable | Buffer | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (Buffer.isBuffer(source)) {
    for (let i = 0; i < source.length; i += FEED_SLICE) yield source.subarray(i, i + FEED_SLICE);
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>)
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/**
 * Reads an edXML packet (edoc or status) from a stream or a buffer, tolerant of the producers met on
 * the axis, refusing DTDs and anything over `maxBytes` while it streams. Throws EdxmlError.
 */
export async function readEdxml(
  source: Readable | Buffer | AsyncIterable<Uint8Array>,
  options: ReadEdxmlOptions = {},
): Promise<EdxmlPacket> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PACKET_BYTES;
  if (Buffer.isBuffer(source) && source.length > maxBytes)
    throw edxmlError('EDXML_TOO_LARGE', null, `limit ${maxBytes} bytes`);
  const parser = new PacketParser({ ...options, maxAttachmentBytes: options.maxAttachmentBytes ?? maxBytes });
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  try {
    for await (const chunk of chunksOf(source)) {
      total += chunk.length;
      if (total > maxBytes) throw edxmlError('EDXML_TOO_LARGE', null, `limit ${maxBytes} bytes`);
      await parser.write(utf8.decode(chunk, { stream: true }));
    }
    await parser.write(utf8.decode());
    await parser.end();
  } catch (error) {
    parser.abort(error);
    if ((error as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA')
      throw edxmlError('EDXML_MALFORMED', null, 'not valid UTF-8');
    throw error; // codec errors as they are; a failing stream or sink is not the packet's fault
  }
  if (!parser.root) throw edxmlError('EDXML_MALFORMED', null, 'no root element');
  const { packet, issues } = mapPacket(parser.root, parser.decoded);
  if (options.validate !== false) {
    const all = [...issues, ...validateEdxml(packet)];
    const [first, ...rest] = all;
    if (first) throw new EdxmlError([first, ...rest]);
  }
  return packet;
}
