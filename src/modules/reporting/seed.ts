/**
 * Demo regimes (idempotent): a monthly socio-economic report of the provinces, a quarterly report
 * of the communes on settling administrative procedures, and the e-government indicators of the
 * provinces — all sent to the Government Office (VPCP, G22), assigned from 01/07/2025.
 */
import type { RequestContext } from '../../platform/context.ts';
import type { ReportingDirectory } from './hierarchy.ts';
import type { CreateRegimeInput } from './schemas.ts';
import type { RegimeService } from './service-regimes.ts';

const FROM = '2025-07-01';

type Seeded = Omit<CreateRegimeInput, 'recipientAgencyId'>;

export const seedRegimes: Seeded[] = [
  {
    code: 'BC-KTXH-THANG',
    title: 'Báo cáo tình hình kinh tế - xã hội hằng tháng',
    legalBasis: 'Nghị định 09/2019/NĐ-CP; Quyết định 451/QĐ-TTg',
    content:
      'Số liệu chủ yếu về tăng trưởng, thu ngân sách, giải ngân vốn đầu tư công, doanh nghiệp và giá cả.',
    reporterScope: { kind: 'all_provinces' },
    channels: ['system'],
    frequency: 'monthly',
    deadlineDays: 2,
    lockDays: 10,
    instructions: 'Số liệu lũy kế trong kỳ chốt từ ngày 15 tháng trước đến ngày 14 tháng báo cáo.',
    validFrom: '2025-01-01',
    indicators: [
      {
        code: 'budget_revenue',
        name: 'Thu ngân sách nhà nước',
        unit: 'tỷ đồng',
        type: 'number',
        required: true,
        min: 0,
      },
      { code: 'investment_plan', name: 'Kế hoạch vốn đầu tư công', unit: 'tỷ đồng', type: 'number', min: 0 },
      {
        code: 'investment_disbursed',
        name: 'Vốn đầu tư công đã giải ngân',
        unit: 'tỷ đồng',
        type: 'number',
        min: 0,
      },
      {
        code: 'disbursement_rate',
        name: 'Tỷ lệ giải ngân vốn đầu tư công',
        unit: '%',
        type: 'percentage',
        aggregation: 'weighted_average',
        weightCode: 'investment_plan',
      },
      {
        code: 'new_enterprises',
        name: 'Doanh nghiệp thành lập mới',
        unit: 'doanh nghiệp',
        type: 'number',
        min: 0,
      },
      { code: 'exports', name: 'Kim ngạch xuất khẩu', unit: 'triệu USD', type: 'number', min: 0 },
      {
        code: 'cpi_change',
        name: 'Chỉ số giá tiêu dùng so với cùng kỳ',
        unit: '%',
        type: 'number',
        aggregation: 'average',
        min: -100,
        max: 100,
      },
      { code: 'highlights', name: 'Nội dung nổi bật', type: 'text', aggregation: 'none' },
    ],
    rules: [
      {
        expression: 'investment_disbursed <= investment_plan',
        message: 'Vốn giải ngân không vượt kế hoạch vốn.',
      },
    ],
  },
  {
    code: 'BC-TTHC-QUY',
    title: 'Báo cáo tình hình, kết quả giải quyết thủ tục hành chính hằng quý',
    legalBasis: 'Nghị định 09/2019/NĐ-CP; Thông tư 01/2020/TT-VPCP',
    content:
      'Số hồ sơ tiếp nhận, giải quyết đúng hạn, trễ hạn và tiếp nhận trực tuyến tại bộ phận một cửa cấp xã.',
    reporterScope: { kind: 'all_communes' },
    channels: ['system'],
    frequency: 'quarterly',
    deadlineDays: 3,
    lockDays: 10,
    instructions: 'Số liệu lấy từ hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.',
    validFrom: '2025-01-01',
    indicators: [
      { code: 'received', name: 'Số hồ sơ tiếp nhận', unit: 'hồ sơ', type: 'number', required: true, min: 0 },
      {
        code: 'online_received',
        name: 'Số hồ sơ tiếp nhận trực tuyến',
        unit: 'hồ sơ',
        type: 'number',
        min: 0,
      },
      {
        code: 'on_time',
        name: 'Số hồ sơ giải quyết đúng hạn',
        unit: 'hồ sơ',
        type: 'number',
        required: true,
        min: 0,
      },
      {
        code: 'late',
        name: 'Số hồ sơ giải quyết trễ hạn',
        unit: 'hồ sơ',
        type: 'number',
        required: true,
        min: 0,
      },
      {
        code: 'longest_days',
        name: 'Thời gian giải quyết dài nhất',
        unit: 'ngày',
        type: 'number',
        aggregation: 'max',
        min: 0,
      },
    ],
    rules: [
      {
        expression: 'on_time + late <= received',
        message: 'Số hồ sơ đúng hạn và trễ hạn không vượt số hồ sơ tiếp nhận.',
      },
      {
        expression: 'online_received <= received',
        message: 'Hồ sơ trực tuyến không vượt tổng số hồ sơ tiếp nhận.',
      },
    ],
  },
  {
    code: 'BC-CPDT-QUY',
    title: 'Báo cáo chỉ số phát triển Chính phủ điện tử, Chính phủ số',
    legalBasis: 'Nghị quyết 17/NQ-CP (2019)',
    content: 'Các chỉ số trao đổi văn bản điện tử, dịch vụ công trực tuyến toàn trình và chữ ký số.',
    reporterScope: { kind: 'all_provinces' },
    channels: ['system', 'edoc'],
    frequency: 'quarterly',
    deadlineDays: 5,
    lockDays: 15,
    instructions: 'Tỷ lệ tính trên tổng số trong kỳ; tổng hợp toàn quốc theo bình quân gia quyền.',
    validFrom: '2025-01-01',
    indicators: [
      {
        code: 'docs_total',
        name: 'Tổng số văn bản đi',
        unit: 'văn bản',
        type: 'number',
        required: true,
        min: 0,
      },
      {
        code: 'docs_electronic',
        name: 'Văn bản gửi nhận hoàn toàn điện tử',
        unit: 'văn bản',
        type: 'number',
        required: true,
        min: 0,
      },
      {
        code: 'docs_electronic_share',
        name: 'Tỷ lệ văn bản trao đổi dưới dạng điện tử',
        unit: '%',
        type: 'percentage',
        aggregation: 'weighted_average',
        weightCode: 'docs_total',
      },
      { code: 'services_total', name: 'Số dịch vụ công', unit: 'dịch vụ', type: 'number', min: 0 },
      {
        code: 'services_full_online',
        name: 'Dịch vụ công trực tuyến toàn trình',
        unit: 'dịch vụ',
        type: 'number',
        min: 0,
      },
      {
        code: 'full_online_share',
        name: 'Tỷ lệ dịch vụ công trực tuyến toàn trình',
        unit: '%',
        type: 'percentage',
        aggregation: 'weighted_average',
        weightCode: 'services_total',
      },
      {
        code: 'signature_share',
        name: 'Tỷ lệ văn bản có chữ ký số',
        unit: '%',
        type: 'percentage',
        aggregation: 'average',
      },
      {
        code: 'maturity',
        name: 'Mức độ sẵn sàng',
        type: 'choice',
        options: ['Cao', 'Trung bình', 'Thấp'],
        aggregation: 'none',
      },
    ],
    rules: [
      { expression: 'docs_electronic <= docs_total', message: 'Văn bản điện tử không vượt tổng số văn bản.' },
      {
        expression: 'services_full_online <= services_total',
        message: 'Dịch vụ toàn trình không vượt tổng số dịch vụ.',
      },
    ],
  },
];

/** Creates, publishes and assigns the demo regimes that do not exist yet. */
export async function seedReporting(
  ctx: RequestContext,
  deps: { regimes: RegimeService; directory: ReportingDirectory },
): Promise<Record<string, number>> {
  const vpcp = await deps.directory.resolveCode('G22');
  if (!vpcp) return { regimes: 0, assignments: 0 };
  let regimes = 0;
  let assignments = 0;
  for (const r of seedRegimes) {
    const exists = await deps.regimes.versions(r.code).catch(() => null);
    if (exists) continue;
    await deps.regimes.createRegime(ctx, { ...r, recipientAgencyId: vpcp.current.id });
    await deps.regimes.publish(ctx, r.code);
    assignments += (await deps.regimes.assign(ctx, r.code, { validFrom: FROM })).added;
    regimes += 1;
  }
  return { regimes, assignments };
}
