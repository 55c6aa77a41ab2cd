/**
 * Reporting periods computed from a regime's rules (Decree 09, Art. 12): keys, cut-off windows,
 * deadlines and lock dates. Pure functions; dates are ISO `yyyy-MM-dd` calendar dates.
 */
import { dayOfIsoDate, isoDateOfDay, type WorkCalendar } from '../../platform/calendar/index.ts';

export const frequencies = ['monthly', 'quarterly', 'half_year', 'nine_months', 'annual', 'ad_hoc'] as const;
export type Frequency = (typeof frequencies)[number];

export interface PeriodRule {
  frequency: Frequency;
  /** Day of the month the window starts on (Decree 09: 15 → window 15 → 14); 1 = calendar months. */
  cutoffStartDay: number;
  /** Working days after the cut-off end by which the report is due. */
  deadlineDays: number;
  /** Working days after the deadline after which changes need the recipient to reopen. */
  lockDays: number;
}

export interface PeriodWindow {
  key: string;
  cutoffStart: string;
  cutoffEnd: string;
}

export interface PeriodDates extends PeriodWindow {
  dueOn: string;
  lockOn: string;
}

const KEY = /^(\d{4})-(M(0[1-9]|1[0-2])|Q[1-4]|H[12]|9M|Y)$/;

/** True when `key` names a computed period of `frequency` ("2025-M11", "2025-Q4", "2025-H1", "2025-9M", "2025-Y"). */
export function keyMatchesFrequency(key: string, frequency: Frequency): boolean {
  const m = KEY.exec(key);
  if (!m) return false;
  const part = m[2] ?? '';
  switch (frequency) {
    case 'monthly':
      return part.startsWith('M');
    case 'quarterly':
      return part.startsWith('Q');
    case 'half_year':
      return part.startsWith('H');
    case 'nine_months':
      return part === '9M';
    case 'annual':
      return part === 'Y';
    case 'ad_hoc':
      return false;
  }
}

/** First and last month (1–12) a period key covers. */
function monthsOf(key: string): { year: number; first: number; last: number } {
  const m = KEY.exec(key);
  if (!m) throw new RangeError(`not a period key: ${key}`);
  const year = Number(m[1]);
  const part = m[2] ?? '';
  if (part.startsWith('M')) {
    const month = Number(part.slice(1));
    return { year, first: month, last: month };
  }
  if (part.startsWith('Q')) {
    const q = Number(part.slice(1));
    return { year, first: 3 * q - 2, last: 3 * q };
  }
  if (part === 'H1') return { year, first: 1, last: 6 };
  if (part === 'H2') return { year, first: 7, last: 12 };
  if (part === '9M') return { year, first: 1, last: 9 };
  return { year, first: 1, last: 12 };
}

function iso(year: number, month: number, day: number): string {
  // Date.UTC normalises month 0 to December of the previous year and day 0 to the last day before.
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/**
 * The cut-off window of a period. With `startDay` 15 (the default of Decree 09), month M covers
 * 15/(M−1) – 14/M; with 1 it covers the calendar months themselves.
 */
export function cutoffWindow(key: string, startDay: number): PeriodWindow {
  const { year, first, last } = monthsOf(key);
  if (startDay === 1) return { key, cutoffStart: iso(year, first, 1), cutoffEnd: iso(year, last + 1, 0) };
  return { key, cutoffStart: iso(year, first - 1, startDay), cutoffEnd: iso(year, last, startDay - 1) };
}

/** Deadline (N working days after the cut-off end) and lock date (M working days after it). */
export function periodDates(window: PeriodWindow, rule: PeriodRule, calendar: WorkCalendar): PeriodDates {
  const end = dayOfIsoDate(window.cutoffEnd);
  const due = rule.deadlineDays === 0 ? end : calendar.addWorkingDays(end, rule.deadlineDays);
  const lock = rule.lockDays === 0 ? due : calendar.addWorkingDays(due, rule.lockDays);
  return { ...window, dueOn: isoDateOfDay(due), lockOn: isoDateOfDay(lock) };
}

/** Every period key of a frequency whose window ends in `year`. */
export function keysOfYear(frequency: Frequency, year: number): string[] {
  switch (frequency) {
    case 'monthly':
      return Array.from({ length: 12 }, (_, i) => `${year}-M${String(i + 1).padStart(2, '0')}`);
    case 'quarterly':
      return [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
    case 'half_year':
      return [`${year}-H1`, `${year}-H2`];
    case 'nine_months':
      return [`${year}-9M`];
    case 'annual':
      return [`${year}-Y`];
    case 'ad_hoc':
      return [];
  }
}

/** The period whose cut-off window contains `date` (the one in progress), or null for ad hoc regimes. */
export function periodContaining(frequency: Frequency, startDay: number, date: string): PeriodWindow | null {
  const year = Number(date.slice(0, 4));
  for (const y of [year, year + 1]) {
    for (const key of keysOfYear(frequency, y)) {
      const w = cutoffWindow(key, startDay);
      if (w.cutoffStart <= date && date <= w.cutoffEnd) return w;
    }
  }
  return null;
}

/** Label of a key for people: "Tháng 11/2025", "Quý 4/2025", … */
export function periodLabel(key: string, locale: 'vi' | 'en'): string {
  const m = KEY.exec(key);
  if (!m) return key;
  const year = m[1] ?? '';
  const part = m[2] ?? '';
  const vi = locale === 'vi';
  if (part.startsWith('M'))
    return vi ? `Tháng ${Number(part.slice(1))}/${year}` : `Month ${part.slice(1)}/${year}`;
  if (part.startsWith('Q')) return vi ? `Quý ${part.slice(1)}/${year}` : `Q${part.slice(1)} ${year}`;
  if (part === 'H1') return vi ? `6 tháng đầu năm ${year}` : `First half ${year}`;
  if (part === 'H2') return vi ? `6 tháng cuối năm ${year}` : `Second half ${year}`;
  if (part === '9M') return vi ? `9 tháng năm ${year}` : `Nine months ${year}`;
  return vi ? `Năm ${year}` : `Year ${year}`;
}

export { KEY as periodKeyPattern };
