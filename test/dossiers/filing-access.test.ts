/**
 * Issue 4's acceptance: citizen A asking for citizen B's dossier, receipt, result or payment gets
 * 404 — here over every citizen-side route the journey test leaves out, for a draft (drafts are
 * the applicant's alone) and then for the submitted dossier with a payment started, pages and
 * API, reads and writes. Nothing of B's (name, code, answers) shows in the answers, and nothing
 * B owns changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerCitizen } from '../support/auth.ts';
import type { PageClient } from '../support/client.ts';
import { minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';

/** A multipart post like a browser's (file input and the CSRF token of the last page). */
async function postFile(client: PageClient, path: string, fields: Record<string, string>) {
  const body = new FormData();
  body.set('_csrf', client.csrfToken());
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  body.set('file', new Blob([new Uint8Array(minimalPdf)]), 'giay.pdf');
  const r = await fetch(client.baseUrl + path, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { cookie: client.cookieHeader(), accept: 'text/html' },
  });
  return { status: r.status, text: await r.text() };
}

describe('dossiers: another citizen gets 404 on every citizen-side route of a draft and a filed dossier', () => {
  let h: DossiersHarness;
  let owner: PageClient;
  let other: PageClient;
  let dossierId = '';
  const ownerName = 'Phạm Thị Hồng Nhung';

  const json = (client: PageClient, method: string, path: string, body: unknown = {}) =>
    client.request(method, path, {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
    });

  /** Every route answers 404 to `other`, and no answer carries the owner's name or code. */
  async function all404(
    routes: { method: string; path: string; form?: Record<string, string> }[],
    code = '',
  ) {
    await other.get('/dossiers'); // a page of its own: a valid CSRF token for the form posts
    for (const r of routes) {
      let status: number;
      let text: string;
      if (r.method === 'UPLOAD') ({ status, text } = await postFile(other, r.path, r.form ?? {}));
      else if (r.form) {
        const page = await other.post(r.path, r.form);
        status = page.status;
        text = page.html;
      } else {
        const response = await json(other, r.method, r.path, { values: { childName: 'X' }, rating: 5 });
        status = response.status;
        text = await response.text();
      }
      assert.equal(status, 404, `${r.method} ${r.path}`);
      assert.ok(!text.includes(ownerName), `${r.method} ${r.path} does not show the owner's name`);
      if (code) assert.ok(!text.includes(code), `${r.method} ${r.path} does not show the code`);
    }
  }

  before(async () => {
    h = await startDossiersHarness();
    const agency = await h.makeAgency('commune');
    const procedure = await h.makeProcedure();
    owner = (await registerCitizen(h.asTestApp, { fullName: ownerName })).client;
    other = (await registerCitizen(h.asTestApp, { fullName: 'Đỗ Văn Khánh' })).client;
    await owner.get(`/dossiers/new?procedure=${procedure.code}`);
    const created = await owner.post('/dossiers/new', {
      procedure: procedure.code,
      agencyId: agency.id,
      applicantName: ownerName,
    });
    dossierId = /\/dossiers\/([0-9a-f-]{36})\/edit/.exec(created.location ?? '')?.[1] ?? '';
    assert.ok(dossierId);
    await owner.get(`/dossiers/${dossierId}/edit`);
    await owner.post(`/dossiers/${dossierId}/edit`, {
      'f.childName': 'Trần Minh Khôi',
      'f.birthDate': '2026-01-15',
      action: 'save',
    });
  });
  after(() => h.close());

  it('a draft: reading, editing, uploading, submitting — all 404, and the draft is unchanged', async () => {
    await all404([
      { method: 'GET', path: `/dossiers/${dossierId}` },
      { method: 'GET', path: `/dossiers/${dossierId}/edit` },
      { method: 'GET', path: `/dossiers/${dossierId}/review` },
      { method: 'GET', path: `/api/v1/dossiers/${dossierId}` },
      { method: 'PUT', path: `/api/v1/dossiers/${dossierId}/values` },
      { method: 'POST', path: `/api/v1/dossiers/${dossierId}/submit` },
      { method: 'POST', path: `/api/v1/dossiers/${dossierId}/withdraw` },
      {
        method: 'POST',
        path: `/dossiers/${dossierId}/edit`,
        form: { 'f.childName': 'Kẻ lạ', action: 'save' },
      },
      { method: 'POST', path: `/dossiers/${dossierId}/submit`, form: {} },
      { method: 'UPLOAD', path: `/dossiers/${dossierId}/papers`, form: { paperKey: 'giayChungSinh' } },
    ]);
    const mine = await json(owner, 'GET', `/api/v1/dossiers/${dossierId}`);
    const body = (await mine.json()) as {
      dossier: { status: string; values: Record<string, unknown> };
      papers: unknown[];
    };
    assert.equal(body.dossier.status, 'draft');
    assert.equal(body.dossier.values['childName'], 'Trần Minh Khôi', 'the other citizen changed nothing');
    assert.deepEqual(body.papers, []);
    const list = await other.get('/dossiers');
    assert.ok(!list.html.includes(dossierId), 'not in the other citizen’s list');
  });

  it('a filed dossier with a payment started: receipt, payment pages and API — all 404', async () => {
    const upload = await (async () => {
      await owner.get(`/dossiers/${dossierId}/review`);
      return postFile(owner, `/dossiers/${dossierId}/papers`, { paperKey: 'giayChungSinh' });
    })();
    assert.equal(upload.status, 303);
    await owner.get(`/dossiers/${dossierId}/review`);
    const submitted = await owner.post(`/dossiers/${dossierId}/submit`, {});
    assert.equal(submitted.location, `/dossiers/${dossierId}?submitted=1`);
    const filed = (await (await json(owner, 'GET', `/api/v1/dossiers/${dossierId}`)).json()) as {
      dossier: { code: string | null };
    };
    const code = filed.dossier.code ?? '';
    assert.ok(code, 'the owner sees the code');
    await owner.post(`/dossiers/${dossierId}/pay`, {});
    const paymentId =
      /\/payments\/([0-9a-f-]{36})\/pay/.exec((await owner.get(`/dossiers/${dossierId}`)).html)?.[1] ?? '';
    assert.ok(paymentId, 'a payment was started');
    await all404(
      [
        { method: 'GET', path: `/dossiers/${dossierId}` },
        { method: 'GET', path: `/dossiers/${dossierId}/receipt.pdf` },
        { method: 'GET', path: `/dossiers/${dossierId}/forms/01.pdf` },
        { method: 'GET', path: `/api/v1/dossiers/${dossierId}` },
        { method: 'POST', path: `/api/v1/dossiers/${dossierId}/withdraw` },
        { method: 'POST', path: `/api/v1/dossiers/${dossierId}/feedback` },
        { method: 'POST', path: `/dossiers/${dossierId}/withdraw`, form: {} },
        { method: 'POST', path: `/dossiers/${dossierId}/pay`, form: {} },
        { method: 'GET', path: `/payments/${paymentId}` },
        { method: 'GET', path: `/payments/${paymentId}/pay` },
        { method: 'GET', path: `/api/v1/payments/${paymentId}` },
        { method: 'GET', path: `/api/v1/payments/${paymentId}/refunds` },
        { method: 'GET', path: `/api/v1/payments/${paymentId}/receipt` },
      ],
      code,
    );
    const status = (await (await json(owner, 'GET', `/api/v1/dossiers/${dossierId}`)).json()) as {
      dossier: { status: string };
    };
    assert.equal(status.dossier.status, 'submitted', 'still filed: the other citizen could not withdraw it');
    const payment = await h.db.database.pool.query<{ status: string }>(
      'SELECT status FROM payments_payments WHERE id = $1',
      [paymentId],
    );
    assert.equal(payment.rows[0]?.status, 'created', 'the other citizen did not start paying it');
  });
});
