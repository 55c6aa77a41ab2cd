// On time across agencies: each part against its own due date; the whole against the later of the
// procedure's own limit and the parts' due dates — and the whole is on time only if every part is.
import type { Timeliness, WorkCalendar } from '../../../platform/calendar/index.ts';
import type { PartRow } from './repo.ts';

export interface PartTiming {
  /** early / on_time / late once finished; `late` already when past due and unfinished; else null. */
  timeliness: Timeliness | null;
  overdue: boolean;
}

/** A part's timeliness, on the holiday calendar. */
export function partTiming(calendar: WorkCalendar, p: PartRow, now: Date): PartTiming {
  if (p.finished_at) return { timeliness: calendar.timeliness(p.finished_at, p.due_at), overdue: false };
  const overdue = now > p.due_at && !['refused', 'stopped', 'failed'].includes(p.state);
  return { timeliness: overdue ? 'late' : null, overdue };
}

export interface WholeTiming {
  dueAt: Date;
  finishedAt: Date | null;
  timeliness: Timeliness | null;
  /** Parts that are (or finished) late. */
  lateParts: number[];
}

/**
 * The whole: due at the later of `ownDue` (the filed procedure's limit) and every part's due;
 * finished when the last part is; late when any part is late or the last finish is after the due.
 */
export function wholeTiming(
  calendar: WorkCalendar,
  ownDue: Date | null,
  parts: readonly PartRow[],
  now: Date,
): WholeTiming {
  const dueAt = parts.reduce((d, p) => (p.due_at > d ? p.due_at : d), ownDue ?? new Date(0));
  const lateParts = parts.filter((p) => partTiming(calendar, p, now).timeliness === 'late').map((p) => p.ord);
  const allDone = parts.length > 0 && parts.every((p) => p.state === 'done' && p.finished_at);
  const finishedAt = allDone
    ? parts.reduce((d, p) => (p.finished_at && p.finished_at > d ? p.finished_at : d), new Date(0))
    : null;
  let timeliness: Timeliness | null = null;
  if (finishedAt) {
    timeliness = calendar.timeliness(finishedAt, dueAt);
    if (lateParts.length > 0) timeliness = 'late';
  } else if (lateParts.length > 0 || now > dueAt) timeliness = 'late';
  return { dueAt, finishedAt, timeliness, lateParts };
}
