import type { Locale, Text } from '../i18n/index.ts';
import { format } from '../i18n/index.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { layoutMessages as m } from './messages.ts';

/** Text given either as a catalog Text or as a string already in the page's language. */
export type Label = string | Text;
export function label(value: Label, locale: Locale): string {
  return typeof value === 'string' ? value : format(value, locale);
}

/** A field error shown next to the input and in the error summary. */
export interface FieldError {
  field: string;
  message: string;
}

/** The error summary at the top of a form: links to each field in error. */
export function errorSummary(errors: readonly FieldError[], locale: Locale): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
    <h2 id="error-summary-title">${m.t('errorSummaryTitle', locale)}</h2>
    <ul>
      ${errors.map((e) => html`<li><a href="#f-${e.field}">${e.message}</a></li>`)}
    </ul>
  </div>`;
}

export interface InputOptions {
  name: string;
  label: string;
  value?: string | number | null;
  type?: 'text' | 'email' | 'password' | 'search' | 'tel' | 'date' | 'number' | 'url';
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  maxLength?: number;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text';
  width?: 'short' | 'medium' | 'long';
}

/** A labelled text input with hint and inline error. */
export function input(o: InputOptions): SafeHtml {
  const id = `f-${o.name}`;
  const describedBy = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${o.error ? ' field--error' : ''}">
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${o.error ? html`<p class="field-error" id="${id}-error">${o.error}</p>` : ''}
    <input
      id="${id}"
      name="${o.name}"
      type="${o.type ?? 'text'}"
      class="input input--${o.width ?? 'long'}"
      value="${o.value ?? ''}"
      ${o.required ? html`required` : ''}
      ${o.maxLength ? html`maxlength="${o.maxLength}"` : ''}
      ${o.autocomplete ? html`autocomplete="${o.autocomplete}"` : ''}
      ${o.inputmode ? html`inputmode="${o.inputmode}"` : ''}
      ${describedBy ? html`aria-describedby="${describedBy}"` : ''}
      ${o.error ? html`aria-invalid="true"` : ''}
    />
  </div>`;
}

export interface SelectOptions {
  name: string;
  label: string;
  options: readonly { value: string; label: string }[];
  value?: string | null;
  error?: string | undefined;
  hint?: string;
  includeEmpty?: string;
}

/** A labelled select box. */
export function select(o: SelectOptions): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field${o.error ? ' field--error' : ''}">
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${o.error ? html`<p class="field-error" id="${id}-error">${o.error}</p>` : ''}
    <select id="${id}" name="${o.name}" class="select" ${o.error ? html`aria-invalid="true"` : ''}>
      ${o.includeEmpty !== undefined ? html`<option value="">${o.includeEmpty}</option>` : ''}
      ${o.options.map(
        (opt) =>
          html`<option value="${opt.value}" ${opt.value === o.value ? html`selected` : ''}>
            ${opt.label}
          </option>`,
      )}
    </select>
  </div>`;
}

/** A labelled multi-line text box. */
export function textarea(o: {
  name: string;
  label: string;
  value?: string;
  error?: string;
  rows?: number;
  maxLength?: number;
}): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field${o.error ? ' field--error' : ''}">
    <label for="${id}">${o.label}</label>
    ${o.error ? html`<p class="field-error" id="${id}-error">${o.error}</p>` : ''}
    <textarea
      id="${id}"
      name="${o.name}"
      class="textarea"
      rows="${o.rows ?? 4}"
      ${o.maxLength ? html`maxlength="${o.maxLength}"` : ''}
    >
${o.value ?? ''}</textarea>
  </div>`;
}

/** A group of checkboxes sharing one name. */
export function checkboxes(o: {
  name: string;
  legend: string;
  options: readonly { value: string; label: string }[];
  checked: readonly string[];
  error?: string | undefined;
}): SafeHtml {
  return html`<fieldset class="field${o.error ? ' field--error' : ''}" id="f-${o.name}">
    <legend>${o.legend}</legend>
    ${o.error ? html`<p class="field-error">${o.error}</p>` : ''}
    ${o.options.map(
      (opt, i) =>
        html`<div class="checkbox">
          <input
            type="checkbox"
            id="f-${o.name}-${i}"
            name="${o.name}"
            value="${opt.value}"
            ${o.checked.includes(opt.value) ? html`checked` : ''}
          />
          <label for="f-${o.name}-${i}">${opt.label}</label>
        </div>`,
    )}
  </fieldset>`;
}

/** A form that posts with its CSRF token. */
export function form(o: {
  action: string;
  csrfToken: string;
  body: HtmlValue;
  method?: 'post' | 'get';
  enctype?: string;
  label?: string;
}): SafeHtml {
  const method = o.method ?? 'post';
  return html`<form
    method="${method}"
    action="${o.action}"
    ${o.enctype ? html`enctype="${o.enctype}"` : ''}
    ${o.label ? html`aria-label="${o.label}"` : ''}
    novalidate
  >
    ${method === 'post' ? html`<input type="hidden" name="_csrf" value="${o.csrfToken}" />` : ''} ${o.body}
  </form>`;
}

/** A button; `secondary` and `warning` change its look, never its meaning. */
export function button(
  text: string,
  o: { variant?: 'primary' | 'secondary' | 'warning'; name?: string; value?: string } = {},
): SafeHtml {
  return html`<button
    type="submit"
    class="button button--${o.variant ?? 'primary'}"
    ${o.name ? html`name="${o.name}" value="${o.value ?? ''}"` : ''}
  >
    ${text}
  </button>`;
}

/** A link styled as a button. */
export function linkButton(
  text: string,
  href: string,
  variant: 'primary' | 'secondary' = 'secondary',
): SafeHtml {
  // Stays a link: it navigates, and role="button" would promise a Space key that links lack.
  return html`<a class="button button--${variant}" href="${href}">${text}</a>`;
}

/** A data table with a caption and column headers. */
export function table(o: {
  caption: string;
  headers: readonly string[];
  rows: readonly (readonly HtmlValue[])[];
  empty: string;
}): SafeHtml {
  if (o.rows.length === 0) return html`<p class="empty">${o.empty}</p>`;
  return html`<div class="table-wrap">
    <table class="table">
      <caption>
        ${o.caption}
      </caption>
      <thead>
        <tr>
          ${o.headers.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${o.rows.map(
          (r) =>
            html`<tr>
              ${r.map((c) => html`<td>${c}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Previous/next pagination keeping the other query parameters. */
export function pagination(o: {
  page: number;
  hasNext: boolean;
  baseUrl: string;
  query: Record<string, string | undefined>;
  locale: Locale;
}): SafeHtml {
  const link = (page: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query))
      if (v !== undefined && v !== '' && k !== 'page') q.set(k, v);
    q.set('page', String(page));
    return `${o.baseUrl}?${q.toString()}`;
  };
  if (o.page <= 1 && !o.hasNext) return html``;
  return html`<nav class="pagination" aria-label="${m.t('pagination', o.locale)}">
    ${o.page > 1 ? html`<a rel="prev" href="${link(o.page - 1)}">← ${m.t('previous', o.locale)}</a>` : ''}
    <span>${m.t('pageOf', o.locale, { page: o.page })}</span>
    ${o.hasNext ? html`<a rel="next" href="${link(o.page + 1)}">${m.t('next', o.locale)} →</a>` : ''}
  </nav>`;
}

/** A small label; the colour is decoration, the text carries the meaning. */
export function tag(text: string, tone: 'grey' | 'green' | 'blue' | 'red' | 'yellow' = 'grey'): SafeHtml {
  return html`<strong class="tag tag--${tone}">${text}</strong>`;
}

export interface Crumb {
  href?: string;
  label: string;
}

/** Breadcrumbs; the last crumb is the current page. */
export function breadcrumbs(crumbs: readonly Crumb[], locale: Locale): SafeHtml {
  if (crumbs.length === 0) return html``;
  return html`<nav class="breadcrumbs" aria-label="${m.t('breadcrumbs', locale)}">
    <ol>
      ${crumbs.map((c, i) =>
        i === crumbs.length - 1 || !c.href
          ? html`<li aria-current="page">${c.label}</li>`
          : html`<li><a href="${c.href}">${c.label}</a></li>`,
      )}
    </ol>
  </nav>`;
}

/** A numbered list of steps with their state. */
export function steps(
  items: readonly { label: string; state: 'done' | 'current' | 'todo'; detail?: HtmlValue }[],
): SafeHtml {
  return html`<ol class="steps">
    ${items.map(
      (s) =>
        html`<li class="step step--${s.state}" ${s.state === 'current' ? html`aria-current="step"` : ''}>
          <span class="step-label">${s.label}</span
          >${s.detail ? html`<div class="step-detail">${s.detail}</div>` : ''}
        </li>`,
    )}
  </ol>`;
}

/** A notice box: information, success or warning. */
export function notice(body: HtmlValue, tone: 'info' | 'success' | 'warning' = 'info'): SafeHtml {
  return html`<div class="notice notice--${tone}" role="${tone === 'warning' ? 'alert' : 'status'}">
    ${body}
  </div>`;
}

/** Key–value rows (a description list). */
export function summaryList(rows: readonly [string, HtmlValue][]): SafeHtml {
  return html`<dl class="summary-list">
    ${rows.map(
      ([k, v]) =>
        html`<div class="summary-row">
          <dt>${k}</dt>
          <dd>${v}</dd>
        </div>`,
    )}
  </dl>`;
}
