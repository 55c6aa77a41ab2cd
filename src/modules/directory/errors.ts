import { defineError } from '../../platform/errors.ts';

export const AgencyNotFound = defineError('DIRECTORY_AGENCY_NOT_FOUND', 404, {
  vi: 'Không tìm thấy cơ quan trong danh bạ.',
  en: 'The agency is not in the directory.',
});
export const CodeNotFound = defineError('DIRECTORY_CODE_NOT_FOUND', 404, {
  vi: 'Không tìm thấy mã định danh.',
  en: 'The identifier code was not found.',
});
export const CodeInvalid = defineError('DIRECTORY_CODE_INVALID', 400, {
  vi: 'Mã định danh không đúng định dạng của loại mã đã chọn.',
  en: 'The identifier code does not fit the chosen scheme.',
});
export const CodeTaken = defineError('DIRECTORY_CODE_TAKEN', 409, {
  vi: 'Mã định danh này đã được cơ quan khác dùng trong cùng khoảng thời gian.',
  en: 'This identifier code is already held by an agency during an overlapping period.',
});
export const VersionConflict = defineError('DIRECTORY_VERSION_CONFLICT', 409, {
  vi: 'Cơ quan đã được người khác sửa sau khi bạn mở trang; hãy tải lại và sửa lại.',
  en: 'Someone else changed this agency after you opened it; reload and edit again.',
});
export const AgencyClosed = defineError('DIRECTORY_AGENCY_CLOSED', 409, {
  vi: 'Cơ quan đã chấm dứt hoạt động vào ngày này.',
  en: 'The agency is closed on this date.',
});
export const EventInvalid = defineError('DIRECTORY_EVENT_INVALID', 400, {
  vi: 'Sự kiện sắp xếp không hợp lệ.',
  en: 'The reorganisation event is not valid.',
});
export const ParentInvalid = defineError('DIRECTORY_PARENT_INVALID', 400, {
  vi: 'Cơ quan cấp trên không hợp lệ (không tồn tại hoặc tạo vòng lặp).',
  en: 'The parent agency is not valid (missing or it would create a cycle).',
});
export const CsvInvalid = defineError('DIRECTORY_CSV_INVALID', 400, {
  vi: 'Tệp CSV có dòng không hợp lệ; không dòng nào được nhập.',
  en: 'The CSV file has invalid lines; nothing was imported.',
});
