/**
 * Inter-agency procedures on one instance (issue 5, item 3): a dossier filed once at a commune,
 * whose parts are handled by two agencies here; each part is a dossier in its agency's queue,
 * processed normally; the whole completes when both are done, on time only if both are.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import type { Role } from '../../src/platform/context.ts';
import { createOfficial, registerCitizen, signIn } from '../support/auth.ts';
import {
  agency,
  citizen,
  fileOnce,
  official,
  pdf,
  defineGroup,
  startInstance,
  system,
  until,
  type Instance,
} from './interagency-support.ts';

const codes = { group: '9.700001', birth: '9.700002', insurance: '9.700003' };

describe('inter-agency dossier across two agencies of one instance', () => {
  let i: Instance;
  let commune: { id: string; code: string };
  let insurance: { id: string; code: string };
  let stranger: { id: string; code: string };
  const calendar = createWorkCalendar();

  before(async () => {
    i = await startInstance('mot.lienthong.test');
    commune = await agency(i, { name: 'Ủy ban nhân dân xã Liên Thông' });
    insurance = await agency(i, { kind: 'unit', name: 'Bảo hiểm xã hội cơ sở Liên Thông' });
    stranger = await agency(i, { name: 'Ủy ban nhân dân xã Khác' });
    await defineGroup(i, {
      code: 'LT-THU-1',
      codes,
      commune,
      office: insurance,
      part1: { kind: 'commune', near: 'filing' },
      part2: { code: insurance.code },
      part2After: [1],
    });
  });

  after(async () => {
    await i?.close();
  });

  /** Receives and returns the result of the part's dossier at its agency's desk. */
  async function processAt(agencyId: string, childId: string, text: string) {
    const officer = official(agencyId);
    const queue = await i.platform.dossiers.service.listForAgency(officer);
    assert.ok(
      queue.some((d) => d.id === childId),
      "the part's dossier is in its agency's queue",
    );
    await i.platform.dossiers.service.receive(officer, childId);
    await i.platform.dossiers.service.returnResult(officer, childId, pdf(text));
  }

  it('refuses a definition naming an unknown procedure or agency, and a non-administrator', async () => {
    const base = {
      code: 'LT-SAI',
      name: 'Sai',
      procedureCode: codes.group,
      workingDays: 1,
      parts: [
        {
          order: 1,
          procedureCode: '9.799999',
          procedureName: 'Không có',
          agency: { code: '000.00.00.Z99' },
          agencyDescription: 'x',
          workingDays: 1,
          after: [],
          result: 'x',
        },
        {
          order: 2,
          procedureCode: codes.birth,
          procedureName: 'x',
          agency: { kind: 'commune', near: 'filing' },
          agencyDescription: 'x',
          workingDays: 1,
          after: [2],
          result: 'x',
        },
      ],
    };
    await assert.rejects(
      i.interagency.service.saveProcedure(system, base),
      (e: { code: string; details: { issues: { code: string }[] } }) => {
        assert.equal(e.code, 'INTERAGENCY_INVALID');
        assert.ok(e.details.issues.some((x) => x.code === 'INTERAGENCY_BAD_AFTER'));
        return true;
      },
    );
    const fixed = { ...base, parts: [base.parts[0], { ...base.parts[1], after: [] }] };
    await assert.rejects(
      i.interagency.service.saveProcedure(system, fixed),
      (e: { code: string; details: { issues: { code: string }[] } }) => {
        assert.deepEqual(e.details.issues.map((x) => x.code).sort(), [
          'INTERAGENCY_UNKNOWN_AGENCY',
          'INTERAGENCY_UNKNOWN_PROCEDURE',
        ]);
        return true;
      },
    );
    await assert.rejects(i.interagency.service.saveProcedure(official(commune.id, ['admin']), fixed), {
      code: 'INTERAGENCY_FORBIDDEN',
    });
  });

  it('filed once; each part in its agency’s queue, in order; completes on time across both', async () => {
    const applicant = citizen();
    const id = await fileOnce(i, applicant, codes.group, commune.id);
    // Nothing is handed on before the desk accepts the dossier.
    assert.equal(await i.interagency.service.hasParts(applicant, id), false);
    const receivedAt = new Date();
    await i.platform.dossiers.service.receive(official(commune.id), id);

    let view = await i.interagency.service.partsOf(applicant, id);
    assert.deepEqual(
      view.parts.map((p) => [p.order, p.agencyName, p.route, p.state]),
      [
        [1, 'Ủy ban nhân dân xã Liên Thông', 'local', 'sent'],
        [2, 'Bảo hiểm xã hội cơ sở Liên Thông', 'local', 'waiting'],
      ],
    );
    // Due dates on the calendar: part 1 one working day from receipt; part 2 two more after it.
    const due1 = calendar.dueAfterWorkingDays(receivedAt, 1);
    assert.equal(view.parts[0]?.dueAt.slice(0, 10), due1.toISOString().slice(0, 10));
    assert.equal(
      view.parts[1]?.dueAt.slice(0, 10),
      calendar.dueAfterWorkingDays(due1, 2).toISOString().slice(0, 10),
    );
    const child1 = view.parts[0]?.childDossierId ?? '';
    // The part's dossier carries the citizen's form and papers, linked to the main dossier.
    const officer1 = official(commune.id);
    const child1View = await i.platform.dossiers.service.officerView(officer1, child1);
    assert.equal(child1View.procedureCode, codes.birth);
    assert.deepEqual(child1View.values, { childName: 'Nguyễn Thị Bình' });
    assert.equal((await i.platform.dossiers.service.papers(officer1, child1)).length, 1);

    await processAt(commune.id, child1, 'giay khai sinh');
    view = await i.interagency.service.partsOf(applicant, id);
    assert.equal(view.parts[0]?.state, 'done');
    assert.equal(view.parts[1]?.state, 'sent', 'part 2 starts when part 1 is done');
    const child2 = view.parts[1]?.childDossierId ?? '';
    await processAt(insurance.id, child2, 'the bhyt');

    const done = await until('the main dossier completes', async () => {
      const d = await i.platform.dossiers.service.get(applicant, id);
      return d.status === 'delivered' ? d : null;
    });
    view = await i.interagency.service.partsOf(applicant, id);
    assert.deepEqual(
      view.parts.map((p) => p.state),
      ['done', 'done'],
    );
    assert.ok(view.parts.every((p) => p.timeliness === 'early' || p.timeliness === 'on_time'));
    assert.notEqual(view.timeliness, 'late');
    assert.ok(view.timeliness);
    assert.deepEqual(view.lateParts, []);
    // The whole finished when its last part did; due at the later of its own limit and the parts'.
    assert.equal(done.finishedAt, view.parts[1]?.finishedAt);
    assert.ok(view.dueAt && view.dueAt >= (view.parts[1]?.dueAt ?? ''));
    assert.ok(done.hasResult);
    // The step the main dossier's workflow opened at acceptance ended with it: no task is left.
    const steps = await i.platform.dossiers.service.steps(official(commune.id), id);
    assert.ok(steps.length > 0, 'acceptance opened a step');
    assert.deepEqual(
      steps.filter((s) => s.finishedAt === null),
      [],
      'no step of the completed dossier is still open',
    );
    // Each part's result is on the one dossier.
    const result = await i.interagency.service.partResult(applicant, id, 2);
    const chunks: Buffer[] = [];
    for await (const c of result.stream) chunks.push(c as Buffer);
    assert.match(Buffer.concat(chunks).toString('latin1'), /the bhyt/);
    // Each part's own timeline shows where it went.
    assert.deepEqual(
      view.parts[1]?.timeline.map((e) => e.state),
      ['waiting', 'sent', 'received', 'done'],
    );
  });

  it('a late part makes the whole late', async () => {
    const applicant = citizen();
    const id = await fileOnce(i, applicant, codes.group, commune.id);
    await i.platform.dossiers.service.receive(official(commune.id), id);
    let view = await i.interagency.service.partsOf(applicant, id);
    await processAt(commune.id, view.parts[0]?.childDossierId ?? '', 'ks');
    // The insurance agency took too long: its due date passed before it finished.
    await sql`UPDATE dossiers_interagency_parts SET due_at = now() - interval '3 days'
      WHERE dossier_id = ${id} AND ord = 2`.execute(i.db.database.db);
    view = await i.interagency.service.partsOf(applicant, id);
    assert.equal(view.parts[1]?.overdue, true);
    assert.equal(view.timeliness, 'late', 'overdue before it finishes');
    await processAt(insurance.id, view.parts[1]?.childDossierId ?? '', 'bhyt');
    await until(
      'completes',
      async () => (await i.platform.dossiers.service.get(applicant, id)).status === 'delivered',
    );
    view = await i.interagency.service.partsOf(applicant, id);
    assert.notEqual(view.parts[0]?.timeliness, 'late');
    assert.equal(view.parts[1]?.timeliness, 'late');
    assert.equal(view.timeliness, 'late');
    assert.deepEqual(view.lateParts, [2]);
  });

  it('an agency sees only its part; other agencies and citizens get 404', async () => {
    const applicant = citizen();
    const id = await fileOnce(i, applicant, codes.group, commune.id);
    await i.platform.dossiers.service.receive(official(commune.id), id);
    let view = await i.interagency.service.partsOf(applicant, id);
    await processAt(commune.id, view.parts[0]?.childDossierId ?? '', 'ks');
    // The insurance agency: its own part only, not the whole, and not the main dossier itself.
    const own = await i.interagency.service.partsOf(official(insurance.id, ['specialist']), id);
    assert.equal(own.scope, 'own');
    assert.deepEqual(
      own.parts.map((p) => p.order),
      [2],
    );
    assert.equal(own.dueAt, null);
    await assert.rejects(i.platform.dossiers.service.officerView(official(insurance.id), id), {
      code: 'DOSSIER_NOT_FOUND',
    });
    // The filing agency sees every part.
    view = await i.interagency.service.partsOf(official(commune.id), id);
    assert.equal(view.scope, 'all');
    assert.equal(view.parts.length, 2);
    for (const ctx of [
      official(stranger.id),
      official(stranger.id, ['specialist', 'unit_leader']),
      official(insurance.id, ['reporting_officer']),
      citizen(),
    ]) {
      await assert.rejects(i.interagency.service.partsOf(ctx, id), { code: 'DOSSIER_NOT_FOUND' });
      await assert.rejects(i.interagency.service.partResult(ctx, id, 1), { code: 'DOSSIER_NOT_FOUND' });
    }
    // Another agency cannot see the part's dossier either.
    await assert.rejects(
      i.platform.dossiers.service.officerView(official(stranger.id), view.parts[0]?.childDossierId ?? ''),
      { code: 'DOSSIER_NOT_FOUND' },
    );
  });
});

describe('inter-agency parts in pages and the API', () => {
  let i: Instance;
  let commune: { id: string; code: string };
  let insurance: { id: string; code: string };
  let stranger: { id: string; code: string };

  before(async () => {
    i = await startInstance('trang.lienthong.test');
    // The commune and the insurance office under one district: the office is the unit nearest the commune.
    const district = await agency(i, { kind: 'department', name: 'Ủy ban nhân dân huyện Trang' });
    commune = await agency(i, { name: 'Ủy ban nhân dân xã Trang', parentId: district.id });
    insurance = await agency(i, { kind: 'unit', name: 'Bảo hiểm xã hội cơ sở Trang', parentId: district.id });
    stranger = await agency(i, { name: 'Ủy ban nhân dân xã Lạ' });
    await defineGroup(i, {
      code: 'LT-THU-3',
      codes,
      commune,
      office: insurance,
      part1: { code: commune.code },
      part2: { kind: 'unit', near: 'filing' },
      part2After: [],
    });
  });

  after(async () => {
    await i?.close();
  });

  /** A signed-in browser of an official, presenting its session to the pages' server. */
  async function officialBrowser(agencyId: string, roles: Role[]) {
    const client = await signIn(i, await createOfficial(i, { agencyId, roles }));
    return { cookie: client.cookieHeader() };
  }

  async function get(who: { cookie: string }, path: string, accept = 'text/html') {
    const r = await fetch(`${i.pagesUrl}${path}`, {
      headers: { cookie: who.cookie, accept },
      redirect: 'manual',
    });
    return { status: r.status, body: await r.text(), type: r.headers.get('content-type') ?? '' };
  }

  it('the citizen and the filing agency see every part; the part agency its own; others 404', async () => {
    // No background work is needed here; the notices' worker would erase the sign-up codes read below.
    await i.worker?.stop();
    i.worker = null;
    const registered = await registerCitizen(i);
    const applicant = citizen(registered.accountId);
    const id = await fileOnce(i, applicant, codes.group, commune.id);
    await i.platform.dossiers.service.receive(official(commune.id), id);
    const mine = { cookie: registered.client.cookieHeader() };

    const page = await get(mine, `/dossiers/${id}/lien-thong`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Các phần liên thông/);
    assert.match(page.body, /Ủy ban nhân dân xã Trang/);
    assert.match(page.body, /Hạn giải quyết cả hồ sơ/);
    const en = await get(mine, `/dossiers/${id}/lien-thong?lang=en`);
    assert.match(en.body, /Inter-agency parts/);
    // The dossier's own page embeds the section (the composition root adds it to the pages).
    const dossierPage = await get(mine, `/dossiers/${id}`);
    assert.equal(dossierPage.status, 200);
    assert.match(dossierPage.body, /Các phần liên thông/);
    assert.match(dossierPage.body, /Ủy ban nhân dân xã Trang/);

    const desk = await officialBrowser(commune.id, ['one_stop_officer']);
    const deskPage = await get(desk, `/one-stop/dossiers/${id}/lien-thong`);
    assert.equal(deskPage.status, 200);
    assert.match((await get(desk, `/one-stop/dossiers/${id}`)).body, /Các phần liên thông/);
    const api = await get(desk, `/api/v1/dossiers/${id}/interagency`, 'application/json');
    assert.equal(api.status, 200);
    const body = JSON.parse(api.body) as { scope: string; parts: { order: number; state: string }[] };
    assert.equal(body.scope, 'all');
    assert.equal(body.parts.length, 2);

    // The section the dossier pages embed: for those who see parts, nothing for anyone else.
    const section = await i.interagency.section(applicant, id, `/dossiers/${id}`);
    assert.match(section?.toString() ?? '', /Các phần liên thông/);
    assert.equal(await i.interagency.section(citizen(), id, `/dossiers/${id}`), null);
    const other = await registerCitizen(i);
    for (const who of [
      { cookie: other.client.cookieHeader() },
      await officialBrowser(stranger.id, ['one_stop_officer']),
      { cookie: '' },
    ]) {
      const r = await get(who, `/api/v1/dossiers/${id}/interagency`, 'application/json');
      assert.equal(r.status, 404);
      assert.equal((JSON.parse(r.body) as { code: string }).code, 'DOSSIER_NOT_FOUND');
      assert.equal((await get(who, `/dossiers/${id}/lien-thong`)).status, 404);
      assert.equal((await get(who, `/dossiers/${id}/lien-thong/1/result.pdf`)).status, 404);
    }
    // The insurance office (found as the unit nearest the filing commune) sees its own part only.
    const office = await officialBrowser(insurance.id, ['specialist']);
    const own = JSON.parse(
      (await get(office, `/api/v1/dossiers/${id}/interagency`, 'application/json')).body,
    ) as {
      scope: string;
      parts: { order: number; agencyName: string }[];
    };
    assert.equal(own.scope, 'own');
    assert.deepEqual(
      own.parts.map((p) => [p.order, p.agencyName]),
      [[2, 'Bảo hiểm xã hội cơ sở Trang']],
    );
    const ownPage = await get(office, `/one-stop/dossiers/${id}/lien-thong`);
    assert.match(ownPage.body, /Cơ quan của bạn chỉ thấy phần do mình giải quyết/);
    assert.doesNotMatch(ownPage.body, /Đăng ký khai sinh \(thử\)/);
    assert.doesNotMatch(ownPage.body, /Hạn giải quyết cả hồ sơ/);
    const stray = await get(
      await officialBrowser(stranger.id, ['one_stop_officer']),
      `/one-stop/dossiers/${id}/lien-thong`,
    );
    assert.equal(stray.status, 404);
  });
});

describe('the seeded example', () => {
  let i: Instance;
  before(async () => {
    i = await startInstance('seed.lienthong.test');
  });
  after(async () => {
    await i?.close();
  });

  it('reuses the seeded birth, residence and health-insurance procedures and files the group once; seeding again changes nothing', async () => {
    await i.platform.services.seed(system);
    assert.deepEqual(await i.interagency.seed(system), { procedures: 1, interagency: 1 });
    assert.deepEqual(await i.interagency.seed(system), { procedures: 0, interagency: 0 });
    const [group] = await i.interagency.service.procedures();
    assert.equal(group?.code, 'LT-KS-TT-BHYT');
    assert.deepEqual(
      group?.parts.map((p) => [p.procedureCode, p.workingDays, p.after]),
      [
        ['1.001193', 1, []],
        ['1.004194', 2, [1]],
        ['1.000291', 2, [1]],
      ],
    );
    const filed = await i.platform.services.service.getPublished(group?.procedureCode ?? '');
    assert.equal(filed?.version.content.timeLimit.workingDays, 3);
    for (const p of group?.parts ?? []) assert.ok(await i.platform.services.service.exists(p.procedureCode));
  });
});

describe('two agencies finishing at the same moment', () => {
  let i: Instance;
  let commune: { id: string; code: string };
  let insurance: { id: string; code: string };

  before(async () => {
    i = await startInstance('song-song.lienthong.test');
    commune = await agency(i, { name: 'Ủy ban nhân dân xã Song Song' });
    insurance = await agency(i, { kind: 'unit', name: 'Bảo hiểm xã hội cơ sở Song Song' });
    await defineGroup(i, {
      code: 'LT-THU-4',
      codes,
      commune,
      office: insurance,
      part1: { code: commune.code },
      part2: { code: insurance.code },
      part2After: [],
    });
  });

  after(async () => {
    await i?.close();
  });

  it('parts run in parallel; both results at once neither deadlock nor complete twice', async () => {
    const applicant = citizen();
    const id = await fileOnce(i, applicant, codes.group, commune.id);
    await i.platform.dossiers.service.receive(official(commune.id), id);
    const view = await i.interagency.service.partsOf(applicant, id);
    assert.deepEqual(
      view.parts.map((p) => p.state),
      ['sent', 'sent'],
    );
    const pairs = view.parts.map(
      (p, n) => [n === 0 ? commune.id : insurance.id, p.childDossierId ?? ''] as const,
    );
    for (const [agencyId, child] of pairs)
      await i.platform.dossiers.service.receive(official(agencyId), child);
    await Promise.all(
      pairs.map(([agencyId, child]) =>
        i.platform.dossiers.service.returnResult(official(agencyId), child, pdf(`kq ${child}`)),
      ),
    );
    await until(
      'completes',
      async () => (await i.platform.dossiers.service.get(applicant, id)).status === 'delivered',
    );
    const timeline = await i.platform.dossiers.service.timeline(applicant, id);
    assert.equal(timeline.filter((e) => e.status === 'delivered').length, 1);
  });
});
