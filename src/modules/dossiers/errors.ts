import { defineError } from '../../platform/errors.ts';

export const DossierNotFound = defineError('DOSSIER_NOT_FOUND', 404, {
  vi: 'Không tìm thấy hồ sơ.',
  en: 'Dossier not found.',
});
export const ProcedureNotAvailable = defineError('DOSSIER_PROCEDURE_NOT_AVAILABLE', 404, {
  vi: 'Thủ tục không tồn tại hoặc chưa được công bố.',
  en: 'The procedure does not exist or is not published.',
});
export const AgencyNotCompetent = defineError('DOSSIER_AGENCY_NOT_COMPETENT', 400, {
  vi: 'Cơ quan đã chọn không có thẩm quyền giải quyết thủ tục này.',
  en: 'The chosen agency is not competent for this procedure.',
});
export const DossierWrongState = defineError('DOSSIER_WRONG_STATE', 409, {
  vi: 'Hồ sơ đang ở trạng thái không cho phép thao tác này.',
  en: 'The dossier is in a state that does not allow this.',
});
export const DossierInvalid = defineError('DOSSIER_INVALID', 400, {
  vi: 'Hồ sơ chưa đầy đủ hoặc có thông tin không hợp lệ.',
  en: 'The dossier is incomplete or has invalid information.',
});
export const FileRefused = defineError('DOSSIER_FILE_REFUSED', 400, {
  vi: 'Tệp không được chấp nhận: chỉ nhận PDF, JPEG hoặc PNG trong giới hạn dung lượng.',
  en: 'File refused: only PDF, JPEG or PNG within the size limit are accepted.',
});
export const FileInfected = defineError('DOSSIER_FILE_INFECTED', 400, {
  vi: 'Tệp bị từ chối vì phát hiện mã độc.',
  en: 'The file was refused: malware was found.',
});
export const NoFeeToPay = defineError('DOSSIER_NO_FEE', 409, {
  vi: 'Hồ sơ không có khoản phí nào cần nộp.',
  en: 'There is no fee to pay for this dossier.',
});
export const LookupFailed = defineError('DOSSIER_LOOKUP_FAILED', 404, {
  vi: 'Mã hồ sơ hoặc mã tra cứu không đúng.',
  en: 'The dossier code or lookup key is wrong.',
});
