/**
 * Fees that follow the form. A procedure's fee (`Fee` in schemas.ts) may carry machine-readable
 * rules beside its words: `when` / `unless` (a condition on a form field, the same shape as a
 * field's `showWhen`), `perUnit` (a quantity read from a number field or counted from a
 * repeatable group, minus the units that are free) and `channels` (only for dossiers filed
 * through these channels). `computeFees` applies them to a form's **validated** values; the
 * dossiers module calls it on the server at submission and charges exactly its total.
 *
 * A fee with a `condition` in words but no rule cannot be decided by the machine: it is not
 * charged online and is listed as "decided by the agency" (the officer asks for it, status 6).
 */
import { listFields, type FieldCondition, type FormDefinition, type FormIssue } from './form/definition.ts';
import { conditionHolds, type FormValue, type FormValues } from './form/validate.ts';
import type { Fee, ProcedureContent } from './schemas.ts';

export type FilingChannel = 'online' | 'counter' | 'post';

/** One fee of a dossier as computed from its values. */
export interface FeeLine {
  /** Position of the fee in the procedure's list (stable within a version). */
  index: number;
  kind: Fee['kind'];
  name: string;
  /** Amount of one unit, whole đồng. */
  unitAmount: number;
  quantity: number;
  /** unitAmount × quantity. */
  amount: number;
  /** The catalogue's words, when it has some. */
  condition?: string | undefined;
}

export interface FeeComputation {
  /** Fees charged online, in the catalogue's order; lines of 0 đồng are kept (a free registration). */
  lines: FeeLine[];
  total: number;
  /** Fees whose condition is words only: the agency decides, nothing is charged for them online. */
  decidedByAgency: { index: number; name: string; amount: number; condition: string }[];
}

/** The value at a dotted path of top-level or nested (non-repeatable) fields, or a list. */
function valueAt(values: FormValues, path: string): FormValue | undefined {
  let current: FormValue | undefined = values;
  for (const part of path.split('.')) {
    if (current === undefined || current === null || typeof current !== 'object' || Array.isArray(current))
      return undefined;
    current = Object.hasOwn(current, part) ? current[part] : undefined;
  }
  return current;
}

const holds = (c: FieldCondition, values: FormValues) => conditionHolds(c, valueAt(values, c.field));

/** Units a `perUnit` rule counts: a number field's value, or the items of a repeatable group. */
function units(rule: NonNullable<Fee['perUnit']>, values: FormValues): number {
  const v = valueAt(values, rule.field);
  const raw = Array.isArray(v) ? v.length : typeof v === 'number' ? v : Number(v ?? 0);
  const n = Number.isFinite(raw) ? Math.max(0, Math.floor(raw)) : 0;
  const capped = rule.max === undefined ? n : Math.min(n, rule.max);
  return Math.max(0, capped - (rule.free ?? 0));
}

/** Has the fee a rule the machine applies (otherwise its words alone decide)? */
export const feeHasRule = (f: Fee): boolean =>
  f.when !== undefined || f.unless !== undefined || f.perUnit !== undefined || f.channels !== undefined;

/**
 * The fees of a dossier from its validated form values and the channel it is filed through.
 * Pure: the same version and values always give the same lines and total.
 */
export function computeFees(
  content: Pick<ProcedureContent, 'fees'>,
  values: FormValues,
  channel: FilingChannel = 'online',
): FeeComputation {
  const lines: FeeLine[] = [];
  const decidedByAgency: FeeComputation['decidedByAgency'] = [];
  content.fees.forEach((f, index) => {
    if (!feeHasRule(f) && f.condition) {
      decidedByAgency.push({ index, name: f.name, amount: f.amount, condition: f.condition });
      return;
    }
    if (f.channels && !f.channels.includes(channel)) return;
    if (f.when && !holds(f.when, values)) return;
    if (f.unless && holds(f.unless, values)) return;
    const quantity = f.perUnit ? units(f.perUnit, values) : 1;
    if (quantity === 0) return;
    lines.push({
      index,
      kind: f.kind,
      name: f.name,
      unitAmount: f.amount,
      quantity,
      amount: f.amount * quantity,
      condition: f.condition,
    });
  });
  return { lines, total: lines.reduce((s, l) => s + l.amount, 0), decidedByAgency };
}

/**
 * What a fee rule may name: fields outside repeatable groups (conditions on a simple field; a
 * quantity from a number field, a select of whole numbers or a repeatable group). Issues carry the fee's path.
 */
export function checkFeeRules(fees: readonly Fee[], form: FormDefinition): FormIssue[] {
  const issues: FormIssue[] = [];
  const fields = listFields(form);
  const inList = new Set<string>();
  for (const x of fields) if (x.field.type === 'group' && x.field.repeatable) inList.add(`${x.path}.`);
  const reachable = new Map(
    fields.filter((x) => ![...inList].some((p) => x.path.startsWith(p))).map((x) => [x.path, x.field]),
  );
  fees.forEach((f, i) => {
    for (const key of ['when', 'unless'] as const) {
      const c = f[key];
      if (!c) continue;
      const target = reachable.get(c.field);
      if (!target || target.type === 'group')
        issues.push({ path: `fees.${i}.${key}.field`, code: 'SERVICES_FEE_UNKNOWN_FIELD' });
    }
    if (f.perUnit) {
      const target = reachable.get(f.perUnit.field);
      const countable =
        target &&
        (target.type === 'number' ||
          (target.type === 'group' && target.repeatable) ||
          (target.type === 'select' && (target.options ?? []).every((o) => /^\d{1,4}$/.test(o.value))));
      if (!countable) issues.push({ path: `fees.${i}.perUnit.field`, code: 'SERVICES_FEE_NOT_A_QUANTITY' });
    }
  });
  return issues;
}
