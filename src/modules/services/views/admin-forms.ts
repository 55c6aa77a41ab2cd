/** The structured procedure editor (no JavaScript): general facts, line lists and field rows. */
import type { Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  checkboxes,
  errorSummary,
  form,
  input,
  select,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { agencyKinds } from '../../directory/index.ts';
import { fieldTypes } from '../form/definition.ts';
import { applicantKinds, channels, resultTypes, serviceLevels } from '../schemas.ts';
import { a } from './admin-messages.ts';
import { EXTRA_ROWS, type FieldRow } from './editor-codec.ts';
import { m } from './messages.ts';

export interface EditorState {
  values: Record<string, string>;
  multi: { applicants: string[]; agencyKinds: string[]; channels: string[] };
  rows: FieldRow[];
  errors: FieldError[];
  /** Creating: the code and owner are editable. */
  creating: boolean;
  baseNumber?: number | undefined;
}

const kindLabel: Record<string, { vi: string; en: string }> = {
  ministry: { vi: 'Bộ', en: 'Ministry' },
  ministry_level: { vi: 'Cơ quan ngang bộ', en: 'Ministry-level agency' },
  government_agency: { vi: 'Cơ quan thuộc Chính phủ', en: 'Government agency' },
  province_ubnd: { vi: 'UBND cấp tỉnh', en: 'Provincial People’s Committee' },
  province_hdnd: { vi: 'HĐND cấp tỉnh', en: 'Provincial People’s Council' },
  department: { vi: 'Sở, ngành cấp tỉnh', en: 'Provincial department' },
  commune: { vi: 'UBND cấp xã', en: 'Commune People’s Committee' },
  unit: { vi: 'Đơn vị trực thuộc', en: 'Unit' },
  enterprise: { vi: 'Doanh nghiệp', en: 'Enterprise' },
  other: { vi: 'Khác', en: 'Other' },
};

function rowBox(r: FieldRow, i: number, l: Locale, errors: readonly FieldError[]): SafeHtml {
  const err = (name: string) => errors.find((e) => e.field === name)?.message;
  return html`<fieldset class="field editor-row" id="f-row-${i}">
    <legend>${a.t('row', l, { n: i + 1 })}</legend>
    ${input({ name: `fk.${i}`, label: a.t('key', l), value: r.key, maxLength: 40, width: 'medium', error: err(`fk.${i}`) })}
    ${input({ name: `fp.${i}`, label: a.t('parent', l), value: r.parent, maxLength: 40, width: 'medium' })}
    ${select({ name: `ft.${i}`, label: a.t('type', l), value: r.type || 'text', options: fieldTypes.map((t) => ({ value: t, label: `${m.t(`type_${t}`, l)} (${t})` })) })}
    ${input({ name: `fl.${i}`, label: a.t('label', l), value: r.label, maxLength: 300 })}
    ${checkboxes({ name: `fr.${i}`, legend: a.t('required', l), options: [{ value: 'on', label: a.t('required', l) }], checked: r.required ? ['on'] : [] })}
    ${textarea({ name: `fo.${i}`, label: a.t('options', l), value: r.options, rows: 2, maxLength: 20000 })}
    ${input({ name: `fx.${i}`, label: a.t('rules', l), value: r.rules, maxLength: 1000 })}
  </fieldset>`;
}

/** The editor form; `action` is where it posts. */
export function editorForm(o: {
  action: string;
  csrfToken: string;
  state: EditorState;
  locale: Locale;
}): SafeHtml {
  const l = o.locale;
  const v = o.state.values;
  const e = (name: string) => o.state.errors.find((x) => x.field === name)?.message;
  const rows = [
    ...o.state.rows,
    ...Array.from({ length: EXTRA_ROWS }, () => ({
      key: '',
      parent: '',
      type: 'text',
      label: '',
      required: false,
      options: '',
      rules: '',
    })),
  ];
  const opts = (values: readonly string[], prefix: string) =>
    values.map((x) => ({ value: x, label: m.t(`${prefix}${x}` as 'level_none', l) }));
  return html`${errorSummary(o.state.errors, l)}
  ${form({
    action: o.action,
    csrfToken: o.csrfToken,
    label: a.t('save', l),
    body: html`<input type="hidden" name="rowCount" value="${rows.length}" />
      ${o.state.baseNumber !== undefined ? html`<input type="hidden" name="baseNumber" value="${o.state.baseNumber}" />` : ''}
      <h2>${a.t('general', l)}</h2>
      ${
        o.state.creating
          ? html`${input({ name: 'code', label: m.t('code', l), value: v['code'], required: true, maxLength: 50, width: 'medium', hint: '1.001193', error: e('code') })}
            ${input({ name: 'ownerAgencyId', label: a.t('owner', l), value: v['ownerAgencyId'], maxLength: 36, width: 'medium', error: e('ownerAgencyId') })}`
          : html`<input type="hidden" name="code" value="${v['code']}" />`
      }
      ${checkboxes({ name: 'codeConfirmed', legend: a.t('codeConfirmed', l), options: [{ value: 'on', label: a.t('codeConfirmed', l) }], checked: v['codeConfirmed'] ? ['on'] : [] })}
      ${input({ name: 'name', label: m.t('name', l), value: v['name'], required: true, maxLength: 500, error: e('name') })}
      ${input({ name: 'sectorCode', label: a.t('sectorCode', l), value: v['sectorCode'], required: true, maxLength: 50, width: 'medium', error: e('sectorCode') })}
      ${input({ name: 'sectorName', label: a.t('sectorName', l), value: v['sectorName'], required: true, maxLength: 200, error: e('sectorName') })}
      ${checkboxes({ name: 'applicants', legend: m.t('applicants', l), options: opts(applicantKinds, 'applicant_'), checked: o.state.multi.applicants, error: e('applicants') })}
      ${checkboxes({
        name: 'agencyKinds',
        legend: a.t('agencyKinds', l),
        options: agencyKinds.map((k) => ({ value: k, label: kindLabel[k]?.[l] ?? k })),
        checked: o.state.multi.agencyKinds,
        error: e('agencyKinds'),
      })}
      ${textarea({ name: 'agencyIds', label: a.t('agencyIds', l), value: v['agencyIds'], rows: 2, maxLength: 2000, ...(e('agencyIds') ? { error: e('agencyIds') } : {}) })}
      ${textarea({ name: 'agencyDescription', label: a.t('agencyDescription', l), value: v['agencyDescription'], rows: 2, maxLength: 1000, ...(e('agencyDescription') ? { error: e('agencyDescription') } : {}) })}
      ${textarea({ name: 'where', label: m.t('where', l), value: v['where'], rows: 2, maxLength: 1000, ...(e('where') ? { error: e('where') } : {}) })}
      ${checkboxes({ name: 'channels', legend: m.t('channels', l), options: opts(channels, 'channel_'), checked: o.state.multi.channels, error: e('channels') })}
      ${textarea({ name: 'steps', label: a.t('stepsLines', l), value: v['steps'], rows: 4, maxLength: 30000, ...(e('steps') ? { error: e('steps') } : {}) })}
      ${textarea({ name: 'papers', label: a.t('papersLines', l), value: v['papers'], rows: 5, maxLength: 30000, ...(e('papers') ? { error: e('papers') } : {}) })}
      ${textarea({ name: 'fees', label: a.t('feesLines', l), value: v['fees'], rows: 3, maxLength: 10000, ...(e('fees') ? { error: e('fees') } : {}) })}
      ${input({ name: 'feeNote', label: a.t('feeNote', l), value: v['feeNote'], maxLength: 1000 })}
      ${input({ name: 'workingDays', label: a.t('workingDays', l), value: v['workingDays'] ?? '0', inputmode: 'numeric', width: 'short', error: e('workingDays') })}
      ${input({ name: 'hours', label: a.t('hours', l), value: v['hours'], inputmode: 'numeric', width: 'short', error: e('hours') })}
      ${input({ name: 'timeNote', label: a.t('timeNote', l), value: v['timeNote'], maxLength: 500 })}
      ${select({ name: 'decree42', label: m.t('level', l), value: v['decree42'] ?? 'mot_phan', options: opts(serviceLevels, 'level_') })}
      ${select({
        name: 'legacy',
        label: a.t('legacy', l),
        value: v['legacy'] ?? '',
        includeEmpty: a.t('none', l),
        options: ['1', '2', '3', '4'].map((x) => ({ value: x, label: m.t('legacyLevel', l, { level: x }) })),
      })}
      ${select({ name: 'resultType', label: a.t('resultType', l), value: v['resultType'] ?? 'paper', options: opts(resultTypes, 'result_') })}
      ${input({ name: 'resultName', label: a.t('resultName', l), value: v['resultName'], required: true, maxLength: 500, error: e('resultName') })}
      ${textarea({ name: 'legalBasis', label: a.t('legalLines', l), value: v['legalBasis'], rows: 4, maxLength: 20000, ...(e('legalBasis') ? { error: e('legalBasis') } : {}) })}
      ${textarea({ name: 'note', label: m.t('note', l), value: v['note'], rows: 2, maxLength: 2000 })}
      <h2>${a.t('formSection', l)}</h2>
      <p class="hint">${a.t('formHint', l)}</p>
      ${e('form') ? html`<p class="field-error" id="f-form">${e('form')}</p>` : ''}
      ${rows.map((r, i) => rowBox(r, i, l, o.state.errors))} ${button(a.t('save', l))}`,
  })}`;
}
