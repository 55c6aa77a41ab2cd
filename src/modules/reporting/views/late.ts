/** The list of units that have not submitted or submitted late, with "remind now" for each. */
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/types.ts';
import { button, form, notice, table, tag } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { periodLabel } from '../periods.ts';
import type { ReportingService } from '../service.ts';
import { reportingMessages as m } from './messages.ts';
import { display } from './pages.ts';

const query = z.object({
  regime: z.string().max(64),
  period: z.string().max(20),
  unit: z.uuid().optional(),
  reminded: z.uuid().optional(),
  failed: z.literal('contact').optional(),
});

/** Registers /reports/late and its "remind now" action. */
export function registerLatePages(app: App, service: ReportingService): void {
  app.get('/reports/late', { schema: { hide: true, querystring: query } }, async (request, reply) => {
    const l = request.locale;
    const q = request.query;
    const unit =
      q.unit ?? (request.ctx.actor.kind === 'official' ? request.ctx.actor.agencyId : undefined) ?? '';
    const late = await service.dashboard.lateUnits(request.ctx, { regime: q.regime, period: q.period, unit });
    const title = m.t('lateTitle', l, { period: `${late.regime.code} — ${periodLabel(late.period.key, l)}` });
    const remindedName = q.reminded ? late.units.find((u) => u.unitId === q.reminded)?.name : undefined;
    const body = html`<h1>${title}</h1>
      ${remindedName ? notice(m.t('reminded', l, { unit: remindedName }), 'success') : ''}
      ${q.failed ? notice(m.t('noContact', l), 'warning') : ''}
      ${table({
        caption: title,
        headers: [m.t('unit', l), m.t('status', l), ''],
        rows: late.units.map((u) => [
          u.name,
          u.submitted
            ? tag(m.t('submittedLate', l), 'yellow')
            : html`${tag(m.t('notSubmitted', l), 'red')}
              ${late.overdue ? tag(m.t('overdueTag', l), 'yellow') : ''}`,
          u.submitted || u.unitId === unit
            ? ''
            : form({
                action: '/reports/late/remind',
                csrfToken: reply.generateCsrf(),
                label: `${m.t('remindNow', l)}: ${u.name}`,
                body: html`<input type="hidden" name="regime" value="${late.regime.code}" />
                  <input type="hidden" name="period" value="${late.period.key}" />
                  <input type="hidden" name="unit" value="${u.unitId}" />
                  <input type="hidden" name="from" value="${unit}" />
                  ${button(m.t('remindNow', l), { variant: 'secondary' })}`,
              }),
        ]),
        empty: m.t('noLateUnits', l),
      })}`;
    return renderPage(request, reply, { title, body });
  });

  app.post(
    '/reports/late/remind',
    {
      schema: {
        hide: true,
        body: z.object({
          regime: z.string().max(64),
          period: z.string().max(20),
          unit: z.uuid(),
          from: z.uuid().or(z.literal('')).optional(),
          _csrf: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const back = `/reports/late?regime=${encodeURIComponent(b.regime)}&period=${encodeURIComponent(b.period)}${b.from ? `&unit=${b.from}` : ''}`;
      try {
        await service.reminders.remindNow(request.ctx, { regime: b.regime, period: b.period, unit: b.unit });
      } catch (error) {
        if (error instanceof AppError && error.code === 'REPORTING_NO_CONTACT')
          return reply.redirect(`${back}&failed=contact`, 303);
        throw error;
      }
      return reply.redirect(`${back}&reminded=${b.unit}`, 303);
    },
  );
}

/** Registers /reports/restated: the period as reported and restated to successors. */
export function registerRestatedPage(app: App, service: ReportingService): void {
  app.get(
    '/reports/restated',
    {
      schema: {
        hide: true,
        querystring: z.object({ regime: z.string().max(64), period: z.string().max(20) }),
      },
    },
    async (request, reply) => {
      const l = request.locale;
      const v = await service.restated.view(request.ctx, request.query);
      const title = m.t('restatedTitle', l, { period: `${v.regime.code} — ${periodLabel(v.period.key, l)}` });
      const num = (x: number | null | undefined) => (x === null || x === undefined ? '—' : display(x, l));
      const headers = [m.t('unit', l), ...v.indicators.map((i) => i.name)];
      const body = html`<h1>${title}</h1>
        <p>${m.t('restatedIntro', l)}</p>
        <h2>${m.t('asReported', l)}</h2>
        ${table({
          caption: m.t('asReported', l),
          headers,
          rows: v.asReported.map((r) => [r.name, ...v.indicators.map((i) => num(r.values[i.code]))]),
          empty: '—',
        })}
        <h2>${m.t('restatedCol', l)}</h2>
        ${table({
          caption: m.t('restatedCol', l),
          headers,
          rows: v.restated.map((r) => [
            html`${r.name}${
              r.sources.length > 1 || r.sources[0]?.unitId !== r.unitId
                ? html`<br /><small>${m.t('from', l)}: ${r.sources.map((s) => s.name).join(', ')}</small>`
                : ''
            }`,
            ...v.indicators.map((i) =>
              r.flagged.includes(i.code) ? tag(m.t('nonAdditive', l), 'yellow') : num(r.values[i.code]),
            ),
          ]),
          empty: '—',
        })}`;
      return renderPage(request, reply, { title, body });
    },
  );
}
