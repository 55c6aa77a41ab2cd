// Dossier codes in the national pattern `{agencyCode}-{yyMMdd}-{seq:4}` (identifiers.md §5).
import { localDay, isoDateOfDay } from '../../platform/calendar/index.ts';

export const DEFAULT_CODE_PATTERN = '{agencyCode}-{yyMMdd}-{seq:4}';
const TOKEN = /\{(agencyCode|yyMMdd|yyyyMMdd|seq(?::(\d{1,2}))?)\}/g;

/** True when a pattern names the agency, a date and the sequence (so codes are unique per day). */
export function isValidCodePattern(pattern: string): boolean {
  if (pattern.length > 60 || !pattern.includes('{agencyCode}') || !/\{seq(:\d{1,2})?\}/.test(pattern))
    return false;
  if (!pattern.includes('{yyMMdd}') && !pattern.includes('{yyyyMMdd}')) return false;
  return pattern.replace(TOKEN, '').replace(/[A-Za-z0-9.\-_/]/g, '') === '';
}

/** The local (Vietnam) date of an instant as yyyyMMdd: the counter's day. */
export function counterDay(at: Date): string {
  return isoDateOfDay(localDay(at)).replaceAll('-', '');
}

/** Fills a pattern; the sequence is zero-padded to its width and grows past it if needed. */
export function formatDossierCode(
  pattern: string,
  o: { agencyCode: string; at: Date; sequence: number },
): string {
  const day = counterDay(o.at);
  return pattern.replace(TOKEN, (_all, token: string, width: string | undefined) => {
    if (token === 'agencyCode') return o.agencyCode;
    if (token === 'yyMMdd') return day.slice(2);
    if (token === 'yyyyMMdd') return day;
    return String(o.sequence).padStart(Number(width ?? 4), '0');
  });
}
