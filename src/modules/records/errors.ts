import { defineError } from '../../platform/errors.ts';

/** Another agency's document, or one the actor may not see: always 404. */
export const RecordNotFound = defineError('RECORD_NOT_FOUND', 404, {
  vi: 'Không tìm thấy văn bản.',
  en: 'Document not found.',
});
export const NotAtDesk = defineError('RECORDS_NOT_AT_DESK', 404, {
  vi: 'Bạn không làm việc tại bộ phận văn thư của cơ quan này.',
  en: 'You do not work at the records desk of this agency.',
});
export const RecordStepNotAllowed = defineError('RECORD_STEP_NOT_ALLOWED', 409, {
  vi: 'Không thể thực hiện thao tác này ở trạng thái hiện tại của văn bản.',
  en: 'This step is not possible in the document’s current state.',
});
export const AttachmentNotPdf = defineError('RECORD_ATTACHMENT_NOT_PDF', 400, {
  vi: 'Tệp đính kèm phải là tệp PDF.',
  en: 'The attachment must be a PDF file.',
});
export const AttachmentTooLarge = defineError('RECORD_ATTACHMENT_TOO_LARGE', 413, {
  vi: 'Tệp đính kèm vượt quá dung lượng cho phép.',
  en: 'The attachment is larger than allowed.',
});
export const NoRecipients = defineError('RECORD_NO_RECIPIENTS', 400, {
  vi: 'Chọn ít nhất một cơ quan nhận.',
  en: 'Choose at least one recipient agency.',
});
export const NoAgencyCode = defineError('RECORD_NO_AGENCY_CODE', 409, {
  vi: 'Cơ quan chưa có mã định danh còn hiệu lực để gửi văn bản.',
  en: 'The agency has no valid identifier code to send documents with.',
});
