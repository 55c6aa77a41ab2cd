/**
 * The form of a procedure, defined as data: fields with types, validation rules, conditions
 * and repeatable groups. One zod schema checks the shape (and gives the OpenAPI document);
 * `checkFormDefinition` checks what a shape cannot say (counts, duplicate keys, ranges,
 * references of conditions, safe patterns). Both report stable `FORM_DEF_*` codes.
 */
import { z } from 'zod';

export const fieldTypes = [
  'text',
  'textarea',
  'number',
  'date',
  'select',
  'checkbox',
  'personal_id',
  'phone',
  'email',
  'agency',
  'admin_unit',
  'group',
] as const;
export type FieldType = (typeof fieldTypes)[number];

/** Limits of a form definition and of the values filled in it. */
export const FORM_LIMITS = {
  /** Fields in the whole form, groups and their nested fields included. */
  maxFields: 200,
  /** Levels of fields: the form itself plus up to three nested groups. */
  maxDepth: 4,
  maxOptions: 500,
  /** Items of a repeatable group. */
  maxItems: 100,
  /** Characters of a text value (a field may set a lower maxLength). */
  maxTextLength: 10_000,
  defaultTextLength: 1_000,
  defaultTextareaLength: 5_000,
  maxPatternLength: 200,
  /** Errors reported for one submission; validation stops after that many. */
  maxErrors: 100,
} as const;

export type ConditionValue = string | number | boolean;

/** A field is shown (and validated) only when an earlier field of its scope matches. */
export interface FieldCondition {
  field: string;
  equals?: ConditionValue | undefined;
  in?: string[] | undefined;
  /** True: shown when the field has any value; false: shown when it is empty. */
  filled?: boolean | undefined;
}

export interface FieldOption {
  value: string;
  label: string;
}

export interface FormField {
  key: string;
  type: FieldType;
  /** Label in Vietnamese (procedure content is Vietnamese data). */
  label: string;
  labelEn?: string | undefined;
  hint?: string | undefined;
  required?: boolean | undefined;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  /** A regular expression the whole text must match (anchored by the validator). */
  pattern?: string | undefined;
  min?: number | undefined;
  max?: number | undefined;
  /** `yyyy-MM-dd` or `today`. */
  minDate?: string | undefined;
  maxDate?: string | undefined;
  options?: FieldOption[] | undefined;
  /** Agency picker: agency kinds of the directory to choose from. */
  agencyKinds?: string[] | undefined;
  /** Administrative-unit picker: a province (2 digits) or a commune (5 digits). */
  adminUnitLevel?: 'province' | 'commune' | undefined;
  showWhen?: FieldCondition | undefined;
  /** Group only: the value is a list of items. */
  repeatable?: boolean | undefined;
  minItems?: number | undefined;
  maxItems?: number | undefined;
  /** Group only. */
  fields?: FormField[] | undefined;
}

export interface FormDefinition {
  fields: FormField[];
}

const KEY = /^[a-z][a-zA-Z0-9_]{0,39}$/;
const key = z.string().max(40).regex(KEY, 'FORM_DEF_BAD_KEY');
const dateBound = z
  .string()
  .max(10)
  .regex(/^(today|\d{4}-\d{2}-\d{2})$/, 'FORM_DEF_BAD_DATE');
const conditionSchema = z
  .object({
    field: key,
    equals: z.union([z.string().max(200), z.number(), z.boolean()]).optional(),
    in: z.array(z.string().max(200)).max(50).optional(),
    filled: z.boolean().optional(),
  })
  .strict();
const optionSchema = z
  .object({ value: z.string().trim().min(1).max(100), label: z.string().trim().min(1).max(300) })
  .strict();

const fieldBase = {
  key,
  label: z.string().trim().min(1).max(300),
  labelEn: z.string().trim().max(300).optional(),
  hint: z.string().max(1000).optional(),
  required: z.boolean().optional(),
  minLength: z.number().int().min(0).max(FORM_LIMITS.maxTextLength).optional(),
  maxLength: z.number().int().min(1).max(FORM_LIMITS.maxTextLength).optional(),
  pattern: z.string().min(1).max(FORM_LIMITS.maxPatternLength).optional(),
  min: z.number().min(-1e15).max(1e15).optional(),
  max: z.number().min(-1e15).max(1e15).optional(),
  minDate: dateBound.optional(),
  maxDate: dateBound.optional(),
  options: z.array(optionSchema).max(FORM_LIMITS.maxOptions).optional(),
  agencyKinds: z.array(z.string().max(40)).max(10).optional(),
  adminUnitLevel: z.enum(['province', 'commune']).optional(),
  showWhen: conditionSchema.optional(),
  repeatable: z.boolean().optional(),
  minItems: z.number().int().min(0).max(FORM_LIMITS.maxItems).optional(),
  maxItems: z.number().int().min(1).max(FORM_LIMITS.maxItems).optional(),
};

/**
 * The schema of a field that may hold `levels` more levels below it. Built without recursion
 * so that a hostile, deeply nested document stops at the depth limit instead of the stack.
 */
function fieldSchema(levels: number): z.ZodType<FormField> {
  if (levels <= 1) {
    return z
      .object({
        ...fieldBase,
        type: z.enum(fieldTypes).refine((t) => t !== 'group', 'FORM_DEF_TOO_DEEP'),
        fields: z.array(z.unknown()).max(0, 'FORM_DEF_TOO_DEEP').optional(),
      })
      .strict() as z.ZodType<FormField>;
  }
  return z
    .object({
      ...fieldBase,
      type: z.enum(fieldTypes),
      fields: z
        .array(fieldSchema(levels - 1))
        .max(FORM_LIMITS.maxFields, 'FORM_DEF_TOO_MANY_FIELDS')
        .optional(),
    })
    .strict();
}

/** A problem of a definition or of filled values: a stable code and the path of the field. */
export interface FormIssue {
  path: string;
  code: string;
  params?: Record<string, string | number> | undefined;
}

/** The zod schema of a form definition, semantic checks included (for routes and OpenAPI). */
export const formDefinitionSchema = z
  .object({
    fields: z.array(fieldSchema(FORM_LIMITS.maxDepth)).max(FORM_LIMITS.maxFields, 'FORM_DEF_TOO_MANY_FIELDS'),
  })
  .strict()
  .superRefine((def, ctx) => {
    for (const issue of checkFormDefinition(def))
      ctx.addIssue({ code: 'custom', message: issue.code, path: issue.path.split('.').filter(Boolean) });
  })
  .meta({ id: 'FormDefinition', description: 'A procedure form defined as data' });

/** Is `pattern` a regular expression we are willing to run on citizens' input? */
export function safePattern(pattern: string): boolean {
  // Backreferences and a quantified group that itself contains a quantifier are the usual
  // roots of catastrophic backtracking; such patterns are refused.
  if (/\\[1-9]|\\k</.test(pattern)) return false;
  if (/\([^()]*[+*}][^()]*\)\s*[+*{]/.test(pattern)) return false;
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** Everything a shape cannot check; an empty list means the definition is usable. */
export function checkFormDefinition(def: FormDefinition): FormIssue[] {
  const issues: FormIssue[] = [];
  let count = 0;
  const walk = (fields: readonly FormField[], path: string, depth: number, outer: readonly string[]) => {
    const seen = new Set<string>();
    const earlier: string[] = [];
    fields.forEach((f, i) => {
      count += 1;
      const at = `${path}fields.${i}`;
      if (seen.has(f.key)) issues.push({ path: `${at}.key`, code: 'FORM_DEF_DUPLICATE_KEY' });
      seen.add(f.key);
      if (f.type === 'select' && (!f.options || f.options.length === 0))
        issues.push({ path: `${at}.options`, code: 'FORM_DEF_OPTIONS_REQUIRED' });
      if (f.options && new Set(f.options.map((o) => o.value)).size !== f.options.length)
        issues.push({ path: `${at}.options`, code: 'FORM_DEF_DUPLICATE_OPTION' });
      const ranges: [number | string | undefined, number | string | undefined, string][] = [
        [f.minLength, f.maxLength, 'maxLength'],
        [f.min, f.max, 'max'],
        [f.minItems, f.maxItems, 'maxItems'],
        [
          f.minDate === 'today' ? undefined : f.minDate,
          f.maxDate === 'today' ? undefined : f.maxDate,
          'maxDate',
        ],
      ];
      for (const [lo, hi, name] of ranges)
        if (lo !== undefined && hi !== undefined && lo > hi)
          issues.push({ path: `${at}.${name}`, code: 'FORM_DEF_RANGE' });
      if (f.pattern !== undefined && !safePattern(f.pattern))
        issues.push({ path: `${at}.pattern`, code: 'FORM_DEF_BAD_PATTERN' });
      if (f.type !== 'group' && (f.repeatable || f.fields !== undefined))
        issues.push({ path: `${at}.type`, code: 'FORM_DEF_NOT_A_GROUP' });
      if (f.showWhen) {
        const target = f.showWhen.field;
        if (target === f.key || (!earlier.includes(target) && !outer.includes(target)))
          issues.push({ path: `${at}.showWhen.field`, code: 'FORM_DEF_CONDITION_UNKNOWN_FIELD' });
      }
      if (f.type === 'group') {
        if (!f.fields || f.fields.length === 0)
          issues.push({ path: `${at}.fields`, code: 'FORM_DEF_GROUP_EMPTY' });
        else if (depth >= FORM_LIMITS.maxDepth) issues.push({ path: at, code: 'FORM_DEF_TOO_DEEP' });
        else walk(f.fields, `${at}.`, depth + 1, [...outer, ...earlier]);
      } else {
        // Only simple fields can be the subject of a condition.
        earlier.push(f.key);
      }
    });
  };
  walk(def.fields, '', 1, []);
  if (count > FORM_LIMITS.maxFields)
    issues.unshift({
      path: 'fields',
      code: 'FORM_DEF_TOO_MANY_FIELDS',
      params: { max: FORM_LIMITS.maxFields },
    });
  return issues;
}

/** Parses untrusted JSON into a definition, or lists every problem with its path and code. */
export function parseFormDefinition(
  input: unknown,
): { ok: true; definition: FormDefinition } | { ok: false; issues: FormIssue[] } {
  const parsed = formDefinitionSchema.safeParse(input);
  if (parsed.success) return { ok: true, definition: parsed.data };
  const issues = parsed.error.issues.slice(0, FORM_LIMITS.maxErrors).map((i) => ({
    path: i.path.map(String).join('.'),
    code: i.message.startsWith('FORM_DEF_') ? i.message : 'FORM_DEF_INVALID',
    ...(i.message.startsWith('FORM_DEF_') ? {} : { params: { detail: i.message.slice(0, 200) } }),
  }));
  return { ok: false, issues };
}

/** Every field of a definition with its dotted key path (groups included), in order. */
export function listFields(def: FormDefinition): { path: string; field: FormField; depth: number }[] {
  const out: { path: string; field: FormField; depth: number }[] = [];
  const walk = (fields: readonly FormField[], prefix: string, depth: number) => {
    for (const f of fields) {
      out.push({ path: prefix + f.key, field: f, depth });
      if (f.fields) walk(f.fields, `${prefix}${f.key}.`, depth + 1);
    }
  };
  walk(def.fields, '', 1);
  return out;
}
