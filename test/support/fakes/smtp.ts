/**
 * A real SMTP server on loopback (smtp-server) that captures what it receives, for tests and
 * development. It decodes just enough MIME to read what a person would see: RFC 2047 subjects,
 * multipart/alternative bodies in quoted-printable, base64 or 8bit, UTF-8 or Latin-1.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, string>;
  raw: Buffer;
}

export interface FakeSmtp {
  /** smtp://[user:pass@]127.0.0.1:port, for SMTP_URL. */
  url: string;
  port: number;
  messages: CapturedMail[];
  /** Answers every message with this SMTP reply code (e.g. 451 temporary, 550 permanent); null accepts again. */
  failWith(code: number | null): void;
  /** Waits until `count` messages have arrived (default: one more than now). */
  waitForMessages(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

/** Starts the fake; with `auth`, it requires those credentials (AUTH PLAIN/LOGIN without TLS). */
export async function startFakeSmtp(o: { auth?: { user: string; pass: string } } = {}): Promise<FakeSmtp> {
  const messages: CapturedMail[] = [];
  let failure: number | null = null;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: o.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !o.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (o.auth && auth.username === o.auth.user && auth.password === o.auth.pass)
        return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failure !== null) {
          const error = Object.assign(new Error(failure >= 500 ? 'Rejected' : 'Try again later'), {
            responseCode: failure,
          });
          return callback(error);
        }
        const raw = Buffer.concat(chunks);
        const parsed = parseMail(raw);
        messages.push({
          ...parsed,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = o.auth ? `${encodeURIComponent(o.auth.user)}:${encodeURIComponent(o.auth.pass)}@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    failWith(code) {
      failure = code;
    },
    async waitForMessages(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `fake SMTP: ${messages.length} message(s) after ${timeoutMs} ms, ${count} expected`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---- Minimal MIME reading. Strings below hold bytes as Latin-1 until a charset decodes them. ----

function headerMap(block: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

function charsetDecode(bytes: Buffer, charset: string): string {
  return /^(iso-8859-1|latin1|us-ascii)$/i.test(charset) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function qpBytes(text: string, underscoreIsSpace: boolean): Buffer {
  const unwrapped = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < unwrapped.length; i++) {
    const c = unwrapped[i] ?? '';
    const hex = unwrapped.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '_' && underscoreIsSpace) bytes.push(0x20);
    else bytes.push(unwrapped.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded-words; whitespace between two adjacent encoded-words is dropped. */
export function decodeHeader(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(word, (_w, charset: string, enc: string, text: string) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qpBytes(text, true);
    return charsetDecode(bytes, charset);
  });
}

function contentType(value: string | undefined): { type: string; params: Map<string, string> } {
  const [type = 'text/plain', ...rest] = (value ?? 'text/plain').split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0)
      params.set(
        p.slice(0, eq).trim().toLowerCase(),
        p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
  }
  return { type: type.trim().toLowerCase(), params };
}

function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.search(/\r?\n\r?\n/);
  if (end < 0) return { headers: headerMap(entity), body: '' };
  const sep = /\r?\n\r?\n/.exec(entity.slice(end))?.[0].length ?? 2;
  return { headers: headerMap(entity.slice(0, end)), body: entity.slice(end + sep) };
}

function collectParts(entity: string, out: { text: string; html: string }): void {
  const { headers, body } = splitEntity(entity);
  const ct = contentType(headers.get('content-type'));
  if (ct.type.startsWith('multipart/')) {
    const boundary = ct.params.get('boundary');
    if (!boundary) return;
    const pieces = body.split(`--${boundary}`);
    // pieces[0] is the preamble; the piece starting with "--" is the epilogue.
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith('--')) break;
      collectParts(piece.replace(/^\r?\n/, ''), out);
    }
    return;
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? qpBytes(body, false)
        : Buffer.from(body, 'latin1');
  const text = charsetDecode(bytes, ct.params.get('charset') ?? 'utf-8');
  if (ct.type === 'text/html' && !out.html) out.html = text;
  else if (ct.type === 'text/plain' && !out.text) out.text = text;
}

/** Reads the subject and the text and HTML bodies of a raw RFC 5322 message. */
export function parseMail(raw: Buffer): Omit<CapturedMail, 'from' | 'to' | 'raw'> {
  const entity = raw.toString('latin1');
  const { headers } = splitEntity(entity);
  const out = { text: '', html: '' };
  collectParts(entity, out);
  // Unencoded header bytes are UTF-8 when the client used SMTPUTF8.
  const subjectBytes = Buffer.from(headers.get('subject') ?? '', 'latin1').toString('utf8');
  return {
    headers,
    subject: decodeHeader(subjectBytes),
    text: out.text.replace(/\r\n/g, '\n'),
    html: out.html,
  };
}
