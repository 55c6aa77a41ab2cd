import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import type { PageClient } from '../support/client.ts';
import { citizenCtx, minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';
import { postIntakePage } from './intake-support.ts';

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let procedure: ProcedureContent;

/** JSON through the officer's signed-in session (what a back-office front end would send). */
async function json(client: PageClient, method: string, path: string, body?: unknown) {
  const r = await client.request(method, path, {
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return {
    status: r.status,
    text,
    body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

async function submittedDossier() {
  const ctx = citizenCtx();
  const s = h.dossiers.service;
  const d = await s.createDraft(ctx, {
    procedureCode: procedure.code,
    agencyId: agency.id,
    applicantName: 'Lý Thị Hồ Sơ',
  });
  await s.saveValues(ctx, d.id, { childName: 'Lý An', birthDate: '2026-01-15' });
  await s.addPaper(ctx, d.id, { paperKey: 'giayChungSinh', fileName: 'cs.pdf', bytes: minimalPdf });
  return { ctx, ...(await s.submit(ctx, d.id)).dossier };
}

describe('dossiers back office over HTTP: concurrent officers, the API, 404 outside the agency', () => {
  before(async () => {
    h = await startDossiersHarness();
    agency = await h.makeAgency('commune');
    await h.certify(agency);
    procedure = await h.makeProcedure();
  });
  after(() => h.close());

  it('two officers accepting at once through the API: exactly one wins, the other gets 409 DOSSIER_CONFLICT (vi and en)', async () => {
    const [a, b] = [
      await h.official(agency.id, ['one_stop_officer']),
      await h.official(agency.id, ['one_stop_officer']),
    ];
    const d = await submittedDossier();
    const path = `/api/v1/backoffice/dossiers/${d.id}/accept`;
    const both = await Promise.all([
      json(a, 'POST', path, { version: d.rowVersion }),
      json(b, 'POST', path, { version: d.rowVersion }),
    ]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 409]);
    const lost = both.find((r) => r.status === 409);
    assert.match(lost?.text ?? '', /DOSSIER_CONFLICT/);
    assert.match(lost?.text ?? '', /cán bộ khác/);
    const won = both.find((r) => r.status === 200);
    assert.equal(won?.body['status'], 'received');
    const en = await b.request('POST', path, {
      headers: { accept: 'application/json', 'content-type': 'application/json', 'accept-language': 'en' },
      body: JSON.stringify({ version: d.rowVersion }),
    });
    assert.equal(en.status, 409);
    const enText = await en.text();
    assert.match(enText, /DOSSIER_CONFLICT/);
  });

  it('more officers acting at once than the pool has connections: every action is answered (the officer’s name comes with the session, not from a second connection inside the transaction)', async () => {
    const desk = await h.official(agency.id, ['one_stop_officer']);
    const dossiers = [];
    for (let i = 0; i < 12; i++) dossiers.push(await submittedDossier()); // the test pool holds 5
    const answered = await Promise.race([
      Promise.all(
        dossiers.map((d) =>
          json(desk, 'POST', `/api/v1/backoffice/dossiers/${d.id}/accept`, { version: d.rowVersion }),
        ),
      ),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000).unref()),
    ]);
    assert.ok(answered, 'all twelve accepts answered within 20 s');
    assert.deepEqual(
      answered.map((r) => r.status),
      dossiers.map(() => 200),
    );
    // Form 06 names the officer who handed the dossier to its first step, as their session knows them.
    const viewer = await h.officialCtx(agency.id, ['one_stop_officer']);
    const first = (await h.dossiers.service.steps(viewer, dossiers[0]?.id ?? '')).at(0);
    assert.match(first?.senderName ?? '', /^Cán bộ \d+$/);
  });

  it('two specialists taking the same task from their pages at once: one 303, the other sees the conflict on the page', async () => {
    const desk = await h.official(agency.id, ['one_stop_officer']);
    const d = await submittedDossier();
    const accepted = await json(desk, 'POST', `/api/v1/backoffice/dossiers/${d.id}/accept`, {
      version: d.rowVersion,
    });
    const version = String(accepted.body['rowVersion']);
    const [s1, s2] = [
      await h.official(agency.id, ['specialist']),
      await h.official(agency.id, ['specialist']),
    ];
    for (const s of [s1, s2]) assert.equal((await s.get(`/one-stop/dossiers/${d.id}`)).status, 200);
    const both = await Promise.all(
      [s1, s2].map((s) => s.post(`/one-stop/dossiers/${d.id}/take`, { version })),
    );
    assert.deepEqual(both.map((r) => r.status).sort(), [303, 409]);
    assert.match(both.find((r) => r.status === 409)?.html ?? '', /vừa được cán bộ khác cập nhật/);
    // The work lists and the steps through the API.
    const winner = both[0]?.status === 303 ? s1 : s2;
    const mine = await json(winner, 'GET', '/api/v1/backoffice/tasks?list=mine');
    assert.equal(mine.status, 200);
    assert.ok((mine.body['items'] as { dossierId: string }[]).some((t) => t.dossierId === d.id));
    const steps = await json(winner, 'GET', `/api/v1/backoffice/dossiers/${d.id}/steps`);
    assert.equal((steps.body['items'] as unknown[]).length, 1);
    const found = await json(
      desk,
      'GET',
      `/api/v1/backoffice/dossiers?q=${encodeURIComponent('hồ sơ')}&status=received`,
    );
    assert.ok((found.body['items'] as { id: string }[]).some((x) => x.id === d.id));
    const form01 = await desk.request('GET', `/api/v1/backoffice/dossiers/${d.id}/forms/01`);
    assert.equal(form01.status, 200);
    assert.equal(form01.headers.get('content-type'), 'application/pdf');
  });

  it('takes a dossier in at the counter through the intake page: form errors first, then the lookup key', async () => {
    const desk = await h.official(agency.id, ['one_stop_officer']);
    assert.equal((await desk.get(`/one-stop/intake?procedure=${procedure.code}`)).status, 200);
    const post = (fields: Record<string, string>, file?: Buffer) =>
      postIntakePage(
        h.baseUrl,
        desk,
        procedure.code,
        fields,
        file ? [{ field: 'scan', bytes: file, name: 'ho-so-giay.pdf' }] : [],
      );
    const missing = await post({ channel: 'post', applicantName: '' });
    assert.equal(missing.status, 400);
    assert.match(missing.html, /Vui lòng chọn tệp/);
    const invalid = await post(
      { channel: 'post', applicantName: 'Mai Văn Bưu', 'f.childName': 'Mai An' },
      minimalPdf,
    );
    assert.equal(invalid.status, 400, 'the procedure’s form is checked (birth date missing)');
    const ok = await post(
      {
        channel: 'post',
        applicantName: 'Mai Văn Bưu',
        idNumber: '001088001122',
        'f.childName': 'Mai An',
        'f.birthDate': '2026-02-02',
      },
      minimalPdf,
    );
    assert.equal(ok.status, 200);
    const secret = /Mã tra cứu: ([A-Z0-9]{10})/.exec(ok.html)?.[1];
    const code = /Đã ghi nhận hồ sơ ([0-9A-Z.]+-\d{6}-\d{4})/.exec(ok.html)?.[1];
    assert.ok(secret, 'the lookup key is shown once');
    const queue = await desk.get('/one-stop/dossiers');
    assert.match(queue.html, /Mai Văn Bưu/);
    assert.match(queue.html, /Bưu chính công ích/);
    assert.ok(code, 'the dossier code is shown');
    assert.equal((await h.dossiers.service.lookup(code, secret)).status, 'submitted');
  });

  it('validates workflows with zod (400 DOSSIER_WORKFLOW_INVALID) and saves a new version for the agency', async () => {
    const admin = await h.official(agency.id, ['admin']);
    const path = `/api/v1/backoffice/workflows/${procedure.code}`;
    assert.equal((await json(admin, 'GET', path)).body['isDefault'], true);
    const bad = await json(admin, 'PUT', path, {
      steps: [{ key: 'a', name: { vi: 'A', en: 'A' }, role: 'specialist', allotted: { workingDays: 1 } }],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /DOSSIER_WORKFLOW_INVALID/);
    const steps = [
      {
        key: 'tham_dinh',
        name: { vi: 'Thẩm định', en: 'Examination' },
        role: 'specialist',
        allotted: { workingDays: 2 },
      },
      {
        key: 'tra_ket_qua',
        name: { vi: 'Trả kết quả', en: 'Return' },
        role: 'one_stop_officer',
        allotted: { workingHours: 2 },
      },
    ];
    const saved = await json(admin, 'PUT', path, { steps, supplementClock: 'pause' });
    assert.equal(saved.status, 200);
    assert.equal(saved.body['version'], 1);
    assert.equal(saved.body['isDefault'], false);
    const specialist = await h.official(agency.id, ['specialist']);
    assert.equal((await json(specialist, 'PUT', path, { steps })).status, 404, 'only administrators edit');
    const openapi = await (await fetch(`${h.baseUrl}/openapi.json`)).text();
    for (const p of [
      '/api/v1/backoffice/tasks',
      '/api/v1/backoffice/dossiers/{id}/forward',
      '/api/v1/backoffice/intake',
    ])
      assert.ok(openapi.includes(p), `OpenAPI documents ${p}`);
  });

  it('answers 404 on every back-office route to officers of another agency and to another citizen', async () => {
    const desk = await h.official(agency.id, ['one_stop_officer']);
    const d = await submittedDossier();
    await json(desk, 'POST', `/api/v1/backoffice/dossiers/${d.id}/accept`, { version: d.rowVersion });
    const elsewhere = (await h.makeAgency()).id;
    const strangers = [
      await h.official(elsewhere, ['one_stop_officer']),
      await h.official(elsewhere, ['specialist', 'unit_leader', 'admin']),
    ];
    const actions = [
      'accept',
      'supplement',
      'refuse',
      'take',
      'forward',
      'reassign',
      'send-back',
      'extend',
      'stop',
      'issue-result',
      'deliver',
    ];
    const bodies: Record<string, unknown> = {
      supplement: { missing: 'x' },
      refuse: { reasons: 'x' },
      reassign: { assigneeId: d.id },
      'send-back': { toStepKey: 'tham_dinh', note: 'x' },
      extend: { reason: 'x', workingDays: 1 },
      stop: { reason: 'x' },
      deliver: { method: 'online' },
    };
    for (const s of strangers) {
      for (const a of actions) {
        const r = await json(s, 'POST', `/api/v1/backoffice/dossiers/${d.id}/${a}`, {
          version: 2,
          ...(bodies[a] as object),
        });
        assert.equal(r.status, 404, `API ${a}`);
      }
      for (const p of ['steps', 'forms/01', 'forms/06'])
        assert.equal(
          (await json(s, 'GET', `/api/v1/backoffice/dossiers/${d.id}/${p}`)).status,
          404,
          `API ${p}`,
        );
      assert.equal((await s.get(`/one-stop/dossiers/${d.id}`)).status, 404);
      assert.equal((await s.get(`/dossiers/${d.id}/forms/01.pdf`)).status, 404);
      assert.equal((await s.get(`/dossiers/${d.id}/forms/06.pdf`)).status, 404);
      await s.get('/one-stop/tasks?list=unit');
      for (const a of ['accept', 'take', 'forward', 'stop'])
        assert.equal(
          (await s.post(`/one-stop/dossiers/${d.id}/${a}`, { version: '2', stopReason: 'x' })).status,
          404,
          `page ${a}`,
        );
      const search = await json(s, 'GET', '/api/v1/backoffice/dossiers');
      assert.ok(!(search.body['items'] as { id: string }[]).some((x) => x.id === d.id));
      const unit = await json(s, 'GET', '/api/v1/backoffice/tasks?list=unit');
      assert.ok(!(unit.body['items'] as { dossierId: string }[]).some((x) => x.dossierId === d.id));
      assert.ok(!(await s.get('/one-stop/search?q=H%E1%BB%93')).html.includes(d.id));
    }
    // Another citizen: nothing of the steps or forms either; the applicant sees them.
    const other = citizenCtx();
    await assert.rejects(h.dossiers.service.steps(other, d.id), (e: { status?: number }) => e.status === 404);
    await assert.rejects(
      h.dossiers.service.document(other, d.id, '01'),
      (e: { status?: number }) => e.status === 404,
    );
    assert.equal((await h.dossiers.service.steps(d.ctx, d.id)).length, 1);
  });
});
