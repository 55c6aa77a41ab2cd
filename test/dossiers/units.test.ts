import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { systemContext, type RequestContext, type Role } from '../../src/platform/context.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import {
  citizenCtx,
  minimalPdf,
  startDossiersHarness,
  type DossiersHarness,
  vn,
  rejectsWith,
} from './harness.ts';

const clock = { now: null as Date | null };

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let other: AgencySummary & { code: string };
let procedure: ProcedureContent;
let unitP: AgencySummary;
let unitQ: AgencySummary;
let foreignUnit: AgencySummary;
const system = systemContext('test');

/** An official of the agency, placed in `unit` through identity, acting through the service. */
async function official(roles: Role[], unit: AgencySummary | null, name: string): Promise<RequestContext> {
  const ctx = await h.officialCtx(agency.id, roles, name);
  if (ctx.actor.kind !== 'official') throw new Error('official');
  if (unit)
    await h.identity.service.setMembership(system, ctx.actor.accountId, {
      agencyId: agency.id,
      roles,
      unitId: unit.id,
    });
  return { ...ctx, actor: { ...ctx.actor, unitId: unit?.id ?? null } };
}

describe('steps routed to a unit go to that unit’s officials', () => {
  let desk: RequestContext;
  let specP: RequestContext;
  let specP2: RequestContext;
  let specQ: RequestContext;
  let specNone: RequestContext;
  let leaderP: RequestContext;
  let leaderQ: RequestContext;
  let leaderNone: RequestContext;
  let head: RequestContext;

  before(async () => {
    h = await startDossiersHarness({ options: { now: () => clock.now ?? new Date() } });
    agency = await h.makeAgency('commune');
    other = await h.makeAgency('commune');
    await h.certify(agency);
    procedure = await h.makeProcedure({ name: 'Chứng thực bản sao thử nghiệm' });
    const directory = createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') });
    const unit = (parent: AgencySummary, name: string) =>
      directory.service.createAgency(system, {
        name,
        kind: 'unit',
        parentId: parent.id,
        codes: [{ scheme: 'LOCAL', code: `unit-${parent.id.slice(0, 8)}-${name.length}-${Math.random()}` }],
      });
    unitP = await unit(agency, 'Phòng Tư pháp');
    unitQ = await unit(agency, 'Phòng Văn hóa - Xã hội');
    foreignUnit = await unit(other, 'Phòng Tư pháp xã khác');
    desk = await official(['one_stop_officer'], null, 'Lê Thị Một Cửa');
    specP = await official(['specialist'], unitP, 'Phạm Thị Tư Pháp');
    specP2 = await official(['specialist'], unitP, 'Ngô Văn Tư Pháp');
    specQ = await official(['specialist'], unitQ, 'Trần Văn Văn Hóa');
    specNone = await official(['specialist'], null, 'Vũ Thị Chung');
    leaderP = await official(['unit_leader'], unitP, 'Hoàng Văn Trưởng Phòng');
    leaderQ = await official(['unit_leader'], unitQ, 'Đỗ Thị Trưởng Phòng');
    leaderNone = await official(['unit_leader'], null, 'Bùi Văn Phó Chủ Tịch');
    head = await official(['admin'], null, 'Nguyễn Văn Chủ Tịch');
    await h.dossiers.service.saveWorkflow(head, procedure.code, {
      steps: [
        {
          key: 'tham_dinh',
          name: { vi: 'Thẩm định', en: 'Examination' },
          role: 'specialist',
          unit: unitP.id,
          allotted: { workingDays: 1 },
        },
        {
          key: 'phe_duyet',
          name: { vi: 'Phê duyệt', en: 'Approval' },
          role: 'unit_leader',
          allotted: { workingHours: 4 },
        },
        {
          key: 'tra_ket_qua',
          name: { vi: 'Trả kết quả', en: 'Return' },
          role: 'one_stop_officer',
          allotted: { workingHours: 4 },
        },
      ],
    });
  });
  after(() => h.close());

  async function accepted() {
    const s = h.dossiers.service;
    const ctx = citizenCtx();
    const d = await s.createDraft(ctx, {
      procedureCode: procedure.code,
      agencyId: agency.id,
      applicantName: 'Nguyễn Thị Hộ Tịch',
    });
    await s.saveValues(ctx, d.id, { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' });
    await s.addPaper(ctx, d.id, { paperKey: 'giayChungSinh', fileName: 'cs.pdf', bytes: minimalPdf });
    const { dossier } = await s.submit(ctx, d.id);
    return s.accept(desk, d.id, { version: dossier.rowVersion });
  }

  const inList = async (ctx: RequestContext, list: 'unit' | 'due_soon' | 'overdue', id: string) =>
    (await h.dossiers.service.tasks(ctx, list)).items.some((t) => t.dossierId === id);

  it('shows the unit’s step in its officials’ unit list only, and lets only them take it', async () => {
    clock.now = vn('2026-12-07T09:00:00'); // Monday
    const s = h.dossiers.service;
    const d = await accepted();
    const open = (await s.steps(desk, d.id)).at(-1);
    assert.equal(open?.unitId, unitP.id);
    assert.equal(open?.unitName, 'Phòng Tư pháp');

    assert.equal(await inList(specP, 'unit', d.id), true);
    assert.equal(await inList(specP2, 'unit', d.id), true);
    assert.equal(await inList(specQ, 'unit', d.id), false);
    assert.equal(await inList(specNone, 'unit', d.id), false);

    for (const outsider of [specQ, specNone])
      await assert.rejects(
        s.take(outsider, d.id, { version: d.rowVersion }),
        rejectsWith('DOSSIER_STEP_OF_OTHER_UNIT', 403),
      );
    const taken = await s.take(specP, d.id, { version: d.rowVersion });
    assert.equal((await s.steps(desk, d.id)).at(-1)?.assigneeName, 'Phạm Thị Tư Pháp');

    // Another unit's leader may neither reassign nor extend it; the unit's own leader reassigns
    // within the unit only.
    const specP2Id = specP2.actor.kind === 'official' ? specP2.actor.accountId : '';
    const specQId = specQ.actor.kind === 'official' ? specQ.actor.accountId : '';
    await assert.rejects(
      s.reassign(leaderQ, d.id, { version: taken.rowVersion, assigneeId: specP2Id }),
      rejectsWith('DOSSIER_STEP_OF_OTHER_UNIT', 403),
    );
    await assert.rejects(
      s.extend(leaderQ, d.id, { version: taken.rowVersion, reason: 'Cần xác minh', workingDays: 2 }),
      rejectsWith('DOSSIER_STEP_OF_OTHER_UNIT', 403),
    );
    await assert.rejects(
      s.reassign(leaderP, d.id, { version: taken.rowVersion, assigneeId: specQId }),
      rejectsWith('DOSSIER_ASSIGNEE_INVALID', 400),
    );
    const colleagues = await s.colleagues(leaderP, 'specialist', unitP.id);
    assert.deepEqual(colleagues.map((c) => c.fullName).sort(), ['Ngô Văn Tư Pháp', 'Phạm Thị Tư Pháp']);
    const moved = await s.reassign(leaderP, d.id, { version: taken.rowVersion, assigneeId: specP2Id });
    assert.equal((await s.steps(desk, d.id)).at(-1)?.assigneeName, 'Ngô Văn Tư Pháp');

    // The agency's own step (no unit) is every leader's, in a unit or not.
    const forwarded = await s.forward(specP2, d.id, { version: moved.rowVersion });
    assert.equal((await s.steps(desk, d.id)).at(-1)?.unitId, null);
    for (const leader of [leaderP, leaderQ, leaderNone])
      assert.equal(await inList(leader, 'unit', d.id), true);
    await s.take(leaderQ, d.id, { version: forwarded.rowVersion });
  });

  it('keeps due-soon and overdue lists to the unit’s officials, and the head of the agency oversees every unit', async () => {
    clock.now = vn('2026-12-07T09:00:00');
    const s = h.dossiers.service;
    const d = await accepted();
    const due = new Date((await s.steps(desk, d.id)).at(-1)?.dueAt ?? '');
    clock.now = new Date(due.getTime() - 30 * 60_000); // half an hour before the step is due
    assert.equal(await inList(specP, 'due_soon', d.id), true);
    assert.equal(await inList(specQ, 'due_soon', d.id), false);
    assert.equal(await inList(specNone, 'due_soon', d.id), false);
    // The step waits in unit P's queue: the deadline job warns P's specialists, nobody else.
    await h.dossiers.checkDeadlines();
    const warnedAbout = async (ctx: RequestContext) => {
      if (ctx.actor.kind !== 'official') throw new Error('official');
      const r = await sql<{ n: string }>`SELECT count(*) AS n FROM notify_notifications
        WHERE account_id = ${ctx.actor.accountId} AND channel = 'in_app' AND template = 'dossier_step_due'
          AND params->>'dossierCode' = ${d.code}`.execute(h.db.database.db);
      return Number(r.rows[0]?.n);
    };
    assert.deepEqual(
      await Promise.all([specP, specP2, specQ, specNone, leaderP].map(warnedAbout)),
      [1, 1, 0, 0, 0],
    );
    await h.dossiers.checkDeadlines();
    assert.equal(await warnedAbout(specP), 1, 'warned once');
    clock.now = new Date(due.getTime() + 3_600_000);
    assert.equal(await inList(specP, 'overdue', d.id), true);
    assert.equal(await inList(specQ, 'overdue', d.id), false);
    assert.equal(await inList(specNone, 'overdue', d.id), false);

    // The head of the agency (admin) may stop any unit's step; a leader without the unit may not.
    const now = await s.officerDossier(desk, d.id);
    await assert.rejects(
      s.stop(leaderNone, d.id, { version: now.rowVersion, reason: 'Thử' }),
      rejectsWith('DOSSIER_STEP_OF_OTHER_UNIT', 403),
    );
    const stopped = await s.stop(head, d.id, { version: now.rowVersion, reason: 'Người nộp xin dừng' });
    assert.equal(stopped.status, 'stopped');
  });

  it('shows the unit queue on the tasks page and refuses another unit’s take over HTTP', async () => {
    clock.now = null;
    const d = await accepted();
    const code = d.code ?? '';
    const signedIn = async (unit: AgencySummary) => {
      const client = await h.official(agency.id, ['specialist']);
      const who = await client.get('/api/v1/identity/whoami');
      const id = JSON.parse(who.html) as { accountId: string };
      await h.identity.service.setMembership(system, id.accountId, {
        agencyId: agency.id,
        roles: ['specialist'],
        unitId: unit.id,
      });
      return client;
    };
    const inP = await signedIn(unitP);
    const inQ = await signedIn(unitQ);
    const listP = await inP.get('/one-stop/tasks?list=unit');
    assert.ok(listP.html.includes(code));
    assert.match(listP.html, /Chờ nhận — Phòng Tư pháp/);
    assert.ok(!(await inQ.get('/one-stop/tasks?list=unit')).html.includes(code));
    const r = await inQ.request('POST', `/api/v1/backoffice/dossiers/${d.id}/take`, {
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ version: d.rowVersion }),
    });
    assert.equal(r.status, 403);
    const body = (await r.json()) as { code: string; message: string };
    assert.equal(body.code, 'DOSSIER_STEP_OF_OTHER_UNIT');
    assert.match(body.message, /đơn vị khác/);
  });

  it('refuses a workflow naming a unit of another agency', async () => {
    await assert.rejects(
      h.dossiers.service.saveWorkflow(head, procedure.code, {
        steps: [
          {
            key: 'tham_dinh',
            name: { vi: 'Thẩm định', en: 'Examination' },
            role: 'specialist',
            unit: foreignUnit.id,
            allotted: { workingDays: 1 },
          },
          {
            key: 'tra_ket_qua',
            name: { vi: 'Trả kết quả', en: 'Return' },
            role: 'one_stop_officer',
            allotted: { workingHours: 4 },
          },
        ],
      }),
      (e: { code?: string; details?: { issues?: { path: string; code: string }[] } }) =>
        e.code === 'DOSSIER_WORKFLOW_INVALID' &&
        e.details?.issues?.[0]?.path === '0.unit' &&
        e.details.issues[0].code === 'unit_invalid',
    );
  });
});
