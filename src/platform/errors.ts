import type { Text } from './i18n/index.ts';

/**
 * A domain error with a stable code, an HTTP status and a message in Vietnamese and English.
 * Services throw these; the one error handler maps them to `{ code, message, requestId }`.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly text: Text;
  readonly details: unknown;
  constructor(code: string, status: number, text: Text, details?: unknown) {
    super(`${code}: ${text.en}`);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.text = text;
    this.details = details;
  }
}

/** Declares an error kind once; calling the result creates an instance with optional details. */
export function defineError(code: string, status: number, text: Text): (details?: unknown) => AppError {
  const make = (details?: unknown) => new AppError(code, status, text, details);
  return make;
}

export const NotFound = defineError('NOT_FOUND', 404, {
  vi: 'Không tìm thấy.',
  en: 'Not found.',
});
export const Unauthenticated = defineError('UNAUTHENTICATED', 401, {
  vi: 'Bạn cần đăng nhập.',
  en: 'You need to sign in.',
});
export const Forbidden = defineError('FORBIDDEN', 403, {
  vi: 'Bạn không có quyền thực hiện thao tác này.',
  en: 'You are not allowed to do this.',
});
export const ValidationFailed = defineError('VALIDATION_FAILED', 400, {
  vi: 'Dữ liệu không hợp lệ.',
  en: 'The data is not valid.',
});
export const Conflict = defineError('CONFLICT', 409, {
  vi: 'Dữ liệu đã bị thay đổi bởi thao tác khác; hãy tải lại và thử lại.',
  en: 'The data was changed by someone else; reload and try again.',
});
export const PayloadTooLarge = defineError('PAYLOAD_TOO_LARGE', 413, {
  vi: 'Dữ liệu gửi lên vượt quá giới hạn cho phép.',
  en: 'The request body is larger than allowed.',
});
export const RateLimited = defineError('RATE_LIMITED', 429, {
  vi: 'Quá nhiều yêu cầu; hãy thử lại sau ít phút.',
  en: 'Too many requests; try again in a few minutes.',
});
export const InternalError = defineError('INTERNAL_ERROR', 500, {
  vi: 'Đã có lỗi hệ thống. Vui lòng thử lại sau.',
  en: 'Something went wrong on our side. Please try again later.',
});
export const CsrfInvalid = defineError('CSRF_INVALID', 403, {
  vi: 'Phiên biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và gửi lại.',
  en: 'The form session expired or is invalid; reload the page and submit again.',
});
