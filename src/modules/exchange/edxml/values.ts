/**
 * Value formats of edXML: dates, timestamps (local time UTC+7, no zone on the wire),
 * agency identifier codes and the canonical DocumentId.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function validYmd(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

function ymdOf(raw: string): [number, number, number] | null {
  let m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(raw);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(raw);
  if (m) return [Number(m[3]), Number(m[2]), Number(m[1])];
  return null;
}

/** Reads `yyyy/MM/dd`, `dd/MM/yyyy` or `yyyy-MM-dd` into ISO `yyyy-MM-dd`; null if not a real date. */
export function parseEdxmlDate(raw: string): string | null {
  const ymd = ymdOf(raw.trim());
  if (!ymd || !validYmd(...ymd)) return null;
  return `${ymd[0]}-${pad(ymd[1])}-${pad(ymd[2])}`;
}

/**
 * Reads a timestamp (`yyyy/MM/dd HH:mm:ss`, `dd/MM/yyyy HH:mm:ss`, `yyyy-MM-dd HH:mm:ss`, or ISO
 * with an offset) as local time UTC+7 unless an offset is written; returns ISO with `+07:00`.
 */
export function parseEdxmlTimestamp(raw: string): string | null {
  const text = raw.trim();
  const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (iso) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : isoAtUtc7(new Date(ms));
  }
  const m = /^(\S+)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return null;
  const ymd = ymdOf(m[1] ?? '');
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? '0')];
  if (!ymd || !validYmd(...ymd) || h > 23 || mi > 59 || s > 59) return null;
  return `${ymd[0]}-${pad(ymd[1])}-${pad(ymd[2])}T${pad(h)}:${pad(mi)}:${pad(s)}+07:00`;
}

/** An instant as ISO local time of Vietnam (`…+07:00`), the zone every edXML timestamp is in. */
export function isoAtUtc7(instant: Date): string {
  const t = new Date(instant.getTime() + 7 * 3600_000);
  return (
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
    `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}+07:00`
  );
}

/** ISO `yyyy-MM-dd` → wire form `yyyy/MM/dd`. */
export function formatEdxmlDate(isoDate: string): string {
  return isoDate.slice(0, 10).replaceAll('-', '/');
}

/** ISO timestamp (any offset) → wire form `yyyy/MM/dd HH:mm:ss` in UTC+7. */
export function formatEdxmlTimestamp(isoTimestamp: string): string {
  const local = isoTimestamp.endsWith('+07:00') ? isoTimestamp : isoAtUtc7(new Date(isoTimestamp));
  return `${local.slice(0, 10).replaceAll('-', '/')} ${local.slice(11, 19)}`;
}

const AGENCY_CODE_FORMS = [
  /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, // QĐ 20/2020 full form
  /^\d{2}\.\d{2}\.[A-Z]\d{2}$/, // without the leading level-4 group (SDK samples)
  /^[A-Z]\d{2}$/, // short level-1 code (2025 code-migration layer)
  /^\d{10,14}$/, // enterprise codes built on the tax code
];

/** True when `code` has one of the agency-code shapes met on the axis. */
export function isAgencyCode(code: string): boolean {
  return AGENCY_CODE_FORMS.some((form) => form.test(code));
}

/** Left-pads a code written without its leading `000.` group (`28.22.H17` → `000.28.22.H17`). */
export function normalizeAgencyCode(code: string): string {
  const trimmed = code.trim();
  return /^\d{2}\.\d{2}\.[A-Z]\d{2}$/.test(trimmed) ? `000.${trimmed}` : trimmed;
}

/** The canonical DocumentId `{OrganId},{yyyy/MM/dd},{số}/{ký hiệu}`, or null when a part is missing. */
export function canonicalDocumentId(
  organId: string | null,
  isoDate: string | null,
  number: string | null,
  notation: string | null,
): string | null {
  if (!organId || !isoDate || !number) return null;
  return `${organId},${formatEdxmlDate(isoDate)},${number}${notation ? `/${notation}` : ''}`;
}
