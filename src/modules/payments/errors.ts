import { defineError } from '../../platform/errors.ts';

export const PaymentNotFound = defineError('PAYMENT_NOT_FOUND', 404, {
  vi: 'Không tìm thấy khoản thanh toán.',
  en: 'Payment not found.',
});
export const PaymentsUnavailable = defineError('PAYMENTS_UNAVAILABLE', 503, {
  vi: 'Thanh toán trực tuyến chưa được cấu hình; vui lòng nộp phí tại nơi tiếp nhận hồ sơ.',
  en: 'Online payment is not configured; please pay the fee where the dossier is received.',
});
export const GatewayUnreachable = defineError('PAYMENT_GATEWAY_UNAVAILABLE', 503, {
  vi: 'Cổng thanh toán tạm thời không phản hồi. Vui lòng thử lại sau ít phút.',
  en: 'The payment gateway is not answering. Please try again in a few minutes.',
});
export const PaymentInvalid = defineError('PAYMENT_INVALID', 400, {
  vi: 'Thông tin khoản thanh toán không hợp lệ.',
  en: 'The payment request is not valid.',
});
export const PaymentNotPayable = defineError('PAYMENT_NOT_PAYABLE', 409, {
  vi: 'Khoản thanh toán này không còn chờ thanh toán (đã thanh toán, đã hủy hoặc đã hết hạn).',
  en: 'This payment is no longer waiting to be paid (paid, cancelled or expired).',
});
export const PaymentNotPaid = defineError('PAYMENT_NOT_PAID', 409, {
  vi: 'Khoản thanh toán chưa được thanh toán.',
  en: 'This payment has not been paid.',
});
export const RefundTooLarge = defineError('PAYMENT_REFUND_TOO_LARGE', 400, {
  vi: 'Số tiền hoàn vượt quá số tiền còn lại có thể hoàn.',
  en: 'The refund is larger than the amount that can still be refunded.',
});
export const RefundRefused = defineError('PAYMENT_REFUND_REFUSED', 502, {
  vi: 'Cổng thanh toán từ chối yêu cầu hoàn tiền.',
  en: 'The payment gateway refused the refund.',
});
export const SignatureInvalid = defineError('PAYMENT_SIGNATURE_INVALID', 400, {
  vi: 'Chữ ký của kết quả thanh toán không hợp lệ; không có thay đổi nào được ghi nhận.',
  en: 'The payment result is not validly signed; nothing was changed.',
});
