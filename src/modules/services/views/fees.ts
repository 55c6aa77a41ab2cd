// Fees in pages: the rule of a catalogue fee in words (procedure page) and the fees computed
// for a dossier (the filing's review page, the dossier page).
import { formatNumber, type Locale } from '../../../platform/i18n/index.ts';
import { table } from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import type { FeeComputation } from '../fees.ts';
import { listFields, type FieldCondition, type FormDefinition } from '../form/definition.ts';
import type { Fee } from '../schemas.ts';
import { fieldLabel } from './form-render.ts';
import { m } from './messages.ts';

const money = (amount: number, l: Locale) =>
  amount === 0 ? m.t('free', l) : m.t('vnd', l, { amount: formatNumber(amount, l) });

/** A fee's machine rule in plain words, with the form's labels (`trừ khi Tình trạng … là một trong: Bị mất`). */
export function feeRuleText(f: Fee, form: FormDefinition, l: Locale): string {
  const fields = new Map(listFields(form).map((x) => [x.path, x.field]));
  const label = (path: string) => {
    const field = fields.get(path);
    return field ? fieldLabel(field, l) : path;
  };
  const optionLabel = (path: string, value: string) =>
    fields.get(path)?.options?.find((o) => o.value === value)?.label ?? value;
  const op = (c: FieldCondition) => {
    if (c.filled !== undefined) return m.t(c.filled ? 'feeOp_filled' : 'feeOp_empty', l);
    if (c.in !== undefined)
      return m.t('feeOp_in', l, { values: c.in.map((v) => optionLabel(c.field, v)).join(', ') });
    if (c.equals === true || c.equals === undefined) return m.t('feeOp_filled', l);
    if (c.equals === false) return m.t('feeOp_empty', l);
    return m.t('feeOp_equals', l, { value: optionLabel(c.field, String(c.equals)) });
  };
  const parts: string[] = [];
  if (f.when) parts.push(m.t('feeRule_when', l, { field: label(f.when.field), op: op(f.when) }));
  if (f.unless) parts.push(m.t('feeRule_unless', l, { field: label(f.unless.field), op: op(f.unless) }));
  if (f.perUnit)
    parts.push(
      m.t('feeRule_perUnit', l, { field: label(f.perUnit.field) }) +
        (f.perUnit.free ? m.t('feeRule_free', l, { free: f.perUnit.free }) : ''),
    );
  if (f.channels)
    parts.push(
      m.t('feeRule_channels', l, {
        channels: f.channels.map((c) => m.t(`channel_${c}`, l)).join(', '),
      }),
    );
  return parts.join('; ');
}

/** The fees computed for a dossier: lines with quantity, the total, and those the agency decides. */
export function renderFeeLines(fees: FeeComputation, l: Locale): SafeHtml {
  const lines = fees.lines.filter((x) => x.amount > 0);
  const rows = lines.map((x) => [
    x.name,
    m.t(`fee_${x.kind}`, l),
    x.quantity === 1 ? money(x.unitAmount, l) : `${money(x.unitAmount, l)} × ${x.quantity}`,
    money(x.amount, l),
  ]);
  return html`${
    lines.length === 0
      ? html`<p>${m.t('noFee', l)}</p>`
      : table({
          caption: m.t('feesComputed', l),
          headers: [m.t('feeName', l), m.t('feeKind', l), m.t('amount', l), m.t('feeLineAmount', l)],
          rows: [
            ...rows,
            [
              html`<strong>${m.t('feeTotal', l)}</strong>`,
              '',
              '',
              html`<strong>${money(fees.total, l)}</strong>`,
            ],
          ],
          empty: '—',
        })
  }
  ${
    fees.decidedByAgency.length > 0
      ? html`<p>${m.t('feesByAgency', l)}</p>
          <ul>
            ${fees.decidedByAgency.map((x) => html`<li>${x.name}: ${money(x.amount, l)} (${x.condition})</li>`)}
          </ul>`
      : ''
  }`;
}
