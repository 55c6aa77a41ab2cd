/**
 * A bounded `multipart/form-data` reader for the upload forms (a browser without JavaScript posts
 * a file input this way). The route's body limit bounds the whole; here the parts, each field's
 * size and the files are bounded. @fastify/multipart is not installed (see README.md).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { table } from '../../../platform/pages/components.ts';
import { html, type HtmlValue } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { AppError } from '../../../platform/errors.ts';

export interface PostedFile {
  field: string;
  filename: string;
  data: Buffer;
}

/** A parsed form: text fields (repeated names become lists) and files. */
export type PostedForm = Record<string, string | string[] | PostedFile[]> & { files: PostedFile[] };

const invalid = (why: string) =>
  new AppError(
    'DOSSIER_UPLOAD_INVALID',
    400,
    { vi: 'Biểu mẫu tải lên không hợp lệ.', en: 'The upload form is invalid.' },
    { why },
  );

const SEPARATOR = Buffer.from('\r\n\r\n');

function headerParam(headers: string, name: string): string | null {
  const m = new RegExp(`\\b${name}="([^"\\r\\n]{0,400})"`, 'i').exec(headers);
  return m?.[1] ?? null;
}

/** Splits a body into its parts by the boundary and reads each part's name, file name and bytes. */
export function readMultipart(body: Buffer, contentType: string, maxFiles: number): PostedForm {
  const b = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary) throw invalid('boundary');
  const marker = Buffer.from(`\r\n--${boundary}`);
  const form: PostedForm = { files: [] };
  // Prefix a CRLF so the first delimiter looks like every other one.
  const data = Buffer.concat([Buffer.from('\r\n'), body]);
  let at = data.indexOf(marker);
  for (let count = 0; at >= 0; count++) {
    const start = at + marker.length;
    if (data.subarray(start, start + 2).toString('latin1') === '--') return form;
    if (count >= 100) throw invalid('parts');
    const headersEnd = data.indexOf(SEPARATOR, start);
    const next = data.indexOf(marker, headersEnd);
    if (headersEnd < 0 || next < 0 || headersEnd - start > 2048) throw invalid('part');
    const headers = data.subarray(start + 2, headersEnd).toString('utf8');
    const content = data.subarray(headersEnd + 4, next);
    const name = headerParam(headers, 'name');
    if (!name || name === 'files') throw invalid('name');
    const filename = headerParam(headers, 'filename');
    if (filename !== null) {
      if (filename !== '' || content.length > 0) {
        if (form.files.length >= maxFiles) throw invalid('files');
        form.files.push({ field: name, filename, data: Buffer.from(content) });
      }
    } else {
      if (content.length > 64 * 1024) throw invalid('field');
      const value = content.toString('utf8');
      const existing = form[name];
      if (existing === undefined) form[name] = value;
      else if (typeof existing === 'string') form[name] = [existing, value];
      else if (Array.isArray(existing) && existing.every((x) => typeof x === 'string'))
        form[name] = [...existing, value];
    }
    at = next;
  }
  throw invalid('end');
}

/** Lets routes registered in `scope` (only) accept multipart bodies up to `bodyLimit` bytes. */
export function acceptMultipart(scope: FastifyInstance, bodyLimit: number, maxFiles: number): void {
  scope.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit },
    (request, body, done) => {
      try {
        done(null, readMultipart(body as Buffer, request.headers['content-type'] ?? '', maxFiles));
      } catch (error) {
        done(error as Error);
      }
    },
  );
}

/**
 * Registers a POST `path` (with an `:id` parameter) that takes a multipart upload, in its own
 * scope; `handle` gets the dossier id and the parsed form.
 */
export async function registerUpload(
  app: App,
  path: string,
  bodyLimit: number,
  handle: (request: FastifyRequest, reply: FastifyReply, id: string, posted: PostedForm) => Promise<unknown>,
): Promise<void> {
  await app.register((scope, _o, done) => {
    acceptMultipart(scope, bodyLimit, 1);
    scope
      .withTypeProvider<ZodTypeProvider>()
      .post(
        path,
        { bodyLimit, schema: { hide: true, params: z.object({ id: z.uuid() }) } },
        (request, reply) => handle(request, reply, request.params.id, request.body as PostedForm),
      );
    done();
  });
}

/** A page with a heading and one table (lists and statistics). */
export function tablePage(
  request: FastifyRequest,
  reply: FastifyReply,
  o: { title: string; headers: string[]; rows: HtmlValue[][]; empty: string },
): string {
  return renderPage(request, reply, {
    title: o.title,
    body: html`<h1>${o.title}</h1>
      ${table({ caption: o.title, headers: o.headers, rows: o.rows, empty: o.empty })}`,
  });
}
