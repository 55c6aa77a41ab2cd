import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedProcedures } from '../seed.ts';
import { parseContent } from '../service.ts';
import type { ProcedureContent } from '../schemas.ts';
import { contentFromPost, editorValues, rowsFromPost, rowsOf, type Posted } from './editor-codec.ts';

/** What a browser posts for the editor filled with `c`. */
function post(c: ProcedureContent): Posted {
  const body: Posted = {
    ...editorValues(c),
    applicants: c.applicants,
    agencyKinds: c.agencies.kinds,
    channels: c.channels,
  };
  const rows = rowsOf(c.form.fields);
  body['rowCount'] = String(rows.length + 2);
  rows.forEach((r, i) => {
    Object.assign(body, {
      [`fk.${i}`]: r.key,
      [`fp.${i}`]: r.parent,
      [`ft.${i}`]: r.type,
      [`fl.${i}`]: r.label,
      [`fo.${i}`]: r.options,
      [`fx.${i}`]: r.rules,
    });
    if (r.required) body[`fr.${i}`] = 'on';
  });
  return body;
}

describe('the no-JavaScript editor', () => {
  for (const seed of seedProcedures) {
    it(`round-trips ${seed.content.code} ${seed.content.name}`, () => {
      const content: ProcedureContent = {
        ...seed.content,
        agencies: { ...seed.content.agencies, agencyIds: [] },
      };
      const body = post(content);
      const back = parseContent(contentFromPost(body, rowsFromPost(body)).content);
      assert.deepEqual(back, parseContent(content));
    });
  }

  it('maps an error of a nested field back to its row', () => {
    const body: Posted = {
      rowCount: '4',
      'fk.0': 'people',
      'ft.0': 'group',
      'fl.0': 'Người',
      'fx.0': 'repeatable; minItems=1; maxItems=3',
      'fk.1': 'name',
      'fp.1': 'people',
      'ft.1': 'text',
      'fl.1': 'Tên',
      'fk.2': '',
      'fk.3': 'kind',
      'ft.3': 'select',
      'fl.3': 'Loại',
      'fx.3': 'showWhen=name filled',
    };
    const { content, paths } = contentFromPost(body, rowsFromPost(body));
    assert.deepEqual(paths, ['form.fields.0', 'form.fields.0.fields.0', null, 'form.fields.1']);
    const form = (content as { form: unknown }).form;
    assert.deepEqual(form, {
      fields: [
        {
          key: 'people',
          type: 'group',
          label: 'Người',
          repeatable: true,
          minItems: 1,
          maxItems: 3,
          fields: [{ key: 'name', type: 'text', label: 'Tên' }],
        },
        { key: 'kind', type: 'select', label: 'Loại', showWhen: { field: 'name', filled: true } },
      ],
    });
  });
});
