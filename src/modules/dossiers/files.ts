// Uploaded papers: the type is read from the bytes (never the name or the browser's claim), the
// size is bounded, and a malware scanner (injectable) has the last word.
import type { PaperMediaType } from './tables.ts';
import { FileInfected, FileRefused } from './errors.ts';

/** A malware scanner: `clean` keeps the file, `infected` refuses it. */
export type MalwareScanner = (bytes: Buffer) => Promise<'clean' | 'infected'>;

/** The default scanner accepts everything; deployments inject a real one (e.g. clamd). */
export const acceptAllScanner: MalwareScanner = () => Promise.resolve('clean');

/** The media type of a PDF, JPEG or PNG by its first bytes; null for anything else. */
export function sniffMediaType(bytes: Buffer): PaperMediaType | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return null;
}

/** Checks an upload; returns its media type or throws a domain error a citizen can read. */
export async function checkUpload(
  bytes: Buffer,
  o: { maxBytes: number; scan: MalwareScanner; only?: PaperMediaType[] },
): Promise<PaperMediaType> {
  if (bytes.length === 0 || bytes.length > o.maxBytes) throw FileRefused({ reason: 'size' });
  const type = sniffMediaType(bytes);
  if (!type || (o.only && !o.only.includes(type))) throw FileRefused({ reason: 'type' });
  if ((await o.scan(bytes)) !== 'clean') throw FileInfected();
  return type;
}

/** A file name safe to store and show: no path, no control characters, bounded. */
export function cleanFileName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch !== '\u007f' && ch !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned || fallback;
}
