import { defineError } from '../../../platform/errors.ts';

export const UnknownPeer = defineError('FEDERATION_UNKNOWN_PEER', 401, {
  vi: 'Nút gửi yêu cầu không có trong danh sách nút liên thông (hoặc đã bị tạm dừng).',
  en: 'The requesting node is not a registered (active) peer.',
});
export const BadSignature = defineError('FEDERATION_BAD_SIGNATURE', 401, {
  vi: 'Chữ ký của yêu cầu liên thông không hợp lệ.',
  en: 'The signature of the federation request is invalid.',
});
export const StaleRequest = defineError('FEDERATION_STALE_REQUEST', 401, {
  vi: 'Thời điểm ký yêu cầu lệch quá giới hạn cho phép.',
  en: 'The request date is outside the allowed clock skew.',
});
export const NotHostedHere = defineError('FEDERATION_NOT_HOSTED_HERE', 422, {
  vi: 'Cơ quan nhận không được quản lý tại nút này.',
  en: 'The recipient agency is not hosted on this node.',
});
export const PeerNotFound = defineError('FEDERATION_PEER_NOT_FOUND', 404, {
  vi: 'Không tìm thấy nút liên thông.',
  en: 'Peer not found.',
});
export const PeerExists = defineError('FEDERATION_PEER_EXISTS', 409, {
  vi: 'Đã có nút liên thông với mã nút này.',
  en: 'A peer with this node id already exists.',
});
export const BadPublicKey = defineError('FEDERATION_BAD_PUBLIC_KEY', 422, {
  vi: 'Khóa công khai không hợp lệ (cần PEM Ed25519 hoặc RSA).',
  en: 'The public key is invalid (PEM, Ed25519 or RSA expected).',
});
export const AgencyNotFound = defineError('FEDERATION_AGENCY_NOT_FOUND', 404, {
  vi: 'Không tìm thấy cơ quan trong danh bạ.',
  en: 'Agency not found in the directory.',
});
export const WrongEndpoint = defineError('FEDERATION_WRONG_ENDPOINT', 422, {
  vi: 'Gói tin trạng thái gửi tới /federation/statuses, văn bản gửi tới /federation/packets.',
  en: 'Status packets go to /federation/statuses, documents to /federation/packets.',
});
