import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWorkCalendar } from '../../platform/calendar/index.ts';
import { cutoffWindow, keyMatchesFrequency, periodContaining, periodDates, periodLabel } from './periods.ts';

const calendar = createWorkCalendar();

describe('cut-off windows (Decree 09, 15 → 14)', () => {
  const table: [string, string, string][] = [
    ['2025-M11', '2025-10-15', '2025-11-14'],
    ['2025-M01', '2024-12-15', '2025-01-14'],
    ['2025-M12', '2025-11-15', '2025-12-14'],
    ['2025-M03', '2025-02-15', '2025-03-14'],
    ['2025-Q1', '2024-12-15', '2025-03-14'],
    ['2025-Q4', '2025-09-15', '2025-12-14'],
    ['2025-H1', '2024-12-15', '2025-06-14'],
    ['2025-H2', '2025-06-15', '2025-12-14'],
    ['2025-9M', '2024-12-15', '2025-09-14'],
    ['2025-Y', '2024-12-15', '2025-12-14'],
  ];
  for (const [key, start, end] of table) {
    it(`${key}: ${start} – ${end}`, () => {
      assert.deepEqual(cutoffWindow(key, 15), { key, cutoffStart: start, cutoffEnd: end });
    });
  }
});

describe('cut-off windows overridden to calendar months', () => {
  const table: [string, string, string][] = [
    ['2024-M02', '2024-02-01', '2024-02-29'],
    ['2025-Q4', '2025-10-01', '2025-12-31'],
    ['2025-Y', '2025-01-01', '2025-12-31'],
  ];
  for (const [key, start, end] of table) {
    it(`${key}: ${start} – ${end}`, () => {
      assert.deepEqual(cutoffWindow(key, 1), { key, cutoffStart: start, cutoffEnd: end });
    });
  }
});

describe('deadlines in working days after the cut-off end', () => {
  // [key, deadline days, lock days, due, lock]
  const table: [string, number, number, string, string][] = [
    // 14/11/2025 is a Friday: +2 working days = Tuesday 18/11; +5 more = 25/11.
    ['2025-M11', 2, 5, '2025-11-18', '2025-11-25'],
    // 14/12/2025 is a Sunday: the 1st working day after is Monday 15/12.
    ['2025-Q4', 1, 0, '2025-12-15', '2025-12-15'],
    // 14/08/2025 Thursday: +3 → Tuesday 19/08 (weekend skipped); +10 skips National Day 01–02/09.
    ['2025-M08', 3, 10, '2025-08-19', '2025-09-04'],
    // 14/04/2026 Tuesday; the Hùng Kings' day (26/04/2026 is a Sunday, off on Monday 27/04) is after.
    ['2026-M04', 5, 0, '2026-04-21', '2026-04-21'],
  ];
  for (const [key, deadlineDays, lockDays, due, lock] of table) {
    it(`${key} +${deadlineDays} → ${due}, lock +${lockDays} → ${lock}`, () => {
      const d = periodDates(
        cutoffWindow(key, 15),
        { frequency: 'monthly', cutoffStartDay: 15, deadlineDays, lockDays },
        calendar,
      );
      assert.equal(d.dueOn, due);
      assert.equal(d.lockOn, lock);
    });
  }

  it('skips the Tết holidays', () => {
    // 2026-M02 ends Saturday 14/02/2026, inside the Tết break (14/02 – 22/02/2026).
    const d = periodDates(
      cutoffWindow('2026-M02', 15),
      { frequency: 'monthly', cutoffStartDay: 15, deadlineDays: 1, lockDays: 0 },
      calendar,
    );
    assert.ok(d.dueOn >= '2026-02-23', d.dueOn);
  });
});

describe('period in progress and keys', () => {
  const table: [Parameters<typeof periodContaining>[0], string, string | null][] = [
    ['monthly', '2025-11-14', '2025-M11'],
    ['monthly', '2025-11-15', '2025-M12'],
    ['monthly', '2025-12-20', '2026-M01'],
    ['quarterly', '2025-12-14', '2025-Q4'],
    ['quarterly', '2025-12-15', '2026-Q1'],
    ['annual', '2025-12-15', '2026-Y'],
    ['nine_months', '2025-09-15', null], // between 9M windows (15/09 – 14/12)
    ['nine_months', '2025-12-20', '2026-9M'],
    ['ad_hoc', '2025-09-15', null],
  ];
  for (const [frequency, date, key] of table) {
    it(`${frequency} on ${date} → ${key}`, () => {
      assert.equal(periodContaining(frequency, 15, date)?.key ?? null, key);
    });
  }

  it('recognises keys by frequency and labels them', () => {
    assert.equal(keyMatchesFrequency('2025-M11', 'monthly'), true);
    assert.equal(keyMatchesFrequency('2025-M13', 'monthly'), false);
    assert.equal(keyMatchesFrequency('2025-Q4', 'monthly'), false);
    assert.equal(keyMatchesFrequency('2025-9M', 'nine_months'), true);
    assert.equal(periodLabel('2025-M11', 'vi'), 'Tháng 11/2025');
    assert.equal(periodLabel('2025-Q4', 'en'), 'Q4 2025');
  });
});
