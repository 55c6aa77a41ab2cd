import { defineError } from '../../../platform/errors.ts';

export const StatsNotFound = defineError('DOSSIER_STATS_NOT_FOUND', 404, {
  vi: 'Không tìm thấy số liệu của cơ quan này.',
  en: 'No statistics found for this agency.',
});
export const StatsPeriodInvalid = defineError('DOSSIER_STATS_PERIOD_INVALID', 400, {
  vi: 'Kỳ thống kê không hợp lệ: chọn tháng (2026-11), quý (2026-Q4), năm (2026) hoặc khoảng ngày không quá 3 năm.',
  en: 'Invalid period: choose a month (2026-11), a quarter (2026-Q4), a year (2026) or a date range of at most 3 years.',
});
export const RegisterTooLarge = defineError('DOSSIER_REGISTER_TOO_LARGE', 413, {
  vi: 'Sổ theo dõi có quá nhiều hồ sơ để xuất một lần (tối đa 20.000): hãy thu hẹp kỳ hoặc bộ lọc.',
  en: 'The register has too many dossiers to export at once (at most 20,000): narrow the period or the filters.',
});
