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
export const FeeRequestPaid = defineError('DOSSIER_FEE_REQUEST_PAID', 409, {
  vi: 'Khoản nghĩa vụ tài chính này đã được nộp; không cần thanh toán lại.',
  en: 'This financial obligation has already been paid; there is nothing more to pay.',
});
export const LookupFailed = defineError('DOSSIER_LOOKUP_FAILED', 404, {
  vi: 'Mã hồ sơ hoặc mã tra cứu không đúng.',
  en: 'The dossier code or lookup key is wrong.',
});
export const DossierConflict = defineError('DOSSIER_CONFLICT', 409, {
  vi: 'Hồ sơ vừa được cán bộ khác cập nhật. Vui lòng tải lại trang và thao tác lại.',
  en: 'Another officer has just updated this dossier. Reload the page and try again.',
});
export const StepNotYours = defineError('DOSSIER_STEP_NOT_YOURS', 409, {
  vi: 'Bước xử lý này thuộc cán bộ hoặc vai trò khác.',
  en: 'This processing step belongs to another officer or role.',
});
export const NoOpenStep = defineError('DOSSIER_NO_OPEN_STEP', 409, {
  vi: 'Hồ sơ không có bước xử lý đang mở.',
  en: 'The dossier has no open processing step.',
});
export const ResultMissing = defineError('DOSSIER_RESULT_MISSING', 409, {
  vi: 'Chưa có kết quả giải quyết đã ký: hãy ban hành kết quả trước khi chuyển trả.',
  en: 'There is no signed result yet: issue the result before handing it over for return.',
});
export const SigningUnavailable = defineError('DOSSIER_SIGNING_UNAVAILABLE', 503, {
  vi: 'Chưa cấu hình ký số kết quả cho cơ quan này.',
  en: 'Signing results is not set up for this agency.',
});
export const NoSigningCertificate = defineError('DOSSIER_NO_SIGNING_CERTIFICATE', 409, {
  vi: 'Cơ quan chưa có chứng thư số còn hiệu lực để ký kết quả, nên chưa thể ban hành kết quả. Chưa lấy số nào trong sổ kết quả; đề nghị quản trị hệ thống cấp chứng thư số cho cơ quan rồi ban hành lại.',
  en: 'The agency has no valid certificate to sign the result, so the result cannot be issued yet. No number of the register of results was taken; ask the platform administrator to issue the agency a certificate, then issue the result again.',
});
export const WorkflowInvalid = defineError('DOSSIER_WORKFLOW_INVALID', 400, {
  vi: 'Quy trình xử lý không hợp lệ.',
  en: 'The processing workflow is invalid.',
});
export const AssigneeInvalid = defineError('DOSSIER_ASSIGNEE_INVALID', 400, {
  vi: 'Cán bộ được chọn không thuộc cơ quan hoặc không có vai trò xử lý bước này.',
  en: 'The chosen officer is not of this agency or does not hold the role of this step.',
});
export const BadCursor = defineError('DOSSIER_BAD_CURSOR', 400, {
  vi: 'Con trỏ phân trang không hợp lệ.',
  en: 'The page cursor is invalid.',
});
