import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, signIn, unique } from '../support/auth.ts';
import type { PageClient } from '../support/client.ts';

async function json(c: PageClient, method: string, path: string, body?: unknown) {
  const r = await c.request(method, path, {
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('an agency admin places an official in a unit of the agency', () => {
  let t: TestApp;
  let agency: AgencySummary;
  let other: AgencySummary;
  let unit: AgencySummary;
  let nested: AgencySummary;
  let commune: AgencySummary;
  let otherUnit: AgencySummary;
  let admin: PageClient;
  let official: { accountId: string; username: string; password: string };

  const child = (parent: AgencySummary, name: string, kind: 'unit' | 'department' | 'commune') =>
    t.platform.directory.service.createAgency(systemContext('test'), {
      name,
      kind,
      parentId: parent.id,
      codes: [{ scheme: 'LOCAL', code: `unit-${unique()}` }],
    });

  before(async () => {
    t = await startTestApp();
    agency = await makeAgency(t, { name: 'Ủy ban nhân dân tỉnh Thử Nghiệm', kind: 'province_ubnd' });
    other = await makeAgency(t, { name: 'Ủy ban nhân dân tỉnh Bên Cạnh', kind: 'province_ubnd' });
    unit = await child(agency, 'Phòng Tư pháp', 'unit');
    nested = await child(unit, 'Tổ Hộ tịch', 'unit');
    commune = await child(agency, 'Ủy ban nhân dân xã Thử', 'commune');
    otherUnit = await child(other, 'Phòng Tư pháp bên cạnh', 'unit');
    admin = await signIn(t, await createOfficial(t, { agencyId: agency.id, roles: ['admin'] }));
    official = await createOfficial(t, {
      agencyId: agency.id,
      roles: ['specialist'],
      fullName: 'Phạm Thị Thẩm',
    });
  });
  after(() => t.close());

  it('lists the units of the agency (units below units too), never a commune or another agency’s', async () => {
    const r = await json(admin, 'GET', `/api/v1/identity/agencies/${agency.id}/units`);
    assert.equal(r.status, 200);
    const names = (r.body['units'] as { name: string }[]).map((u) => u.name).sort();
    assert.deepEqual(names, ['Phòng Tư pháp', 'Tổ Hộ tịch']);
    const foreign = await json(admin, 'GET', `/api/v1/identity/agencies/${other.id}/units`);
    assert.equal(foreign.status, 404);
  });

  it('sets the unit through the API; another agency’s unit or a commune answers 404 and changes nothing', async () => {
    const path = `/api/v1/identity/accounts/${official.accountId}/membership`;
    const set = await json(admin, 'PUT', path, {
      agencyId: agency.id,
      roles: ['specialist'],
      unitId: unit.id,
    });
    assert.equal(set.status, 200);
    assert.equal(set.body['unitId'], unit.id);
    for (const bad of [otherUnit.id, commune.id, agency.id]) {
      const r = await json(admin, 'PUT', path, { agencyId: agency.id, roles: ['specialist'], unitId: bad });
      assert.equal(r.status, 404);
      assert.equal(r.body['code'], 'IDENTITY_UNIT_NOT_FOUND');
      assert.match(String(r.body['message']), /đơn vị/);
    }
    const read = await json(admin, 'GET', `/api/v1/identity/accounts/${official.accountId}`);
    assert.equal((read.body['account'] as { unitId: string }).unitId, unit.id);
    // Moving to the unit was a personnel change: the history keeps the row without a unit.
    const history = read.body['memberships'] as { unitId: string | null; validTo: string | null }[];
    assert.deepEqual(
      history.map((h) => [h.unitId, h.validTo === null]),
      [
        [unit.id, true],
        [null, false],
      ],
    );
    // Roles alone keep the unit.
    const roles = await json(admin, 'PUT', path, {
      agencyId: agency.id,
      roles: ['specialist', 'unit_leader'],
    });
    assert.equal(roles.body['unitId'], unit.id);
  });

  it('sets the unit on the account page, and the official’s session carries it', async () => {
    const page = await admin.get(`/admin/accounts/${official.accountId}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /<select id="f-unitId" name="unitId"/);
    assert.match(page.html, /Tổ Hộ tịch/);
    assert.doesNotMatch(page.html, /xã Thử/);
    const saved = await admin.post(`/admin/accounts/${official.accountId}/membership`, {
      unitId: nested.id,
      roles: ['specialist'],
    });
    assert.equal(saved.status, 303);
    const after = await admin.get(saved.location ?? '');
    assert.match(after.html, /Đã lưu đơn vị và vai trò/);
    const me = await signIn(t, official);
    const who = await json(me, 'GET', '/api/v1/identity/whoami');
    assert.equal(who.body['unitId'], nested.id);

    await admin.get(`/admin/accounts/${official.accountId}`);
    const refused = await admin.post(`/admin/accounts/${official.accountId}/membership`, {
      unitId: otherUnit.id,
      roles: ['specialist'],
    });
    assert.equal(refused.status, 404);
    assert.match(refused.html, /Không tìm thấy đơn vị trực thuộc cơ quan/);
    await admin.get(`/admin/accounts/${official.accountId}`);
    const none = await admin.post(`/admin/accounts/${official.accountId}/membership`, {
      unitId: '',
      roles: ['specialist'],
    });
    assert.equal(none.status, 303);
    const read = await json(admin, 'GET', `/api/v1/identity/accounts/${official.accountId}`);
    assert.equal((read.body['account'] as { unitId: string | null }).unitId, null);
  });

  it('creates an official directly in a unit; another agency’s unit is refused and nothing is created', async () => {
    const made = await json(admin, 'POST', '/api/v1/identity/accounts', {
      username: `tuphap${unique()}`,
      fullName: 'Ngô Văn Hộ Tịch',
      email: `tuphap${unique()}@example.gov.vn`,
      agencyId: agency.id,
      unitId: unit.id,
      roles: ['specialist'],
    });
    assert.equal(made.status, 201);
    assert.equal((made.body['account'] as { unitId: string }).unitId, unit.id);
    const username = `tuphap${unique()}`;
    const refused = await json(admin, 'POST', '/api/v1/identity/accounts', {
      username,
      fullName: 'Người Bên Cạnh',
      email: `${username}@example.gov.vn`,
      agencyId: agency.id,
      unitId: otherUnit.id,
      roles: ['specialist'],
    });
    assert.equal(refused.status, 404);
    assert.equal(refused.body['code'], 'IDENTITY_UNIT_NOT_FOUND');
    const list = await json(admin, 'GET', `/api/v1/identity/accounts?q=${username}`);
    assert.equal((list.body['accounts'] as unknown[]).length, 0);
  });

  it('an admin of another agency gets 404 for the official and for the units', async () => {
    const otherAdmin = await signIn(t, await createOfficial(t, { agencyId: other.id, roles: ['admin'] }));
    const r = await json(otherAdmin, 'PUT', `/api/v1/identity/accounts/${official.accountId}/membership`, {
      agencyId: agency.id,
      roles: ['specialist'],
      unitId: unit.id,
    });
    assert.equal(r.status, 404);
    const units = await json(otherAdmin, 'GET', `/api/v1/identity/agencies/${agency.id}/units`);
    assert.equal(units.status, 404);
  });
});
