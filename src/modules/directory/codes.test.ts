import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeCandidates, normaliseCode, normaliseQd20, parseSchemeCode } from './codes.ts';
import { searchNormalise, searchWords } from './search.ts';

describe('identifier codes', () => {
  it('normalises QĐ20 codes and their shortened forms by padding on the left', () => {
    assert.equal(normaliseQd20('000.00.00.G12'), '000.00.00.G12');
    assert.equal(normaliseQd20('28.22.H17'), '000.28.22.H17');
    assert.equal(normaliseQd20('18.G12'), '000.00.18.G12');
    assert.equal(normaliseQd20(' g12 '), '000.00.00.G12');
    assert.equal(normaliseQd20('001.28.22.H17'), '001.28.22.H17');
  });

  it('refuses what is not a QĐ20 code', () => {
    for (const bad of [
      '',
      'G1',
      'G123',
      '0000.00.00.G12',
      '00.00.00.G12',
      '1.2.3.4.G12',
      '000..00.G12',
      'abc',
    ])
      assert.equal(normaliseQd20(bad), null, bad);
  });

  it('checks each scheme', () => {
    assert.equal(normaliseCode('SHORT', 'h41'), 'H41');
    assert.equal(normaliseCode('SHORT', '000.00.00.H41'), 'H41');
    assert.equal(normaliseCode('SHORT', '000.00.18.G12'), null);
    assert.equal(normaliseCode('TAX', '0100109106'), '0100109106');
    assert.equal(normaliseCode('TAX', '0100109106-001'), '0100109106-001');
    assert.equal(normaliseCode('TAX', '12345'), null);
    assert.equal(normaliseCode('ADMIN_UNIT', '01'), '01');
    assert.equal(normaliseCode('ADMIN_UNIT', '00070'), '00070');
    assert.equal(normaliseCode('ADMIN_UNIT', '123'), null);
    assert.equal(normaliseCode('LOCAL', 'a b'), null);
  });

  it('parses SCHEME:CODE', () => {
    assert.deepEqual(parseSchemeCode('qd20:28.22.H17'), { scheme: 'QD20', code: '000.28.22.H17' });
    assert.deepEqual(parseSchemeCode('ADMIN_UNIT:01'), { scheme: 'ADMIN_UNIT', code: '01' });
    assert.equal(parseSchemeCode('NOPE:01'), null);
    assert.equal(parseSchemeCode('QD20:xyz'), null);
  });

  it('treats a level-1 short code and its QĐ20 form as the same code', () => {
    const fromShort = codeCandidates('G12');
    const fromFull = codeCandidates('000.00.00.G12');
    for (const c of [fromShort, fromFull]) {
      assert.ok(c.some((r) => r.scheme === 'QD20' && r.code === '000.00.00.G12'));
      assert.ok(c.some((r) => r.scheme === 'SHORT' && r.code === 'G12'));
    }
    assert.deepEqual(codeCandidates('000.00.18.G12'), [{ scheme: 'QD20', code: '000.00.18.G12' }]);
    assert.ok(codeCandidates('01').some((r) => r.scheme === 'ADMIN_UNIT'));
    assert.deepEqual(codeCandidates(''), []);
  });
});

describe('search normalisation', () => {
  it('removes diacritics and turns đ into d', () => {
    assert.equal(searchNormalise('Thành phố Hà Nội'), 'thanh pho ha noi');
    assert.equal(searchNormalise('Đắk Lắk, Điện Biên'), 'dak lak dien bien');
    assert.equal(searchNormalise('Bộ Lao động - Thương binh'), 'bo lao dong - thuong binh');
    assert.equal(searchNormalise('000.00.00.G12'), '000.00.00.g12');
  });

  it('splits a query into distinct words', () => {
    assert.deepEqual(searchWords('  Nghệ   AN nghe '), ['nghe', 'an']);
  });
});
