import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AppError,
  CsrfInvalid,
  InternalError,
  NotFound,
  PayloadTooLarge,
  RateLimited,
  ValidationFailed,
  defineError,
} from '../errors.ts';
import { format, type Locale } from '../i18n/index.ts';

/** The JSON body of every error answer. */
export const errorBodySchema = z
  .object({
    code: z.string().max(100).describe('Stable error code, e.g. AGENCY_NOT_FOUND'),
    message: z.string().max(2000).describe('Message in the requested language'),
    messages: z.object({ vi: z.string().max(2000), en: z.string().max(2000) }),
    requestId: z.string().max(200),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

const BadRequest = defineError('BAD_REQUEST', 400, {
  vi: 'Yêu cầu không hợp lệ.',
  en: 'The request is not valid.',
});
const UnsupportedMediaType = defineError('UNSUPPORTED_MEDIA_TYPE', 415, {
  vi: 'Kiểu nội dung không được hỗ trợ.',
  en: 'This content type is not supported.',
});
const MethodNotAllowed = defineError('METHOD_NOT_ALLOWED', 405, {
  vi: 'Phương thức không được hỗ trợ.',
  en: 'This method is not allowed here.',
});

/** Maps anything thrown in a request to an AppError; unknown errors become a generic 500. */
export function toAppError(error: unknown): { appError: AppError; unexpected: boolean } {
  if (error instanceof AppError) return { appError: error, unexpected: false };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
      message: v.message ?? '',
    }));
    return {
      appError: ValidationFailed({ in: error.validationContext, fields: details }),
      unexpected: false,
    };
  }
  if (isResponseSerializationError(error)) return { appError: InternalError(), unexpected: true };
  const fe = error as Partial<FastifyError>;
  const code = fe.code ?? '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413)
    return { appError: PayloadTooLarge(), unexpected: false };
  if (code.startsWith('FST_CSRF') || code === 'FST_ERR_CSRF')
    return { appError: CsrfInvalid(), unexpected: false };
  if (fe.statusCode === 429) return { appError: RateLimited(), unexpected: false };
  if (fe.statusCode === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { appError: UnsupportedMediaType(), unexpected: false };
  }
  if (fe.statusCode === 405) return { appError: MethodNotAllowed(), unexpected: false };
  if (fe.statusCode === 404) return { appError: NotFound(), unexpected: false };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { appError: BadRequest(), unexpected: false };
  }
  return { appError: InternalError(), unexpected: true };
}

/** Builds the JSON error body for a locale. */
export function errorBody(appError: AppError, locale: Locale, requestId: string): ErrorBody {
  return {
    code: appError.code,
    message: format(appError.text, locale),
    messages: appError.text,
    requestId,
    ...(appError.details === undefined ? {} : { details: appError.details }),
  };
}

/** True when the client is a browser asking for a page rather than an API client. */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export type ErrorPageRenderer = (request: FastifyRequest, reply: FastifyReply, error: AppError) => string;
