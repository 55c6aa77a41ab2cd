import { defineError } from '../../platform/errors.ts';

export const NoticeNotFound = defineError('NOTICE_NOT_FOUND', 404, {
  vi: 'Không tìm thấy thông báo.',
  en: 'Notice not found.',
});
export const NotificationNotFound = defineError('NOTIFICATION_NOT_FOUND', 404, {
  vi: 'Không tìm thấy thông báo đã gửi.',
  en: 'Notification not found.',
});
export const NotificationNotRetryable = defineError('NOTIFICATION_NOT_RETRYABLE', 409, {
  vi: 'Chỉ gửi lại được thông báo gửi không thành công.',
  en: 'Only a notification that failed can be sent again.',
});
export const NotifyRequestInvalid = defineError('NOTIFY_REQUEST_INVALID', 400, {
  vi: 'Yêu cầu gửi thông báo không hợp lệ.',
  en: 'The notification request is not valid.',
});
export const NoDeliverableChannel = defineError('NOTIFY_NO_CHANNEL', 400, {
  vi: 'Người nhận không có địa chỉ cho kênh thông báo nào được yêu cầu.',
  en: 'The recipient has no address for any of the requested channels.',
});
