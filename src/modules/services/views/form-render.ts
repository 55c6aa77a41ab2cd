/**
 * A form defined as data rendered as plain HTML inputs (no JavaScript), and the posted form
 * turned back into nested values for `validateFormValues`. Input names are `f.<path>`, e.g.
 * `f.members.0.name`; the administrators' preview and the citizens' dossier form share them.
 */
import type { Locale } from '../../../platform/i18n/index.ts';
import { checkboxes, input, select, textarea } from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { FORM_LIMITS, type FormDefinition, type FormField, type FormIssue } from '../form/definition.ts';
import { m } from './messages.ts';

type Posted = Record<string, string | string[] | undefined>;
type Raw = Record<string, unknown>;

export function fieldLabel(f: FormField, locale: Locale): string {
  return locale === 'en' && f.labelEn ? f.labelEn : f.label;
}

/** The field a dotted value path points at (`members.0.name` → the `name` field of `members`). */
export function fieldAt(def: FormDefinition, path: string): FormField | undefined {
  let fields: readonly FormField[] | undefined = def.fields;
  let found: FormField | undefined;
  for (const part of path.split('.')) {
    if (/^\d+$/.test(part)) continue;
    found = fields?.find((f) => f.key === part);
    if (!found) return undefined;
    fields = found.fields;
  }
  return found;
}

/** A validation error in plain words, naming the field's label. */
export function formErrorMessage(issue: FormIssue, def: FormDefinition, locale: Locale): string {
  const f = fieldAt(def, issue.path);
  const label = f ? fieldLabel(f, locale) : issue.path.slice(0, 60);
  const key = (
    (CODES as readonly string[]).includes(issue.code) ? issue.code : 'FORM_INVALID_TYPE'
  ) as (typeof CODES)[number];
  return m.t(key, locale, { label, ...(issue.params ?? {}) });
}
const CODES = [
  'FORM_REQUIRED',
  'FORM_TOO_SHORT',
  'FORM_TOO_LONG',
  'FORM_PATTERN',
  'FORM_NOT_A_NUMBER',
  'FORM_TOO_SMALL',
  'FORM_TOO_LARGE',
  'FORM_INVALID_DATE',
  'FORM_DATE_TOO_EARLY',
  'FORM_DATE_TOO_LATE',
  'FORM_INVALID_OPTION',
  'FORM_INVALID_TYPE',
  'FORM_INVALID_PERSONAL_ID',
  'FORM_INVALID_PHONE',
  'FORM_INVALID_EMAIL',
  'FORM_INVALID_AGENCY',
  'FORM_INVALID_ADMIN_UNIT',
  'FORM_TOO_FEW_ITEMS',
  'FORM_TOO_MANY_ITEMS',
  'FORM_NOT_A_LIST',
  'FORM_NOT_AN_OBJECT',
  'FORM_UNKNOWN_FIELD',
] as const;

function scalar(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function isBlank(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.every(isBlank);
  if (typeof v === 'object') return Object.values(v).every(isBlank);
  return false;
}

/** Turns posted `f.<path>` fields into the nested values the validator expects. */
export function valuesFromFormPost(def: FormDefinition, body: Posted): Raw {
  const keys = Object.keys(body);
  const one = (name: string) => {
    const v = body[`f.${name}`];
    return Array.isArray(v) ? v[0] : v;
  };
  const collect = (fields: readonly FormField[], prefix: string): Raw => {
    const out: Raw = {};
    for (const f of fields) {
      const name = prefix + f.key;
      if (f.type === 'group' && f.repeatable) {
        const start = `f.${name}.`;
        const indices = new Set<number>();
        for (const k of keys) {
          if (!k.startsWith(start)) continue;
          const n = Number(k.slice(start.length).split('.')[0]);
          if (Number.isInteger(n) && n >= 0 && n < 1000) indices.add(n);
          if (indices.size > FORM_LIMITS.maxItems) break;
        }
        out[f.key] = [...indices]
          .sort((a, b) => a - b)
          .map((i) => collect(f.fields ?? [], `${name}.${i}.`))
          .filter((item) => !isBlank(item));
      } else if (f.type === 'group') {
        out[f.key] = collect(f.fields ?? [], `${name}.`);
      } else if (f.type === 'checkbox') {
        if (one(name) !== undefined) out[f.key] = 'on';
      } else {
        const v = one(name);
        if (v !== undefined) out[f.key] = v;
      }
    }
    return out;
  };
  return collect(def.fields, '');
}

interface RenderOptions {
  locale: Locale;
  errors?: readonly FormIssue[];
  def: FormDefinition;
}

function renderField(f: FormField, path: string, value: unknown, o: RenderOptions): SafeHtml {
  const l = o.locale;
  const name = `f.${path}`;
  const label = fieldLabel(f, l) + (f.required ? ' *' : '');
  const issue = o.errors?.find((e) => e.path === path);
  const error = issue ? formErrorMessage(issue, o.def, l) : undefined;
  const conditionHint = f.showWhen
    ? m.t('shownWhen', l, {
        field: (() => {
          const target = o.def && fieldAt(o.def, f.showWhen.field);
          return target ? fieldLabel(target, l) : f.showWhen.field;
        })(),
      })
    : undefined;
  const hint = [f.hint, conditionHint].filter(Boolean).join(' — ') || undefined;
  switch (f.type) {
    case 'group': {
      const legend = fieldLabel(f, l);
      if (!f.repeatable) {
        const v = (value && typeof value === 'object' ? value : {}) as Raw;
        return html`<fieldset class="field" id="f-${name}">
          <legend>${legend}</legend>
          ${(f.fields ?? []).map((c) => renderField(c, `${path}.${c.key}`, v[c.key], o))}
        </fieldset>`;
      }
      const items = (Array.isArray(value) ? value : []) as Raw[];
      const max = Math.min(f.maxItems ?? FORM_LIMITS.maxItems, FORM_LIMITS.maxItems);
      const shown = Math.min(max, Math.max(items.length + 1, f.minItems ?? 1, 1));
      return html`<fieldset class="field${error ? ' field--error' : ''}" id="f-${name}">
        <legend>${legend}</legend>
        ${error ? html`<p class="field-error">${error}</p>` : ''}
        ${Array.from({ length: shown }, (_, i) => {
          const item = items[i] ?? {};
          return html`<fieldset class="field">
            <legend>${m.t('item', l, { label: legend, n: i + 1 })}</legend>
            ${(f.fields ?? []).map((c) => renderField(c, `${path}.${i}.${c.key}`, item[c.key], o))}
          </fieldset>`;
        })}
        ${shown < max ? html`<p class="hint">${m.t('addItem', l)}</p>` : ''}
      </fieldset>`;
    }
    case 'textarea':
      return textarea({
        name,
        label,
        value: scalar(value),
        ...(error ? { error } : {}),
        maxLength: f.maxLength ?? FORM_LIMITS.defaultTextareaLength,
      });
    case 'select':
      return select({
        name,
        label,
        value: scalar(value),
        options: f.options ?? [],
        includeEmpty: m.t('chooseOne', l),
        error,
        ...(hint ? { hint } : {}),
      });
    case 'checkbox':
      return checkboxes({
        name,
        legend: label,
        options: [{ value: 'on', label: fieldLabel(f, l) }],
        checked: value === true || value === 'on' || value === 'true' ? ['on'] : [],
        error,
      });
    case 'text':
    case 'number':
    case 'date':
    case 'personal_id':
    case 'phone':
    case 'email':
    case 'agency':
    case 'admin_unit': {
      const type =
        f.type === 'date' ? 'date' : f.type === 'email' ? 'email' : f.type === 'phone' ? 'tel' : 'text';
      const numeric = f.type === 'number' || f.type === 'personal_id' || f.type === 'admin_unit';
      return input({
        name,
        label,
        type,
        value: scalar(value),
        error,
        ...(hint ? { hint } : {}),
        ...(numeric ? { inputmode: 'numeric' as const } : {}),
        maxLength: f.maxLength ?? (f.type === 'personal_id' ? 12 : FORM_LIMITS.defaultTextLength),
        width: f.type === 'text' || f.type === 'email' || f.type === 'agency' ? 'long' : 'medium',
        ...(f.type === 'email'
          ? { autocomplete: 'email' }
          : f.type === 'phone'
            ? { autocomplete: 'tel' }
            : {}),
      });
    }
  }
}

/** The inputs of a form, filled with `values` and showing `errors` next to their fields. */
export function renderFormFields(
  def: FormDefinition,
  values: Raw,
  o: { locale: Locale; errors?: readonly FormIssue[] },
): SafeHtml {
  const opts: RenderOptions = { ...o, def };
  return html`${def.fields.map((f) => renderField(f, f.key, values[f.key], opts))}`;
}
