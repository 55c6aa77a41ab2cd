/**
 * Fee requests (TrangThaiHoSo 6) through the back-office JSON API, as a front end signed in as an
 * officer sends them: the lines checked by the one schema the service uses too, and the cash
 * recorded at the counter naming the request it pays (`requestId`): the request waiting is paid,
 * an unknown one is refused and nothing is paid.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestContext } from '../../src/platform/context.ts';
import type { PageClient } from '../support/client.ts';
import { startFeeRequestHarness } from './fee-request-support.ts';
import type { DossiersHarness } from './harness.ts';

let h: DossiersHarness;
let desk: RequestContext;
let specialist: RequestContext;
let agencyId: string;
let taken: Awaited<ReturnType<typeof startFeeRequestHarness>>['taken'];

const items = [
  { name: 'Lệ phí trước bạ', amount: 500_000 },
  { name: 'Phí thẩm định', amount: 150_000 },
];

/** JSON through the officer's signed-in session. */
async function json(client: PageClient, path: string, body: unknown, locale = 'vi') {
  const r = await client.request('POST', `/api/v1/backoffice/dossiers/${path}`, {
    headers: { accept: 'application/json', 'content-type': 'application/json', 'accept-language': locale },
    body: JSON.stringify(body),
  });
  return {
    status: r.status,
    body: (await r.json()) as {
      code?: string;
      message?: string;
      messages?: { vi: string; en: string };
      details?: { fields?: { field: string }[] };
      status?: string;
      rowVersion?: number;
    },
  };
}

/** The dossier's requests recorded as paid, and how (audit `dossiers.requested_fee_paid`). */
async function paidAudits(dossierId: string) {
  const r = await h.db.database.pool.query<{ details: { requestId?: string; via?: string } }>(
    `SELECT details FROM audit_events WHERE action = 'dossiers.requested_fee_paid' AND $1 = ANY(subject_ids)`,
    [dossierId],
  );
  return r.rows.map((row) => [row.details.requestId, row.details.via]);
}

describe('dossiers: fee requests through the back-office API', () => {
  before(async () => {
    const w = await startFeeRequestHarness();
    ({ h, desk, specialist, taken } = w);
    agencyId = w.agency.id;
  });
  after(() => h.close());

  it('request-payment: names trimmed, a blank name or too many lines refused with the field named', async () => {
    const d = await taken();
    const leader = await h.official(agencyId, ['unit_leader']);
    const blank = await json(leader, `${d.id}/request-payment`, {
      version: d.rowVersion,
      items: [items[0], { name: '   ', amount: 1000 }],
    });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      blank.body.details?.fields?.map((f) => f.field),
      ['items.1.name'],
    );
    const eleven = await json(leader, `${d.id}/request-payment`, {
      version: d.rowVersion,
      items: Array.from({ length: 11 }, () => ({ name: 'Phí', amount: 1000 })),
    });
    assert.equal(eleven.status, 400);
    assert.equal(eleven.body.code, 'VALIDATION_FAILED');
    assert.equal((await h.dossiers.service.officerDossier(desk, d.id)).status, 'received');

    const ok = await json(leader, `${d.id}/request-payment`, {
      version: d.rowVersion,
      items: [{ name: '  Lệ phí trước bạ  ', amount: 500_000 }],
    });
    assert.equal(ok.status, 200);
    const [request] = await h.dossiers.service.feeRequests(desk, d.id);
    assert.deepEqual(request?.items, [{ name: 'Lệ phí trước bạ', amount: 500_000 }]);
  });

  it('record-payment with requestId: an unknown request is refused (409, nothing paid), the one waiting is paid', async () => {
    const d = await taken();
    const asked = await h.dossiers.service.requestPayment(specialist, d.id, { version: d.rowVersion, items });
    const [waiting] = await h.dossiers.service.feeRequests(desk, d.id);
    assert.ok(waiting);
    const officer = await h.official(agencyId, ['one_stop_officer']);

    const malformed = await json(officer, `${d.id}/record-payment`, {
      version: asked.rowVersion,
      requestId: 'not-a-request',
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'VALIDATION_FAILED');

    const unknown = await json(officer, `${d.id}/record-payment`, {
      version: asked.rowVersion,
      requestId: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(unknown.status, 409);
    assert.equal(unknown.body.code, 'DOSSIER_NO_FEE');
    assert.equal(unknown.body.message, 'Hồ sơ không có khoản phí nào cần nộp.');
    assert.equal(unknown.body.messages?.en, 'There is no fee to pay for this dossier.');
    const still = await h.dossiers.service.officerDossier(desk, d.id);
    assert.equal(still.status, 'awaiting_payment');
    assert.equal(still.rowVersion, asked.rowVersion);
    assert.equal((await h.dossiers.service.feeRequests(desk, d.id))[0]?.paidAt, null);
    assert.deepEqual(await paidAudits(d.id), []);

    const paid = await json(officer, `${d.id}/record-payment`, {
      version: asked.rowVersion,
      requestId: waiting.id,
    });
    assert.equal(paid.status, 200);
    assert.equal(paid.body.status, 'processing');
    const [after] = await h.dossiers.service.feeRequests(desk, d.id);
    assert.equal(after?.paidVia, 'cash');
    assert.deepEqual(await paidAudits(d.id), [[waiting.id, 'cash']]);

    // Posted again (a retry, another tab): the dossier no longer waits, nothing is paid twice.
    const again = await json(
      officer,
      `${d.id}/record-payment`,
      { version: paid.body.rowVersion, requestId: waiting.id },
      'en',
    );
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'DOSSIER_WRONG_STATE');
    assert.equal(again.body.message, 'The dossier is in a state that does not allow this.');
    assert.deepEqual(await paidAudits(d.id), [[waiting.id, 'cash']]);
  });

  it('the OpenAPI document describes record-payment’s requestId', async () => {
    const doc = (await (await fetch(`${h.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: unknown }> } } }>;
    };
    const body = JSON.stringify(
      doc.paths['/api/v1/backoffice/dossiers/{id}/record-payment']?.post?.requestBody?.content,
    );
    assert.match(body, /"requestId"/);
    assert.match(body, /DOSSIER_FEE_REQUEST_PAID/);
  });
});
