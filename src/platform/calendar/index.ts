import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Text } from '../i18n/index.ts';

/**
 * Working days and hours on Vietnam's public-service calendar: weekends, public holidays
 * (Tết included), days off in lieu and make-up working Saturdays, from one data file per
 * year (`data/YYYY.json`). All times are in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
 * Years without a data file fall back to "Monday to Friday" and are reported by `coveredYears`.
 */

const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;

export type CalendarDayType = 'holiday' | 'compensatory_off' | 'makeup_workday';
export type Timeliness = 'early' | 'on_time' | 'late';

const dayFileSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  source: z.string().max(2000),
  days: z
    .array(
      z.object({
        date: z.iso.date(),
        type: z.enum(['holiday', 'compensatory_off', 'makeup_workday']),
        name: z.object({ vi: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
        confirmed: z.boolean(),
      }),
    )
    .max(366),
});
export type CalendarYear = z.infer<typeof dayFileSchema>;

export interface SpecialDay {
  date: string;
  type: CalendarDayType;
  name: Text;
  confirmed: boolean;
}

/** Office hours as minutes after local midnight, e.g. [[480, 720], [780, 1020]] for 08:00–12:00, 13:00–17:00. */
export type OfficeHours = readonly (readonly [number, number])[];
export const defaultOfficeHours: OfficeHours = [
  [8 * 60, 12 * 60],
  [13 * 60, 17 * 60],
];

/** Reads the bundled yearly files (2025–2027 and any added later). */
export function loadBundledYears(): CalendarYear[] {
  const dir = new URL('./data/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()
    .map((f) => dayFileSchema.parse(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))));
}

/** Local (UTC+7) day number since 1970-01-01 of an instant. */
export function localDay(instant: Date): number {
  return Math.floor((instant.getTime() + VN_OFFSET_MS) / DAY_MS);
}

/** Local (UTC+7) calendar year of an instant. */
export function localYear(instant: Date): number {
  return new Date(instant.getTime() + VN_OFFSET_MS).getUTCFullYear();
}

/** Day number of an ISO date `yyyy-MM-dd`. */
export function dayOfIsoDate(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

/** ISO date `yyyy-MM-dd` of a day number. */
export function isoDateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The instant at `minutes` after local midnight of `day`. */
export function instantAt(day: number, minutes: number): Date {
  return new Date(day * DAY_MS - VN_OFFSET_MS + minutes * 60_000);
}

function isWeekend(day: number): boolean {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday === 0 || weekday === 6;
}

export interface WorkCalendar {
  /** Years that have a data file; outside them only weekends are days off. */
  coveredYears: readonly number[];
  isWorkingDay(day: number): boolean;
  specialDay(day: number): SpecialDay | undefined;
  /** The `n`-th working day after `day` (n ≥ 1), or `day` itself for n = 0 when it is a working day. */
  addWorkingDays(day: number, n: number): number;
  /** Working days in (from, to]: how many working days passed between two days. */
  workingDaysBetween(from: number, to: number): number;
  /**
   * The due instant for a time limit in working days counted from receipt: the limit starts on
   * the next working day (or the same day when received on a working day before `cutoffMinutes`),
   * and the dossier is due at the close of office hours of the last day.
   */
  dueAfterWorkingDays(received: Date, days: number, o?: { cutoffMinutes?: number }): Date;
  /** The instant `hours` office hours after `start`. */
  addWorkingHours(start: Date, hours: number): Date;
  /** Early (an earlier day), on time (the same day) or late (a later day) against a due instant. */
  timeliness(finished: Date, due: Date): Timeliness;
}

/** Builds a calendar from yearly data, with cumulative tables so each lookup is O(1). */
export function createWorkCalendar(
  years: CalendarYear[] = loadBundledYears(),
  officeHours: OfficeHours = defaultOfficeHours,
): WorkCalendar {
  const special = new Map<number, SpecialDay>();
  for (const y of years) for (const d of y.days) special.set(dayOfIsoDate(d.date), d);
  const coveredYears = years.map((y) => y.year).sort((a, b) => a - b);
  const firstYear = Math.min(coveredYears[0] ?? 2025, 2020);
  const lastYear = Math.max(coveredYears[coveredYears.length - 1] ?? 2027, 2030) + 2;
  const start = dayOfIsoDate(`${firstYear}-01-01`);
  const end = dayOfIsoDate(`${lastYear}-12-31`);

  const working = (day: number): boolean => {
    const s = special.get(day);
    if (s) return s.type === 'makeup_workday';
    return !isWeekend(day);
  };
  // cumulative[i] = working days in [start, start + i); workingDays[k] = the k-th working day.
  const size = end - start + 2;
  const cumulative = new Int32Array(size);
  const workingDays: number[] = [];
  for (let i = 0; i < size - 1; i++) {
    const day = start + i;
    const isWorking = working(day);
    cumulative[i + 1] = (cumulative[i] ?? 0) + (isWorking ? 1 : 0);
    if (isWorking) workingDays.push(day);
  }
  const inRange = (day: number) => day >= start && day <= end;
  const countUpTo = (day: number) => cumulative[day - start + 1] ?? 0; // working days in [start, day]

  const addWorkingDays = (day: number, n: number): number => {
    if (n < 0) throw new RangeError('n must be ≥ 0');
    if (!inRange(day)) throw new RangeError(`date ${isoDateOfDay(day)} is outside ${firstYear}–${lastYear}`);
    if (n === 0) return working(day) ? day : addWorkingDays(day, 1);
    const target = workingDays[countUpTo(day) + n - 1];
    if (target === undefined) throw new RangeError(`result beyond ${lastYear}`);
    return target;
  };

  const openMinutes = officeHours[0]?.[0] ?? 0;
  const closeMinutes = officeHours[officeHours.length - 1]?.[1] ?? 24 * 60;

  return {
    coveredYears,
    isWorkingDay: (day) => working(day),
    specialDay: (day) => special.get(day),
    addWorkingDays,
    workingDaysBetween(from, to) {
      if (to <= from) return 0;
      return countUpTo(to) - countUpTo(from);
    },
    dueAfterWorkingDays(received, days, o = {}) {
      const cutoff = o.cutoffMinutes ?? closeMinutes;
      const day = localDay(received);
      const minutes = Math.floor((received.getTime() + VN_OFFSET_MS - day * DAY_MS) / 60_000);
      // A receipt on a working day before the cut-off counts that day as the first day.
      const countsToday = working(day) && minutes < cutoff;
      const last = countsToday
        ? addWorkingDays(day, Math.max(days - 1, 0))
        : addWorkingDays(day, Math.max(days, 1));
      return instantAt(last, closeMinutes);
    },
    addWorkingHours(startAt, hours) {
      let remaining = Math.round(hours * 60);
      let day = localDay(startAt);
      let minute = Math.floor((startAt.getTime() + VN_OFFSET_MS - day * DAY_MS) / 60_000);
      for (let guard = 0; guard < 100_000; guard++) {
        if (working(day)) {
          for (const [open, close] of officeHours) {
            const from = Math.max(minute, open);
            if (from >= close) continue;
            const available = close - from;
            if (remaining <= available) return instantAt(day, from + remaining);
            remaining -= available;
            minute = close;
          }
        }
        day += 1;
        minute = openMinutes;
      }
      throw new RangeError('working hours beyond the calendar');
    },
    timeliness(finished, due) {
      const f = localDay(finished);
      const d = localDay(due);
      if (f < d) return 'early';
      if (f === d) return 'on_time';
      return 'late';
    },
  };
}
