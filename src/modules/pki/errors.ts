import { defineError } from '../../platform/errors.ts';

export const CertificateNotFound = defineError('CERTIFICATE_NOT_FOUND', 404, {
  vi: 'Không tìm thấy chứng thư số.',
  en: 'Certificate not found.',
});
export const NoSigningCertificate = defineError('NO_SIGNING_CERTIFICATE', 404, {
  vi: 'Cơ quan chưa có chứng thư số còn hiệu lực để ký.',
  en: 'The agency has no valid certificate to sign with.',
});
export const CertificateAlreadyRevoked = defineError('CERTIFICATE_ALREADY_REVOKED', 409, {
  vi: 'Chứng thư số đã bị thu hồi trước đó.',
  en: 'The certificate was already revoked.',
});
export const TrustAnchorNotFound = defineError('TRUST_ANCHOR_NOT_FOUND', 404, {
  vi: 'Không tìm thấy tổ chức chứng thực trong danh sách tin cậy.',
  en: 'Trust anchor not found.',
});
export const TrustAnchorInvalid = defineError('TRUST_ANCHOR_INVALID', 400, {
  vi: 'Chứng thư không hợp lệ: cần một chứng thư X.509 dạng PEM của tổ chức chứng thực (CA).',
  en: 'Invalid certificate: a PEM X.509 certificate of a certification authority (CA) is required.',
});
export const TrustAnchorDuplicate = defineError('TRUST_ANCHOR_DUPLICATE', 409, {
  vi: 'Chứng thư này đã có trong danh sách tin cậy.',
  en: 'This certificate is already in the trust list.',
});
export const PacketNotSignable = defineError('PACKET_NOT_SIGNABLE', 400, {
  vi: 'Gói tin không ký được: không phải XML hợp lệ, có DOCTYPE hoặc đã có chữ ký.',
  en: 'The packet cannot be signed: not well-formed XML, has a DOCTYPE or is already signed.',
});
