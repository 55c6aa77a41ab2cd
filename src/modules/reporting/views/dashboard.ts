/**
 * The dashboard: a unit's figures for a regime and period (nation → province → commune by
 * links), completeness and timeliness by unit and by level, a trend over periods and a
 * comparison across the units below as server-rendered SVG, and the same tables exported to
 * Excel and PDF.
 */
import { z } from 'zod';
import ExcelJS from 'exceljs';
import type { FastifyRequest } from 'fastify';
import { formatNumber, type Locale } from '../../../platform/i18n/index.ts';
import type { App } from '../../../platform/http/types.ts';
import { button, form, linkButton, select, table, tag } from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { createPdf } from '../../../platform/pdf/index.ts';
import { barChart, lineChart } from '../charts/svg.ts';
import { XLSX_TYPE } from '../excel.ts';
import { periodLabel } from '../periods.ts';
import type { ReportingService } from '../service.ts';
import { display } from './pages.ts';
import { reportingMessages as m } from './messages.ts';

const query = z.object({
  regime: z.string().max(64),
  period: z.string().max(20),
  unit: z.uuid().optional(),
  indicator: z.string().max(40).optional(),
  view: z.enum(['reported', 'restated']).optional(),
});
type Query = z.infer<typeof query>;

const rate = (sub: number, exp: number, l: Locale) =>
  exp === 0 ? '—' : `${formatNumber(Math.round((sub / exp) * 1000) / 10, l)} %`;

/** Registers /reports/dashboard and its exports. */
export function registerDashboardPages(app: App, service: ReportingService): void {
  const { dashboard } = service;

  /** The indicators the children's table and chart show: the first twelve and the chosen one. */
  const TABLE_INDICATORS = 12;
  async function load(request: FastifyRequest, q: Query, allForChildren = false) {
    const s = await dashboard.summary(request.ctx, {
      ...q,
      childIndicators: allForChildren
        ? undefined
        : (aggregated) => {
            const codes = aggregated.slice(0, TABLE_INDICATORS).map((i) => i.code);
            return [...codes, q.indicator ?? aggregated[0]?.code ?? ''];
          },
    });
    const inds = s.definition.indicators.filter((i) => i.aggregation !== 'none');
    const chosen = inds.find((i) => i.code === q.indicator) ?? inds[0];
    return { s, inds, chosen };
  }

  const link = (q: Query, patch: Partial<Query>, path = '/reports/dashboard') => {
    const all = { ...q, ...patch };
    const parts = Object.entries(all)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
    return `${path}?${parts.join('&')}`;
  };

  app.get('/reports/dashboard', { schema: { hide: true, querystring: query } }, async (request, reply) => {
    const l = request.locale;
    const q = request.query;
    const { s, inds, chosen } = await load(request, q);
    const unitId = s.unit.unitId;
    const here = { ...q, unit: unitId };
    const [trend, levels] = await Promise.all([
      dashboard.trend(request.ctx, {
        regime: s.regime.code,
        unit: unitId,
        periods: 6,
        indicators: chosen ? [chosen.code] : [],
      }),
      dashboard.levels(request.ctx, { regime: s.regime.code, period: s.period.key, unit: unitId }),
    ]);
    const unitName = s.names.get(unitId) ?? '';
    const title = `${s.regime.title} — ${periodLabel(s.period.key, l)}`;
    const parent = s.ancestors[0];
    const valueOf = (values: { code: string; value: number | null }[], code: string) =>
      values.find((v) => v.code === code)?.value ?? null;
    const charts = chosen
      ? html`${lineChart({
          id: 'trend',
          title: m.t('trendTitle', l, { indicator: chosen.name, unit: unitName }),
          desc: m.t('trendDesc', l, {
            values: trend
              .map((t) => `${periodLabel(t.key, l)}: ${display(t.values.get(chosen.code) ?? null, l)}`)
              .join('; '),
          }),
          points: trend.map((t) => ({
            label: periodLabel(t.key, l),
            value: t.values.get(chosen.code) ?? null,
          })),
          unit: chosen.unit,
          locale: l,
        })}
        ${
          s.children.length > 0
            ? barChart({
                id: 'compare',
                title: m.t('compareTitle', l, { indicator: chosen.name }),
                desc: m.t('compareDesc', l, { count: s.children.length, unit: unitName }),
                points: s.children.slice(0, 200).map((c) => ({
                  label: s.names.get(c.unitId) ?? c.unitId,
                  value: valueOf(c.values, chosen.code),
                  href: link(here, { unit: c.unitId }),
                })),
                unit: chosen.unit,
                locale: l,
              })
            : ''
        }`
      : '';
    const picker = form({
      action: '/reports/dashboard',
      method: 'get',
      csrfToken: '',
      label: m.t('chooseIndicator', l),
      body: html`<input type="hidden" name="regime" value="${s.regime.code}" />
        <input type="hidden" name="period" value="${s.period.key}" />
        <input type="hidden" name="unit" value="${unitId}" />
        ${select({
          name: 'indicator',
          label: m.t('chooseIndicator', l),
          options: inds.map((i) => ({ value: i.code, label: i.name })),
          value: chosen?.code ?? null,
        })}
        ${button(m.t('show', l), { variant: 'secondary' })}`,
    });
    const body = html`<h1>${title}</h1>
      <h2>${unitName}</h2>
      ${parent ? html`<p><a href="${link(here, { unit: parent })}">↑ ${m.t('up', l)}: ${s.names.get(parent) ?? ''}</a></p>` : ''}
      <p>
        ${m.t('completeness', l, { submitted: s.unit.submitted, expected: s.unit.expected, rate: rate(s.unit.submitted, s.unit.expected, l) })}
        · ${m.t('timeliness', l, { onTime: s.unit.onTime, late: s.unit.late, approved: s.unit.approved })}
      </p>
      <p>
        ${linkButton(m.t('exportExcel', l), link(here, {}, '/reports/dashboard/export.xlsx'))}
        ${linkButton(m.t('exportPdf', l), link(here, {}, '/reports/dashboard/export.pdf'))}
        ${linkButton(m.t('lateUnits', l), link({ regime: q.regime, period: q.period, unit: unitId }, {}, '/reports/late'))}
        ${linkButton(m.t('restated', l), link({ regime: q.regime, period: q.period }, {}, '/reports/restated'))}
      </p>
      ${picker} ${charts}
      ${table({
        caption: m.t('byLevel', l),
        headers: [
          m.t('level', l),
          m.t('submittedCol', l),
          m.t('onTime', l),
          m.t('lateCol', l),
          m.t('rate', l),
        ],
        rows: levels.map((x) => [
          m.t(x.depth === 0 ? 'level0' : x.depth === 1 ? 'level1' : 'levelN', l, { n: x.depth }),
          `${x.submitted}/${x.expected}`,
          String(x.onTime),
          x.late > 0 ? tag(String(x.late), 'yellow') : '0',
          rate(x.submitted, x.expected, l),
        ]),
        empty: '—',
      })}
      ${table({
        caption: m.t('dashboard', l),
        headers: [m.t('indicator', l), m.t('unitOfMeasure', l), m.t('value', l)],
        rows: inds.map((ind) => [ind.name, ind.unit, display(valueOf(s.unit.values, ind.code), l)]),
        empty: '—',
      })}
      <h2>${m.t('children', l)}</h2>
      ${table({
        caption: m.t('children', l),
        headers: [
          m.t('unit', l),
          m.t('submittedCol', l),
          m.t('onTime', l),
          m.t('lateCol', l),
          ...inds.slice(0, TABLE_INDICATORS).map((i) => i.name),
        ],
        rows: s.children.map((c) => [
          html`<a href="${link(here, { unit: c.unitId })}">${s.names.get(c.unitId) ?? c.unitId}</a>`,
          `${c.submitted}/${c.expected}`,
          String(c.onTime),
          c.late > 0 ? tag(`${m.t('late', l)}: ${c.late}`, 'yellow') : '0',
          ...inds.slice(0, TABLE_INDICATORS).map((ind) => display(valueOf(c.values, ind.code), l)),
        ]),
        empty: '—',
      })}
      <p>${linkButton(m.t('nav', l), '/reports')}</p>`;
    return renderPage(request, reply, { title, body });
  });

  app.get(
    '/reports/dashboard/export.xlsx',
    { schema: { hide: true, querystring: query } },
    async (request, reply) => {
      const l = request.locale;
      const { s, inds } = await load(request, request.query, true);
      const wb = new ExcelJS.Workbook();
      wb.creator = 'Liên thông';
      const ws = wb.addWorksheet('TongHop');
      ws.addRow([s.regime.title]).font = { bold: true };
      ws.addRow([`${periodLabel(s.period.key, l)} · ${s.names.get(s.unit.unitId) ?? ''}`]);
      ws.addRow([]);
      ws.addRow([
        m.t('unit', l),
        m.t('submittedCol', l),
        m.t('expectedCol', l),
        m.t('onTime', l),
        m.t('lateCol', l),
        ...inds.map((i) => `${i.name}${i.unit ? ` (${i.unit})` : ''}`),
      ]).font = { bold: true };
      for (const u of [s.unit, ...s.children])
        ws.addRow([
          s.names.get(u.unitId) ?? u.unitId,
          u.submitted,
          u.expected,
          u.onTime,
          u.late,
          ...inds.map((i) => u.values.find((v) => v.code === i.code)?.value ?? null),
        ]);
      ws.getColumn(1).width = 40;
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename="${s.regime.code}-${s.period.key}.xlsx"`)
        .send(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  );

  app.get(
    '/reports/dashboard/export.pdf',
    { schema: { hide: true, querystring: query } },
    async (request, reply) => {
      const l = request.locale;
      const { s, chosen } = await load(request, request.query);
      const title = `${s.regime.title} — ${periodLabel(s.period.key, l)}`;
      const pdf = await createPdf({ title, language: l });
      pdf
        .heading(title)
        .fields([
          [m.t('unit', l), s.names.get(s.unit.unitId) ?? ''],
          [
            m.t('submittedCol', l),
            `${s.unit.submitted}/${s.unit.expected} (${rate(s.unit.submitted, s.unit.expected, l)})`,
          ],
          [m.t('onTime', l), `${s.unit.onTime} · ${m.t('lateCol', l)}: ${s.unit.late}`],
        ])
        .table(
          [m.t('indicator', l), m.t('unitOfMeasure', l), m.t('value', l)],
          s.definition.indicators
            .filter((i) => i.aggregation !== 'none')
            .map((i) => [i.name, i.unit, display(s.unit.values.find((v) => v.code === i.code)?.value, l)]),
          [0.6, 0.15, 0.25],
        );
      if (s.children.length > 0)
        pdf.heading(m.t('children', l), 12).table(
          [m.t('unit', l), m.t('submittedCol', l), m.t('lateCol', l), chosen?.name ?? ''],
          s.children.map((c) => [
            s.names.get(c.unitId) ?? c.unitId,
            `${c.submitted}/${c.expected}`,
            String(c.late),
            chosen ? display(c.values.find((v) => v.code === chosen.code)?.value, l) : '',
          ]),
          [0.45, 0.15, 0.12, 0.28],
        );
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${s.regime.code}-${s.period.key}.pdf"`)
        .send(await pdf.toBuffer());
    },
  );
}
