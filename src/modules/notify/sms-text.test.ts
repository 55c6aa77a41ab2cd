import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smsLength, toSmsText } from './sms-text.ts';

describe('toSmsText', () => {
  it('strips every Vietnamese diacritic, đ and Đ included', () => {
    assert.equal(toSmsText('Hồ sơ đã được tiếp nhận'), 'Ho so da duoc tiep nhan');
    assert.equal(toSmsText('ĐĂNG KÝ KHAI SINH – Ủy ban nhân dân'), 'DANG KY KHAI SINH - Uy ban nhan dan');
    assert.equal(
      toSmsText('àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'),
      'a'.repeat(17) + 'e'.repeat(11) + 'i'.repeat(5) + 'o'.repeat(17) + 'u'.repeat(11) + 'y'.repeat(5) + 'd',
    );
  });

  it('keeps the result within GSM 03.38 so a message holds 160 characters', () => {
    const sms = toSmsText('Mã xác thực: 123456 “Liên thông” — có hiệu lực 10 phút… 漢');
    assert.equal(sms, 'Ma xac thuc: 123456 "Lien thong" - co hieu luc 10 phut... ?');
    assert.equal(smsLength(sms).encoding, 'gsm7');
  });
});

describe('smsLength', () => {
  it('counts GSM septets, extension characters twice, and segments of 160 then 153', () => {
    assert.deepEqual(smsLength('a'.repeat(160)), { encoding: 'gsm7', units: 160, segments: 1 });
    assert.deepEqual(smsLength('a'.repeat(161)), { encoding: 'gsm7', units: 161, segments: 2 });
    assert.deepEqual(smsLength('€'), { encoding: 'gsm7', units: 2, segments: 1 });
  });

  it('falls back to UCS-2 (70 characters) for text with diacritics', () => {
    assert.deepEqual(smsLength('Hồ sơ'), { encoding: 'ucs2', units: 5, segments: 1 });
    assert.equal(smsLength('ồ'.repeat(71)).segments, 2);
  });
});
