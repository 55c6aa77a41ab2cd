/**
 * The one `multipart/form-data` shape the Excel upload page posts: a few short text fields and
 * one file. Bounded: the route limits the body; here at most 12 parts, 1 KB per text field,
 * one file, 1 KB of part headers. Anything else is refused as a whole.
 * (A general parser belongs in the kernel, or `@fastify/multipart`: see NEEDS.md.)
 */
import { AppError } from '../../../platform/errors.ts';

export interface UploadForm {
  fields: Record<string, string>;
  file: Buffer | null;
}

const refuse = () =>
  new AppError('REPORTING_UPLOAD_INVALID', 400, {
    vi: 'Biểu mẫu tải lên không hợp lệ.',
    en: 'The upload form is invalid.',
  });

/** Parses the body of the upload form; the file is the part named `fileField`. */
export function parseUploadForm(
  body: Buffer,
  contentType: string | undefined,
  fileField: string,
): UploadForm {
  const b = /;\s*boundary=(?:"([^"]{1,70})"|([A-Za-z0-9'()+_,./:=?-]{1,70}))/i.exec(contentType ?? '');
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary) throw refuse();
  const dash = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let file: Buffer | null = null;
  let at = body.indexOf(dash);
  if (at !== 0) throw refuse();
  at += dash.length;
  for (let part = 0; part < 12; part++) {
    const tail = body.toString('latin1', at, at + 2);
    if (tail === '--') return { fields, file };
    if (tail !== '\r\n') throw refuse();
    const headStart = at + 2;
    const headEnd = body.indexOf('\r\n\r\n', headStart, 'latin1');
    if (headEnd < 0 || headEnd - headStart > 1024) throw refuse();
    const head = body.toString('utf8', headStart, headEnd);
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]{1,40})"/i.exec(head)?.[1];
    const isFile = /\bfilename="/i.test(head);
    const dataStart = headEnd + 4;
    const dataEnd = body.indexOf(next, dataStart);
    if (!name || dataEnd < 0) throw refuse();
    const data = body.subarray(dataStart, dataEnd);
    if (isFile) {
      if (name !== fileField || file !== null) throw refuse();
      file = data.length > 0 ? Buffer.from(data) : null;
    } else {
      if (data.length > 1024 || Object.hasOwn(fields, name)) throw refuse();
      fields[name] = data.toString('utf8');
    }
    at = dataEnd + next.length;
  }
  throw refuse();
}
