/**
 * `multipart/form-data` for the platform's upload forms (a browser posts a file input this way,
 * without JavaScript), read by @fastify/busboy with limits on parts, field sizes, files and file
 * sizes. A route registers `multipartParser(limits)` in its own scope; the body arrives as
 * `{ ...fields, files }` (repeated field names become lists; a file input left empty is skipped).
 */
import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export interface UploadedFile {
  /** The form field the file came in. */
  field: string;
  filename: string;
  /** As the browser declared it; check the bytes, never trust this. */
  contentType: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

export interface MultipartLimits {
  /** Parts in all (fields + files). */
  maxParts: number;
  /** Bytes of one text field. */
  maxFieldBytes: number;
  maxFiles: number;
  /** Bytes of one file (default: no limit beyond the route's body limit). */
  maxFileBytes?: number;
}

export const MultipartInvalid = (detail: string) =>
  new AppError(
    'MULTIPART_INVALID',
    400,
    { vi: 'Biểu mẫu gửi lên không hợp lệ.', en: 'The form data is invalid.' },
    { detail },
  );

export const MultipartTooLarge = (detail: string) =>
  new AppError(
    'MULTIPART_TOO_LARGE',
    413,
    {
      vi: 'Biểu mẫu gửi lên vượt quá giới hạn (số phần, số tệp hoặc kích thước).',
      en: 'The form data is over a limit (parts, files or size).',
    },
    { detail },
  );

/** Reads a whole `multipart/form-data` body; throws MULTIPART_INVALID or MULTIPART_TOO_LARGE. */
export function parseMultipartBody(
  body: Buffer,
  contentType: string | undefined,
  limits: MultipartLimits,
): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = Busboy({
        headers: { 'content-type': contentType ?? '' },
        limits: {
          parts: limits.maxParts,
          fieldSize: limits.maxFieldBytes,
          files: limits.maxFiles,
          ...(limits.maxFileBytes === undefined ? {} : { fileSize: limits.maxFileBytes }),
        },
      });
    } catch (error) {
      reject(MultipartInvalid(error instanceof Error ? error.message : 'unreadable content type'));
      return;
    }
    const fields: Record<string, string | string[]> = {};
    const files: UploadedFile[] = [];
    const reading: Promise<void>[] = [];
    let failure: AppError | null = null;
    const fail = (error: AppError) => {
      failure ??= error;
    };
    busboy.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (valueTruncated) return fail(MultipartTooLarge(`field ${name.slice(0, 40)} is too long`));
      // Names that would reach an object's prototype, or the files list, are not fields.
      if (name === '__proto__' || name === 'constructor' || name === 'prototype' || name === 'files')
        return fail(MultipartInvalid(`field name ${name}`));
      const had = fields[name];
      fields[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    });
    busboy.on(
      'file',
      (field: string, stream: NodeJS.ReadableStream, filename: string, _enc: string, mime: string) => {
        const chunks: Buffer[] = [];
        let truncated = false;
        stream.on('limit', () => (truncated = true));
        reading.push(
          new Promise<void>((done) => {
            stream.on('error', (error: unknown) => {
              fail(MultipartInvalid(error instanceof Error ? error.message : 'unreadable file'));
              done();
            });
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('end', () => {
              const data = Buffer.concat(chunks);
              if (truncated) fail(MultipartTooLarge(`file in ${field.slice(0, 40)} is too large`));
              // A file input left empty: no name and no bytes.
              else if (filename || data.length > 0) files.push({ field, filename, contentType: mime, data });
              done();
            });
          }),
        );
      },
    );
    busboy.on('partsLimit', () => fail(MultipartTooLarge(`more than ${limits.maxParts} parts`)));
    busboy.on('filesLimit', () => fail(MultipartTooLarge(`more than ${limits.maxFiles} files`)));
    busboy.on('error', (error: unknown) =>
      reject(MultipartInvalid(error instanceof Error ? error.message : 'unreadable body')),
    );
    busboy.on('finish', () => {
      void Promise.all(reading).then(() => (failure ? reject(failure) : resolve({ fields, files })));
    });
    busboy.end(body);
  });
}

/**
 * A content-type parser for `scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer',
 * bodyLimit }, multipartParser(limits))`: the route's body is `{ ...fields, files }`.
 */
export function multipartParser(limits: MultipartLimits) {
  return (
    request: FastifyRequest,
    body: string | Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => {
    parseMultipartBody(
      Buffer.isBuffer(body) ? body : Buffer.from(body),
      request.headers['content-type'],
      limits,
    ).then(
      (parsed) => done(null, { ...parsed.fields, files: parsed.files }),
      (error: Error) => done(error),
    );
  };
}
