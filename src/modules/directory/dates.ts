const isoDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** A date as yyyy-MM-dd in Vietnam's time zone. */
export function toIsoDate(d: Date): string {
  return isoDate.format(d);
}

/** Today in Vietnam as yyyy-MM-dd. */
export function today(): string {
  return toIsoDate(new Date());
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** True for a real calendar date written yyyy-MM-dd. */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
