// Periods of statistics and of the register book: a month (2026-11), a quarter (2026-Q4), a year
// (2026) or a custom range of local dates (from–to, at most three years).
import { dayOfIsoDate, instantAt, isoDateOfDay } from '../../../platform/calendar/index.ts';
import type { Text } from '../../../platform/i18n/index.ts';

export const PERIOD_PATTERN = /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 3 * 366;

export interface Period {
  kind: 'month' | 'quarter' | 'year' | 'range';
  /** Inclusive local dates. */
  from: string;
  to: string;
  label: Text;
}

const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const pad = (n: number) => String(n).padStart(2, '0');
const vnDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** A named period, or null when the text is not one. */
export function namedPeriod(text: string): Period | null {
  if (!PERIOD_PATTERN.test(text)) return null;
  const y = Number(text.slice(0, 4));
  if (y < 2000 || y > 2100) return null;
  if (text.length === 4)
    return { kind: 'year', from: `${y}-01-01`, to: `${y}-12-31`, label: { vi: `Năm ${y}`, en: `Year ${y}` } };
  if (text[5] === 'Q') {
    const q = Number(text.slice(6));
    const m1 = (q - 1) * 3 + 1;
    return {
      kind: 'quarter',
      from: `${y}-${pad(m1)}-01`,
      to: `${y}-${pad(m1 + 2)}-${lastDayOfMonth(y, m1 + 2)}`,
      label: { vi: `Quý ${['I', 'II', 'III', 'IV'][q - 1]} năm ${y}`, en: `Q${q} ${y}` },
    };
  }
  const m = Number(text.slice(5, 7));
  return {
    kind: 'month',
    from: `${y}-${pad(m)}-01`,
    to: `${y}-${pad(m)}-${lastDayOfMonth(y, m)}`,
    label: { vi: `Tháng ${m}/${y}`, en: `${pad(m)}/${y}` },
  };
}

/** A custom range of local dates, or null when invalid, reversed or longer than three years. */
export function rangePeriod(from: string, to: string): Period | null {
  if (!ISO_DATE.test(from) || !ISO_DATE.test(to)) return null;
  const a = dayOfIsoDate(from);
  const b = dayOfIsoDate(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || isoDateOfDay(a) !== from || isoDateOfDay(b) !== to)
    return null;
  if (b < a || b - a > MAX_DAYS) return null;
  return {
    kind: 'range',
    from,
    to,
    label: { vi: `Từ ${vnDate(from)} đến ${vnDate(to)}`, en: `${vnDate(from)} to ${vnDate(to)}` },
  };
}

/** The month containing `day` ('yyyy-MM'). */
export function monthOf(isoDate: string): string {
  return isoDate.slice(0, 7);
}

/** The instants bounding a period: [start of `from`, start of the day after `to`) in Vietnam. */
export function periodInstants(p: Period): { fromTs: Date; toTs: Date } {
  return { fromTs: instantAt(dayOfIsoDate(p.from), 0), toTs: instantAt(dayOfIsoDate(p.to) + 1, 0) };
}
