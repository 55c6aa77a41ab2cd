/**
 * The national reporting fixture shared by the reporting benchmarks: the directory seed, synthetic
 * communes up to 3,321, synthetic ministry-level units up to the 30 reporting ministries,
 * a regime of 200 indicators assigned to every commune, province and ministry, and one period of
 * synthetic submissions (about 700,000 values) — all but `leaveOut` units, which the benchmark
 * submits one by one.
 *
 * Ministries: after the 2025 reorganisation the directory seed holds 17 current ministries and
 * ministry-level agencies (identifiers.md §3), the Government Office (G22) among them as the
 * recipient, so 16 report. Issue 6 sizes the benchmark at 30; the other 14 are synthetic units
 * ("Bộ Mẫu 01 (dữ liệu tổng hợp)", code LOCAL:SYN-BO-01 …), never presented as real ministries.
 */
import { randomUUID } from 'node:crypto';
import { systemContext, type RequestContext } from '../src/platform/context.ts';
import { isoDateOfDay, localDay } from '../src/platform/calendar/index.ts';
import type { Platform } from '../src/main.ts';
import { periodContaining, SYNTHETIC_MARK } from '../src/modules/reporting/index.ts';

export const BENCH_REGIME = 'BENCH-200';
/** The month in progress, so that the period is neither in the future nor locked. */
export const BENCH_PERIOD = periodContaining('monthly', 15, isoDateOfDay(localDay(new Date())))!.key;

/** 200 indicators: mostly sums, with averages, a weighted average, minima and maxima. */
export function benchIndicators() {
  const indicators = [];
  for (let i = 1; i <= 200; i++) {
    const code = `i${String(i).padStart(3, '0')}`;
    const aggregation =
      i === 2
        ? 'weighted_average'
        : i % 50 === 0
          ? 'max'
          : i % 49 === 0
            ? 'min'
            : i % 10 === 0
              ? 'average'
              : 'sum';
    indicators.push({
      code,
      name: `Chỉ tiêu ${i}`,
      unit: i === 2 ? '%' : 'đơn vị',
      type: i === 2 ? ('percentage' as const) : ('number' as const),
      aggregation: aggregation as 'sum',
      weightCode: i === 2 ? 'i001' : null,
      min: 0,
      max: i === 2 ? 100 : 10_000,
    });
  }
  return indicators;
}

async function listIds(p: Platform, kind: 'province_ubnd' | 'commune' | 'ministry' | 'ministry_level') {
  const ids: string[] = [];
  for (let page = 1; page <= 200; page++) {
    const r = await p.directory.service.search({ kind, status: 'active', page, pageSize: 100 });
    ids.push(...r.items.map((a) => a.id));
    if (!r.hasNext) break;
  }
  return ids;
}

/** A reporting officer of `unit` (what the form or the API would carry). */
export function officerOf(unit: string): RequestContext {
  return {
    actor: {
      kind: 'official',
      accountId: randomUUID(),
      agencyId: unit,
      roles: ['reporting_officer'],
      sessionId: null,
    },
    requestId: randomUUID(),
    ip: null,
    locale: 'vi',
  };
}

/** Valid values for the 200 indicators (i002, a share, at 50 %). */
export function benchValues(): Record<string, number> {
  return Object.fromEntries(benchIndicators().map((i, k) => [i.code, k === 1 ? 50 : k + 1]));
}

/** The ministries that report in issue 6's benchmark. */
export const BENCH_MINISTRIES = 30;

/** Adds synthetic ministry-level units until `BENCH_MINISTRIES` ministries besides the recipient are current. */
async function ensureMinistries(p: Platform, recipient: string): Promise<number> {
  const current = [...(await listIds(p, 'ministry')), ...(await listIds(p, 'ministry_level'))].filter(
    (m) => m !== recipient,
  );
  const missing = BENCH_MINISTRIES - current.length;
  if (missing <= 0) return 0;
  const lines = ['name,kind,parent,codes,valid_from'];
  for (let i = 1; i <= missing; i++) {
    const n = String(i).padStart(2, '0');
    lines.push(`Bộ Mẫu ${n} ${SYNTHETIC_MARK},ministry,,LOCAL:SYN-BO-${n},2025-07-01`);
  }
  const report = await p.directory.service.importCsv(systemContext('bench'), `${lines.join('\n')}\n`);
  if (report.problems.length > 0)
    throw new Error(`synthetic ministries refused: ${JSON.stringify(report.problems)}`);
  return report.imported;
}

/** Builds the fixture; returns the unit counts, the recipient, a province and the units left out. */
export async function buildNationalFixture(p: Platform, o: { leaveOut: number }) {
  const ctx = systemContext('bench');
  await p.directory.seed(ctx);
  const recipient = (await p.directory.service.resolveCode('G22'))!.current.id;
  const created =
    (await p.reporting.service.generator.ensureSyntheticUnits(ctx)) + (await ensureMinistries(p, recipient));
  const communes = await listIds(p, 'commune');
  const provinces = await listIds(p, 'province_ubnd');
  const ministries = [...(await listIds(p, 'ministry')), ...(await listIds(p, 'ministry_level'))];
  const r = p.reporting.service.regimes;
  await r.createRegime(ctx, {
    code: BENCH_REGIME,
    recipientAgencyId: recipient,
    title: 'Báo cáo thử tải 200 chỉ tiêu (dữ liệu tổng hợp)',
    reporterScope: { kind: 'all_communes' },
    frequency: 'monthly',
    validFrom: '2025-07-01',
    indicators: benchIndicators(),
  });
  await r.publish(ctx, BENCH_REGIME);
  const units = [...communes, ...provinces, ...ministries.filter((m) => m !== recipient)];
  await r.assign(ctx, BENCH_REGIME, { agencyIds: units, validFrom: '2025-07-01' });
  const period = await r.openPeriod(ctx, BENCH_REGIME, BENCH_PERIOD);
  const leftOut = communes.slice(0, o.leaveOut);
  const generated = await p.reporting.service.generator.generateSubmissions(ctx, {
    regime: BENCH_REGIME,
    period: BENCH_PERIOD,
    exceptUnits: leftOut,
  });
  return {
    created,
    communes: communes.length,
    provinces: provinces.length,
    ministries: units.length - communes.length - provinces.length,
    recipient,
    province: provinces[0]!,
    period,
    leftOut,
    generated,
  };
}
