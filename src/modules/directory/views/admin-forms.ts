import type { Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  select,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { codeSchemes } from '../codes.ts';
import { today } from '../dates.ts';
import type { AgencyDetail } from '../types.ts';
import { m } from './messages.ts';
import { kindOptions } from './options.ts';

/** Values typed into a form, shown again when it comes back with errors. */
export type FormValues = Record<string, string | undefined>;

/** The administrator's forms on an agency page: edit, add a code, end a code, close. */
export function agencyAdminForms(
  d: AgencyDetail,
  l: Locale,
  csrf: string,
  o: { errors?: FieldError[]; values?: FormValues },
): SafeHtml {
  const v = o.values ?? {};
  const openCodes = d.codes.filter((c) => c.validTo === null);
  return html`${errorSummary(o.errors ?? [], l)}
    <h2 id="edit">${m.t('edit', l)}</h2>
    ${form({
      action: `/directory/agencies/${d.id}/edit`,
      csrfToken: csrf,
      label: m.t('edit', l),
      body: html`<input type="hidden" name="version" value="${d.version}" />
        ${input({ name: 'name', label: m.t('name', l), value: v['name'] ?? d.name, required: true, maxLength: 300 })}
        ${input({ name: 'shortName', label: m.t('shortName', l), value: v['shortName'] ?? d.shortName ?? '', maxLength: 100, width: 'medium' })}
        ${select({ name: 'kind', label: m.t('kind', l), value: v['kind'] ?? d.kind, options: kindOptions(l) })}
        ${input({ name: 'parentId', label: m.t('parentRef', l), value: v['parentId'] ?? d.parentId ?? '', maxLength: 36, width: 'medium' })}
        ${input({ name: 'effectiveOn', label: m.t('renameFrom', l), type: 'date', value: v['effectiveOn'] ?? today(), width: 'short' })}
        ${input({ name: 'legalBasis', label: m.t('renameLegalBasis', l), value: v['legalBasis'] ?? '', maxLength: 500 })}
        ${button(m.t('save', l))}`,
    })}
    <h2 id="add-code">${m.t('addCode', l)}</h2>
    ${form({
      action: `/directory/agencies/${d.id}/codes`,
      csrfToken: csrf,
      label: m.t('addCode', l),
      body: html`${select({ name: 'scheme', label: m.t('scheme', l), value: v['scheme'] ?? 'QD20', options: codeSchemes.map((s) => ({ value: s, label: s })) })}
      ${input({ name: 'code', label: m.t('code', l), value: v['code'] ?? '', required: true, maxLength: 100, width: 'medium' })}
      ${input({ name: 'validFrom', label: m.t('validFrom', l), type: 'date', value: v['validFrom'] ?? today(), width: 'short' })}
      ${button(m.t('addCode', l), { variant: 'secondary' })}`,
    })}
    ${
      openCodes.length > 0
        ? html`<h2 id="close-code">${m.t('closeCode', l)}</h2>
            ${form({
              action: `/directory/agencies/${d.id}/close-code`,
              csrfToken: csrf,
              label: m.t('closeCode', l),
              body: html`${select({ name: 'codeId', label: m.t('code', l), options: openCodes.map((c) => ({ value: c.id, label: `${c.scheme}: ${c.code}` })) })}
              ${input({ name: 'validTo', label: m.t('validTo', l), type: 'date', value: v['validTo'] ?? today(), width: 'short' })}
              ${button(m.t('closeCode', l), { variant: 'warning' })}`,
            })}`
        : ''
    }
    ${
      d.active
        ? html`<h2 id="close">${m.t('closeAgency', l)}</h2>
            ${form({
              action: `/directory/agencies/${d.id}/close`,
              csrfToken: csrf,
              label: m.t('closeAgency', l),
              body: html`${input({ name: 'effectiveOn', label: m.t('effectiveOn', l), type: 'date', value: v['effectiveOn'] ?? today(), width: 'short' })}
              ${input({ name: 'legalBasis', label: m.t('legalBasis', l), value: v['legalBasis'] ?? '', maxLength: 500 })}
              ${input({ name: 'successor', label: m.t('successor', l), value: v['successor'] ?? '', maxLength: 120, width: 'medium' })}
              ${button(m.t('closeAgency', l), { variant: 'warning' })}`,
            })}`
        : ''
    }`;
}
