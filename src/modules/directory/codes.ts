/**
 * Identifier codes of agencies: schemes, parsing and normalisation. Pure functions, no I/O.
 * QĐ20 codes (`DDD.DD.DD.XNN`) are read right to left; shortened forms are padded on the left.
 */
export const codeSchemes = ['QD20', 'SHORT', 'TAX', 'NODE', 'ADMIN_UNIT', 'LOCAL'] as const;
export type CodeScheme = (typeof codeSchemes)[number];

/** The full 13-character form of a QĐ 20/2020 identifier code. */
export const QD20_PATTERN = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
const LEVEL1 = /^[A-Z]\d{2}$/;
const TAX = /^\d{10}(-\d{3})?$/;
const ADMIN_UNIT = /^(\d{2}|\d{5})$/;
const FREE = /^[A-Za-z0-9._:/-]{1,100}$/;
const QD20_DEFAULT_GROUPS = ['000', '00', '00'];

export function isCodeScheme(value: string): value is CodeScheme {
  return (codeSchemes as readonly string[]).includes(value);
}

/** `28.22.H17` → `000.28.22.H17`, `g12` → `000.00.00.G12`; null when it cannot be a QĐ20 code. */
export function normaliseQd20(raw: string): string | null {
  const groups = raw.trim().toUpperCase().split('.');
  if (groups.length > 4 || groups.some((g) => g === '')) return null;
  const padded = [...QD20_DEFAULT_GROUPS.slice(0, 4 - groups.length), ...groups].join('.');
  return QD20_PATTERN.test(padded) ? padded : null;
}

/** The normalised form of `raw` in `scheme`, or null when it does not fit the scheme. */
export function normaliseCode(scheme: CodeScheme, raw: string): string | null {
  const value = raw.trim();
  switch (scheme) {
    case 'QD20':
      return normaliseQd20(value);
    case 'SHORT': {
      const upper = value.toUpperCase();
      if (LEVEL1.test(upper)) return upper;
      // `000.00.00.G12` given as a short code: its level-1 group is the short code.
      const full = normaliseQd20(upper);
      return full?.startsWith('000.00.00.') ? full.slice(10) : null;
    }
    case 'TAX':
      return TAX.test(value) ? value : null;
    case 'ADMIN_UNIT':
      return ADMIN_UNIT.test(value) ? value : null;
    case 'NODE':
    case 'LOCAL':
      return FREE.test(value) ? value : null;
  }
}

export interface CodeRef {
  scheme: CodeScheme;
  code: string;
}

/** Parses `SCHEME:CODE` (as in CSV files); null when the scheme is unknown or the code invalid. */
export function parseSchemeCode(text: string): CodeRef | null {
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const scheme = text.slice(0, colon).trim().toUpperCase();
  if (!isCodeScheme(scheme)) return null;
  const code = normaliseCode(scheme, text.slice(colon + 1));
  return code === null ? null : { scheme, code };
}

/** `SCHEME:CODE` for a code reference. */
export function formatSchemeCode(ref: CodeRef): string {
  return `${ref.scheme}:${ref.code}`;
}

/**
 * Every (scheme, code) pair a code typed by someone may denote. `G12`, `000.00.00.G12` and
 * `QD20:000.00.00.G12` all denote the same level-1 agency, under both the QD20 and SHORT schemes.
 */
export function codeCandidates(raw: string): CodeRef[] {
  const text = raw.trim();
  if (text === '' || text.length > 120) return [];
  const explicit = parseSchemeCode(text);
  const base = explicit ? [explicit] : [];
  const upper = text.toUpperCase();
  const qd20 = explicit ? (explicit.scheme === 'QD20' ? explicit.code : null) : normaliseQd20(upper);
  const out: CodeRef[] = [];
  const add = (ref: CodeRef) => {
    if (!out.some((r) => r.scheme === ref.scheme && r.code === ref.code)) out.push(ref);
  };
  for (const ref of base) add(ref);
  const short = explicit?.scheme === 'SHORT' ? explicit.code : LEVEL1.test(upper) ? upper : null;
  if (qd20) {
    add({ scheme: 'QD20', code: qd20 });
    if (qd20.startsWith('000.00.00.')) add({ scheme: 'SHORT', code: qd20.slice(10) });
  }
  if (short) {
    add({ scheme: 'SHORT', code: short });
    add({ scheme: 'QD20', code: `000.00.00.${short}` });
  }
  if (!explicit && !qd20) {
    for (const scheme of ['TAX', 'ADMIN_UNIT', 'NODE', 'LOCAL'] as const) {
      const code = normaliseCode(scheme, text);
      if (code !== null) add({ scheme, code });
    }
  }
  return out;
}

/** The order in which a code of an agency is shown or exported when one must be chosen. */
export const schemePreference: readonly CodeScheme[] = [
  'QD20',
  'SHORT',
  'ADMIN_UNIT',
  'TAX',
  'NODE',
  'LOCAL',
];
