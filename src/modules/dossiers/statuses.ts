// Internal states and the national portal's TrangThaiHoSo (1–10) with their Vietnamese names.
import type { Text } from '../../platform/i18n/index.ts';
import type { DossierStatus } from './tables.ts';

/** TrangThaiHoSo of each internal state; a draft is not yet known to the national portal. */
export const nationalCode: Record<DossierStatus, number | null> = {
  draft: null,
  submitted: 1,
  received: 2,
  refused: 3,
  processing: 4,
  awaiting_supplement: 5,
  awaiting_payment: 6,
  withdrawn: 7,
  stopped: 8,
  result_ready: 9,
  delivered: 10,
};

export const statusNames: Record<DossierStatus, Text> = {
  draft: { vi: 'Bản nháp', en: 'Draft' },
  submitted: { vi: 'Mới đăng ký', en: 'Submitted' },
  received: { vi: 'Được tiếp nhận', en: 'Received' },
  refused: { vi: 'Không được tiếp nhận', en: 'Refused' },
  processing: { vi: 'Đang xử lý', en: 'Being processed' },
  awaiting_supplement: { vi: 'Yêu cầu bổ sung giấy tờ', en: 'Papers requested' },
  awaiting_payment: { vi: 'Yêu cầu thực hiện nghĩa vụ tài chính', en: 'Payment requested' },
  withdrawn: { vi: 'Công dân yêu cầu rút hồ sơ', en: 'Withdrawn by the applicant' },
  stopped: { vi: 'Dừng xử lý', en: 'Processing stopped' },
  result_ready: { vi: 'Đã xử lý xong', en: 'Processed' },
  delivered: { vi: 'Đã trả kết quả', en: 'Result returned' },
};

/** States a citizen may still withdraw from (before processing ends). */
export const withdrawable: readonly DossierStatus[] = [
  'submitted',
  'received',
  'processing',
  'awaiting_supplement',
  'awaiting_payment',
];

/** States in which an officer may return a result. */
export const inProgress: readonly DossierStatus[] = ['received', 'processing'];
