import { defineMessages } from '../../../../platform/i18n/index.ts';

export const sm = defineMessages('dossiers.sync', {
  nav: { vi: 'Đồng bộ Cổng DVCQG', en: 'National portal sync' },
  title: { vi: 'Đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia', en: 'Dossier sync with the national portal' },
  lead: {
    vi: 'Mỗi thay đổi trạng thái (DongBoHoSoMC) và mỗi bước xử lý (CapNhatTienDoHoSoMC) được gửi lên Cổng DVCQG theo đúng thứ tự của từng hồ sơ, thử lại cho đến khi được xác nhận và không bao giờ gửi trùng.',
    en: 'Every status change (DongBoHoSoMC) and processing step (CapNhatTienDoHoSoMC) goes to the national portal in each dossier’s order, retried until acknowledged and never sent twice.',
  },
  'state.pending': { vi: 'Đang chờ gửi', en: 'Pending' },
  'state.sent': { vi: 'Đã gửi', en: 'Sent' },
  'state.failed': { vi: 'Bị từ chối', en: 'Failed' },
  counts: {
    vi: 'Đang chờ gửi: {pending} · Đã gửi: {sent} · Bị từ chối: {failed}',
    en: 'Pending: {pending} · Sent: {sent} · Failed: {failed}',
  },
  filter: { vi: 'Lọc theo trạng thái', en: 'Filter by state' },
  caption: { vi: 'Các mục đồng bộ: {state}', en: 'Sync items: {state}' },
  empty: { vi: 'Không có mục nào.', en: 'No items.' },
  dossierCode: { vi: 'Mã hồ sơ', en: 'Dossier code' },
  service: { vi: 'Dịch vụ', en: 'Service' },
  nationalStatus: { vi: 'Trạng thái hồ sơ (TrangThaiHoSo)', en: 'Dossier status (TrangThaiHoSo)' },
  attempts: { vi: 'Số lần gửi', en: 'Attempts' },
  lastError: { vi: 'Lỗi gần nhất', en: 'Last error' },
  nextAttempt: { vi: 'Gửi lại lúc', en: 'Next attempt' },
  lastAttempt: { vi: 'Lần gửi gần nhất', en: 'Last attempt' },
  sentAt: { vi: 'Thời điểm xác nhận', en: 'Acknowledged at' },
  createdAt: { vi: 'Thời điểm ghi nhận', en: 'Queued at' },
  action: { vi: 'Thao tác', en: 'Action' },
  retry: { vi: 'Gửi lại ngay', en: 'Send again now' },
  retryLabel: { vi: 'Gửi lại mục {code}', en: 'Send item {code} again' },
  retried: {
    vi: 'Đã đưa mục trở lại hàng đợi; hệ thống sẽ gửi ngay.',
    en: 'The item is back in the queue and will be sent now.',
  },
  more: { vi: 'Xem tiếp', en: 'More' },
  inboundTitle: {
    vi: 'Hồ sơ nộp trên Cổng DVCQG chưa nhận về được',
    en: 'Dossiers filed on the national portal not imported yet',
  },
  inboundLead: {
    vi: 'Hệ thống tự thử lại ở mỗi lần lấy hồ sơ về, sau khi cơ quan hoặc thủ tục được bổ sung.',
    en: 'Each pull tries them again, once the agency or procedure exists here.',
  },
  inboundEmpty: { vi: 'Không có hồ sơ nào bị vướng.', en: 'No dossier is held up.' },
  agencyCode: { vi: 'Mã đơn vị tiếp nhận', en: 'Receiving unit code' },
  procedureCode: { vi: 'Mã thủ tục', en: 'Procedure code' },
  problem: { vi: 'Lý do', en: 'Reason' },
  filedAt: { vi: 'Ngày nộp', en: 'Filed at' },
  'problem.UNKNOWN_AGENCY': {
    vi: 'Không có cơ quan đang hoạt động mang mã này',
    en: 'No active agency holds this code',
  },
  'problem.UNKNOWN_PROCEDURE': {
    vi: 'Thủ tục chưa được công bố trên hệ thống',
    en: 'The procedure is not published here',
  },
  'problem.AGENCY_NOT_COMPETENT': {
    vi: 'Cơ quan không có thẩm quyền giải quyết thủ tục này',
    en: 'The agency is not competent for this procedure',
  },
  'problem.CODE_TAKEN': {
    vi: 'Mã hồ sơ đã được dùng cho một hồ sơ khác',
    en: 'The dossier code is already used by another dossier',
  },
  'problem.BAD_DATE': { vi: 'Ngày nộp không hợp lệ', en: 'Invalid filing date' },
});
