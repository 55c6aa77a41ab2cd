import { create } from 'content-disposition';

/**
 * The Content-Disposition of a file sent to a browser (RFC 6266): the name as given, in UTF-8
 * (`filename*`), and for old clients an ASCII fallback without diacritics ("Tờ khai.pdf" →
 * "To khai.pdf"). Names come from citizens and agencies: quotes and control characters never
 * reach the header as such (the library quotes and encodes them).
 */
export function contentDisposition(name: string, o: { inline?: boolean } = {}): string {
  const clean = name.replace(/[\p{Cc}\\/]+/gu, '_').slice(0, 200) || 'download';
  const ascii =
    clean
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
      .replace(/[^\x20-\x7e]+/g, '_')
      .replace(/["\\]/g, '_') || 'download';
  return create(clean, { type: o.inline ? 'inline' : 'attachment', fallback: ascii });
}
