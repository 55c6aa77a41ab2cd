import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { closeVerifyPool } from '../../src/modules/pki/index.ts';
import { checkZipBounds } from '../../src/modules/reporting/excel.ts';
import {
  agency,
  fillTemplate as fill,
  official,
  proceduresRegime,
  startBench,
  system,
  type Bench,
} from './support.ts';

type Problems = { cell: string; field: string; message: string; messages: { vi: string; en: string } }[];

describe('reporting: Excel template and upload with a line-by-line report', () => {
  let b: Bench;
  let nation: string;
  let province: string;
  let commune: string;
  let other: string;
  const code = 'TTHC-XLSX';

  before(async () => {
    b = await startBench();
    nation = await agency(b, { kind: 'ministry_level', name: 'Văn phòng Chính phủ (thử)' });
    province = await agency(b, { kind: 'province_ubnd', name: 'Tỉnh Thử Nghiệm' });
    commune = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Một' });
    other = await agency(b, { kind: 'commune', parentId: province, name: 'Xã Hai' });
    const r = b.reporting.service.regimes;
    await r.createRegime(system, proceduresRegime(code, nation, [commune, other]));
    await r.publish(system, code);
    await r.assign(system, code, { validFrom: '2025-07-01' });
  });
  after(async () => {
    await b.close();
    await closeVerifyPool();
  });

  it('the template has one row per indicator, value validation and hidden metadata', async () => {
    const t = await b.reporting.service.excel.template(official(commune), {
      regime: code,
      period: '2025-Q4',
    });
    assert.match(t.filename, /^TTHC-XLSX-2025-Q4-.*\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(t.bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('BaoCao')!;
    assert.equal(ws.getCell('A6').value, 'received');
    assert.equal(ws.getCell('B6').value, 'Số hồ sơ tiếp nhận *');
    assert.equal(ws.getCell('F10').value, '0 – 100'); // satisfaction, a percentage
    assert.equal(ws.getCell('C6').dataValidation.type, 'decimal');
    assert.equal(ws.getCell('C11').dataValidation.type, 'textLength');
    const meta = wb.getWorksheet('meta')!;
    assert.equal(meta.state, 'hidden');
    const keys = new Map<string, unknown>();
    meta.eachRow((row) => keys.set(row.getCell(1).text, row.getCell(2).value));
    assert.equal(keys.get('unitId'), commune);
    assert.equal(keys.get('periodKey'), '2025-Q4');
    assert.equal(keys.get('regime'), code);
  });

  it('an upload with three errors is refused with a report naming the three cells; nothing is saved', async () => {
    const ctx = official(commune);
    const t = await b.reporting.service.excel.template(ctx, { regime: code, period: '2025-Q4' });
    const bad = await fill(t.bytes, { received: -5, on_time: 3, late: 'abc', satisfaction: 150 });
    await assert.rejects(b.reporting.service.excel.upload(ctx, bad, { submit: true }), (e: Error) => {
      const err = e as Error & { code?: string; details?: { problems: Problems } };
      assert.equal(err.code, 'REPORTING_EXCEL_INVALID');
      const problems = err.details!.problems;
      assert.deepEqual(
        problems.map((p) => p.cell),
        ['C6', 'C8', 'C10'],
      );
      assert.match(problems[0]!.messages.vi, /Số hồ sơ tiếp nhận.*0/);
      assert.match(problems[2]!.messages.en, /within 0 – 100/);
      return true;
    });
    const cur = await b.reporting.service.submissions.current(ctx, code, '2025-Q4', commune);
    assert.equal(cur.submission, null);
  });

  it('the corrected file is accepted, signed and counted, through the Excel channel', async () => {
    const ctx = official(commune);
    const t = await b.reporting.service.excel.template(ctx, { regime: code, period: '2025-Q4' });
    const good = await fill(t.bytes, {
      received: 40,
      on_time: 30,
      late: 5,
      satisfaction: 92.5,
      note: 'ổn định',
    });
    const s = await b.reporting.service.excel.upload(ctx, good, { submit: true });
    assert.equal(s.status, 'submitted');
    assert.deepEqual(s.values, { received: 40, on_time: 30, late: 5, satisfaction: 92.5, note: 'ổn định' });
    const row = await b.db.database.db
      .withTables<{ reporting_submissions: { id: string; channel: string } }>()
      .selectFrom('reporting_submissions')
      .select('channel')
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.channel, 'excel');
    const sum = await b.reporting.service.dashboard.summary(system, {
      regime: code,
      period: '2025-Q4',
      unit: province,
    });
    assert.equal(sum.unit.values.find((v) => v.code === 'received')?.value, 40);
  });

  it('a rule across indicators is reported on the cell of its first indicator', async () => {
    const ctx = official(other);
    const t = await b.reporting.service.excel.template(ctx, { regime: code, period: '2025-Q4' });
    const bad = await fill(t.bytes, { received: 10, on_time: 8, late: 5 });
    await assert.rejects(
      b.reporting.service.excel.upload(ctx, bad, { submit: true }),
      (e: Error & { details?: { problems: Problems } }) => e.details?.problems[0]?.cell === 'C7',
    );
  });

  it('another unit cannot upload into a unit it does not report for (404), nor use a template of another unit', async () => {
    const t = await b.reporting.service.excel.template(official(other), { regime: code, period: '2025-Q4' });
    const good = await fill(t.bytes, { received: 1, on_time: 1 });
    await assert.rejects(
      b.reporting.service.excel.upload(official(commune), good, { submit: true }),
      (e: Error & { code?: string }) => e.code === 'REPORTING_SUBMISSION_NOT_FOUND',
    );
    await assert.rejects(
      b.reporting.service.excel.upload(official(other), good, { submit: true, expect: { unit: commune } }),
      (e: Error & { code?: string }) => e.code === 'REPORTING_EXCEL_MISMATCH',
    );
  });

  it('refuses files that are not templates, and zips that declare too much', async () => {
    await assert.rejects(
      b.reporting.service.excel.upload(official(commune), Buffer.from('hello'), { submit: true }),
      (e: Error & { code?: string }) => e.code === 'REPORTING_EXCEL_UNREADABLE',
    );
    // A zip whose central directory declares a 1 GB entry is refused before inflating anything.
    const name = Buffer.from('xl/big.xml');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(1024 * 1024 * 1024, 24);
    central.writeUInt16LE(name.length, 28);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(1, 10);
    eocd.writeUInt32LE(30, 16);
    assert.throws(
      () => checkZipBounds(Buffer.concat([local, central, name, eocd])),
      (e: Error & { details?: { reason: string } }) => e.details?.reason === 'too_large',
    );
  });
});
