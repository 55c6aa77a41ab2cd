import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { PageClient } from '../support/client.ts';
import { startDossiersHarness, type DossiersHarness } from './harness.ts';

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The values a browser would post from the editor's form: inputs and the selected options. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input\b[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"/g))
    if (m[1] && m[1] !== '_csrf') fields[m[1]] = unescape(m[2] ?? '');
  for (const m of html.matchAll(/<select\b[^>]*?name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)"\s+selected/.exec(m[2] ?? '');
    const first = /<option value="([^"]*)"/.exec(m[2] ?? '');
    if (m[1]) fields[m[1]] = unescape(selected?.[1] ?? first?.[1] ?? '');
  }
  return fields;
}

const stepNames = (html: string) => {
  const f = formFields(html);
  return Array.from({ length: Number(f['stepCount']) }, (_, i) => f[`s${i}_nameVi`]);
};

describe('the workflow editor is a form that works without JavaScript', () => {
  let h: DossiersHarness;
  let agency: AgencySummary & { code: string };
  let procedure: ProcedureContent;
  let unit: AgencySummary;
  let admin: PageClient;
  let path: string;

  before(async () => {
    h = await startDossiersHarness();
    agency = await h.makeAgency('commune');
    procedure = await h.makeProcedure({ name: 'Thủ tục sửa quy trình' });
    const directory = createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') });
    unit = await directory.service.createAgency(systemContext('test'), {
      name: 'Phòng Tư pháp',
      kind: 'unit',
      parentId: agency.id,
      codes: [{ scheme: 'LOCAL', code: `phong-tu-phap-${agency.id.slice(0, 8)}` }],
    });
    admin = await h.official(agency.id, ['admin']);
    path = `/admin/workflows/${procedure.code}`;
  });
  after(() => h.close());

  it('adds, moves and removes steps without saving, then saves a new version with a unit', async () => {
    const page = await admin.get(path);
    assert.equal(page.status, 200);
    assert.deepEqual(stepNames(page.html), [
      'Thẩm định hồ sơ',
      'Phê duyệt',
      'Ký, cấp số kết quả',
      'Trả kết quả',
    ]);
    assert.match(page.html, /Bước 4 — trả kết quả/);
    assert.match(page.html, /<option value="[^"]+"\s*>\s*Phòng Tư pháp/);

    // Add: the new step goes before the return of the result.
    const added = await admin.post(path, { ...formFields(page.html), action: 'add' });
    assert.equal(added.status, 200);
    assert.deepEqual(stepNames(added.html), [
      'Thẩm định hồ sơ',
      'Phê duyệt',
      'Ký, cấp số kết quả',
      'Bước mới',
      'Trả kết quả',
    ]);
    assert.match(added.html, /Thay đổi chưa được lưu/);
    assert.equal(
      (await h.dossiers.service.workflowHistory(h.officerCtxFor(agency.id), procedure.code)).length,
      0,
    );

    // Move it up twice; it never goes below the return, and the return never moves.
    let f = formFields(added.html);
    f['s3_nameVi'] = 'Xác minh tại Phòng Tư pháp';
    f['s3_nameEn'] = 'Verification by the justice division';
    f['s3_unit'] = unit.id;
    f['s3_amount'] = '1,5';
    f['s3_per'] = 'hours';
    const up = await admin.post(path, { ...f, action: 'up-3' });
    const up2 = await admin.post(path, { ...formFields(up.html), action: 'up-2' });
    assert.deepEqual(stepNames(up2.html), [
      'Thẩm định hồ sơ',
      'Xác minh tại Phòng Tư pháp',
      'Phê duyệt',
      'Ký, cấp số kết quả',
      'Trả kết quả',
    ]);
    const stuck = await admin.post(path, { ...formFields(up2.html), action: 'down-3' });
    assert.equal(stepNames(stuck.html).at(-1), 'Trả kết quả');
    const keepsReturn = await admin.post(path, { ...formFields(up2.html), action: 'remove-4' });
    assert.equal(stepNames(keepsReturn.html).length, 5);

    // Remove the approval.
    const removed = await admin.post(path, { ...formFields(up2.html), action: 'remove-2' });
    assert.deepEqual(stepNames(removed.html), [
      'Thẩm định hồ sơ',
      'Xác minh tại Phòng Tư pháp',
      'Ký, cấp số kết quả',
      'Trả kết quả',
    ]);

    // A bad allotted time comes back next to its field, nothing saved.
    f = formFields(removed.html);
    const bad = await admin.post(path, { ...f, s0_amount: 'hai ngày', action: 'save' });
    assert.equal(bad.status, 400);
    assert.match(
      bad.html,
      /id="f-s0_amount-error">Nhập số ngày làm việc \(số nguyên từ 0 đến 365\) hoặc số giờ làm việc/,
    );
    assert.match(bad.html, /href="#f-s0_amount"/);
    assert.equal(formFields(bad.html)['s0_amount'], 'hai ngày', 'what was typed stays');
    const badEn = await admin.post(`${path}?lang=en`, { ...f, s2_nameEn: '', action: 'save' });
    assert.match(badEn.html, /id="f-s2_nameEn-error">Enter the step’s name in English/);
    await admin.get(`${path}?lang=vi`);

    // Save.
    const saved = await admin.post(path, { ...f, supplementClock: 'pause', action: 'save' });
    assert.equal(saved.status, 303);
    assert.equal(saved.location, `${path}?saved=1`);
    const shown = await admin.get(saved.location ?? '');
    assert.match(shown.html, /Đã lưu phiên bản 1\./);
    assert.match(shown.html, /Đang áp dụng/);
    assert.match(shown.html, /Cán bộ \d+/, 'who saved the version');
    const w = await h.dossiers.service.workflowOf(h.officerCtxFor(agency.id), procedure.code);
    assert.equal(w.version, 1);
    assert.equal(w.supplementClock, 'pause');
    assert.deepEqual(
      w.steps.map((s) => [s.key, s.role, s.unit ?? null, s.allotted]),
      [
        ['tham_dinh', 'specialist', null, { workingDays: 1 }],
        ['buoc_4', 'specialist', unit.id, { workingHours: 1.5 }],
        ['ky', 'unit_leader', null, { workingHours: 4 }],
        ['tra_ket_qua', 'one_stop_officer', null, { workingHours: 4 }],
      ],
    );

    // Saving again adds version 2; the history lists both.
    const again = await admin.post(path, { ...formFields(shown.html), action: 'save' });
    assert.equal(again.location, `${path}?saved=2`);
    const history = await h.dossiers.service.workflowHistory(h.officerCtxFor(agency.id), procedure.code);
    assert.deepEqual(
      history.map((v) => v.version),
      [2, 1],
    );
  });

  it('shows officials without the admin role the steps only, and refuses their save', async () => {
    const specialist = await h.official(agency.id, ['specialist']);
    const page = await specialist.get(path);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.html, /name="stepCount"/);
    assert.match(page.html, /Chỉ quản trị cơ quan được sửa quy trình/);
    const before = (await h.dossiers.service.workflowOf(h.officerCtxFor(agency.id), procedure.code)).version;
    const r = await specialist.post(path, { stepCount: '0', action: 'save' });
    assert.equal(r.status, 404);
    assert.equal(
      (await h.dossiers.service.workflowOf(h.officerCtxFor(agency.id), procedure.code)).version,
      before,
    );
  });
});
