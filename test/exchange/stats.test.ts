import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExchangeStats } from '../../src/modules/exchange/index.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import { clientToken, createOfficial, signIn } from '../support/auth.ts';
import { api } from '../support/client.ts';
import { agencyWithCodes, deliverPending, edoc, startExchangeApp, type ExchangeTestApp } from './support.ts';

const as = (agencyId: string): RequestContext => ({
  actor: { kind: 'client', clientId: 'test-client', agencyId, scopes: [] },
  requestId: 'test',
  ip: null,
  locale: 'vi',
});

const day = (offset: number) =>
  new Date(Date.now() + 7 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10);

describe('exchange statistics', () => {
  let t: ExchangeTestApp;
  let a: Awaited<ReturnType<typeof agencyWithCodes>>;
  let b: Awaited<ReturnType<typeof agencyWithCodes>>;
  let c: Awaited<ReturnType<typeof agencyWithCodes>>;
  before(async () => {
    t = await startExchangeApp();
    a = await agencyWithCodes(t);
    b = await agencyWithCodes(t);
    c = await agencyWithCodes(t);
    // Three documents A → B (and C): one done on time, one done late, one only registered.
    const early = edoc(a.code, [b.code, c.code], { dueDate: '2030-01-02' });
    const late = edoc(a.code, [b.code], { dueDate: '2026-01-05' });
    const open = edoc(a.code, [b.code]);
    const ids = [];
    for (const d of [early, late, open]) ids.push((await t.exchange.service.send(as(a.id), d.xml)).id);
    await deliverPending(t);
    for (const id of ids.slice(0, 2))
      for (const code of ['03', '04', '05', '06'] as const)
        await t.exchange.service.recordStatus(as(b.id), id, code);
    await t.exchange.service.recordStatus(as(b.id), ids[2] ?? '', '03');
    await t.exchange.service.recordStatus(as(c.id), ids[0] ?? '', '02');
  });
  after(async () => t.close());

  it('counts sent and received documents, medians and the on-time share', async () => {
    const s = await t.exchange.service.stats(as(a.id), { from: day(-1), to: day(1) });
    assert.equal(s.sent.documents, 3);
    assert.equal(s.sent.deliveries, 4);
    assert.equal(s.sent.delivered, 4);
    assert.ok(s.sent.medianSecondsToArrival !== null && s.sent.medianSecondsToArrival >= 0);
    assert.equal(s.received.documents, 0);

    const r = await t.exchange.service.stats(as(b.id), { from: day(-1), to: day(1) });
    assert.equal(r.sent.documents, 0);
    assert.equal(r.received.documents, 3);
    assert.equal(r.received.registered, 3);
    assert.equal(r.received.completed, 2);
    assert.equal(r.received.completedWithDueDate, 2);
    assert.equal(r.received.completedOnTime, 1);
    assert.equal(r.received.onTimeShare, 0.5);
    assert.ok(r.received.medianSecondsToCompletion !== null);

    const rc = await t.exchange.service.stats(as(c.id), { from: day(-1), to: day(1) });
    assert.equal(rc.received.rejected, 1);
    // A period without traffic is empty, not an error.
    const before = await t.exchange.service.stats(as(b.id), { from: '2025-01-01', to: '2025-01-31' });
    assert.equal(before.received.documents, 0);
    assert.equal(before.received.onTimeShare, null);
  });

  it('over the API for the agency; another agency is 404', async () => {
    const tokenB = await clientToken(t, { agencyId: b.id });
    const tokenC = await clientToken(t, { agencyId: c.id });
    const mine = await api<ExchangeStats>(
      t.apiUrl,
      'GET',
      `/api/v1/exchange/stats?from=${day(-1)}&to=${day(1)}`,
      {
        token: tokenB,
      },
    );
    assert.equal(mine.status, 200);
    assert.equal(mine.body.received.documents, 3);
    const theirs = await api<{ code: string }>(
      t.apiUrl,
      'GET',
      `/api/v1/exchange/stats?agency=${b.id}&from=${day(-1)}&to=${day(1)}`,
      { token: tokenC },
    );
    assert.equal(theirs.status, 404);
  });

  it('a page for officials of the agency', async () => {
    const official = await createOfficial(t, { agencyId: b.id, roles: ['records_clerk'] });
    const browser = await signIn(t, official);
    const page = await browser.get(`/exchange/stats?from=${day(-1)}&to=${day(1)}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Thống kê gửi, nhận văn bản điện tử/);
    assert.match(page.html, /50 %/);
    const other = await browser.get(`/exchange/stats?agency=${a.id}`);
    assert.equal(other.status, 404);
  });
});
