import { defineError } from '../../platform/errors.ts';

export const PacketNotFound = defineError('EXCHANGE_PACKET_NOT_FOUND', 404, {
  vi: 'Không tìm thấy gói tin.',
  en: 'Packet not found.',
});
export const SenderMismatch = defineError('EXCHANGE_SENDER_MISMATCH', 403, {
  vi: 'Cơ quan gửi trong gói tin (From/OrganId) không phải cơ quan của hệ thống gửi.',
  en: 'The sender in the packet (From/OrganId) is not the agency of the sending system.',
});
export const UnknownSender = defineError('EXCHANGE_UNKNOWN_SENDER', 422, {
  vi: 'Mã định danh của cơ quan gửi không có trong danh bạ.',
  en: 'The sender code is not in the agency directory.',
});
export const UnknownRecipient = defineError('EXCHANGE_UNKNOWN_RECIPIENT', 422, {
  vi: 'Mã định danh của cơ quan nhận không có trong danh bạ.',
  en: 'A recipient code is not in the agency directory.',
});
export const SignatureInvalid = defineError('EXCHANGE_SIGNATURE_INVALID', 400, {
  vi: 'Chữ ký số của gói tin không hợp lệ (gói tin đã bị sửa đổi hoặc chữ ký hỏng).',
  en: 'The packet signature is invalid (the packet was altered or the signature is broken).',
});
export const TargetNotFound = defineError('EXCHANGE_TARGET_NOT_FOUND', 422, {
  vi: 'Không tìm thấy văn bản mà gói tin này thu hồi, cập nhật, thay thế hoặc trả lời.',
  en: 'The document this packet revokes, updates, replaces or answers was not found.',
});
export const StatusNotAllowed = defineError('EXCHANGE_STATUS_NOT_ALLOWED', 409, {
  vi: 'Trạng thái này không được phép ở bước hiện tại của văn bản.',
  en: 'This status is not allowed at the current step of the document.',
});
export const StatusNotPermitted = defineError('EXCHANGE_STATUS_NOT_PERMITTED', 403, {
  vi: 'Vai trò của bạn không được báo trạng thái này cho văn bản.',
  en: 'Your role may not report this status on the document.',
});
export const NotSenderOfTarget = defineError('EXCHANGE_NOT_DOCUMENT_SENDER', 403, {
  vi: 'Chỉ cơ quan đã gửi văn bản mới được thu hồi, cập nhật hoặc thay thế văn bản đó.',
  en: 'Only the agency that sent a document may recall, update or replace it.',
});
export const NoAgency = defineError('EXCHANGE_NO_AGENCY', 403, {
  vi: 'Cần đăng nhập bằng tài khoản hoặc hệ thống của một cơ quan để gửi, nhận văn bản.',
  en: 'Sending and receiving documents needs an account or a system of an agency.',
});
export const UnsupportedPacketType = defineError('EXCHANGE_UNSUPPORTED_MEDIA_TYPE', 415, {
  vi: 'Gói tin phải được gửi dưới dạng application/xml (edXML).',
  en: 'Packets must be sent as application/xml (edXML).',
});
