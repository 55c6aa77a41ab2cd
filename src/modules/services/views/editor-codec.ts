/**
 * The no-JavaScript editor's text formats, both ways: a procedure's content ↔ the posted
 * fields of the editor page. Lists are lines with `|` between columns; form fields are rows
 * (key, parent group, type, label, required, options, rules). Pure functions, tested alone.
 */
import { fieldTypes, type FieldCondition, type FormField } from '../form/definition.ts';
import type { ProcedureContent } from '../schemas.ts';

export type Posted = Record<string, string | string[] | undefined>;
export const EXTRA_ROWS = 3;
export const MAX_ROWS = 200;

export const str = (v: string | string[] | undefined): string =>
  (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const all = (v: string | string[] | undefined): string[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v];
const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 100);
const cols = (line: string) => line.split('|').map((c) => c.trim());
const num = (text: string | undefined): number | undefined => {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.replace(/\./g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : Number.NaN;
};

/** One row of the form-field table. */
export interface FieldRow {
  key: string;
  parent: string;
  type: string;
  label: string;
  required: boolean;
  options: string;
  rules: string;
}

function conditionText(c: FieldCondition): string {
  if (c.filled !== undefined) return `${c.field} ${c.filled ? 'filled' : 'empty'}`;
  if (c.in !== undefined) return `${c.field} in ${c.in.join(',')}`;
  return `${c.field}=${String(c.equals ?? '')}`;
}

function parseCondition(text: string): FieldCondition {
  let m = /^(\w+)\s+(filled|empty)$/.exec(text);
  if (m?.[1]) return { field: m[1], filled: m[2] === 'filled' };
  m = /^(\w+)\s+in\s+(.+)$/.exec(text);
  if (m?.[1] && m[2]) return { field: m[1], in: m[2].split(',').map((s) => s.trim()) };
  const eq = text.indexOf('=');
  const field = eq < 0 ? text : text.slice(0, eq);
  const raw = eq < 0 ? '' : text.slice(eq + 1);
  return { field: field.trim(), equals: raw === 'true' ? true : raw === 'false' ? false : raw };
}

const NUMERIC_RULES = ['minLength', 'maxLength', 'min', 'max', 'minItems', 'maxItems'] as const;
const TEXT_RULES = ['pattern', 'minDate', 'maxDate', 'hint', 'labelEn'] as const;

/** `minLength=2; maxLength=100; showWhen=relation=khac; repeatable` */
export function rulesText(f: FormField): string {
  const parts: string[] = [];
  for (const k of NUMERIC_RULES) if (f[k] !== undefined) parts.push(`${k}=${f[k]}`);
  for (const k of TEXT_RULES) if (f[k] !== undefined) parts.push(`${k}=${f[k]}`);
  if (f.repeatable) parts.push('repeatable');
  if (f.adminUnitLevel) parts.push(`level=${f.adminUnitLevel}`);
  if (f.agencyKinds?.length) parts.push(`agencyKinds=${f.agencyKinds.join(',')}`);
  if (f.showWhen) parts.push(`showWhen=${conditionText(f.showWhen)}`);
  return parts.join('; ');
}

function applyRules(f: FormField, text: string): FormField {
  const out: Record<string, unknown> = { ...f };
  for (const part of text.split(/;\s+|;$/)) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq).trim();
    const value = eq < 0 ? '' : p.slice(eq + 1).trim();
    if ((NUMERIC_RULES as readonly string[]).includes(name)) out[name] = num(value);
    else if ((TEXT_RULES as readonly string[]).includes(name)) out[name] = value;
    else if (name === 'repeatable') out['repeatable'] = true;
    else if (name === 'level') out['adminUnitLevel'] = value;
    else if (name === 'agencyKinds') out['agencyKinds'] = value.split(',').map((s) => s.trim());
    else if (name === 'showWhen') out['showWhen'] = parseCondition(value);
    else out[name] = value; // unknown rule: the schema names it
  }
  return out as unknown as FormField;
}

/** The rows of a definition, groups before their fields. */
export function rowsOf(fields: readonly FormField[], parent = ''): FieldRow[] {
  return fields.flatMap((f) => [
    {
      key: f.key,
      parent,
      type: f.type,
      label: f.label,
      required: f.required === true,
      options: (f.options ?? [])
        .map((o) => (o.value === o.label ? o.value : `${o.value}|${o.label}`))
        .join('\n'),
      rules: rulesText(f),
    },
    ...rowsOf(f.fields ?? [], f.key),
  ]);
}

/** Rows back into nested fields; `paths[i]` is the content path of row i (for errors). */
export function fieldsOf(rows: readonly FieldRow[]): { fields: FormField[]; paths: (string | null)[] } {
  const root: FormField[] = [];
  const groups: { key: string; field: FormField; path: string }[] = [];
  const paths: (string | null)[] = [];
  for (const r of rows) {
    if (r.key === '') {
      paths.push(null);
      continue;
    }
    const options = lines(r.options).map((l) => {
      const [value = '', label] = cols(l);
      return { value, label: label || value };
    });
    let field: FormField = {
      key: r.key,
      type: ((fieldTypes as readonly string[]).includes(r.type) ? r.type : 'text') as FormField['type'],
      label: r.label,
      ...(r.required ? { required: true } : {}),
      ...(options.length > 0 ? { options } : {}),
    };
    field = applyRules(field, r.rules);
    if (field.type === 'group') field.fields = [];
    const parent = r.parent ? [...groups].reverse().find((g) => g.key === r.parent) : undefined;
    const siblings = parent ? (parent.field.fields ?? []) : root;
    const path = `${parent ? parent.path : 'form'}.fields.${siblings.length}`;
    siblings.push(field);
    paths.push(path);
    if (field.type === 'group') groups.push({ key: field.key, field, path });
  }
  return { fields: root, paths };
}

/** The editor's posted rows (`fk.0`, `ft.0`, …). */
export function rowsFromPost(body: Posted): FieldRow[] {
  const count = Math.min(Number(str(body['rowCount'])) || 0, MAX_ROWS + EXTRA_ROWS);
  return Array.from({ length: count }, (_, i) => ({
    key: str(body[`fk.${i}`]),
    parent: str(body[`fp.${i}`]),
    type: str(body[`ft.${i}`]),
    label: str(body[`fl.${i}`]),
    required: str(body[`fr.${i}`]) !== '',
    options: str(body[`fo.${i}`]),
    rules: str(body[`fx.${i}`]),
  }));
}

/** The editor's values for a content (everything but the field rows). */
export function editorValues(c: ProcedureContent): Record<string, string> {
  return {
    code: c.code,
    codeConfirmed: c.codeConfirmed ? 'on' : '',
    name: c.name,
    sectorCode: c.sector.code,
    sectorName: c.sector.name,
    agencyDescription: c.agencies.description,
    agencyIds: c.agencies.agencyIds.join('\n'),
    where: c.where,
    steps: c.steps.join('\n'),
    papers: c.papers
      .map((p) =>
        [
          p.key,
          p.name,
          p.copyKind,
          p.count,
          p.requirement,
          p.condition ?? '',
          p.template?.kind === 'generated'
            ? 'generated'
            : p.template?.kind === 'stored'
              ? `${p.template.sha256}:${p.template.fileName}:${p.template.mediaType}`
              : '',
        ].join(' | '),
      )
      .join('\n'),
    fees: c.fees
      .map((f) => {
        const { kind, name, amount, condition, ...rule } = f;
        const cells = [kind, name, amount, condition ?? ''];
        return (Object.keys(rule).length > 0 ? [...cells, JSON.stringify(rule)] : cells).join(' | ');
      })
      .join('\n'),
    feeNote: c.feeNote ?? '',
    workingDays: String(c.timeLimit.workingDays),
    hours: c.timeLimit.hours === undefined ? '' : String(c.timeLimit.hours),
    timeNote: c.timeLimit.note ?? '',
    decree42: c.level.decree42,
    legacy: c.level.legacy === null ? '' : String(c.level.legacy),
    resultType: c.result.type,
    resultName: c.result.name,
    legalBasis: c.legalBasis.map((d) => [d.number, d.title, d.issuedOn ?? ''].join(' | ')).join('\n'),
    note: c.note ?? '',
  };
}

const opt = (v: string) => (v === '' ? undefined : v);

/** The posted editor turned into content (unchecked: the service validates it). */
export function contentFromPost(
  body: Posted,
  rows: readonly FieldRow[],
): { content: unknown; paths: (string | null)[] } {
  const { fields, paths } = fieldsOf(rows);
  const content = {
    code: str(body['code']),
    codeConfirmed: str(body['codeConfirmed']) !== '',
    name: str(body['name']),
    sector: { code: str(body['sectorCode']), name: str(body['sectorName']) },
    applicants: all(body['applicants']),
    agencies: {
      kinds: all(body['agencyKinds']),
      agencyIds: lines(str(body['agencyIds'])),
      description: str(body['agencyDescription']),
    },
    where: str(body['where']),
    channels: all(body['channels']),
    steps: lines(str(body['steps'])),
    papers: lines(str(body['papers'])).map((l) => {
      const [
        key = '',
        name = '',
        copyKind = 'original',
        count = '1',
        requirement = 'required',
        condition = '',
        template = '',
      ] = cols(l);
      const [sha256, fileName, mediaType] = template.split(':');
      return {
        key,
        name,
        copyKind,
        count: num(count),
        requirement,
        condition: opt(condition),
        template:
          template === 'generated'
            ? { kind: 'generated' }
            : template
              ? { kind: 'stored', sha256, fileName, mediaType }
              : undefined,
      };
    }),
    form: { fields },
    fees: lines(str(body['fees'])).map((l) => {
      const [kind = 'le_phi', name = '', amount = '0', condition = '', ...rest] = cols(l);
      // The machine rule (when, unless, perUnit, channels) is the fifth cell, as JSON.
      const ruleText = rest.join(' | ').trim();
      let rule: unknown;
      try {
        rule = ruleText ? JSON.parse(ruleText) : {};
      } catch {
        rule = { rule: ruleText }; // unknown key: the schema refuses it next to the box
      }
      return {
        kind,
        name,
        amount: num(amount),
        condition: opt(condition),
        ...(typeof rule === 'object' && rule !== null && !Array.isArray(rule) ? rule : { rule }),
      };
    }),
    feeNote: opt(str(body['feeNote'])),
    timeLimit: {
      workingDays: num(str(body['workingDays'])) ?? 0,
      hours: num(str(body['hours'])),
      note: opt(str(body['timeNote'])),
    },
    level: { decree42: str(body['decree42']), legacy: num(str(body['legacy'])) ?? null },
    result: { type: str(body['resultType']), name: str(body['resultName']) },
    legalBasis: lines(str(body['legalBasis'])).map((l) => {
      const [number = '', title = '', issuedOn = ''] = cols(l);
      return { number, title, issuedOn: opt(issuedOn) };
    }),
    note: opt(str(body['note'])),
  };
  return { content: JSON.parse(JSON.stringify(content)) as unknown, paths };
}
