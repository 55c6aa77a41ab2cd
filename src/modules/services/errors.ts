import { defineError } from '../../platform/errors.ts';

export const ProcedureNotFound = defineError('SERVICES_PROCEDURE_NOT_FOUND', 404, {
  vi: 'Không tìm thấy thủ tục hành chính.',
  en: 'The administrative procedure was not found.',
});
export const VersionNotFound = defineError('SERVICES_VERSION_NOT_FOUND', 404, {
  vi: 'Không tìm thấy phiên bản thủ tục.',
  en: 'The procedure version was not found.',
});
export const CodeTaken = defineError('SERVICES_CODE_TAKEN', 409, {
  vi: 'Mã thủ tục này đã có trong danh mục.',
  en: 'This procedure code is already in the catalogue.',
});
export const CodeChanged = defineError('SERVICES_CODE_CHANGED', 400, {
  vi: 'Không được đổi mã thủ tục của một thủ tục đã có; hãy tạo thủ tục mới.',
  en: 'The code of an existing procedure cannot change; create a new procedure instead.',
});
export const DraftConflict = defineError('SERVICES_DRAFT_CONFLICT', 409, {
  vi: 'Thủ tục đã được người khác sửa sau khi bạn mở trang; hãy tải lại và sửa lại.',
  en: 'Someone else changed this procedure after you opened it; reload and edit again.',
});
export const NothingToPublish = defineError('SERVICES_NOTHING_TO_PUBLISH', 409, {
  vi: 'Không có bản nháp nào để công bố.',
  en: 'There is no draft to publish.',
});
export const NotPublished = defineError('SERVICES_NOT_PUBLISHED', 409, {
  vi: 'Thủ tục chưa được công bố.',
  en: 'The procedure is not published.',
});
export const ContentInvalid = defineError('SERVICES_CONTENT_INVALID', 400, {
  vi: 'Nội dung thủ tục không hợp lệ.',
  en: 'The procedure content is not valid.',
});
export const OwnerInvalid = defineError('SERVICES_OWNER_INVALID', 400, {
  vi: 'Cơ quan quản lý thủ tục không có trong danh bạ.',
  en: 'The managing agency is not in the directory.',
});
export const TemplateNotFound = defineError('SERVICES_TEMPLATE_NOT_FOUND', 404, {
  vi: 'Không tìm thấy mẫu đơn, tờ khai.',
  en: 'The template was not found.',
});
export const TemplateTooLarge = defineError('SERVICES_TEMPLATE_TOO_LARGE', 413, {
  vi: 'Tệp mẫu vượt quá 2 MB.',
  en: 'The template file is larger than 2 MB.',
});
