/**
 * Rules across indicators, as a small safe language: a comparison of two sums of indicator
 * codes and numbers, e.g. `on_time + late <= received` or `share_online <= 100`: only `+` and
 * `-` between terms, exactly one comparison (`<=`, `<`, `>=`, `>`, `=`, `!=`).
 * Parsed into a tree once; evaluated without eval. A rule whose codes are missing is not checked
 * (required-ness is checked per indicator).
 */

export type Comparator = '<=' | '<' | '>=' | '>' | '=' | '!=';

export interface Term {
  sign: 1 | -1;
  code?: string;
  number?: number;
}

export interface ParsedRule {
  left: Term[];
  op: Comparator;
  right: Term[];
  /** Indicator codes the rule mentions. */
  codes: string[];
}

export class RuleSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSyntaxError';
  }
}

const TOKEN = /\s*(?:(<=|>=|!=|==|<|>|=)|([+-])|([a-z][a-z0-9_]{0,39})|(\d+(?:\.\d+)?))/y;
const MAX_RULE = 500;

function parseSide(tokens: { kind: string; text: string }[]): Term[] {
  const terms: Term[] = [];
  let sign: 1 | -1 = 1;
  let expectTerm = true;
  for (const t of tokens) {
    if (t.kind === 'sign') {
      if (expectTerm && terms.length > 0) throw new RuleSyntaxError('two operators in a row');
      if (!expectTerm) expectTerm = true;
      sign = t.text === '-' ? ((sign * -1) as 1 | -1) : sign;
      continue;
    }
    if (!expectTerm) throw new RuleSyntaxError(`operator expected before "${t.text}"`);
    terms.push(t.kind === 'code' ? { sign, code: t.text } : { sign, number: Number(t.text) });
    sign = 1;
    expectTerm = false;
  }
  if (terms.length === 0 || expectTerm) throw new RuleSyntaxError('a side of the comparison is empty');
  return terms;
}

/** Parses a rule or throws RuleSyntaxError with a plain reason. */
export function parseRule(text: string): ParsedRule {
  if (text.length > MAX_RULE) throw new RuleSyntaxError('rule too long');
  const tokens: { kind: 'cmp' | 'sign' | 'code' | 'number'; text: string }[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new RuleSyntaxError(`unexpected text at ${at + 1}: "${text.slice(at, at + 10)}"`);
    at = TOKEN.lastIndex;
    if (m[1]) tokens.push({ kind: 'cmp', text: m[1] === '==' ? '=' : m[1] });
    else if (m[2]) tokens.push({ kind: 'sign', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'code', text: m[3] });
    else tokens.push({ kind: 'number', text: m[4] ?? '0' });
  }
  const cmp = tokens.filter((t) => t.kind === 'cmp');
  if (cmp.length !== 1) throw new RuleSyntaxError('exactly one comparison is needed');
  const i = tokens.findIndex((t) => t.kind === 'cmp');
  const left = parseSide(tokens.slice(0, i));
  const right = parseSide(tokens.slice(i + 1));
  const codes = [...new Set([...left, ...right].flatMap((t) => (t.code ? [t.code] : [])))];
  return { left, op: cmp[0]!.text as Comparator, right, codes };
}

function sum(terms: Term[], values: ReadonlyMap<string, number>): number | null {
  let total = 0;
  for (const t of terms) {
    const v = t.code === undefined ? (t.number ?? 0) : values.get(t.code);
    if (v === undefined) return null;
    total += t.sign * v;
  }
  return total;
}

const EPSILON = 1e-9;

/** True when the rule holds, false when it fails, null when a value it needs is missing. */
export function evaluateRule(rule: ParsedRule, values: ReadonlyMap<string, number>): boolean | null {
  const l = sum(rule.left, values);
  const r = sum(rule.right, values);
  if (l === null || r === null) return null;
  switch (rule.op) {
    case '<=':
      return l <= r + EPSILON;
    case '<':
      return l < r - EPSILON;
    case '>=':
      return l + EPSILON >= r;
    case '>':
      return l > r + EPSILON;
    case '=':
      return Math.abs(l - r) <= EPSILON;
    case '!=':
      return Math.abs(l - r) > EPSILON;
  }
}
