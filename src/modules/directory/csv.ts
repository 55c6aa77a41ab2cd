import { parse } from 'csv-parse/sync';
import type { Text } from '../../platform/i18n/index.ts';
import { codeCandidates, parseSchemeCode, type CodeRef } from './codes.ts';
import { isIsoDate } from './dates.ts';
import { isUuid } from './resolve.ts';
import { agencyKinds, type AgencyKind } from './types.ts';

/**
 * The directory's CSV format (README.md): `id,name,short_name,kind,parent,codes,valid_from`
 * and optionally `valid_to`. Codes are `SCHEME:CODE` separated by `|`; the parent is named
 * by a code (of a row of the same file or of an agency in the directory) or by its id.
 * This file only parses and checks rows in memory; import.ts checks against the database.
 */
export const CSV_COLUMNS = [
  'id',
  'name',
  'short_name',
  'kind',
  'parent',
  'codes',
  'valid_from',
  'valid_to',
] as const;
const REQUIRED = ['name', 'kind', 'codes'] as const;
export const MAX_CSV_ROWS = 250_000;
const MAX_CODES_PER_ROW = 20;

export interface CsvProblem {
  line: number;
  column: string | null;
  code: string;
  message: Text;
}

export interface CsvRow {
  line: number;
  id: string | null;
  name: string;
  shortName: string | null;
  kind: AgencyKind;
  parent: string | null;
  codes: CodeRef[];
  validFrom: string;
  validTo: string | null;
}

const problems = {
  DIRECTORY_CSV_UNREADABLE: {
    vi: 'Không đọc được tệp CSV: {detail}',
    en: 'The CSV file cannot be read: {detail}',
  },
  DIRECTORY_CSV_HEADER: {
    vi: 'Dòng tiêu đề phải có các cột name, kind, codes (tùy chọn: id, short_name, parent, valid_from, valid_to); cột lạ: {detail}',
    en: 'The header must have the columns name, kind, codes (optional: id, short_name, parent, valid_from, valid_to); unknown: {detail}',
  },
  DIRECTORY_CSV_TOO_MANY_ROWS: {
    vi: 'Tệp có quá {detail} dòng.',
    en: 'The file has more than {detail} rows.',
  },
  DIRECTORY_CSV_BAD_ROW: {
    vi: 'Số cột không khớp dòng tiêu đề.',
    en: 'The number of fields does not match the header.',
  },
  DIRECTORY_CSV_BAD_ID: { vi: 'Mã nội bộ phải là UUID: {detail}', en: 'The id must be a UUID: {detail}' },
  DIRECTORY_CSV_DUPLICATE_ID: { vi: 'Mã nội bộ đã có: {detail}', en: 'The id already exists: {detail}' },
  DIRECTORY_CSV_BAD_NAME: {
    vi: 'Tên phải có từ 1 đến 300 ký tự.',
    en: 'The name must have 1 to 300 characters.',
  },
  DIRECTORY_CSV_BAD_KIND: { vi: 'Loại cơ quan không hợp lệ: {detail}', en: 'Unknown agency kind: {detail}' },
  DIRECTORY_CSV_BAD_CODE: {
    vi: 'Mã không hợp lệ (dạng LOẠI:MÃ, ví dụ QD20:000.00.00.G12): {detail}',
    en: 'Invalid code (form SCHEME:CODE, e.g. QD20:000.00.00.G12): {detail}',
  },
  DIRECTORY_CSV_DUPLICATE_CODE: {
    vi: 'Mã đã dùng ở dòng {detail} của tệp.',
    en: 'The code is already used on line {detail} of the file.',
  },
  DIRECTORY_CSV_CODE_TAKEN: {
    vi: 'Mã đang thuộc một cơ quan khác trong danh bạ: {detail}',
    en: 'The code is held by another agency in the directory: {detail}',
  },
  DIRECTORY_CSV_BAD_PARENT: {
    vi: 'Không tìm thấy cơ quan cấp trên: {detail}',
    en: 'Parent agency not found: {detail}',
  },
  DIRECTORY_CSV_PARENT_CYCLE: {
    vi: 'Quan hệ cấp trên tạo thành vòng lặp.',
    en: 'The parent links form a cycle.',
  },
  DIRECTORY_CSV_BAD_DATE: {
    vi: 'Ngày phải có dạng yyyy-MM-dd (valid_to sau valid_from): {detail}',
    en: 'Dates must be yyyy-MM-dd (valid_to after valid_from): {detail}',
  },
} satisfies Record<string, Text>;
export type CsvProblemCode = keyof typeof problems;

/** A problem with its stable code and message in both languages. */
export function csvProblem(
  line: number,
  column: string | null,
  code: CsvProblemCode,
  detail = '',
): CsvProblem {
  const t = problems[code];
  const d = detail.slice(0, 200);
  return {
    line,
    column,
    code,
    message: { vi: t.vi.replace('{detail}', d), en: t.en.replace('{detail}', d) },
  };
}

/** Parses and checks a CSV text line by line; returns rows and every problem found. */
export function parseDirectoryCsv(text: string, today: string): { rows: CsvRow[]; problems: CsvProblem[] } {
  const out: CsvProblem[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return {
      rows: [],
      problems: [csvProblem(line, null, 'DIRECTORY_CSV_UNREADABLE', (error as Error).message)],
    };
  }
  const [head, ...body] = records;
  if (!head) return { rows: [], problems: [csvProblem(1, null, 'DIRECTORY_CSV_HEADER', '')] };
  const header = head.record.map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED.filter((r) => !header.includes(r));
  if (unknown.length > 0 || missing.length > 0)
    return { rows: [], problems: [csvProblem(1, null, 'DIRECTORY_CSV_HEADER', unknown.join(', '))] };
  if (body.length > MAX_CSV_ROWS)
    return { rows: [], problems: [csvProblem(1, null, 'DIRECTORY_CSV_TOO_MANY_ROWS', String(MAX_CSV_ROWS))] };
  const col = Object.fromEntries(CSV_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof CSV_COLUMNS)[number],
    number
  >;
  const rows: CsvRow[] = [];
  const codeLines = new Map<string, number>();
  const idLines = new Set<string>();
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== header.length) {
      out.push(csvProblem(line, null, 'DIRECTORY_CSV_BAD_ROW'));
      continue;
    }
    const get = (c: (typeof CSV_COLUMNS)[number]) => (col[c] >= 0 ? (record[col[c]] ?? '').trim() : '');
    const before = out.length;
    const id = get('id') || null;
    if (id !== null && (!isUuid(id) || idLines.has(id.toLowerCase())))
      out.push(
        csvProblem(line, 'id', isUuid(id) ? 'DIRECTORY_CSV_DUPLICATE_ID' : 'DIRECTORY_CSV_BAD_ID', id),
      );
    if (id) idLines.add(id.toLowerCase());
    const name = get('name');
    if (name === '' || name.length > 300) out.push(csvProblem(line, 'name', 'DIRECTORY_CSV_BAD_NAME'));
    const kind = get('kind');
    if (!(agencyKinds as readonly string[]).includes(kind))
      out.push(csvProblem(line, 'kind', 'DIRECTORY_CSV_BAD_KIND', kind));
    const validFrom = get('valid_from') || today;
    const validTo = get('valid_to') || null;
    if (!isIsoDate(validFrom) || (validTo !== null && (!isIsoDate(validTo) || validTo <= validFrom)))
      out.push(
        csvProblem(
          line,
          validTo ? 'valid_to' : 'valid_from',
          'DIRECTORY_CSV_BAD_DATE',
          `${validFrom} ${validTo ?? ''}`,
        ),
      );
    const codes: CodeRef[] = [];
    const parts = get('codes')
      .split('|')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length > MAX_CODES_PER_ROW)
      out.push(csvProblem(line, 'codes', 'DIRECTORY_CSV_BAD_CODE', `> ${MAX_CODES_PER_ROW}`));
    for (const part of parts.slice(0, MAX_CODES_PER_ROW)) {
      const ref = parseSchemeCode(part);
      if (!ref) {
        out.push(csvProblem(line, 'codes', 'DIRECTORY_CSV_BAD_CODE', part));
        continue;
      }
      const key = `${ref.scheme}:${ref.code}`;
      const seen = codeLines.get(key);
      if (seen !== undefined)
        out.push(csvProblem(line, 'codes', 'DIRECTORY_CSV_DUPLICATE_CODE', String(seen)));
      else codeLines.set(key, line);
      codes.push(ref);
    }
    const parent = get('parent') || null;
    if (parent !== null && !isUuid(parent) && codeCandidates(parent).length === 0)
      out.push(csvProblem(line, 'parent', 'DIRECTORY_CSV_BAD_PARENT', parent));
    if (out.length === before)
      rows.push({
        line,
        id,
        name,
        shortName: get('short_name') || null,
        kind: kind as AgencyKind,
        parent,
        codes,
        validFrom,
        validTo,
      });
  }
  return { rows, problems: out };
}
