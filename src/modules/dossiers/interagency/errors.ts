import { defineError } from '../../../platform/errors.ts';

export const InteragencyInvalid = defineError('INTERAGENCY_INVALID', 400, {
  vi: 'Thủ tục liên thông không hợp lệ: kiểm tra các phần, thủ tục và cơ quan.',
  en: 'The inter-agency procedure is invalid: check its parts, procedures and agencies.',
});
export const InteragencyForbidden = defineError('INTERAGENCY_FORBIDDEN', 403, {
  vi: 'Chỉ quản trị viên nền tảng được định nghĩa thủ tục liên thông.',
  en: 'Only platform administrators define inter-agency procedures.',
});
export const PartResultNotFound = defineError('INTERAGENCY_RESULT_NOT_FOUND', 404, {
  vi: 'Phần liên thông chưa có kết quả.',
  en: 'This inter-agency part has no result yet.',
});
