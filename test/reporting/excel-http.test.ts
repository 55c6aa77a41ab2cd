/**
 * The Excel channel over HTTP, as issue 6's acceptance asks: on the page without JavaScript (a
 * multipart form with the file) a file with three errors is refused with a table naming the
 * three cells and nothing is saved; the corrected file is accepted. The API refuses the same
 * file with the cells in `details.problems`. Another unit's upload answers 404; a form over the
 * multipart limits is refused as a whole.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/platform/context.ts';
import type { App } from '../../src/platform/http/types.ts';
import { XLSX_TYPE } from '../../src/modules/reporting/excel.ts';
import { PageClient } from '../support/client.ts';
import {
  fillTemplate,
  nationWithTwoCommunes,
  official,
  serveReporting,
  startBench,
  type Bench,
} from './support.ts';

describe('reporting: Excel upload over HTTP (page without JavaScript, API)', () => {
  let b: Bench;
  let app: App;
  let baseUrl: string;
  let c1: string;
  const actors: Record<string, Actor> = {};
  const code = 'TTHC-XLSX-HTTP';
  const period = '2025-Q4';

  before(async () => {
    b = await startBench();
    const units = await nationWithTwoCommunes(b, code);
    c1 = units.c1;
    const officer = (agencyId: string): Actor => ({
      kind: 'official',
      accountId: randomUUID(),
      agencyId,
      roles: ['reporting_officer'],
      sessionId: null,
    });
    actors['officer1'] = officer(units.c1);
    actors['officer2'] = officer(units.c2);
    ({ app, baseUrl } = await serveReporting(b, actors));
  });
  after(async () => {
    await app.close();
    await b.close();
  });

  const template = async () =>
    (await b.reporting.service.excel.template(official(c1), { regime: code, period })).bytes;

  /** Posts the upload form as a browser does: multipart, with the page's CSRF token and cookie. */
  async function postForm(who: string, file: Buffer, extra: Record<string, string> = {}) {
    const browser = new PageClient(baseUrl);
    const headers = { 'x-test-actor': who };
    const page = await browser.request('GET', `/reports/excel?regime=${code}&period=${period}`, { headers });
    browser.lastHtml = await page.text();
    const form = new FormData();
    form.set('_csrf', browser.csrfToken());
    form.set('regime', code);
    form.set('period', period);
    form.set('action', 'submit');
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    form.set('file', new Blob([new Uint8Array(file)], { type: XLSX_TYPE }), 'bao-cao.xlsx');
    const r = await fetch(`${baseUrl}/reports/excel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, accept: 'text/html', cookie: browser.cookieHeader() },
      body: form,
    });
    return { status: r.status, html: await r.text(), location: r.headers.get('location') };
  }

  it('the page refuses a file with three errors, naming the three cells, and saves nothing', async () => {
    const bad = await fillTemplate(await template(), {
      received: -5,
      on_time: 3,
      late: 'abc',
      satisfaction: 150,
    });
    const r = await postForm('officer1', bad);
    assert.equal(r.status, 400);
    assert.match(r.html, /Tệp bị từ chối: 3 lỗi, chưa có gì được lưu/);
    const cells = [...r.html.matchAll(/<td[^>]*>\s*(C\d+)\s*<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells, ['C6', 'C8', 'C10']);
    const cur = await b.reporting.service.submissions.current(official(c1), code, period, c1);
    assert.equal(cur.submission, null);
  });

  it('the API refuses the same file with the cells in details.problems', async () => {
    const bad = await fillTemplate(await template(), {
      received: -5,
      on_time: 3,
      late: 'abc',
      satisfaction: 150,
    });
    const r = await fetch(`${baseUrl}/api/v1/reporting/excel?submit=true`, {
      method: 'POST',
      headers: { 'x-test-actor': 'officer1', 'content-type': XLSX_TYPE, accept: 'application/json' },
      body: new Uint8Array(bad),
    });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { code: string; details: { problems: { cell: string }[] } };
    assert.equal(body.code, 'REPORTING_EXCEL_INVALID');
    assert.deepEqual(
      body.details.problems.map((p) => p.cell),
      ['C6', 'C8', 'C10'],
    );
  });

  it('another unit’s officer cannot upload this unit’s template (404 page, nothing saved)', async () => {
    const good = await fillTemplate(await template(), { received: 40, on_time: 30, late: 5 });
    const r = await postForm('officer2', good);
    assert.equal(r.status, 404);
    const cur = await b.reporting.service.submissions.current(official(c1), code, period, c1);
    assert.equal(cur.submission, null);
  });

  it('a form over the multipart limits is refused as a whole', async () => {
    const good = await fillTemplate(await template(), { received: 40, on_time: 30, late: 5 });
    const extra = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x${i}`, 'y']));
    const r = await postForm('officer1', good, extra);
    assert.equal(r.status, 413);
    const cur = await b.reporting.service.submissions.current(official(c1), code, period, c1);
    assert.equal(cur.submission, null);
  });

  it('the corrected file is accepted: signed, submitted, and shown on the form', async () => {
    const good = await fillTemplate(await template(), {
      received: 40,
      on_time: 30,
      late: 5,
      satisfaction: 92.5,
    });
    const r = await postForm('officer1', good);
    assert.equal(r.status, 303);
    assert.match(
      r.location ?? '',
      new RegExp(`/reports/form\\?regime=${code}&period=${period}&unit=${c1}&done=submitted`),
    );
    const cur = await b.reporting.service.submissions.current(official(c1), code, period, c1);
    assert.equal(cur.submission?.status, 'submitted');
    assert.deepEqual(cur.submission?.values, { received: 40, on_time: 30, late: 5, satisfaction: 92.5 });
  });
});
