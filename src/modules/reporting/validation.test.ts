import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateRule, parseRule, RuleSyntaxError } from './expressions.ts';
import { regimeDefinitionSchema, type RegimeDefinitionInput } from './schemas.ts';
import { checkDefinition, checkValues, parseNumber } from './validation.ts';

describe('rule expressions', () => {
  const values = new Map([
    ['received', 10],
    ['on_time', 7],
    ['late', 3],
    ['share', 45.5],
  ]);
  const table: [string, boolean | null][] = [
    ['on_time <= received', true],
    ['on_time + late <= received', true],
    ['on_time + late = received', true],
    ['on_time + late + 1 <= received', false],
    ['received - late >= on_time', true],
    ['received - late > on_time', false],
    ['on_time != late', true],
    ['share <= 100', true],
    ['-late < 0', true],
    ['missing <= received', null],
  ];
  for (const [text, expected] of table) {
    it(`${text} → ${String(expected)}`, () => {
      assert.equal(evaluateRule(parseRule(text), values), expected);
    });
  }

  const refused = [
    'on_time',
    'on_time <= received <= late',
    'on_time <=',
    'on_time * 2 <= received',
    'process.exit() <= 1',
    'on_time ++ late <= received',
    'on_time late <= received',
    "constructor['x'] <= 1",
  ];
  for (const text of refused) {
    it(`refuses ${text}`, () => {
      assert.throws(() => parseRule(text), RuleSyntaxError);
    });
  }
});

describe('numbers typed by people', () => {
  const table: [string, number | null][] = [
    ['1234', 1234],
    ['1234.5', 1234.5],
    ['1234,5', 1234.5],
    ['1.234,5', 1234.5],
    ['1,234.5', 1234.5],
    ['1.234.567', 1234567],
    ['1.200', 1200],
    ['0.125', 0.125],
    [' 12 ', 12],
    ['', null],
  ];
  for (const [text, expected] of table)
    it(`"${text}" → ${String(expected)}`, () => assert.equal(parseNumber(text), expected));
  it('refuses words', () => assert.ok(Number.isNaN(parseNumber('mười'))));
});

const definition = (o: Partial<RegimeDefinitionInput> = {}) =>
  regimeDefinitionSchema.parse({
    title: 'Báo cáo tình hình giải quyết thủ tục hành chính',
    reporterScope: { kind: 'all_provinces' },
    frequency: 'quarterly',
    indicators: [
      { code: 'received', name: 'Số hồ sơ tiếp nhận', unit: 'hồ sơ', type: 'number', required: true, min: 0 },
      { code: 'on_time', name: 'Số hồ sơ đúng hạn', unit: 'hồ sơ', type: 'number', required: true, min: 0 },
      { code: 'late', name: 'Số hồ sơ trễ hạn', unit: 'hồ sơ', type: 'number', min: 0 },
      {
        code: 'satisfaction',
        name: 'Mức độ hài lòng',
        type: 'percentage',
        aggregation: 'weighted_average',
        weightCode: 'received',
      },
      { code: 'level', name: 'Mức độ', type: 'choice', options: ['tốt', 'khá'], aggregation: 'none' },
      { code: 'note', name: 'Ghi chú', type: 'text', aggregation: 'none' },
    ],
    rules: [
      {
        expression: 'on_time + late <= received',
        message: 'Đúng hạn cộng trễ hạn không vượt quá tiếp nhận.',
      },
    ],
    ...o,
  });

describe('regime definitions', () => {
  it('accepts a sound definition', () => assert.deepEqual(checkDefinition(definition()), []));

  it('names each problem', () => {
    const def = definition({
      indicators: [
        { code: 'a', name: 'A', type: 'number' },
        { code: 'a', name: 'A again', type: 'number' },
        { code: 'w', name: 'W', type: 'number', aggregation: 'weighted_average', weightCode: 'nope' },
        { code: 't', name: 'T', type: 'text', aggregation: 'sum' },
        { code: 'c', name: 'C', type: 'choice', aggregation: 'none' },
      ],
      rules: [{ expression: 't <= a' }, { expression: 'a <= ' }],
    });
    const fields = checkDefinition(def).map((e) => e.field);
    assert.deepEqual(fields, [
      'indicators.1.code',
      'indicators.2',
      'indicators.3',
      'indicators.4',
      'rules.0',
      'rules.1',
    ]);
  });
});

describe('values of a submission', () => {
  const def = definition();
  const check = (values: Record<string, string | number | null>, complete = true) =>
    checkValues(def.indicators, def.rules, values, { complete });

  it('accepts good values and reads Vietnamese numbers', () => {
    const r = check({ received: '1.200', on_time: '1000', late: 200, satisfaction: '87,5', level: 'tốt' });
    assert.deepEqual(r.errors, []);
    assert.equal(r.values.get('received'), 1200);
    assert.equal(r.values.get('satisfaction'), 87.5);
  });

  it('checks the rule on time + late ≤ received on submit, not on a draft', () => {
    const values = { received: 10, on_time: 8, late: 5 };
    const r = check(values);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]?.field, 'on_time');
    assert.match(r.errors[0]?.message.vi ?? '', /không vượt quá tiếp nhận/);
    assert.deepEqual(check(values, false).errors, []);
  });

  it('requires required values on submit only', () => {
    assert.deepEqual(
      check({ late: 1 }).errors.map((e) => e.field),
      ['received', 'on_time'],
    );
    assert.deepEqual(check({ late: 1 }, false).errors, []);
  });

  it('refuses bad types, ranges, choices and unknown codes', () => {
    const r = check({ received: 'mười', on_time: -1, satisfaction: 120, level: 'xuất sắc', extra: 1 }, false);
    assert.deepEqual(r.errors.map((e) => e.field).sort(), [
      'extra',
      'level',
      'on_time',
      'received',
      'satisfaction',
    ]);
  });
});
