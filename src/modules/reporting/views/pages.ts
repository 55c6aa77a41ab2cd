/** Pages for reporting officers and reviewers: my reports, the form, a submission, the dashboard. */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import { formatDate, formatDateTime, formatNumber, type Locale } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import {
  button,
  errorSummary,
  form,
  input,
  notice,
  select,
  summaryList,
  table,
  tag,
  textarea,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { ReportingDirectory } from '../hierarchy.ts';
import { periodLabel } from '../periods.ts';
import type { Indicator, Submission } from '../schemas.ts';
import type { ReportingService } from '../service.ts';
import { reportingMessages as m } from './messages.ts';

const formQuery = z.object({
  regime: z.string().max(64),
  period: z.string().max(20),
  unit: z.uuid().optional(),
  done: z.enum(['saved', 'submitted']).optional(),
});
const formBody = z
  .record(z.string().max(64), z.string().max(2000))
  .refine((b) => Object.keys(b).length <= 520, { message: 'too many fields' });

export function statusTag(s: Submission | null, l: Locale) {
  if (!s) return tag(m.t('st_none', l), 'grey');
  const tone = { draft: 'grey', submitted: 'blue', returned: 'red', approved: 'green' } as const;
  return html`${tag(m.t(`st_${s.status}`, l), tone[s.status])} ${s.late ? tag(m.t('late', l), 'yellow') : ''}`;
}

export function display(v: number | string | null | undefined, l: Locale): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'number' ? formatNumber(Math.round(v * 100) / 100, l) : v;
}

function field(ind: Indicator, value: string, error: string | undefined) {
  const name = `v_${ind.code}`;
  const label = `${ind.name}${ind.unit ? ` (${ind.unit})` : ''}${ind.required ? ' *' : ''}`;
  if (ind.type === 'choice')
    return select({
      name,
      label,
      options: ind.options.map((o) => ({ value: o, label: o })),
      value,
      error,
      includeEmpty: '—',
    });
  if (ind.type === 'text')
    return textarea({ name, label, value, ...(error ? { error } : {}), rows: 3, maxLength: 2000 });
  return input({ name, label, value, error, inputmode: 'text', width: 'medium', hint: ind.code });
}

/** Registers the pages under /reports. */
export function registerReportPages(
  app: App,
  service: ReportingService,
  directory: ReportingDirectory,
): void {
  const { submissions } = service;
  const nameOf = async (id: string) => (await directory.getAgency(id))?.name ?? id;

  app.get('/reports', { schema: { hide: true, querystring: z.object({}) } }, async (request, reply) => {
    const l = request.locale;
    const [mine, awaiting] = await Promise.all([
      submissions.assignedPeriods(request.ctx),
      submissions.awaitingMe(request.ctx),
    ]);
    const names = new Map<string, string>();
    for (const a of awaiting) if (!names.has(a.agency_id)) names.set(a.agency_id, await nameOf(a.agency_id));
    const body = html`<h1>${m.t('nav', l)}</h1>
      <h2>${m.t('myReports', l)}</h2>
      ${table({
        caption: m.t('myReportsCaption', l),
        headers: [m.t('regime', l), m.t('period', l), m.t('due', l), m.t('status', l), ''],
        rows: mine.map((p) => [
          p.code,
          periodLabel(p.key, l),
          formatDate(p.due_on),
          p.approved
            ? tag(m.t('st_approved', l), 'green')
            : p.submitted
              ? tag(m.t('st_submitted', l), 'blue')
              : tag(m.t('st_none', l)),
          html`<a href="/reports/form?regime=${encodeURIComponent(p.code)}&period=${p.key}"
            >${m.t('open', l)}</a
          >`,
        ]),
        empty: m.t('noReports', l),
      })}
      <h2>${m.t('awaiting', l)}</h2>
      ${table({
        caption: m.t('awaitingCaption', l),
        headers: [m.t('unit', l), m.t('regime', l), m.t('period', l), m.t('submittedAt', l), ''],
        rows: awaiting.map((a) => [
          names.get(a.agency_id) ?? a.agency_id,
          a.code,
          periodLabel(a.key, l),
          formatDateTime(a.submitted_at),
          html`<a href="/reports/submissions/${a.id}">${m.t('open', l)}</a>`,
        ]),
        empty: m.t('noneAwaiting', l),
      })}`;
    return renderPage(request, reply, { title: m.t('nav', l), body });
  });

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    q: z.infer<typeof formQuery>,
    o: { values?: Record<string, string>; errors?: FieldError[]; status?: number } = {},
  ) {
    const l = request.locale;
    const unitId = q.unit ?? (request.ctx.actor.kind === 'official' ? request.ctx.actor.agencyId : '');
    const cur = await submissions.current(request.ctx, q.regime, q.period, unitId);
    const def = cur.definition;
    const s = cur.submission;
    const editable =
      cur.canEdit &&
      !cur.locked &&
      (!s || s.status === 'draft' || s.status === 'returned' || s.status === 'approved');
    const errors = o.errors ?? [];
    const valueOf = (ind: Indicator) =>
      o.values?.[`v_${ind.code}`] ??
      (s?.values[ind.code] === undefined || s.values[ind.code] === null ? '' : String(s.values[ind.code]));
    const title = m.t('formTitle', l, { regime: def.title, period: periodLabel(q.period, l) });
    const facts = summaryList([
      [m.t('unit', l), await nameOf(unitId)],
      [m.t('window', l), `${formatDate(cur.period.cutoff_start)} – ${formatDate(cur.period.cutoff_end)}`],
      [m.t('due', l), formatDate(cur.period.due_on)],
      [m.t('lock', l), formatDate(cur.period.lock_on)],
      [m.t('status', l), statusTag(s, l)],
      ...(s
        ? [
            [
              m.t('history', l),
              html`<a href="/reports/submissions/${s.id}">${m.t('version', l)} ${s.version}</a>`,
            ] as [string, ReturnType<typeof html>],
          ]
        : []),
    ]);
    const hidden = html`<input type="hidden" name="regime" value="${q.regime}" /><input
        type="hidden"
        name="period"
        value="${q.period}"
      /><input type="hidden" name="unit" value="${unitId}" />`;
    const fields = def.indicators.map((ind) =>
      field(ind, valueOf(ind), errors.find((e) => e.field === `v_${ind.code}`)?.message),
    );
    const body = html`<h1>${title}</h1>
      ${q.done ? notice(m.t(q.done === 'saved' ? 'saved' : 'submittedNotice', l), 'success') : ''}
      ${cur.locked ? notice(m.t('lockedNotice', l), 'warning') : ''} ${errorSummary(errors, l)} ${facts}
      ${def.instructions ? html`<p class="hint">${def.instructions}</p>` : ''}
      ${
        editable
          ? form({
              action: '/reports/form',
              csrfToken: reply.generateCsrf(),
              label: title,
              body: html`${hidden} ${fields}
                <p>
                  ${button(m.t('saveDraft', l), { variant: 'secondary', name: 'action', value: 'save' })}
                  ${button(m.t('submit', l), { name: 'action', value: 'submit' })}
                </p>`,
            })
          : html`${s ? valuesTable(def.indicators, s, l) : ''}${!cur.locked && s ? notice(m.t('readOnly', l)) : ''}`
      }`;
    return renderPage(request, reply, { title, body, ...(o.status ? { status: o.status } : {}) });
  }

  app.get('/reports/form', { schema: { hide: true, querystring: formQuery } }, async (request, reply) =>
    renderForm(request, reply, request.query),
  );

  app.post('/reports/form', { schema: { hide: true, body: formBody } }, async (request, reply) => {
    const b = request.body;
    const q = formQuery.parse({ regime: b['regime'], period: b['period'], unit: b['unit'] || undefined });
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(b)) if (k.startsWith('v_')) values[k.slice(2)] = v;
    const submit = b['action'] === 'submit';
    try {
      await submissions.save(request.ctx, {
        regime: q.regime,
        period: q.period,
        agencyId: q.unit,
        values,
        submit,
        channel: 'form',
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'REPORTING_VALUES_INVALID') {
        const details = error.details as { fields: { field: string; message: string }[] };
        const errors = details.fields.map((f) => ({ field: `v_${f.field}`, message: f.message }));
        return renderForm(request, reply, q, { values: b, errors, status: 400 });
      }
      throw error;
    }
    const unit = q.unit ? `&unit=${q.unit}` : '';
    return reply.redirect(
      `/reports/form?regime=${encodeURIComponent(q.regime)}&period=${q.period}${unit}&done=${submit ? 'submitted' : 'saved'}`,
      303,
    );
  });

  app.get(
    '/reports/submissions/:id',
    { schema: { hide: true, params: z.object({ id: z.string().max(40) }) } },
    async (request, reply) => {
      const l = request.locale;
      const h = await submissions.history(request.ctx, request.params.id);
      const s = h.versions.find((v) => v.id === request.params.id)!;
      const next = s.status === 'submitted' ? h.approvers[s.approvalLevel] : undefined;
      const canDecide =
        next !== undefined && request.ctx.actor.kind === 'official' && request.ctx.actor.agencyId === next;
      const title = `${s.regimeCode} — ${periodLabel(s.periodKey, l)} — ${await nameOf(s.agencyId)}`;
      const signature =
        s.signatureState === 'signed'
          ? m.t('signed', l, { serial: s.certificateSerial ?? '' })
          : s.signatureState === 'hash_only'
            ? m.t('hashOnly', l, { hash: s.contentHash?.slice(0, 16) ?? '' })
            : '—';
      const def = await submissions.definitionOf(s.periodId);
      const decisionNames = new Map<string, string>();
      for (const d of h.decisions)
        if (!decisionNames.has(d.agencyId)) decisionNames.set(d.agencyId, await nameOf(d.agencyId));
      const body = html`<h1>${title}</h1>
        ${summaryList([
          [m.t('version', l), String(s.version)],
          [m.t('status', l), statusTag(s, l)],
          [m.t('submittedAt', l), s.submittedAt ? formatDateTime(s.submittedAt) : '—'],
          [m.t('signature', l), signature],
          ['', m.t('approvalLevel', l, { level: s.approvalLevel, levels: s.approvalLevels })],
        ])}
        ${valuesTable(def.indicators, s, l)}
        ${
          canDecide
            ? form({
                action: `/reports/submissions/${s.id}/decide`,
                csrfToken: reply.generateCsrf(),
                body: html`${textarea({ name: 'comment', label: m.t('comment', l), maxLength: 2000 })}
                  <p>
                    ${button(m.t('approve', l), { name: 'decision', value: 'approve' })}
                    ${button(m.t('returnIt', l), { variant: 'warning', name: 'decision', value: 'return' })}
                  </p>`,
              })
            : ''
        }
        <h2>${m.t('history', l)}</h2>
        ${table({
          caption: m.t('history', l),
          headers: [m.t('version', l), m.t('status', l), m.t('submittedAt', l)],
          rows: h.versions.map((v) => [
            html`<a href="/reports/submissions/${v.id}">${String(v.version)}</a>`,
            statusTag(v, l),
            v.submittedAt ? formatDateTime(v.submittedAt) : '—',
          ]),
          empty: '—',
        })}
        <h2>${m.t('decisions', l)}</h2>
        ${table({
          caption: m.t('decisions', l),
          headers: [m.t('version', l), m.t('unit', l), m.t('status', l), m.t('comment', l)],
          rows: h.decisions.map((d) => [
            String(h.versions.find((v) => v.id === d.submissionId)?.version ?? ''),
            decisionNames.get(d.agencyId) ?? d.agencyId,
            `${m.t(`decision_${d.decision}`, l)} · ${formatDateTime(d.decidedAt)}`,
            d.comment ?? '',
          ]),
          empty: '—',
        })}`;
      return renderPage(request, reply, { title, body });
    },
  );

  app.post(
    '/reports/submissions/:id/decide',
    {
      schema: {
        hide: true,
        params: z.object({ id: z.string().max(40) }),
        body: z.object({
          decision: z.enum(['approve', 'return']),
          comment: z.string().max(2000).default(''),
          _csrf: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { decision, comment } = request.body;
      if (decision === 'approve') await submissions.approve(request.ctx, request.params.id, comment);
      else await submissions.returnForCorrection(request.ctx, request.params.id, comment);
      return reply.redirect(`/reports/submissions/${request.params.id}`, 303);
    },
  );
}

function valuesTable(indicators: readonly Indicator[], s: Submission, l: Locale) {
  return table({
    caption: m.t('value', l),
    headers: [m.t('indicator', l), m.t('unitOfMeasure', l), m.t('value', l)],
    rows: indicators.map((ind) => [ind.name, ind.unit, display(s.values[ind.code], l)]),
    empty: '—',
  });
}
