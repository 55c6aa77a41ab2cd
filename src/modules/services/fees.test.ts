import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFeeRules, computeFees } from './fees.ts';
import type { FormDefinition } from './form/definition.ts';
import { validateFormValues } from './form/validate.ts';
import { procedureContentSchema, type Fee } from './schemas.ts';
import { seedProcedures } from './seed.ts';

const seeded = (code: string) => {
  const found = seedProcedures.find((p) => p.content.code === code);
  assert.ok(found, `seeded ${code}`);
  return found.content;
};

const form: FormDefinition = {
  fields: [
    { key: 'copies', type: 'number', label: 'Số bản', min: 0, max: 20 },
    { key: 'urgent', type: 'checkbox', label: 'Làm gấp' },
    {
      key: 'kind',
      type: 'select',
      label: 'Loại',
      options: [
        { value: 'moi', label: 'Mới' },
        { value: 'mat', label: 'Mất' },
      ],
    },
    {
      key: 'members',
      type: 'group',
      label: 'Thành viên',
      repeatable: true,
      fields: [{ key: 'name', type: 'text', label: 'Tên' }],
    },
  ],
};

describe('services: fees that follow the form', () => {
  const fees: Fee[] = [
    { kind: 'le_phi', name: 'Cơ bản', amount: 100_000, unless: { field: 'kind', equals: 'mat' } },
    { kind: 'le_phi', name: 'Cấp lại do mất', amount: 300_000, when: { field: 'kind', in: ['mat'] } },
    { kind: 'phi', name: 'Bản thêm', amount: 5_000, perUnit: { field: 'copies', free: 2 } },
    { kind: 'phi', name: 'Làm gấp', amount: 50_000, when: { field: 'urgent', equals: true } },
    { kind: 'phi', name: 'Mỗi thành viên', amount: 1_000, perUnit: { field: 'members', max: 3 } },
    { kind: 'phi', name: 'Trực tiếp', amount: 7_000, channels: ['counter'] },
    { kind: 'le_phi', name: 'Theo quyết định', amount: 9_000, condition: 'tùy trường hợp' },
  ];
  const total = (values: Record<string, unknown>, channel?: 'online' | 'counter') => {
    const checked = validateFormValues(form, values);
    assert.ok(checked.ok, JSON.stringify(checked));
    return computeFees({ fees }, checked.values, channel);
  };

  it('charges the unconditional fee alone for an empty form', () => {
    const r = total({});
    assert.deepEqual(
      r.lines.map((l) => [l.name, l.quantity, l.amount]),
      [['Cơ bản', 1, 100_000]],
    );
    assert.equal(r.total, 100_000);
    assert.deepEqual(
      r.decidedByAgency.map((x) => x.name),
      ['Theo quyết định'],
    );
  });

  it('swaps fees on a select, counts copies beyond the free ones, items of a list (capped), checkboxes', () => {
    const r = total({
      kind: 'mat',
      copies: '5',
      urgent: 'on',
      members: [{ name: 'A' }, { name: 'B' }, { name: 'C' }, { name: 'D' }],
    });
    assert.deepEqual(
      r.lines.map((l) => [l.name, l.unitAmount, l.quantity, l.amount]),
      [
        ['Cấp lại do mất', 300_000, 1, 300_000],
        ['Bản thêm', 5_000, 3, 15_000],
        ['Làm gấp', 50_000, 1, 50_000],
        ['Mỗi thành viên', 1_000, 3, 3_000],
      ],
    );
    assert.equal(r.total, 368_000);
  });

  it('no unit beyond the free ones charges nothing; a fee for another channel is left out', () => {
    assert.equal(total({ copies: 2 }).total, 100_000);
    assert.equal(total({ copies: 2 }, 'counter').total, 107_000);
  });

  it('refuses a rule naming an unknown field, a field inside a list or a text as a quantity', () => {
    const issues = checkFeeRules(
      [
        { kind: 'phi', name: 'a', amount: 1, when: { field: 'nope', filled: true } },
        { kind: 'phi', name: 'b', amount: 1, when: { field: 'members.name', filled: true } },
        { kind: 'phi', name: 'c', amount: 1, perUnit: { field: 'urgent' } },
        { kind: 'phi', name: 'd', amount: 1, perUnit: { field: 'members' } },
      ],
      form,
    );
    assert.deepEqual(issues, [
      { path: 'fees.0.when.field', code: 'SERVICES_FEE_UNKNOWN_FIELD' },
      { path: 'fees.1.when.field', code: 'SERVICES_FEE_UNKNOWN_FIELD' },
      { path: 'fees.2.perUnit.field', code: 'SERVICES_FEE_NOT_A_QUANTITY' },
    ]);
    const content = { ...seeded('2.001620') };
    const parsed = procedureContentSchema.safeParse({
      ...content,
      agencies: { ...content.agencies, agencyIds: [] },
      fees: [{ kind: 'phi', name: 'x', amount: 1, when: { field: 'missing', equals: 'a' } }],
    });
    assert.equal(parsed.success, false);
    assert.ok(parsed.error?.issues.some((i) => i.message === 'SERVICES_FEE_UNKNOWN_FIELD'));
  });

  it('every seeded procedure passes the schema, fee rules included', () => {
    for (const p of seedProcedures) {
      const r = procedureContentSchema.safeParse({
        ...p.content,
        agencies: { ...p.content.agencies, agencyIds: [] },
      });
      assert.ok(r.success, `${p.content.code}: ${JSON.stringify(r.error?.issues.slice(0, 3))}`);
    }
  });

  it('seeded passport: a new one 200,000 đ; replacing a lost one 400,000 đ instead', () => {
    const passport = seeded('2.001620');
    assert.equal(computeFees(passport, { hadPassport: false }).total, 200_000);
    assert.equal(computeFees(passport, { hadPassport: true, previousStatus: 'het_han' }).total, 200_000);
    const lost = computeFees(passport, { hadPassport: true, previousStatus: 'mat' });
    assert.deepEqual(
      lost.lines.map((l) => [l.name, l.amount]),
      [['Lệ phí cấp lại hộ chiếu do bị hỏng hoặc bị mất', 400_000]],
    );
  });

  it('seeded criminal record certificate: reduced fee, and 5,000 đ for each copy from the third', () => {
    const lltp = seeded('2.000488');
    assert.equal(computeFees(lltp, { copies: 1, reducedFee: false }).total, 200_000);
    assert.equal(computeFees(lltp, { copies: 2 }).total, 200_000);
    assert.equal(computeFees(lltp, { copies: 5, reducedFee: true }).total, 100_000 + 3 * 5_000);
  });
});
