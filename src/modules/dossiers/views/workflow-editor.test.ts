import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionOf, applyAction, draftFromForm, errorsOf, stepsOf, type Draft } from './workflow-editor.ts';

const step = (key: string, role = 'specialist') => ({
  key,
  nameVi: key,
  nameEn: key,
  role,
  unit: '',
  amount: '1',
  per: 'days' as const,
});
const draft: Draft = {
  supplementClock: 'restart',
  steps: [step('a'), step('b'), step('c'), step('tra', 'one_stop_officer')],
};
const keys = (d: Draft) => d.steps.map((s) => s.key);

describe('workflow editor: the draft and its buttons', () => {
  it('reads the pressed button', () => {
    assert.deepEqual(actionOf('up-3'), { kind: 'up', index: 3 });
    assert.deepEqual(actionOf('remove-12'), { kind: 'remove', index: 12 });
    assert.deepEqual(actionOf('add'), { kind: 'add' });
    for (const v of [undefined, '', 'save', 'up-x', 'drop-1', 'up-100'])
      assert.deepEqual(actionOf(v), { kind: 'save' });
  });

  it('keeps the return of the result last whatever is pressed', () => {
    assert.deepEqual(keys(applyAction(draft, { kind: 'add' }, 'vi')), ['a', 'b', 'c', 'buoc_4', 'tra']);
    assert.deepEqual(keys(applyAction(draft, { kind: 'up', index: 1 }, 'vi')), ['b', 'a', 'c', 'tra']);
    assert.deepEqual(keys(applyAction(draft, { kind: 'down', index: 1 }, 'vi')), ['a', 'c', 'b', 'tra']);
    assert.deepEqual(keys(applyAction(draft, { kind: 'remove', index: 0 }, 'vi')), ['b', 'c', 'tra']);
    for (const refused of [
      { kind: 'down', index: 2 },
      { kind: 'up', index: 3 },
      { kind: 'up', index: 0 },
      { kind: 'remove', index: 3 },
      { kind: 'down', index: 9 },
    ] as const)
      assert.deepEqual(keys(applyAction(draft, refused, 'vi')), keys(draft), JSON.stringify(refused));
    const two: Draft = { ...draft, steps: [step('a'), step('tra', 'one_stop_officer')] };
    assert.deepEqual(keys(applyAction(two, { kind: 'remove', index: 0 }, 'vi')), ['a', 'tra']);
    let full = draft;
    for (let i = 0; i < 30; i += 1) full = applyAction(full, { kind: 'add' }, 'vi');
    assert.equal(full.steps.length, 20);
    assert.equal(full.steps.at(-1)?.key, 'tra');
  });

  it('reads the posted fields and turns amounts into working days or hours', () => {
    const d = draftFromForm({
      stepCount: '2',
      s0_key: 'a',
      s0_nameVi: ' Thẩm định ',
      s0_nameEn: 'Examination',
      s0_role: 'specialist',
      s0_unit: '',
      s0_amount: '1,5',
      s0_per: 'hours',
      s1_key: 'tra',
      s1_nameVi: 'Trả',
      s1_nameEn: 'Return',
      s1_role: 'one_stop_officer',
      s1_amount: 'hai',
      supplementClock: 'pause',
    });
    const steps = stepsOf(d);
    assert.deepEqual(steps[0]?.allotted, { workingHours: 1.5 });
    assert.equal(steps[0]?.name.vi, 'Thẩm định');
    assert.ok(Number.isNaN((steps[1]?.allotted as { workingDays: number }).workingDays));
    assert.equal(d.supplementClock, 'pause');
  });

  it('puts each issue next to its field, once, in the page’s language', () => {
    const errors = errorsOf(
      [
        { path: '1.allotted', code: 'allotted_invalid', message: '' },
        { path: '1.allotted.workingDays', code: 'allotted_invalid', message: '' },
        { path: '2.name.en', code: 'name_en_required', message: '' },
        { path: '3.role', code: 'last_step_return', message: '' },
        { path: '', code: 'steps_count', message: '' },
      ],
      'en',
    );
    assert.deepEqual(
      errors.map((e) => e.field),
      ['s1_amount', 's2_nameEn', 's3_role', 'steps'],
    );
    assert.match(errors[0]?.message ?? '', /^Enter working days/);
    assert.match(
      errorsOf([{ path: '0.unit', code: 'unit_invalid', message: '' }], 'vi')[0]?.message ?? '',
      /^Chọn một đơn vị/,
    );
  });
});
