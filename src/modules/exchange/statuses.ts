import type { StatusCode } from './edxml/index.ts';

/** Processing statuses sent by a recipient, in order: 01 arrived → 03 registered → 04 → 05 → 06. */
const next: Record<string, readonly string[]> = {
  '01': ['02', '03'],
  '03': ['04'],
  '04': ['05'],
  '05': ['06'],
};

export const statusNames: Record<StatusCode, { vi: string; en: string }> = {
  '01': { vi: 'Đã đến', en: 'Arrived' },
  '02': { vi: 'Từ chối tiếp nhận', en: 'Rejected' },
  '03': { vi: 'Đã tiếp nhận', en: 'Registered' },
  '04': { vi: 'Phân công', en: 'Assigned' },
  '05': { vi: 'Đang xử lý', en: 'Processing' },
  '06': { vi: 'Hoàn thành', en: 'Done' },
  '13': { vi: 'Thu hồi', en: 'Recall requested' },
  '15': { vi: 'Đồng ý thu hồi/cập nhật', en: 'Recall accepted' },
  '16': { vi: 'Từ chối thu hồi/cập nhật', en: 'Recall refused' },
};

/** What a delivery looks like to the state machine. */
export interface DeliveryState {
  state: 'pending' | 'delivered' | 'withdrawn';
  currentStatus: string | null;
  recallState: 'requested' | 'accepted' | 'refused' | null;
  /** Codes already recorded on this delivery. */
  recorded: ReadonlySet<string>;
}

export type StatusDecision =
  | { outcome: 'apply'; currentStatus: string | null; recallState: DeliveryState['recallState'] }
  | { outcome: 'repeat' }
  | { outcome: 'refuse'; reason: string };

/**
 * Decides whether `code`, sent by the recipient (01–06, 15, 16) or by the sender (13), may be
 * recorded on a delivery: processing statuses follow 01 → 03|02 → 04 → 05 → 06; a recall (13)
 * runs beside them and is answered by 15 (accepted) or 16 (refused). A repeat is a no-op.
 */
export function decideStatus(d: DeliveryState, code: StatusCode, by: 'sender' | 'recipient'): StatusDecision {
  if (d.recorded.has(code)) return { outcome: 'repeat' };
  if (d.state === 'withdrawn') return { outcome: 'refuse', reason: 'withdrawn' };
  if (code === '13') {
    if (by !== 'sender') return { outcome: 'refuse', reason: 'recall is sent by the sender' };
    return { outcome: 'apply', currentStatus: d.currentStatus, recallState: 'requested' };
  }
  if (by !== 'recipient') return { outcome: 'refuse', reason: 'status is sent by the recipient' };
  if (d.state !== 'delivered') return { outcome: 'refuse', reason: 'not delivered yet' };
  if (code === '15' || code === '16') {
    if (d.recallState !== 'requested') return { outcome: 'refuse', reason: 'no recall to answer' };
    return {
      outcome: 'apply',
      currentStatus: d.currentStatus,
      recallState: code === '15' ? 'accepted' : 'refused',
    };
  }
  if (code === '01') return { outcome: 'repeat' }; // recorded by the delivery itself
  if (d.recallState === 'accepted') return { outcome: 'refuse', reason: 'recalled' };
  const allowed = next[d.currentStatus ?? ''] ?? [];
  if (!allowed.includes(code))
    return { outcome: 'refuse', reason: `${code} cannot follow ${d.currentStatus ?? 'nothing'}` };
  return { outcome: 'apply', currentStatus: code, recallState: d.recallState };
}
