import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkPersonalId,
  checkTaxCode,
  normaliseEmail,
  normalisePhone,
  taxCheckDigit,
} from './citizen-ids.ts';
import { passwordProblem } from './service-registration.ts';

const today = new Date('2026-11-21T00:00:00Z');

describe('personal identification number', () => {
  const cases: [string, string, string | null][] = [
    ['Hà Nội, male born 1990', '001090123456', null],
    ['Cà Mau, female born 2005', '096305000001', null],
    ['TP HCM, female born 1985, typed with spaces', '079 185 012 345', null],
    ['born 2026 (this year)', '001226000001', null],
    ['11 digits', '00109012345', 'format'],
    ['13 digits', '0010901234567', 'format'],
    ['letters', '00109012345A', 'format'],
    ['province 000', '000090123456', 'province'],
    ['province 003 (not a province code)', '003090123456', 'province'],
    ['province 097', '097090123456', 'province'],
    ['century digit 4 (born 2100s)', '001490123456', 'century'],
    ['born 2030', '001230000001', 'future_birth_year'],
  ];
  for (const [name, value, problem] of cases)
    it(`${name}: ${problem ?? 'valid'}`, () => {
      const r = checkPersonalId(value, today);
      assert.equal(r.ok ? null : r.problem, problem);
    });

  it('reads the province, sex and year of birth', () => {
    const r = checkPersonalId('079185012345', today);
    assert.ok(r.ok);
    assert.deepEqual(r.facts, { provinceCode: '079', sex: 'female', birthYear: 1985 });
  });
});

describe('tax code', () => {
  const cases: [string, string, string | null, string | null][] = [
    ['Petrolimex', '0100107370', '0100107370', null],
    ['Viettel', '0100109106', '0100109106', null],
    ['Vinamilk', '0300588569', '0300588569', null],
    ['a branch with a dash', '0100107370-001', '0100107370-001', null],
    ['a branch without the dash', '0100107370001', '0100107370-001', null],
    ['wrong check digit', '0100107371', null, 'check_digit'],
    ['9 digits', '010010737', null, 'format'],
    ['branch 000', '0100107370-000', null, 'format'],
    ['letters', '01001O7370', null, 'format'],
  ];
  for (const [name, value, normalised, problem] of cases)
    it(`${name}: ${problem ?? 'valid'}`, () => {
      const r = checkTaxCode(value);
      assert.equal(r.ok ? null : r.problem, problem);
      if (r.ok) assert.equal(r.taxCode, normalised);
    });

  it('has no check digit when 10 − (sum mod 11) is 10', () => {
    const none = Array.from({ length: 1000 }, (_, i) => String(i).padStart(9, '0')).find(
      (p) => taxCheckDigit(p) === null,
    );
    assert.ok(none);
    assert.equal(checkTaxCode(`${none}0`).ok, false);
  });
});

describe('contacts and passwords', () => {
  it('normalises Vietnamese mobile numbers and refuses others', () => {
    assert.equal(normalisePhone('0912 345 678'), '0912345678');
    assert.equal(normalisePhone('+84 912 345 678'), '0912345678');
    assert.equal(normalisePhone('84912345678'), '0912345678');
    assert.equal(normalisePhone('0212345678'), null);
    assert.equal(normalisePhone('091234567'), null);
  });

  it('normalises emails to lower case and refuses malformed ones', () => {
    assert.equal(normaliseEmail(' An.Nguyen@Example.VN '), 'an.nguyen@example.vn');
    assert.equal(normaliseEmail('an nguyen@example.vn'), null);
    assert.equal(normaliseEmail('an@example'), null);
  });

  it('asks for long passwords mixing letters with something else, not common, not personal', () => {
    assert.equal(passwordProblem('ngắn1', []), 'length');
    assert.equal(passwordProblem('chicochuthoi', []), 'classes');
    assert.equal(passwordProblem('1234567890', []), 'classes');
    assert.equal(passwordProblem('Matkhau123', []), 'common');
    assert.equal(passwordProblem('an.nguyen-2025!', ['an.nguyen']), 'personal');
    assert.equal(passwordProblem('mùa thu Hà Nội 2025', ['an.nguyen']), null);
  });
});
