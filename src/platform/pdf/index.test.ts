import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { createPdf } from './index.ts';

const pdftotext = '/usr/bin/pdftotext';

describe('PDF documents', () => {
  it('writes Vietnamese text that a reader extracts with its diacritics', async (t) => {
    const pdf = await createPdf({ title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' });
    pdf
      .centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')
      .centered('Độc lập - Tự do - Hạnh phúc', { bold: false })
      .heading('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ')
      .fields([
        ['Mã hồ sơ', '000.00.01.H41-251103-0001'],
        ['Người nộp', 'Nguyễn Thị Ánh Tuyết'],
      ])
      .table(['STT', 'Tên giấy tờ'], [['1', 'Tờ khai đăng ký khai sinh']], [0.15, 0.85])
      .signatures([{ title: 'NGƯỜI NỘP HỒ SƠ' }, { title: 'NGƯỜI TIẾP NHẬN', name: 'Lê Văn Khôi' }]);
    const bytes = await pdf.toBuffer();
    const loaded = await PDFDocument.load(bytes);
    assert.equal(loaded.getPageCount(), 1);
    assert.equal(loaded.getTitle(), 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả');
    if (!existsSync(pdftotext)) {
      if (process.env['LT_REQUIRE_BROWSER'] === '1')
        assert.fail('pdftotext (poppler-utils) is required in CI');
      t.skip('pdftotext not installed (apt-get install poppler-utils)');
      return;
    }
    const text = execFileSync(pdftotext, ['-enc', 'UTF-8', '-', '-'], { input: bytes })
      .toString('utf8')
      .normalize('NFC');
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Nguyễn Thị Ánh Tuyết',
      'Tờ khai đăng ký khai sinh',
      'Lê Văn Khôi',
    ]) {
      assert.ok(text.includes(expected), `PDF text contains "${expected}"`);
    }
  });

  it('breaks long content across pages', async () => {
    const pdf = await createPdf({ title: 'Sổ theo dõi hồ sơ' });
    pdf.table(
      ['STT', 'Mã hồ sơ'],
      Array.from({ length: 120 }, (_, i) => [String(i + 1), `H41-${i}`]),
    );
    const loaded = await PDFDocument.load(await pdf.toBuffer());
    assert.ok(loaded.getPageCount() >= 3);
  });
});
