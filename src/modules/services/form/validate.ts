/**
 * The one validator of filled forms: the citizen's dossier form and the administrator's
 * preview call this same function. Pure (no database): an agency is checked for shape here
 * (id or QĐ20 code); whether it exists is the caller's business.
 */
import {
  FORM_LIMITS,
  type FieldCondition,
  type FormDefinition,
  type FormField,
  type FormIssue,
} from './definition.ts';
import { UUID_PATTERN as UUID } from '../../../platform/ids.ts';

export type FormValue = string | number | boolean | FormValues | FormValues[];
export interface FormValues {
  [key: string]: FormValue;
}

export type ValidationResult = { ok: true; values: FormValues } | { ok: false; errors: FormIssue[] };

/** Province codes that begin a personal identification number (the 63 provinces before 2025). */
const ID_PROVINCES = new Set(
  '001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096'.split(
    ' ',
  ),
);

/**
 * A 12-digit personal identification number: birth province (3 digits), century and sex
 * (1 digit: 0/1 → 1900s, 2/3 → 2000s), year of birth (2 digits), then 6 digits.
 */
export function isPersonalIdNumber(value: string, currentYear = new Date().getFullYear()): boolean {
  if (!/^\d{12}$/.test(value) || !ID_PROVINCES.has(value.slice(0, 3))) return false;
  const century = Number(value[3]);
  if (century > 3) return false;
  const year = (century < 2 ? 1900 : 2000) + Number(value.slice(4, 6));
  return year <= currentYear;
}

const QD20 = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^(?:\+84|84|0)([35789]\d{8}|2\d{9})$/;
const NUMBER = /^-?\d{1,15}([.,]\d{1,6})?$/;

function isoDate(value: string): string | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
    if (!m) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function todayInVietnam(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    (typeof v === 'string' && v.trim() === '') ||
    (Array.isArray(v) && v.length === 0)
  );
}

function truthy(v: unknown): boolean | null {
  if (v === true || v === 'true' || v === 'on' || v === '1' || v === 1) return true;
  if (v === false || v === 'false' || v === '0' || v === 0 || v === '' || v === undefined || v === null)
    return false;
  return null;
}

/** Does a condition hold for the (already validated) value of its field? */
export function conditionHolds(c: FieldCondition, value: FormValue | undefined): boolean {
  const filled = value !== undefined && value !== false && value !== '';
  if (c.filled !== undefined) return c.filled === filled;
  const text = value === undefined ? '' : typeof value === 'object' ? '' : String(value);
  if (c.in !== undefined) return c.in.includes(text);
  if (c.equals !== undefined) return text === String(c.equals);
  return filled;
}

interface Run {
  errors: FormIssue[];
  today: string;
  currentYear: number;
}

function fail(run: Run, path: string, code: string, params?: Record<string, string | number>): undefined {
  if (run.errors.length < FORM_LIMITS.maxErrors)
    run.errors.push(params ? { path, code, params } : { path, code });
  return undefined;
}

function checkText(run: Run, f: FormField, path: string, raw: unknown): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return fail(run, path, 'FORM_INVALID_TYPE');
  const v = String(raw).trim();
  const limit = Math.min(
    f.maxLength ??
      (f.type === 'textarea' ? FORM_LIMITS.defaultTextareaLength : FORM_LIMITS.defaultTextLength),
    FORM_LIMITS.maxTextLength,
  );
  if (v.length > limit) return fail(run, path, 'FORM_TOO_LONG', { max: limit });
  if (f.minLength !== undefined && v.length < f.minLength)
    return fail(run, path, 'FORM_TOO_SHORT', { min: f.minLength });
  if (f.pattern !== undefined && !new RegExp(`^(?:${f.pattern})$`, 'u').test(v))
    return fail(run, path, 'FORM_PATTERN');
  return v;
}

function dateBound(bound: string | undefined, today: string): string | undefined {
  return bound === 'today' ? today : bound;
}

/** Validates one simple (non-group) value that is present. */
function checkValue(run: Run, f: FormField, path: string, raw: unknown): FormValue | undefined {
  switch (f.type) {
    case 'text':
    case 'textarea':
      return checkText(run, f, path, raw);
    case 'number': {
      const text =
        typeof raw === 'number'
          ? String(raw)
          : typeof raw === 'string'
            ? raw.trim().replace(/\s/g, '')
            : null;
      if (text === null || (typeof raw === 'string' && !NUMBER.test(text)))
        return fail(run, path, 'FORM_NOT_A_NUMBER');
      const n = typeof raw === 'number' ? raw : Number(text.replace(',', '.'));
      if (!Number.isFinite(n) || Math.abs(n) > 1e15) return fail(run, path, 'FORM_NOT_A_NUMBER');
      if (f.min !== undefined && n < f.min) return fail(run, path, 'FORM_TOO_SMALL', { min: f.min });
      if (f.max !== undefined && n > f.max) return fail(run, path, 'FORM_TOO_LARGE', { max: f.max });
      return n;
    }
    case 'date': {
      const v = typeof raw === 'string' ? isoDate(raw.trim()) : null;
      if (!v) return fail(run, path, 'FORM_INVALID_DATE');
      const lo = dateBound(f.minDate, run.today);
      const hi = dateBound(f.maxDate, run.today);
      if (lo !== undefined && v < lo) return fail(run, path, 'FORM_DATE_TOO_EARLY', { min: lo });
      if (hi !== undefined && v > hi) return fail(run, path, 'FORM_DATE_TOO_LATE', { max: hi });
      return v;
    }
    case 'select': {
      const v = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : null;
      if (v === null || !(f.options ?? []).some((o) => o.value === v))
        return fail(run, path, 'FORM_INVALID_OPTION');
      return v;
    }
    case 'checkbox': {
      const v = truthy(raw);
      return v === null ? fail(run, path, 'FORM_INVALID_TYPE') : v;
    }
    case 'personal_id': {
      const v = typeof raw === 'string' ? raw.replace(/\s/g, '') : '';
      return isPersonalIdNumber(v, run.currentYear) ? v : fail(run, path, 'FORM_INVALID_PERSONAL_ID');
    }
    case 'phone': {
      const v = typeof raw === 'string' ? raw.replace(/[\s.()-]/g, '') : '';
      const m = v.length <= 15 ? PHONE.exec(v) : null;
      return m?.[1] ? `0${m[1]}` : fail(run, path, 'FORM_INVALID_PHONE');
    }
    case 'email': {
      const v = typeof raw === 'string' ? raw.trim() : '';
      return v.length <= 254 && EMAIL.test(v) ? v : fail(run, path, 'FORM_INVALID_EMAIL');
    }
    case 'agency': {
      const v = typeof raw === 'string' ? raw.trim() : '';
      return UUID.test(v) ? v.toLowerCase() : QD20.test(v) ? v : fail(run, path, 'FORM_INVALID_AGENCY');
    }
    case 'admin_unit': {
      const v = typeof raw === 'string' ? raw.trim() : '';
      const ok =
        f.adminUnitLevel === 'province'
          ? /^\d{2}$/.test(v)
          : f.adminUnitLevel === 'commune'
            ? /^\d{5}$/.test(v)
            : /^(\d{2}|\d{5})$/.test(v);
      return ok ? v : fail(run, path, 'FORM_INVALID_ADMIN_UNIT');
    }
    case 'group':
      return undefined;
  }
}

/** Validates the fields of one scope; `outer` holds the values of the enclosing scopes. */
function checkScope(
  run: Run,
  fields: readonly FormField[],
  input: unknown,
  prefix: string,
  outer: readonly FormValues[],
): FormValues {
  const out: FormValues = {};
  if (!isPlainObject(input)) {
    fail(run, prefix.replace(/\.$/, ''), 'FORM_NOT_AN_OBJECT');
    return out;
  }
  const known = new Set(fields.map((f) => f.key));
  let unknown = 0;
  for (const k of Object.keys(input)) {
    if (known.has(k)) continue;
    if (++unknown > 10) break;
    fail(run, `${prefix}${k.slice(0, 40)}`, 'FORM_UNKNOWN_FIELD');
  }
  const scopes = [out, ...outer];
  for (const f of fields) {
    if (run.errors.length >= FORM_LIMITS.maxErrors) break;
    const path = prefix + f.key;
    if (f.showWhen) {
      const target = f.showWhen.field;
      const holder = scopes.find((s) => Object.hasOwn(s, target));
      if (!conditionHolds(f.showWhen, holder?.[target])) continue; // hidden: ignored, never required
    }
    const raw = Object.hasOwn(input, f.key) ? input[f.key] : undefined;
    if (f.type === 'group') {
      const v = checkGroup(run, f, path, raw, scopes);
      if (v !== undefined) out[f.key] = v;
      continue;
    }
    if (f.type === 'checkbox' ? truthy(raw) === false : isEmpty(raw)) {
      if (f.required) fail(run, path, 'FORM_REQUIRED');
      else if (f.type === 'checkbox') out[f.key] = false;
      continue;
    }
    const v = checkValue(run, f, path, raw);
    if (v !== undefined) out[f.key] = v;
  }
  return out;
}

function checkGroup(
  run: Run,
  f: FormField,
  path: string,
  raw: unknown,
  scopes: readonly FormValues[],
): FormValue | undefined {
  const fields = f.fields ?? [];
  if (!f.repeatable) {
    if (isEmpty(raw)) {
      if (f.required) return fail(run, path, 'FORM_REQUIRED');
      raw = {};
    }
    return checkScope(run, fields, raw, `${path}.`, scopes);
  }
  if (raw === undefined || raw === null || raw === '') raw = [];
  if (!Array.isArray(raw)) return fail(run, path, 'FORM_NOT_A_LIST');
  const max = Math.min(f.maxItems ?? FORM_LIMITS.maxItems, FORM_LIMITS.maxItems);
  // Refused before looking at any item: a huge list costs nothing.
  if (raw.length > max) return fail(run, path, 'FORM_TOO_MANY_ITEMS', { max });
  const min = f.minItems ?? (f.required ? 1 : 0);
  if (raw.length < min)
    return fail(run, path, raw.length === 0 && f.required ? 'FORM_REQUIRED' : 'FORM_TOO_FEW_ITEMS', { min });
  return raw.map((item, i) => checkScope(run, fields, item, `${path}.${i}.`, scopes));
}

/**
 * Validates values filled in a form: types, required fields, lengths, patterns, ranges,
 * conditions (hidden fields are dropped, never required) and repeatable groups. Returns the
 * cleaned values (numbers as numbers, dates as yyyy-MM-dd, phones as 0xxxxxxxxx) or every
 * error with its dotted path (`children.0.fullName`) and stable code (`FORM_REQUIRED`).
 */
export function validateFormValues(
  def: FormDefinition,
  input: unknown,
  o: { today?: string } = {},
): ValidationResult {
  const today = o.today ?? todayInVietnam();
  const run: Run = { errors: [], today, currentYear: Number(today.slice(0, 4)) };
  const values = checkScope(run, def.fields, input ?? {}, '', []);
  return run.errors.length === 0 ? { ok: true, values } : { ok: false, errors: run.errors };
}
