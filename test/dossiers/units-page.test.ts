// The officer's dossier page offers only what the unit rule allows (workflow/units.ts), and the
// result of a step routed to a unit is issued by that unit's leader (or the head of the agency).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { systemContext, type RequestContext, type Role } from '../../src/platform/context.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import type { PageClient } from '../support/client.ts';
import { minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';

const system = systemContext('test');

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let procedure: ProcedureContent;
let unitP: AgencySummary;
let unitQ: AgencySummary;
let desk: RequestContext;

/** A signed-in official of the agency, placed in `unit` (none: the agency's own), and their id. */
async function signedIn(
  roles: Role[],
  unit: AgencySummary | null,
): Promise<{ client: PageClient; id: string }> {
  const client = await h.official(agency.id, roles);
  const who = JSON.parse((await client.get('/api/v1/identity/whoami')).html) as { accountId: string };
  if (unit)
    await h.identity.service.setMembership(system, who.accountId, {
      agencyId: agency.id,
      roles,
      unitId: unit.id,
    });
  return { client, id: who.accountId };
}

/** Posts an action through the API as the signed-in official; the status and the JSON answer. */
async function act(client: PageClient, id: string, action: string, body: Record<string, unknown>) {
  const r = await client.request('POST', `/api/v1/backoffice/dossiers/${id}/${action}`, {
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: r.status,
    json: (await r.json()) as {
      code?: string;
      message?: string;
      rowVersion?: number;
      resultReference?: string | null;
    },
  };
}

/** The option values of the page's select `name` (empty when the page has no such select). */
function optionsOf(page: string, name: string): string[] {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(page)?.[1] ?? '';
  return [...select.matchAll(/<option[^>]*value="([^"]*)"/g)].map((m) => m[1] ?? '').filter(Boolean);
}

const hasAction = (page: string, id: string, action: string) =>
  page.includes(`action="/one-stop/dossiers/${id}/${action}"`);

describe('the dossier page and the result follow the step’s unit', () => {
  let specP: { client: PageClient; id: string };
  let specP2: { client: PageClient; id: string };
  let specQ: { client: PageClient; id: string };
  let leaderP: { client: PageClient; id: string };
  let leaderQ: { client: PageClient; id: string };
  let leaderNone: { client: PageClient; id: string };

  before(async () => {
    h = await startDossiersHarness();
    agency = await h.makeAgency('commune');
    await h.certify(agency);
    procedure = await h.makeProcedure({ name: 'Chứng thực chữ ký thử nghiệm' });
    const directory = createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') });
    const unit = (name: string) =>
      directory.service.createAgency(system, {
        name,
        kind: 'unit',
        parentId: agency.id,
        codes: [{ scheme: 'LOCAL', code: `unit-${agency.id.slice(0, 8)}-${name.length}-${Math.random()}` }],
      });
    unitP = await unit('Phòng Tư pháp');
    unitQ = await unit('Phòng Văn hóa - Xã hội');
    desk = await h.officialCtx(agency.id, ['one_stop_officer'], 'Lê Thị Một Cửa');
    const head = await h.officialCtx(agency.id, ['admin'], 'Nguyễn Văn Chủ Tịch');
    specP = await signedIn(['specialist'], unitP);
    specP2 = await signedIn(['specialist'], unitP);
    specQ = await signedIn(['specialist'], unitQ);
    await signedIn(['specialist'], null); // an official of the agency, in no unit
    leaderP = await signedIn(['unit_leader'], unitP);
    leaderQ = await signedIn(['unit_leader'], unitQ);
    leaderNone = await signedIn(['unit_leader'], null);
    // Examination and signing belong to unit P; the return is the desk's.
    const step = (key: string, vi: string, role: Role, unit: string | undefined, workingHours: number) => ({
      key,
      name: { vi, en: vi },
      role,
      allotted: { workingHours },
      ...(unit ? { unit } : {}),
    });
    await h.dossiers.service.saveWorkflow(head, procedure.code, {
      steps: [
        step('tham_dinh', 'Thẩm định', 'specialist', unitP.id, 8),
        step('ky', 'Ký, cấp số', 'unit_leader', unitP.id, 4),
        step('tra_ket_qua', 'Trả kết quả', 'one_stop_officer', undefined, 4),
      ],
    });
  });
  after(() => h.close());

  /** A dossier filed at the counter and accepted: its first step waits in unit P's queue. */
  async function accepted() {
    const { dossier } = await h.dossiers.service.intake(desk, {
      procedureCode: procedure.code,
      channel: 'counter',
      applicant: { name: 'Nguyễn Thị Chứng Thực' },
      values: { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' },
      scans: [{ fileName: 'ho-so-giay.pdf', bytes: minimalPdf }],
    });
    return h.dossiers.service.accept(desk, dossier.id, { version: dossier.rowVersion });
  }

  it('offers "take" to the unit’s officials only, and reassignment within the unit', async () => {
    const d = await accepted();
    const path = `/one-stop/dossiers/${d.id}`;

    const other = await specQ.client.get(path);
    assert.equal(other.status, 200);
    assert.match(other.html, /Thẩm định \(đơn vị: Phòng Tư pháp\)/);
    assert.equal(hasAction(other.html, d.id, 'take'), false, 'another unit’s official is not offered take');
    assert.equal(hasAction(other.html, d.id, 'reassign'), false);

    const own = await specP.client.get(path);
    assert.equal(hasAction(own.html, d.id, 'take'), true, 'the unit’s official is offered take');

    // Another unit's leader, or a leader in no unit, is offered neither reassignment nor extension.
    for (const outsider of [leaderQ, leaderNone]) {
      const page = (await outsider.client.get(path)).html;
      assert.equal(hasAction(page, d.id, 'reassign'), false);
      assert.equal(hasAction(page, d.id, 'extend'), false);
    }
    // The unit's leader picks among the unit's specialists only.
    const leaderPage = (await leaderP.client.get(path)).html;
    assert.equal(hasAction(leaderPage, d.id, 'extend'), true);
    assert.deepEqual(optionsOf(leaderPage, 'assigneeId').sort(), [specP.id, specP2.id].sort());

    // The take offered works; the holder may hand the step on within the unit only.
    const taken = await specP.client.post(`${path}/take`, { version: String(d.rowVersion) });
    assert.equal(taken.status, 303);
    const holder = (await specP.client.get(path)).html;
    assert.deepEqual(optionsOf(holder, 'assigneeId'), [specP2.id]);
  });

  it('lets only the unit’s leader issue the result of the unit’s signing step', async () => {
    const d = await accepted();
    const s = h.dossiers.service;
    const taken = await act(specP.client, d.id, 'take', { version: d.rowVersion });
    assert.equal(taken.status, 200);
    const forwarded = await act(specP.client, d.id, 'forward', { version: taken.json.rowVersion });
    assert.equal(forwarded.status, 200);
    assert.equal((await s.steps(desk, d.id)).at(-1)?.key, 'ky');

    for (const outsider of [leaderQ, leaderNone]) {
      const refused = await act(outsider.client, d.id, 'issue-result', {
        version: forwarded.json.rowVersion,
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.code, 'DOSSIER_STEP_OF_OTHER_UNIT');
      assert.match(refused.json.message ?? '', /đơn vị khác/);
    }
    const after = await s.officerDossier(desk, d.id);
    assert.equal(after.hasResult, false, 'nothing issued by the refused leaders');
    assert.equal(after.rowVersion, forwarded.json.rowVersion);

    const issued = await act(leaderP.client, d.id, 'issue-result', { version: forwarded.json.rowVersion });
    assert.equal(issued.status, 200);
    assert.match(
      issued.json.resultReference ?? '',
      new RegExp(`^1/\\d{4}/KQ-${agency.code.replace(/\./g, '\\.')}$`),
    );
  });
});
