// The workflow editor as a form that works without JavaScript: one fieldset per step (names,
// role, unit, time allotted), buttons that add, remove and move steps by posting the whole form
// back (name="action"), the supplement clock, and the versions saved so far. Nothing is saved
// until "Save a new version"; errors come back next to their fields by the issue's code.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../../platform/i18n/index.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  notice,
  select,
  table,
  tag,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { WorkflowView } from '../service-workflow.ts';
import type { WorkflowStepDef } from '../tables.ts';
import { allottedText, roleTitles, stepRoles, supplementClocks } from '../workflow/definition.ts';
import { workflowIssueCodes, type WorkflowIssue } from '../workflow/issues.ts';
import { bm } from './messages-backoffice.ts';

/** A step as typed in the form: every value a string until it is saved. */
interface DraftStep {
  key: string;
  nameVi: string;
  nameEn: string;
  role: string;
  unit: string;
  amount: string;
  per: 'days' | 'hours';
}

export interface Draft {
  steps: DraftStep[];
  supplementClock: string;
}

type EditorAction = { kind: 'save' } | { kind: 'add' } | { kind: 'remove' | 'up' | 'down'; index: number };

const MAX_STEPS = 20;
const returnRoles = ['one_stop_officer', 'admin'] as const;

const amountText = (n: number, l: Locale) => (l === 'vi' ? String(n).replace('.', ',') : String(n));

/** The form's starting point: the workflow in force. */
function draftOf(w: Pick<WorkflowView, 'steps' | 'supplementClock'>, l: Locale): Draft {
  return {
    supplementClock: w.supplementClock,
    steps: w.steps.map((s) => ({
      key: s.key,
      nameVi: s.name.vi,
      nameEn: s.name.en,
      role: s.role,
      unit: s.unit ?? '',
      amount: amountText('workingDays' in s.allotted ? s.allotted.workingDays : s.allotted.workingHours, l),
      per: 'workingDays' in s.allotted ? 'days' : 'hours',
    })),
  };
}

/** The draft posted by the form (fields `s{i}_{field}`, `stepCount`, `supplementClock`). */
export function draftFromForm(body: Record<string, string | string[] | undefined>): Draft {
  const one = (k: string) => {
    const v = body[k];
    return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  };
  const count = Math.min(MAX_STEPS + 1, Math.max(0, Number.parseInt(one('stepCount'), 10) || 0));
  const steps: DraftStep[] = [];
  for (let i = 0; i < count; i += 1)
    steps.push({
      key: one(`s${i}_key`).slice(0, 40),
      nameVi: one(`s${i}_nameVi`).slice(0, 300),
      nameEn: one(`s${i}_nameEn`).slice(0, 300),
      role: one(`s${i}_role`).slice(0, 40),
      unit: one(`s${i}_unit`).slice(0, 40),
      amount: one(`s${i}_amount`).slice(0, 20),
      per: one(`s${i}_per`) === 'hours' ? 'hours' : 'days',
    });
  return { steps, supplementClock: one('supplementClock').slice(0, 20) };
}

/** `save`, `add`, `remove-2`, `up-2`, `down-2` (the button pressed); anything else saves. */
export function actionOf(value: string | undefined): EditorAction {
  const m = /^(remove|up|down)-(\d{1,2})$/.exec(value ?? '');
  if (m?.[1] && m[2]) return { kind: m[1] as 'remove' | 'up' | 'down', index: Number(m[2]) };
  return value === 'add' ? { kind: 'add' } : { kind: 'save' };
}

/** A key no other step has: `buoc_2`, `buoc_3`… */
function freshKey(steps: readonly DraftStep[]): string {
  const taken = new Set(steps.map((s) => s.key));
  let n = steps.length;
  while (taken.has(`buoc_${n}`)) n += 1;
  return `buoc_${n}`;
}

/**
 * Applies add / remove / move to the draft. The last step (the return of the result) stays last:
 * a new step goes before it, it cannot be removed or moved, and no step moves below it.
 */
export function applyAction(draft: Draft, action: EditorAction, l: Locale): Draft {
  const steps = [...draft.steps];
  const last = steps.length - 1;
  switch (action.kind) {
    case 'save':
      return draft;
    case 'add':
      if (steps.length >= MAX_STEPS) return draft;
      steps.splice(Math.max(0, last), 0, {
        key: freshKey(steps),
        nameVi: bm.t('wfNewStep', 'vi'),
        nameEn: bm.t('wfNewStepEn', 'en'),
        role: 'specialist',
        unit: '',
        amount: amountText(1, l),
        per: 'days',
      });
      break;
    case 'remove':
      if (action.index >= last || steps.length <= 2) return draft;
      steps.splice(action.index, 1);
      break;
    case 'up':
    case 'down': {
      const from = action.index;
      const to = action.kind === 'up' ? from - 1 : from + 1;
      if (from < 0 || from >= last || to < 0 || to >= last) return draft;
      const [moved] = steps.splice(from, 1);
      if (moved) steps.splice(to, 0, moved);
      break;
    }
  }
  return { ...draft, steps };
}

/** A number typed with a comma or a point; NaN when it is not one (the service says why). */
function amountValue(text: string): number {
  const t = text.replace(',', '.');
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/** The steps the service validates and saves. */
export function stepsOf(draft: Draft): WorkflowStepDef[] {
  return draft.steps.map((s) => {
    const n = amountValue(s.amount);
    return {
      key: s.key,
      name: { vi: s.nameVi, en: s.nameEn },
      role: s.role,
      ...(s.unit ? { unit: s.unit } : {}),
      allotted: s.per === 'hours' ? { workingHours: n } : { workingDays: n },
    };
  });
}

const fieldOfIssue: Record<string, string> = {
  key: 'nameVi',
  name: 'nameVi',
  'name.vi': 'nameVi',
  'name.en': 'nameEn',
  role: 'role',
  unit: 'unit',
  allotted: 'amount',
};

/** Issues of the service as errors next to their fields, in the page's language. */
export function errorsOf(issues: readonly WorkflowIssue[], l: Locale): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const [index, ...rest] = issue.path.split('.');
    const field =
      issue.path === 'supplementClock'
        ? 'supplementClock'
        : index === '' || index === undefined || rest.length === 0
          ? 'steps'
          : `s${index}_${fieldOfIssue[rest.slice(0, 2).join('.')] ?? fieldOfIssue[rest[0] ?? ''] ?? 'nameVi'}`;
    if (seen.has(field)) continue;
    seen.add(field);
    const code = (workflowIssueCodes as readonly string[]).includes(issue.code) ? issue.code : 'invalid';
    errors.push({ field, message: bm.t(`wf_${code}`, l) });
  }
  return errors;
}

interface EditorPage {
  code: string;
  workflow: WorkflowView;
  history: (WorkflowView & { createdByName: string | null })[];
  units: { id: string; name: string }[];
  mayEdit: boolean;
  draft?: Draft | undefined;
  errors?: FieldError[] | undefined;
  /** The draft differs from what is saved (a step added, moved or removed). */
  unsaved?: boolean | undefined;
  savedVersion?: number | undefined;
}

function stepFieldset(
  s: DraftStep,
  i: number,
  count: number,
  units: EditorPage['units'],
  err: (f: string) => string | undefined,
  l: Locale,
): SafeHtml {
  const last = i === count - 1;
  const n = i + 1;
  const f = (name: string) => `s${i}_${name}`;
  const roles = last ? returnRoles : stepRoles;
  const roleOptions: { value: string; label: string }[] = roles.map((r) => ({
    value: r,
    label: roleTitles[r]?.[l] ?? r,
  }));
  if (!(roles as readonly string[]).includes(s.role)) roleOptions.push({ value: s.role, label: s.role });
  const unitOptions = units.map((u) => ({ value: u.id, label: u.name }));
  if (s.unit && !units.some((u) => u.id === s.unit)) unitOptions.push({ value: s.unit, label: s.unit });
  const moves: SafeHtml[] = [];
  if (!last && i > 0)
    moves.push(button(bm.t('wfUp', l, { n }), { variant: 'secondary', name: 'action', value: `up-${i}` }));
  if (i < count - 2)
    moves.push(
      button(bm.t('wfDown', l, { n }), { variant: 'secondary', name: 'action', value: `down-${i}` }),
    );
  if (!last && count > 2)
    moves.push(
      button(bm.t('wfRemove', l, { n }), { variant: 'warning', name: 'action', value: `remove-${i}` }),
    );
  return html`<fieldset class="workflow-step" id="step-${n}">
    <legend>${bm.t(last ? 'wfReturnLegend' : 'wfStepLegend', l, { n })}</legend>
    <input type="hidden" name="${f('key')}" value="${s.key}" />
    ${input({ name: f('nameVi'), label: bm.t('wfNameVi', l), value: s.nameVi, maxLength: 200, error: err(f('nameVi')) })}
    ${input({ name: f('nameEn'), label: bm.t('wfNameEn', l), value: s.nameEn, maxLength: 200, error: err(f('nameEn')) })}
    ${select({ name: f('role'), label: bm.t('wfRole', l), options: roleOptions, value: s.role, error: err(f('role')) })}
    ${select({ name: f('unit'), label: bm.t('wfUnit', l), options: unitOptions, includeEmpty: bm.t('wfNoUnit', l), value: s.unit, error: err(f('unit')) })}
    ${input({ name: f('amount'), label: bm.t('wfAmount', l), value: s.amount, width: 'short', maxLength: 10, inputmode: 'text', error: err(f('amount')) })}
    ${select({
      name: f('per'),
      label: bm.t('wfPer', l),
      value: s.per,
      options: [
        { value: 'days', label: bm.t('wfDays', l) },
        { value: 'hours', label: bm.t('wfHours', l) },
      ],
    })}
    ${moves.length ? html`<p class="button-group">${moves}</p>` : ''}
  </fieldset>`;
}

/** The workflow page: the editor for agency administrators, the steps for everyone else. */
export function renderWorkflowEditor(request: FastifyRequest, reply: FastifyReply, p: EditorPage) {
  const l = request.locale;
  const w = p.workflow;
  const title = bm.t('workflowTitle', l, { code: p.code });
  const errors = p.errors ?? [];
  const err = (f: string) => errors.find((e) => e.field === f)?.message;
  const unitName = (id: string | undefined) => (id ? (p.units.find((u) => u.id === id)?.name ?? id) : '');
  const draft = p.draft ?? draftOf(w, l);
  const history = table({
    caption: bm.t('wfHistory', l),
    headers: [
      bm.t('version', l, { n: '' }).trim(),
      bm.t('wfScope', l),
      bm.t('wfSavedBy', l),
      bm.t('wfSavedAt', l),
    ],
    rows: p.history.map((v) => [
      html`${v.version}${v.id === w.id ? html` ${tag(bm.t('wfInForce', l), 'green')}` : ''}`,
      bm.t(v.agencyId ? 'wfScopeAgency' : 'wfScopeAll', l),
      v.createdByName ?? bm.t('wfSeeded', l),
      formatDateTime(v.createdAt),
    ]),
    empty: '—',
  });
  const steps = table({
    caption: title,
    headers: [bm.t('step', l), bm.t('role', l), bm.t('wfUnit', l), bm.t('allotted', l)],
    rows: w.steps.map((s) => [
      s.name[l],
      roleTitles[s.role]?.[l] ?? s.role,
      unitName(s.unit) || bm.t('wfNoUnit', l),
      allottedText(s.allotted)[l],
    ]),
    empty: '—',
  });
  const editor = form({
    action: `/admin/workflows/${encodeURIComponent(p.code)}`,
    csrfToken: reply.generateCsrf(),
    label: title,
    body: html`<button
        type="submit"
        name="action"
        value="save"
        hidden
        tabindex="-1"
        aria-hidden="true"
      ></button>
      <input type="hidden" name="stepCount" value="${draft.steps.length}" />
      <p class="hint">${bm.t('wfLastHint', l)}</p>
      <div id="f-steps">
        ${draft.steps.map((s, i) => stepFieldset(s, i, draft.steps.length, p.units, err, l))}
      </div>
      ${err('steps') ? html`<p class="field-error">${err('steps')}</p>` : ''}
      ${draft.steps.length < MAX_STEPS ? html`<p>${button(bm.t('wfAdd', l), { variant: 'secondary', name: 'action', value: 'add' })}</p>` : ''}
      ${select({
        name: 'supplementClock',
        label: bm.t('supplementClock', l),
        value: draft.supplementClock,
        error: err('supplementClock'),
        options: supplementClocks.map((c) => ({
          value: c,
          label: bm.t(c === 'restart' ? 'clockRestart' : 'clockPause', l),
        })),
      })}
      <p>${button(bm.t('save', l), { name: 'action', value: 'save' })}</p>`,
  });
  const body = html`<h1>${title}</h1>
    ${errorSummary(errors, l)}
    ${p.savedVersion !== undefined ? notice(bm.t('wfSaved', l, { n: p.savedVersion }), 'success') : ''}
    ${p.unsaved ? notice(bm.t('wfUnsaved', l), 'warning') : ''}
    <p>${bm.t('version', l, { n: w.version })}${w.isDefault ? html` — ${bm.t('workflowDefault', l)}` : ''}</p>
    ${
      p.mayEdit
        ? editor
        : html`${steps}
            <p>${bm.t('wfReadOnly', l)}</p>`
    }
    <h2>${bm.t('wfHistory', l)}</h2>
    ${history}`;
  return renderPage(request, reply, { title, body, status: errors.length ? 400 : 200 });
}
