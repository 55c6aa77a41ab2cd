/**
 * Checks of the identifiers citizens and businesses give: the personal identification number
 * (số định danh cá nhân, 12 digits) and the tax code (mã số thuế, 10 digits or 10-3 for a
 * branch). Pure functions; the rules checked are listed in the README.
 */

/**
 * Province-of-birth codes of the personal identification number: the 63 provinces before the
 * 2025 reform, as the number's first 3 digits (001 Hà Nội … 096 Cà Mau). The same codes as the
 * pre-2025 `ADMIN_UNIT` province codes of the directory seed.
 */
const BIRTH_PROVINCES = new Set(
  '01,02,04,06,08,10,11,12,14,15,17,19,20,22,24,25,26,27,30,31,33,34,35,36,37,38,40,42,44,45,46,48,49,51,52,54,56,58,60,62,64,66,67,68,70,72,74,75,77,79,80,82,83,84,86,87,89,91,92,93,94,95,96'
    .split(',')
    .map((c) => `0${c}`),
);

export type PersonalIdProblem = 'format' | 'province' | 'century' | 'future_birth_year';

export interface PersonalIdFacts {
  provinceCode: string;
  sex: 'male' | 'female';
  birthYear: number;
}

/** Digits only: people type spaces and dots between groups. */
export function normalisePersonalId(value: string): string {
  return value.replace(/[\s.]/g, '');
}

/**
 * Reads a personal identification number: 3 digits province of birth, 1 digit century and sex
 * (0/1 male/female born 1900–1999, 2/3 born 2000–2099; 4–9 are later centuries, not possible
 * yet), 2 digits year of birth, 6 digits serial. The birth year may not lie in the future.
 */
export function checkPersonalId(
  value: string,
  today: Date = new Date(),
): { ok: true; facts: PersonalIdFacts } | { ok: false; problem: PersonalIdProblem } {
  const id = normalisePersonalId(value);
  if (!/^\d{12}$/.test(id)) return { ok: false, problem: 'format' };
  const provinceCode = id.slice(0, 3);
  if (!BIRTH_PROVINCES.has(provinceCode)) return { ok: false, problem: 'province' };
  const centurySex = Number(id[3]);
  if (centurySex > 3) return { ok: false, problem: 'century' };
  const birthYear = (centurySex < 2 ? 1900 : 2000) + Number(id.slice(4, 6));
  if (birthYear > today.getUTCFullYear()) return { ok: false, problem: 'future_birth_year' };
  return { ok: true, facts: { provinceCode, sex: centurySex % 2 === 0 ? 'male' : 'female', birthYear } };
}

export type TaxCodeProblem = 'format' | 'check_digit';

const TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/** The check digit of a 10-digit tax code from its first 9 digits, or null when none exists. */
export function taxCheckDigit(first9: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (TAX_WEIGHTS[i] ?? 0);
  const digit = 10 - (sum % 11);
  return digit === 10 ? null : digit;
}

/**
 * Checks a tax code: `0100107370` (10 digits, the last a check digit: 10 − Σ dᵢ·wᵢ mod 11 with
 * weights 31 29 23 19 17 13 7 5 3) or a branch `0100107370-001` (the 3-digit suffix may also
 * come without the dash). Returns the normalised form `0100107370` or `0100107370-001`.
 */
export function checkTaxCode(
  value: string,
): { ok: true; taxCode: string } | { ok: false; problem: TaxCodeProblem } {
  const compact = value.replace(/\s/g, '');
  const match = /^(\d{10})(?:-?(\d{3}))?$/.exec(compact);
  if (!match?.[1]) return { ok: false, problem: 'format' };
  const base = match[1];
  if (taxCheckDigit(base.slice(0, 9)) !== Number(base[9])) return { ok: false, problem: 'check_digit' };
  if (match[2] === '000') return { ok: false, problem: 'format' };
  return { ok: true, taxCode: match[2] ? `${base}-${match[2]}` : base };
}

/** A Vietnamese mobile number in its national form `0xxxxxxxxx` (from `+84…`, `84…` or spaced input), or null. */
export function normalisePhone(value: string): string | null {
  let digits = value.replace(/[\s.()-]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (/^84\d{9}$/.test(digits)) digits = `0${digits.slice(2)}`;
  return /^0[35789]\d{8}$/.test(digits) ? digits : null;
}

/** A loose email check (one @, a dot in the domain, no spaces); the verification code proves the rest. */
export function normaliseEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/.test(email)) return null;
  return email;
}
