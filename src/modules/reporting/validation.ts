/**
 * Checks of regime definitions and of submitted values: types, required, ranges, choices and
 * rules across indicators. Pure functions; messages in Vietnamese and English.
 */
import type { Text } from '../../platform/i18n/index.ts';
import { evaluateRule, parseRule, RuleSyntaxError, type ParsedRule } from './expressions.ts';
import type { Indicator, RegimeDefinition, Rule, Values } from './schemas.ts';

/** A problem with one field (an indicator code, or `rules.N` for a rule across indicators). */
export interface ValueError {
  field: string;
  message: Text;
}

const numeric = (i: Indicator) => i.type === 'number' || i.type === 'percentage';

/** Problems in a regime definition before it is saved: codes, weights, options and rules. */
export function checkDefinition(def: RegimeDefinition): ValueError[] {
  const errors: ValueError[] = [];
  const byCode = new Map<string, Indicator>();
  def.indicators.forEach((ind, i) => {
    if (byCode.has(ind.code))
      errors.push({
        field: `indicators.${i}.code`,
        message: { vi: `Mã chỉ tiêu ${ind.code} bị trùng.`, en: `Indicator code ${ind.code} is repeated.` },
      });
    byCode.set(ind.code, ind);
  });
  def.indicators.forEach((ind, i) => {
    const field = `indicators.${i}`;
    if (ind.type === 'choice' && ind.options.length === 0)
      errors.push({
        field,
        message: { vi: `Chỉ tiêu ${ind.code} cần danh sách lựa chọn.`, en: `${ind.code} needs options.` },
      });
    if (!numeric(ind) && ind.aggregation !== 'none')
      errors.push({
        field,
        message: {
          vi: `Chỉ tiêu ${ind.code} không phải số nên không tổng hợp được (chọn "none").`,
          en: `${ind.code} is not numeric, so its aggregation must be "none".`,
        },
      });
    if (ind.aggregation === 'weighted_average') {
      const w = ind.weightCode ? byCode.get(ind.weightCode) : undefined;
      if (!w || !numeric(w) || w.code === ind.code)
        errors.push({
          field,
          message: {
            vi: `Chỉ tiêu ${ind.code} cần một chỉ tiêu số khác làm trọng số.`,
            en: `${ind.code} needs another numeric indicator as its weight.`,
          },
        });
    }
    if (ind.min !== null && ind.max !== null && ind.min > ind.max)
      errors.push({ field, message: { vi: 'Giá trị nhỏ nhất lớn hơn lớn nhất.', en: 'min is above max.' } });
  });
  def.rules.forEach((rule, i) => {
    const field = `rules.${i}`;
    try {
      const parsed = parseRule(rule.expression);
      for (const code of parsed.codes) {
        const ind = byCode.get(code);
        if (!ind || !numeric(ind))
          errors.push({
            field,
            message: {
              vi: `Quy tắc nhắc đến "${code}" không phải chỉ tiêu số của chế độ.`,
              en: `The rule names "${code}", which is not a numeric indicator of the regime.`,
            },
          });
      }
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      errors.push({
        field,
        message: {
          vi: `Quy tắc không đúng cú pháp: ${error.message}.`,
          en: `Rule syntax: ${error.message}.`,
        },
      });
    }
  });
  return errors;
}

/** Reads a number typed by a person: "1234.5", "1234,5", "1.234,5", "1.200" (thousands) or "1,234.5". */
export function parseNumber(input: string): number | null {
  let s = input.replace(/[\s\u00a0]/g, '');
  if (s === '') return null;
  const comma = s.lastIndexOf(',');
  const dot = s.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) {
    // The later separator is the decimal one.
    s = comma > dot ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  } else if (comma >= 0) {
    s = (s.match(/,/g) ?? []).length > 1 ? s.replace(/,/g, '') : s.replace(',', '.');
  } else if (/^-?[1-9]\d{0,2}(\.\d{3})+$/.test(s)) {
    // Vietnamese first: "1.200" and "1.234.567" group thousands with dots.
    s = s.replace(/\./g, '');
  }
  if (!/^-?\d+(\.\d+)?$/.test(s)) return Number.NaN;
  return Number(s);
}

export interface CheckedValues {
  /** Values that passed the type checks, by code (numbers as numbers, text as strings). */
  values: Map<string, number | string>;
  errors: ValueError[];
}

/**
 * Checks values against the indicators. `complete` (on submit) also checks required values and
 * the rules across indicators; a draft only needs well-typed values.
 */
export function checkValues(
  indicators: readonly Indicator[],
  rules: readonly Rule[],
  input: Values | Record<string, string>,
  o: { complete: boolean },
): CheckedValues {
  const errors: ValueError[] = [];
  const values = new Map<string, number | string>();
  const known = new Set(indicators.map((i) => i.code));
  for (const code of Object.keys(input))
    if (!known.has(code))
      errors.push({
        field: code,
        message: { vi: `Không có chỉ tiêu mã ${code}.`, en: `There is no indicator ${code}.` },
      });
  for (const ind of indicators) {
    const raw = Object.hasOwn(input, ind.code) ? input[ind.code] : undefined;
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (o.complete && ind.required)
        errors.push({
          field: ind.code,
          message: { vi: `Hãy nhập "${ind.name}".`, en: `Enter "${ind.name}".` },
        });
      continue;
    }
    if (numeric(ind)) {
      const n = typeof raw === 'number' ? raw : parseNumber(String(raw));
      if (n === null || !Number.isFinite(n)) {
        errors.push({
          field: ind.code,
          message: { vi: `"${ind.name}" phải là một số.`, en: `"${ind.name}" must be a number.` },
        });
        continue;
      }
      const min = ind.min ?? (ind.type === 'percentage' ? 0 : null);
      const max = ind.max ?? (ind.type === 'percentage' ? 100 : null);
      if ((min !== null && n < min) || (max !== null && n > max)) {
        const range = `${min ?? '…'} – ${max ?? '…'}`;
        errors.push({
          field: ind.code,
          message: {
            vi: `"${ind.name}" phải trong khoảng ${range}.`,
            en: `"${ind.name}" must be within ${range}.`,
          },
        });
        continue;
      }
      values.set(ind.code, n);
      continue;
    }
    const text = String(raw).trim();
    if (ind.type === 'choice' && !ind.options.includes(text)) {
      errors.push({
        field: ind.code,
        message: { vi: `Hãy chọn một giá trị trong danh sách.`, en: `Choose one of the listed values.` },
      });
      continue;
    }
    values.set(ind.code, text.slice(0, 2000));
  }
  if (o.complete && errors.length === 0) {
    const numbers = new Map<string, number>();
    for (const [k, v] of values) if (typeof v === 'number') numbers.set(k, v);
    rules.forEach((rule, i) => {
      let parsed: ParsedRule;
      try {
        parsed = parseRule(rule.expression);
      } catch {
        return; // checked when the regime was saved
      }
      if (evaluateRule(parsed, numbers) === false)
        errors.push({
          field: parsed.codes[0] ?? `rules.${i}`,
          message: {
            vi: rule.message || `Số liệu không thỏa quy tắc: ${rule.expression}.`,
            en: rule.message || `The values break the rule: ${rule.expression}.`,
          },
        });
    });
  }
  return { values, errors };
}
