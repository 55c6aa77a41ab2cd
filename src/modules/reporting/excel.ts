/**
 * The Excel channel (exceljs): a template per regime version × period × unit — one row per
 * indicator (code, name, value, unit, type, allowed range), data validation on the value cells,
 * and a hidden metadata sheet naming the regime version, period and unit — and the reading of a
 * filled template back into values, every problem named by its cell ("C7: …").
 * Uploaded files are hostile: the zip's declared sizes are checked before exceljs opens it.
 */
import ExcelJS from 'exceljs';
import { format, formatNumber, type Locale, type Text } from '../../platform/i18n/index.ts';
import { ExcelUnreadable } from './errors.ts';
import type { Indicator, RegimeDefinition } from './schemas.ts';
import { checkValues } from './validation.ts';
import { isUuid } from '../../platform/ids.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Largest upload accepted (bytes of the .xlsx). */
export const MAX_XLSX_BYTES = 2 * 1024 * 1024;
/** Largest total of the files inside the zip (guards against zip bombs). */
const MAX_UNZIPPED_BYTES = 30 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 200;

const SHEET = 'BaoCao';
const META = 'meta';
const FIRST_ROW = 6;
/** Columns: A code, B name, C value, D unit of measure, E type, F allowed range. */
const VALUE_COL = 'C';

export interface TemplateMeta {
  regime: string;
  regimeVersionId: string;
  regimeVersion: number;
  periodId: string;
  periodKey: string;
  unitId: string;
}

const typeLabel: Record<Indicator['type'], Text> = {
  number: { vi: 'Số', en: 'Number' },
  percentage: { vi: 'Tỷ lệ %', en: 'Percentage' },
  text: { vi: 'Chữ', en: 'Text' },
  choice: { vi: 'Chọn một', en: 'Choice' },
};

function bounds(ind: Indicator): { min: number | null; max: number | null } {
  return {
    min: ind.min ?? (ind.type === 'percentage' ? 0 : null),
    max: ind.max ?? (ind.type === 'percentage' ? 100 : null),
  };
}

/** The allowed range of an indicator in words: "0 – 100", "≥ 0", the options, or "". */
export function rangeText(ind: Indicator, l: Locale): string {
  if (ind.type === 'choice') return ind.options.join('; ');
  if (ind.type === 'text') return format({ vi: 'tối đa 2.000 ký tự', en: 'up to 2,000 characters' }, l);
  const { min, max } = bounds(ind);
  const n = (x: number) => formatNumber(x, l);
  if (min !== null && max !== null) return `${n(min)} – ${n(max)}`;
  if (min !== null) return `≥ ${n(min)}`;
  if (max !== null) return `≤ ${n(max)}`;
  return '';
}

/** Builds the template workbook, with the unit's current values when given. */
export async function buildTemplate(o: {
  meta: TemplateMeta;
  definition: RegimeDefinition;
  unitName: string;
  periodLabel: string;
  dueOn: string;
  values?: Readonly<Record<string, number | string | null>>;
  locale: Locale;
}): Promise<Buffer> {
  const l = o.locale;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Liên thông';
  wb.title = o.definition.title;
  const ws = wb.addWorksheet(SHEET, { views: [{ state: 'frozen', ySplit: FIRST_ROW - 1 }] });
  ws.columns = [{ width: 16 }, { width: 60 }, { width: 18 }, { width: 14 }, { width: 14 }, { width: 28 }];
  ws.getCell('A1').value = o.definition.title;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = `${format({ vi: 'Đơn vị', en: 'Unit' }, l)}: ${o.unitName}`;
  ws.getCell('A3').value =
    `${format({ vi: 'Kỳ báo cáo', en: 'Period' }, l)}: ${o.periodLabel} · ${format({ vi: 'Hạn gửi', en: 'Due' }, l)}: ${o.dueOn.split('-').reverse().join('/')}`;
  ws.getCell('A4').value = format(
    {
      vi: 'Chỉ nhập vào cột "Giá trị" (cột C). Không sửa mã chỉ tiêu và không xóa trang "meta".',
      en: 'Fill in the "Value" column (C) only. Do not change the codes or delete the "meta" sheet.',
    },
    l,
  );
  const header = ws.getRow(FIRST_ROW - 1);
  header.values = [
    format({ vi: 'Mã', en: 'Code' }, l),
    format({ vi: 'Chỉ tiêu', en: 'Indicator' }, l),
    format({ vi: 'Giá trị', en: 'Value' }, l),
    format({ vi: 'Đơn vị tính', en: 'Unit' }, l),
    format({ vi: 'Kiểu', en: 'Type' }, l),
    format({ vi: 'Phạm vi cho phép', en: 'Allowed range' }, l),
  ];
  header.font = { bold: true };
  o.definition.indicators.forEach((ind, i) => {
    const row = ws.getRow(FIRST_ROW + i);
    const current = o.values?.[ind.code];
    row.values = [
      ind.code,
      `${ind.name}${ind.required ? ' *' : ''}`,
      current ?? null,
      ind.unit,
      format(typeLabel[ind.type], l),
      rangeText(ind, l),
    ];
    const cell = row.getCell(3);
    cell.protection = { locked: false };
    const { min, max } = bounds(ind);
    const prompt = `${ind.name}${rangeText(ind, l) ? `: ${rangeText(ind, l)}` : ''}`.slice(0, 250);
    if (ind.type === 'choice')
      cell.dataValidation = {
        type: 'list',
        allowBlank: !ind.required,
        formulae: [`"${ind.options.map((x) => x.replace(/"/g, '')).join(',')}"`],
        showErrorMessage: true,
        prompt,
      };
    else if (ind.type === 'text')
      cell.dataValidation = {
        type: 'textLength',
        operator: 'lessThanOrEqual',
        allowBlank: true,
        formulae: [2000],
        showErrorMessage: true,
      };
    else
      cell.dataValidation = {
        type: 'decimal',
        operator:
          min !== null && max !== null ? 'between' : max !== null ? 'lessThanOrEqual' : 'greaterThanOrEqual',
        allowBlank: !ind.required,
        formulae: min !== null && max !== null ? [min, max] : max !== null ? [max] : [min ?? -1e15],
        showErrorMessage: true,
        errorTitle: format({ vi: 'Giá trị không hợp lệ', en: 'Invalid value' }, l),
        error: prompt,
        prompt,
      };
  });
  const meta = wb.addWorksheet(META, { state: 'hidden' });
  for (const [k, v] of Object.entries(o.meta)) meta.addRow([k, v]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Reads the zip's central directory and refuses archives whose declared entries are too many or
 * too large once inflated, before any decompression.
 */
export function checkZipBounds(buf: Buffer): void {
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) throw ExcelUnreadable({ reason: 'not_xlsx' });
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw ExcelUnreadable({ reason: 'not_xlsx' });
  const entries = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  if (entries > MAX_ZIP_ENTRIES) throw ExcelUnreadable({ reason: 'too_many_entries' });
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (pos + 46 > buf.length || buf.readUInt32LE(pos) !== 0x02014b50)
      throw ExcelUnreadable({ reason: 'not_xlsx' });
    total += buf.readUInt32LE(pos + 24);
    pos += 46 + buf.readUInt16LE(pos + 28) + buf.readUInt16LE(pos + 30) + buf.readUInt16LE(pos + 32);
  }
  if (total > MAX_UNZIPPED_BYTES) throw ExcelUnreadable({ reason: 'too_large' });
}

function cellText(v: ExcelJS.CellValue): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
  }
  return null;
}

export interface ReadTemplate {
  meta: TemplateMeta;
  /** Values by indicator code as typed (numbers stay numbers). */
  values: Record<string, string | number>;
  /** The cell of each indicator's value, e.g. C7. */
  cellOf: Map<string, string>;
  /** Problems found while reading rows (unknown or repeated codes). */
  problems: CellProblem[];
}

export interface CellProblem {
  cell: string;
  field: string;
  message: Text;
}

/** Opens an uploaded template and reads its metadata and values (no checks of the values yet). */
export async function readTemplate(buf: Buffer): Promise<ReadTemplate> {
  if (buf.length > MAX_XLSX_BYTES) throw ExcelUnreadable({ reason: 'too_large' });
  checkZipBounds(buf);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw ExcelUnreadable({ reason: 'not_xlsx' });
  }
  const metaSheet = wb.getWorksheet(META);
  const ws = wb.getWorksheet(SHEET);
  if (!metaSheet || !ws) throw ExcelUnreadable({ reason: 'not_a_template' });
  const raw: Record<string, string> = {};
  metaSheet.eachRow((row) => {
    const k = cellText(row.getCell(1).value);
    const v = cellText(row.getCell(2).value);
    if (typeof k === 'string' && v !== null) raw[k] = String(v).slice(0, 100);
  });
  const meta: TemplateMeta = {
    regime: raw['regime'] ?? '',
    regimeVersionId: raw['regimeVersionId'] ?? '',
    regimeVersion: Number(raw['regimeVersion'] ?? 0),
    periodId: raw['periodId'] ?? '',
    periodKey: raw['periodKey'] ?? '',
    unitId: raw['unitId'] ?? '',
  };
  if (!meta.regime || !isUuid(meta.unitId) || !meta.periodKey)
    throw ExcelUnreadable({ reason: 'not_a_template' });
  const values: Record<string, string | number> = {};
  const cellOf = new Map<string, string>();
  const problems: CellProblem[] = [];
  const last = Math.min(ws.rowCount, FIRST_ROW + 600);
  for (let r = FIRST_ROW; r <= last; r++) {
    const row = ws.getRow(r);
    const code = cellText(row.getCell(1).value);
    const value = cellText(row.getCell(3).value);
    if (code === null || String(code).trim() === '') continue;
    const c = String(code).trim().slice(0, 40);
    if (cellOf.has(c)) {
      problems.push({
        cell: `A${r}`,
        field: c,
        message: { vi: `mã chỉ tiêu ${c} bị lặp lại`, en: `indicator code ${c} is repeated` },
      });
      continue;
    }
    cellOf.set(c, `${VALUE_COL}${r}`);
    if (value !== null && String(value).trim() !== '')
      values[c] = typeof value === 'number' ? value : String(value).slice(0, 2000);
  }
  return { meta, values, cellOf, problems };
}

/**
 * Checks the values read from a template against the regime: every problem names its cell.
 * Unknown codes point at column A of their row; rules across indicators at their first code.
 */
export function checkTemplate(
  read: ReadTemplate,
  definition: RegimeDefinition,
  o: { complete: boolean },
): { values: Record<string, string | number>; problems: CellProblem[] } {
  const checked = checkValues(definition.indicators, definition.rules, read.values, o);
  const problems = [...read.problems];
  for (const e of checked.errors) {
    const valueCell = read.cellOf.get(e.field);
    const known = definition.indicators.some((i) => i.code === e.field);
    const cell = !known && valueCell ? `A${valueCell.slice(1)}` : (valueCell ?? '—');
    problems.push({ cell, field: e.field, message: e.message });
  }
  return { values: read.values, problems };
}

/** A problem as one line for people: "C7: <vi> / <en>". */
export function problemLine(p: CellProblem): string {
  return `${p.cell}: ${p.message.vi} / ${p.message.en}`;
}
