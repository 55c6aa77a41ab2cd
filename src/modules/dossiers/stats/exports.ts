// Exports of the register book (form 07) and of the statistics: Excel (exceljs) and PDF
// (landscape A4, DejaVu fonts, the table's header repeated on every page, page numbers).
import ExcelJS from 'exceljs';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  format,
  type Locale,
} from '../../../platform/i18n/index.ts';
import { createPdf } from '../../../platform/pdf/index.ts';
import { sm } from './messages.ts';
import type { IndexGroup, RegisterEntry, StatsReport, StatsRow } from './service.ts';
import type { Period } from './periods.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const pct = (v: number | null, l: Locale) =>
  v === null ? '—' : `${formatNumber(Math.round(v * 1000) / 10, l)} %`;
const num = (v: number | null, l: Locale) => (v === null ? '—' : formatNumber(v, l));
const when = (iso: string | null) => (iso ? formatDateTime(iso) : '');
const day = (iso: string | null) => (iso ? formatDate(iso) : '');

/** A register entry's timeliness in words. */
export function timelinessText(e: RegisterEntry, l: Locale): string {
  return e.timeliness ? sm.t(e.timeliness, l) : '';
}

/** The register's columns, as cells of text. */
export function registerHeaders(l: Locale): string[] {
  return [
    sm.t('seq', l),
    sm.t('code', l),
    sm.t('applicant', l),
    sm.t('procedure', l),
    sm.t('channel', l),
    sm.t('receivedAt', l),
    sm.t('dueAt', l),
    sm.t('finishedAt', l),
    sm.t('returnedAt', l),
    sm.t('timeliness', l),
    sm.t('status', l),
  ];
}

export function registerCells(e: RegisterEntry, l: Locale): string[] {
  return [
    String(e.seq),
    e.code,
    e.applicantName,
    e.procedureName,
    sm.t(e.channel, l),
    when(e.receivedAt),
    day(e.dueAt),
    when(e.finishedAt),
    when(e.returnedAt),
    timelinessText(e, l),
    e.statusName[l],
  ];
}

/** The statistics' columns (group label first). */
export function statsHeaders(l: Locale, first: string): string[] {
  return [
    first,
    sm.t('carriedOver', l),
    sm.t('received', l),
    sm.t('online', l),
    sm.t('counter', l),
    sm.t('post', l),
    sm.t('national_portal', l),
    sm.t('finished', l),
    sm.t('early', l),
    sm.t('on_time', l),
    sm.t('late', l),
    sm.t('onTimeRate', l),
    sm.t('closedOther', l),
    sm.t('inProgress', l),
    sm.t('avgDays', l),
    sm.t('onlineShare', l),
    sm.t('paymentShare', l),
    sm.t('satisfaction', l),
  ];
}

export function statsCells(r: StatsRow, label: string, l: Locale): string[] {
  const n = (v: number) => formatNumber(v, l);
  return [
    label,
    n(r.carriedOver),
    n(r.received.total),
    n(r.received.online),
    n(r.received.counter),
    n(r.received.post),
    n(r.received.nationalPortal),
    n(r.finished),
    n(r.early),
    n(r.onTime),
    n(r.late),
    pct(r.onTimeRate, l),
    n(r.refused + r.withdrawn + r.stopped),
    n(r.inProgress),
    num(r.averageProcessingDays, l),
    pct(r.onlineShare, l),
    pct(r.onlinePaymentShare, l),
    r.ratings ? `${pct(r.satisfiedShare, l)} (${sm.t('ratings', l, { n: r.ratings })})` : '—',
  ];
}

const groupName: Record<IndexGroup['key'], Parameters<typeof sm.t>[0]> = {
  publicity: 'publicity',
  progress: 'progress',
  digitisation: 'digitisation',
  onlineServices: 'onlineServices',
  satisfaction: 'satisfactionGroup',
};

export function indexCells(g: IndexGroup, l: Locale): string[] {
  return [
    sm.t(groupName[g.key], l),
    g.points === null ? sm.t('notComputable', l) : `${num(g.points, l)} / ${g.max}`,
    format(g.basis, l),
  ];
}

function sheetTitle(ws: ExcelJS.Worksheet, lines: string[], columns: number) {
  lines.forEach((text, i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = text;
    row.getCell(1).font = { bold: i === 0, size: i === 0 ? 14 : 11 };
    ws.mergeCells(i + 1, 1, i + 1, columns);
  });
}

function headerRow(ws: ExcelJS.Worksheet, at: number, headers: string[]) {
  const row = ws.getRow(at);
  headers.forEach((h, i) => {
    const c = row.getCell(i + 1);
    c.value = h;
    c.font = { bold: true };
    c.alignment = { wrapText: true, vertical: 'middle' };
    c.border = { bottom: { style: 'thin' } };
  });
}

/** The register book as an .xlsx workbook (one sheet "SoTheoDoi"). */
export async function registerWorkbook(o: {
  agencyName: string;
  period: Period;
  entries: RegisterEntry[];
  locale: Locale;
}): Promise<Buffer> {
  const l = o.locale;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Liên thông';
  wb.title = sm.t('registerTitle', l);
  const headers = registerHeaders(l);
  const ws = wb.addWorksheet('SoTheoDoi', { views: [{ state: 'frozen', ySplit: 4 }] });
  ws.columns = [6, 28, 28, 40, 16, 17, 12, 17, 17, 12, 22].map((width) => ({ width }));
  sheetTitle(
    ws,
    [
      `${sm.t('registerTitle', l).toUpperCase()} (${sm.t('registerForm', l)})`,
      `${sm.t('agency', l)}: ${o.agencyName}`,
      `${sm.t('period', l)}: ${format(o.period.label, l)}`,
    ],
    headers.length,
  );
  headerRow(ws, 4, headers);
  o.entries.forEach((e) => ws.addRow(registerCells(e, l)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The register book as a landscape PDF, the header repeated on every page. */
export async function registerPdf(o: {
  agencyName: string;
  period: Period;
  entries: RegisterEntry[];
  locale: Locale;
  now: Date;
}): Promise<Buffer> {
  const l = o.locale;
  const title = sm.t('registerTitle', l).toUpperCase();
  const pdf = await createPdf({ title, language: l, orientation: 'landscape', pageNumbers: true });
  pdf
    .centered(sm.t('nation', l), { size: 11 })
    .centered(sm.t('motto', l), { size: 11 })
    .space(6)
    .centered(o.agencyName.toUpperCase(), { size: 11 })
    .centered(title, { size: 14 })
    .centered(`${sm.t('registerForm', l)} — ${format(o.period.label, l)}`, { size: 10, bold: false })
    .space(6)
    .table(
      registerHeaders(l),
      o.entries.map((e) => registerCells(e, l)),
      [0.04, 0.16, 0.12, 0.15, 0.07, 0.08, 0.07, 0.08, 0.08, 0.06, 0.09],
      { size: 7.5, repeatHeader: true },
    )
    .paragraph(sm.t('printedAt', l, { date: formatDate(o.now) }), { size: 9 })
    .signatures([{ title: sm.t('preparer', l) }, { title: sm.t('head', l) }]);
  return pdf.toBuffer();
}

function statsLines(r: StatsReport, l: Locale, agencyName: string): string[] {
  return [
    sm.t('statsTitle', l).toUpperCase(),
    `${sm.t('agency', l)}: ${agencyName}${r.units ? ` (${sm.t('withUnits', l)})` : ''}`,
    `${sm.t('period', l)}: ${format(r.period.label, l)}`,
  ];
}

/** The statistics as an .xlsx workbook: the table with its total, then the index groups. */
export async function statsWorkbook(
  r: StatsReport,
  o: { agencyName: string; firstHeader: string; locale: Locale },
) {
  const l = o.locale;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Liên thông';
  wb.title = sm.t('statsTitle', l);
  const headers = statsHeaders(l, o.firstHeader);
  const ws = wb.addWorksheet('ThongKe', { views: [{ state: 'frozen', ySplit: 4 }] });
  ws.columns = headers.map((_, i) => ({ width: i === 0 ? 40 : 14 }));
  sheetTitle(ws, statsLines(r, l, o.agencyName), headers.length);
  headerRow(ws, 4, headers);
  r.rows.forEach((row) => ws.addRow(statsCells(row, row.label, l)));
  ws.addRow(statsCells(r.total, sm.t('total', l), l)).font = { bold: true };
  ws.addRow([]);
  ws.addRow([sm.t('indexTitle', l)]).font = { bold: true };
  ws.addRow([sm.t('indexGroup', l), sm.t('points', l), sm.t('basis', l)]).font = { bold: true };
  r.index.forEach((g) => ws.addRow(indexCells(g, l)));
  ws.addRow([sm.t('indexNote', l)]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The statistics as a landscape PDF. */
export async function statsPdf(
  r: StatsReport,
  o: { agencyName: string; firstHeader: string; locale: Locale },
) {
  const l = o.locale;
  const lines = statsLines(r, l, o.agencyName);
  const pdf = await createPdf({
    title: lines[0] ?? '',
    language: l,
    orientation: 'landscape',
    pageNumbers: true,
  });
  pdf.centered(sm.t('nation', l), { size: 11 }).centered(sm.t('motto', l), { size: 11 }).space(6);
  lines.forEach((line, i) => pdf.centered(line, { size: i === 0 ? 13 : 10, bold: i === 0 }));
  const widths = [0.13, ...Array.from({ length: 17 }, () => 0.87 / 17)];
  pdf
    .space(6)
    .table(
      statsHeaders(l, o.firstHeader),
      [...r.rows.map((row) => statsCells(row, row.label, l)), statsCells(r.total, sm.t('total', l), l)],
      widths,
      { size: 6.5, repeatHeader: true },
    )
    .heading(sm.t('indexTitle', l), 11)
    .table(
      [sm.t('indexGroup', l), sm.t('points', l), sm.t('basis', l)],
      r.index.map((g) => indexCells(g, l)),
      [0.25, 0.15, 0.6],
      { size: 8.5 },
    )
    .paragraph(sm.t('indexNote', l), { size: 8.5 });
  return pdf.toBuffer();
}
