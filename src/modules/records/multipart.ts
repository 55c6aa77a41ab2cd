/**
 * A small, bounded parser of `multipart/form-data` bodies (a browser form with a file input,
 * without JavaScript). The body is already limited in size by the route; parts, field sizes and
 * files are limited here. Replace with @fastify/multipart when it is installed (see NEEDS.md).
 */
import { AppError } from '../../platform/errors.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

const BadMultipart = (detail: string) =>
  new AppError(
    'MULTIPART_INVALID',
    400,
    { vi: 'Biểu mẫu gửi lên không hợp lệ.', en: 'The form data is invalid.' },
    { detail },
  );

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary of a `multipart/form-data` content type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function param(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  return m?.[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : null;
}

/** Parses a whole multipart body; files with no name and no bytes (no file chosen) are skipped. */
export function parseMultipart(
  body: Buffer,
  boundary: string,
  limits: { maxParts: number; maxFieldBytes: number; maxFiles: number },
): MultipartBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw BadMultipart('no boundary');
  for (let parts = 0; ; parts++) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') break;
    if (parts >= limits.maxParts) throw BadMultipart('too many parts');
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw BadMultipart('bad delimiter');
    pos += 2;
    const headerEnd = body.indexOf(HEADER_END, pos);
    if (headerEnd < 0 || headerEnd - pos > 4096) throw BadMultipart('bad part headers');
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headerEnd + 4);
    if (next < 0) throw BadMultipart('truncated');
    const data = body.subarray(headerEnd + 4, next);
    pos = next + 2;
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const name = param(disposition, 'name');
    if (!name || name.length > 100) throw BadMultipart('part without a name');
    const filename = param(disposition, 'filename');
    if (filename !== null) {
      if (filename === '' && data.length === 0) continue;
      if (files.length >= limits.maxFiles) throw BadMultipart('too many files');
      const type =
        headers
          .find((h) => /^content-type:/i.test(h))
          ?.split(':')[1]
          ?.trim() ?? '';
      files.push({
        field: name,
        filename: filename.slice(0, 200),
        contentType: type.slice(0, 255),
        data: Buffer.from(data),
      });
      continue;
    }
    if (data.length > limits.maxFieldBytes) throw BadMultipart('field too long');
    const value = data.toString('utf8');
    const had = fields[name];
    fields[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return { fields, files };
}
