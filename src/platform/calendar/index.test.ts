import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWorkCalendar, dayOfIsoDate, isoDateOfDay, localDay } from './index.ts';

const cal = createWorkCalendar();
const d = dayOfIsoDate;
const iso = isoDateOfDay;

describe('work calendar', () => {
  it('knows weekends, Tết, swapped days off and make-up Saturdays', () => {
    assert.equal(cal.isWorkingDay(d('2025-11-21')), true, 'a Friday');
    assert.equal(cal.isWorkingDay(d('2025-11-22')), false, 'a Saturday');
    assert.equal(cal.isWorkingDay(d('2025-01-29')), false, 'mùng 1 Tết 2025');
    assert.equal(cal.isWorkingDay(d('2025-05-02')), false, 'swapped day off');
    assert.equal(cal.isWorkingDay(d('2025-04-26')), true, 'make-up working Saturday');
    assert.equal(cal.isWorkingDay(d('2025-09-01')), false, 'National Day');
    assert.equal(cal.specialDay(d('2025-04-07'))?.name.vi, 'Giỗ Tổ Hùng Vương');
    assert.deepEqual(cal.coveredYears, [2025, 2026, 2027]);
  });

  it('adds working days across Tết', () => {
    // Friday 24/01/2025 + 1 working day: Tết runs 27–31/01, then the weekend.
    assert.equal(iso(cal.addWorkingDays(d('2025-01-24'), 1)), '2025-02-03');
    assert.equal(iso(cal.addWorkingDays(d('2025-04-25'), 1)), '2025-04-26', 'the make-up Saturday counts');
    assert.equal(iso(cal.addWorkingDays(d('2025-04-29'), 1)), '2025-05-05');
    assert.equal(cal.workingDaysBetween(d('2025-01-24'), d('2025-02-03')), 1);
  });

  it('computes due dates from receipt time with a cut-off hour', () => {
    // Received Monday 03/11/2025 09:00 local, 3 working days: Mon, Tue, Wed → due Wed 17:00.
    const due = cal.dueAfterWorkingDays(new Date('2025-11-03T09:00:00+07:00'), 3);
    assert.equal(due.toISOString(), '2025-11-05T10:00:00.000Z');
    // Received after the 16:00 cut-off: counting starts the next day.
    const late = cal.dueAfterWorkingDays(new Date('2025-11-03T16:30:00+07:00'), 3, {
      cutoffMinutes: 16 * 60,
    });
    assert.equal(late.toISOString(), '2025-11-06T10:00:00.000Z');
    // Received on a Saturday: Mon, Tue → due Tuesday.
    const weekend = cal.dueAfterWorkingDays(new Date('2025-11-08T10:00:00+07:00'), 2);
    assert.equal(iso(localDay(weekend)), '2025-11-11');
  });

  it('adds office hours over lunch, nights and weekends', () => {
    const friday = new Date('2025-11-21T15:00:00+07:00');
    assert.equal(
      cal.addWorkingHours(friday, 1).toISOString(),
      new Date('2025-11-21T16:00:00+07:00').toISOString(),
    );
    assert.equal(
      cal.addWorkingHours(friday, 4).toISOString(),
      new Date('2025-11-24T10:00:00+07:00').toISOString(),
    );
    const morning = new Date('2025-11-24T11:30:00+07:00');
    assert.equal(
      cal.addWorkingHours(morning, 1).toISOString(),
      new Date('2025-11-24T13:30:00+07:00').toISOString(),
    );
  });

  it('classifies timeliness by day', () => {
    const due = new Date('2025-11-05T17:00:00+07:00');
    assert.equal(cal.timeliness(new Date('2025-11-04T10:00:00+07:00'), due), 'early');
    assert.equal(cal.timeliness(new Date('2025-11-05T08:00:00+07:00'), due), 'on_time');
    assert.equal(cal.timeliness(new Date('2025-11-06T08:00:00+07:00'), due), 'late');
  });

  it('falls back to weekdays for years without data', () => {
    assert.equal(cal.isWorkingDay(d('2028-01-03')), true);
    assert.equal(cal.isWorkingDay(d('2028-01-01')), false);
  });
});
