import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORM_LIMITS, parseFormDefinition, type FormDefinition } from './definition.ts';
import { isPersonalIdNumber, validateFormValues } from './validate.ts';

const def: FormDefinition = {
  fields: [
    { key: 'fullName', type: 'text', label: 'Họ và tên', required: true, minLength: 2, maxLength: 100 },
    { key: 'idNumber', type: 'personal_id', label: 'Số định danh cá nhân', required: true },
    { key: 'phone', type: 'phone', label: 'Số điện thoại' },
    { key: 'email', type: 'email', label: 'Thư điện tử' },
    { key: 'birthDate', type: 'date', label: 'Ngày sinh', maxDate: 'today' },
    { key: 'children', type: 'number', label: 'Số con', min: 0, max: 20 },
    {
      key: 'relation',
      type: 'select',
      label: 'Quan hệ',
      options: [
        { value: 'cha', label: 'Cha' },
        { value: 'khac', label: 'Khác' },
      ],
    },
    {
      key: 'relationOther',
      type: 'text',
      label: 'Quan hệ khác',
      required: true,
      showWhen: { field: 'relation', equals: 'khac' },
    },
    { key: 'taxCode', type: 'text', label: 'Mã số thuế', pattern: '\\d{10}(-\\d{3})?' },
    { key: 'agree', type: 'checkbox', label: 'Tôi cam đoan', required: true },
    { key: 'province', type: 'admin_unit', label: 'Tỉnh', adminUnitLevel: 'province' },
    { key: 'agency', type: 'agency', label: 'Cơ quan', agencyKinds: ['commune'] },
    {
      key: 'members',
      type: 'group',
      label: 'Thành viên',
      repeatable: true,
      minItems: 1,
      maxItems: 3,
      fields: [
        { key: 'name', type: 'text', label: 'Họ tên', required: true },
        { key: 'guardian', type: 'checkbox', label: 'Là người giám hộ' },
        {
          key: 'guardianDoc',
          type: 'text',
          label: 'Giấy tờ giám hộ',
          required: true,
          showWhen: { field: 'guardian', equals: true },
        },
      ],
    },
  ],
};

const good = {
  fullName: ' Nguyễn Văn An ',
  idNumber: '001203012345',
  phone: '+84 912 345 678',
  email: 'an@example.vn',
  birthDate: '15/03/2003',
  children: '2',
  relation: 'cha',
  taxCode: '0100107370-001',
  agree: 'on',
  province: '01',
  agency: '000.00.01.H26',
  members: [{ name: 'Trần Thị Bình' }],
};
const TODAY = '2026-11-21';

function codes(r: ReturnType<typeof validateFormValues>): string[] {
  return r.ok ? [] : r.errors.map((e) => `${e.path}:${e.code}`);
}

describe('validateFormValues', () => {
  it('accepts good values and returns them cleaned', () => {
    const r = validateFormValues(def, good, { today: TODAY });
    assert.equal(r.ok, true, JSON.stringify(codes(r)));
    if (!r.ok) return;
    assert.equal(r.values['fullName'], 'Nguyễn Văn An');
    assert.equal(r.values['phone'], '0912345678');
    assert.equal(r.values['birthDate'], '2003-03-15');
    assert.equal(r.values['children'], 2);
    assert.equal(r.values['agree'], true);
    assert.deepEqual(r.values['members'], [{ name: 'Trần Thị Bình', guardian: false }]);
  });

  it('names each wrong field with a stable code', () => {
    const r = validateFormValues(
      def,
      {
        ...good,
        fullName: 'A',
        idNumber: '999203012345',
        phone: '12345',
        email: 'not-an-email',
        birthDate: '2030-01-01',
        children: '21',
        relation: 'ong',
        taxCode: '12ab',
        agree: '',
        province: '001',
        agency: 'Hà Nội',
      },
      { today: TODAY },
    );
    assert.deepEqual(codes(r), [
      'fullName:FORM_TOO_SHORT',
      'idNumber:FORM_INVALID_PERSONAL_ID',
      'phone:FORM_INVALID_PHONE',
      'email:FORM_INVALID_EMAIL',
      'birthDate:FORM_DATE_TOO_LATE',
      'children:FORM_TOO_LARGE',
      'relation:FORM_INVALID_OPTION',
      'taxCode:FORM_PATTERN',
      'agree:FORM_REQUIRED',
      'province:FORM_INVALID_ADMIN_UNIT',
      'agency:FORM_INVALID_AGENCY',
    ]);
  });

  it('requires missing required fields and rejects wrong types', () => {
    const r = validateFormValues(
      def,
      { children: 'nhiều', birthDate: '31/02/2020', members: [{}] },
      { today: TODAY },
    );
    assert.deepEqual(codes(r), [
      'fullName:FORM_REQUIRED',
      'idNumber:FORM_REQUIRED',
      'birthDate:FORM_INVALID_DATE',
      'children:FORM_NOT_A_NUMBER',
      'agree:FORM_REQUIRED',
      'members.0.name:FORM_REQUIRED',
    ]);
  });

  it('shows a conditional field only when its condition holds', () => {
    const hidden = validateFormValues(def, { ...good, relationOther: 'bỏ qua' }, { today: TODAY });
    assert.equal(hidden.ok, true);
    if (hidden.ok) assert.equal(hidden.values['relationOther'], undefined, 'a hidden value is dropped');
    const shown = validateFormValues(def, { ...good, relation: 'khac' }, { today: TODAY });
    assert.deepEqual(codes(shown), ['relationOther:FORM_REQUIRED']);
    const nested = validateFormValues(
      def,
      { ...good, members: [{ name: 'B', guardian: true }] },
      { today: TODAY },
    );
    assert.deepEqual(codes(nested), ['members.0.guardianDoc:FORM_REQUIRED']);
  });

  it('counts the items of a repeatable group', () => {
    assert.deepEqual(codes(validateFormValues(def, { ...good, members: [] }, { today: TODAY })), [
      'members:FORM_TOO_FEW_ITEMS',
    ]);
    const four = Array.from({ length: 4 }, () => ({ name: 'X' }));
    assert.deepEqual(codes(validateFormValues(def, { ...good, members: four }, { today: TODAY })), [
      'members:FORM_TOO_MANY_ITEMS',
    ]);
    assert.deepEqual(codes(validateFormValues(def, { ...good, members: { name: 'X' } }, { today: TODAY })), [
      'members:FORM_NOT_A_LIST',
    ]);
  });

  it('refuses hostile input quickly with bounded errors', () => {
    const huge = Array.from({ length: 1_000_000 }, () => ({ name: 'x'.repeat(10) }));
    const started = performance.now();
    const r = validateFormValues(
      def,
      { ...good, members: huge, fullName: 'x'.repeat(200_000) },
      { today: TODAY },
    );
    assert.deepEqual(codes(r), ['fullName:FORM_TOO_LONG', 'members:FORM_TOO_MANY_ITEMS']);
    assert.ok(performance.now() - started < 50, 'no item of a too-long list is looked at');
    const junk = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const many = validateFormValues(def, junk, { today: TODAY });
    assert.ok(!many.ok && many.errors.length <= FORM_LIMITS.maxErrors);
    assert.deepEqual(codes(validateFormValues(def, [1, 2], { today: TODAY })), [':FORM_NOT_AN_OBJECT']);
    assert.deepEqual(codes(validateFormValues(def, { ...good, fullName: { $gt: '' } }, { today: TODAY })), [
      'fullName:FORM_INVALID_TYPE',
    ]);
    const proto = validateFormValues(def, JSON.parse(`{"__proto__": {"x": 1}}`) as unknown, { today: TODAY });
    assert.ok(!proto.ok && proto.errors.some((e) => e.code === 'FORM_UNKNOWN_FIELD'));
  });

  it('checks personal identification numbers', () => {
    assert.equal(isPersonalIdNumber('079190000001', 2026), true);
    assert.equal(isPersonalIdNumber('079290000001', 2026), false, 'born in 2090');
    assert.equal(isPersonalIdNumber('003190000001', 2026), false, 'no province 003');
    assert.equal(isPersonalIdNumber('07919000001', 2026), false, '11 digits');
  });
});

describe('parseFormDefinition', () => {
  const codesOf = (input: unknown) => {
    const r = parseFormDefinition(input);
    return r.ok ? [] : r.issues.map((i) => `${i.path}:${i.code}`);
  };

  it('accepts a good definition', () => {
    assert.deepEqual(codesOf(def), []);
  });

  it('reports semantic problems with paths', () => {
    assert.deepEqual(
      codesOf({
        fields: [
          { key: 'a', type: 'text', label: 'A', minLength: 5, maxLength: 2 },
          { key: 'a', type: 'select', label: 'B' },
          { key: 'c', type: 'text', label: 'C', showWhen: { field: 'later' } },
          { key: 'later', type: 'text', label: 'D', pattern: '(a+)+' },
          { key: 'g', type: 'group', label: 'G', fields: [] },
          { key: 'n', type: 'number', label: 'N', repeatable: true },
        ],
      }),
      [
        'fields.0.maxLength:FORM_DEF_RANGE',
        'fields.1.key:FORM_DEF_DUPLICATE_KEY',
        'fields.1.options:FORM_DEF_OPTIONS_REQUIRED',
        'fields.2.showWhen.field:FORM_DEF_CONDITION_UNKNOWN_FIELD',
        'fields.3.pattern:FORM_DEF_BAD_PATTERN',
        'fields.4.fields:FORM_DEF_GROUP_EMPTY',
        'fields.5.type:FORM_DEF_NOT_A_GROUP',
      ],
    );
  });

  it('limits the number of fields and the depth', () => {
    const many = {
      fields: Array.from({ length: 201 }, (_, i) => ({ key: `f${i}`, type: 'text', label: 'x' })),
    };
    assert.deepEqual(codesOf(many), ['fields:FORM_DEF_TOO_MANY_FIELDS']);
    const nested = Array.from({ length: 2 }, (_, g) => ({
      key: `g${g}`,
      type: 'group',
      label: 'G',
      fields: Array.from({ length: 100 }, (_, i) => ({ key: `f${i}`, type: 'text', label: 'x' })),
    }));
    assert.deepEqual(codesOf({ fields: nested }), ['fields:FORM_DEF_TOO_MANY_FIELDS']);
    let deep: Record<string, unknown> = { key: 'leaf', type: 'text', label: 'x' };
    for (let i = 0; i < 5000; i++) deep = { key: `g${i}`, type: 'group', label: 'G', fields: [deep] };
    const issues = codesOf({ fields: [deep] });
    assert.ok(issues.length > 0 && issues.every((c) => c.endsWith('FORM_DEF_TOO_DEEP')), issues.join());
  });

  it('refuses unknown keys, bad keys and non-objects', () => {
    assert.deepEqual(codesOf({ fields: [{ key: 'Bad Key', type: 'text', label: 'x' }] }), [
      'fields.0.key:FORM_DEF_BAD_KEY',
    ]);
    assert.equal(
      codesOf({ fields: [{ key: 'a', type: 'text', label: 'x', onclick: 'alert(1)' }] })[0],
      'fields.0:FORM_DEF_INVALID',
    );
    assert.equal(codesOf('nope')[0], ':FORM_DEF_INVALID');
  });
});
