/** Errors of the reporting module with stable codes. */
import { defineError } from '../../platform/errors.ts';

export const RegimeNotFound = defineError('REPORTING_REGIME_NOT_FOUND', 404, {
  vi: 'Không tìm thấy chế độ báo cáo.',
  en: 'Reporting regime not found.',
});
export const RegimeCodeTaken = defineError('REPORTING_REGIME_CODE_TAKEN', 409, {
  vi: 'Mã chế độ báo cáo đã được dùng.',
  en: 'This regime code is already used.',
});
export const RegimeInvalid = defineError('REPORTING_REGIME_INVALID', 400, {
  vi: 'Định nghĩa chế độ báo cáo chưa hợp lệ.',
  en: 'The regime definition is not valid.',
});
export const NoDraftVersion = defineError('REPORTING_NO_DRAFT', 409, {
  vi: 'Chế độ báo cáo không có phiên bản nháp; phiên bản đã ban hành không sửa được, hãy tạo phiên bản mới.',
  en: 'The regime has no draft; a published version cannot change, create a new version.',
});
export const DraftExists = defineError('REPORTING_DRAFT_EXISTS', 409, {
  vi: 'Chế độ báo cáo đã có một phiên bản nháp.',
  en: 'The regime already has a draft version.',
});
export const NotPublished = defineError('REPORTING_NOT_PUBLISHED', 409, {
  vi: 'Chế độ báo cáo chưa có phiên bản ban hành.',
  en: 'The regime has no published version.',
});
export const PeriodNotFound = defineError('REPORTING_PERIOD_NOT_FOUND', 404, {
  vi: 'Không có kỳ báo cáo này.',
  en: 'There is no such reporting period.',
});
export const PeriodNotOpen = defineError('REPORTING_PERIOD_NOT_OPEN', 409, {
  vi: 'Kỳ báo cáo chưa bắt đầu.',
  en: 'The reporting period has not started yet.',
});
export const SubmissionNotFound = defineError('REPORTING_SUBMISSION_NOT_FOUND', 404, {
  vi: 'Không tìm thấy báo cáo.',
  en: 'Report not found.',
});
export const SubmissionInvalid = defineError('REPORTING_VALUES_INVALID', 400, {
  vi: 'Số liệu báo cáo chưa hợp lệ.',
  en: 'The report values are not valid.',
});
export const SubmissionLocked = defineError('REPORTING_LOCKED', 409, {
  vi: 'Kỳ báo cáo đã khóa số liệu; cần cơ quan nhận báo cáo mở lại.',
  en: 'The period is locked; the recipient must reopen it for this unit.',
});
export const SubmissionNotEditable = defineError('REPORTING_NOT_EDITABLE', 409, {
  vi: 'Báo cáo đang chờ duyệt hoặc đã duyệt nên không sửa được.',
  en: 'The report is under review or approved and cannot be changed.',
});
export const NotYourLevel = defineError('REPORTING_NOT_YOUR_LEVEL', 409, {
  vi: 'Báo cáo không chờ cấp của bạn duyệt.',
  en: 'The report is not waiting for your level.',
});
export const ExcelUnreadable = defineError('REPORTING_EXCEL_UNREADABLE', 400, {
  vi: 'Tệp tải lên không phải biểu mẫu Excel của chế độ báo cáo này (hãy tải biểu mẫu mới).',
  en: 'The file is not an Excel template of this regime (download a fresh template).',
});
export const ExcelInvalid = defineError('REPORTING_EXCEL_INVALID', 400, {
  vi: 'Tệp Excel có số liệu chưa hợp lệ; chưa có gì được lưu.',
  en: 'The Excel file has invalid values; nothing was saved.',
});
export const ExcelMismatch = defineError('REPORTING_EXCEL_MISMATCH', 409, {
  vi: 'Biểu mẫu thuộc phiên bản chế độ báo cáo, kỳ hoặc đơn vị khác; hãy tải biểu mẫu mới.',
  en: 'The template belongs to another regime version, period or unit; download a fresh one.',
});
export const NoContact = defineError('REPORTING_NO_CONTACT', 409, {
  vi: 'Đơn vị chưa có địa chỉ nhận nhắc nhở (thư điện tử hoặc tài khoản đầu mối báo cáo).',
  en: 'The unit has no address for reminders (email or reporting contact account).',
});
