// Issuing results without holding the agency's register: the number is taken in a statement of
// its own, the PDF rendered and signed outside any transaction, and a short transaction writes the
// result after re-checking the dossier. Every number taken stays in the register, issued or void.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { resultRegisterRepo } from '../../src/modules/dossiers/result-register.ts';
import type { PageClient } from '../support/client.ts';
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
let db: Db;
let agency: AgencySummary & { code: string };
let uncertified: AgencySummary & { code: string };
let procedure: ProcedureContent;
let officerPage: PageClient;
let strangerPage: PageClient;
const staff = new Map<string, { desk: RequestContext; specialist: RequestContext; leader: RequestContext }>();

/** A dossier of `agencyId` at the signing step, taken by the leader; returns its id and version. */
async function atSigning(agencyId: string, applicantName = 'Nguyễn Thị Ánh Tuyết') {
  const s = h.dossiers.service;
  const who = staff.get(agencyId);
  if (!who) throw new Error('no staff');
  const ctx = citizenCtx();
  const draft = await s.createDraft(ctx, { procedureCode: procedure.code, agencyId, applicantName });
  await s.saveValues(ctx, draft.id, { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' });
  await s.addPaper(ctx, draft.id, { paperKey: 'giayChungSinh', fileName: 'cs.pdf', bytes: minimalPdf });
  const { dossier } = await s.submit(ctx, draft.id);
  let d = await s.accept(who.desk, draft.id, { version: dossier.rowVersion });
  d = await s.take(who.specialist, draft.id, { version: d.rowVersion });
  d = await s.forward(who.specialist, draft.id, { version: d.rowVersion });
  d = await s.take(who.leader, draft.id, { version: d.rowVersion });
  d = await s.forward(who.leader, draft.id, { version: d.rowVersion });
  d = await s.take(who.leader, draft.id, { version: d.rowVersion });
  return { id: draft.id, version: d.rowVersion };
}

/** Holds the dossier's row lock in a transaction of the test until `release()` (with `change` run first). */
function holdDossier(id: string) {
  let release!: (change?: boolean) => void;
  let held!: () => void;
  const isHeld = new Promise<void>((r) => (held = r));
  const done = db.transaction().execute(async (trx) => {
    await sql`SELECT id FROM dossiers_dossiers WHERE id = ${id} FOR UPDATE`.execute(trx);
    held();
    const change = await new Promise<boolean | undefined>((r) => (release = r));
    // Another officer's change, committed while the issuance waited (the version moves on).
    if (change)
      await sql`UPDATE dossiers_dossiers SET row_version = row_version + 1 WHERE id = ${id}`.execute(trx);
  });
  return { isHeld, release: (change?: boolean) => release(change), done };
}

/** Waits until a session of this database waits for a row lock (the issuance reached its last transaction). */
async function someoneWaitsForALock() {
  for (let i = 0; i < 400; i++) {
    // A wait on the held dossier's row, not any lock wait (the audit sealer or the statistics'
    // folder may wait a moment on their own locks in the background).
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'
        AND query LIKE '%dossiers_dossiers%'`.execute(db);
    if ((r.rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nobody waits for the lock');
}

const entries = async (agencyId: string, year = 2026) =>
  (await resultRegisterRepo.list(db, agencyId, year, { after: 0, limit: 100 })).map((e) => [
    e.number,
    e.dossier_id,
    e.state,
    e.reason,
  ]);

describe('issuing results: the register is not held while a result is rendered and signed', () => {
  before(async () => {
    h = await startDossiersHarness({ options: { now: () => clock.now ?? new Date() } });
    db = h.db.database.db;
    agency = await h.makeAgency('commune');
    uncertified = await h.makeAgency('commune');
    await h.certify(agency);
    procedure = await h.makeProcedure();
    for (const a of [agency, uncertified])
      staff.set(a.id, {
        desk: await h.officialCtx(a.id, ['one_stop_officer'], 'Lê Thị Một Cửa'),
        specialist: await h.officialCtx(a.id, ['specialist'], 'Phạm Văn Thẩm Định'),
        leader: await h.officialCtx(a.id, ['unit_leader'], 'Hoàng Văn Lãnh Đạo'),
      });
    officerPage = await h.official(agency.id, ['unit_leader']);
    strangerPage = await h.official(uncertified.id, ['unit_leader']);
  });
  after(async () => {
    clock.now = null;
    await h.close();
  });

  it('two officers issue results of two dossiers at once: both succeed, consecutive numbers, no waiting on each other', async () => {
    clock.now = vn('2026-11-30T09:00:00');
    const s = h.dossiers.service;
    const a = await atSigning(agency.id, 'Trần Thị A');
    const b = await atSigning(agency.id, 'Lê Văn B');
    const leaderA = await h.officialCtx(agency.id, ['unit_leader'], 'Ngô Văn Ký A');
    const leaderB = await h.officialCtx(agency.id, ['unit_leader'], 'Đinh Thị Ký B');

    // A's issuance is held at its last step (the dossier's row is busy) with its number taken…
    const hold = holdDossier(a.id);
    await hold.isHeld;
    const issuingA = s.issueResult(leaderA, a.id, { version: a.version });
    await someoneWaitsForALock();
    // …and meanwhile the register is free: B is issued at once, and the register row can be locked.
    const issuedB = await s.issueResult(leaderB, b.id, { version: b.version });
    await db.transaction().execute(async (trx) => {
      const r = await sql`SELECT last FROM dossiers_registers WHERE agency_id = ${agency.id}
        AND year = 2026 FOR UPDATE NOWAIT`.execute(trx);
      assert.equal(r.rows.length, 1, 'the register row is not locked by the issuance under way');
    });
    hold.release();
    await hold.done;
    const issuedA = await issuingA;

    assert.equal(issuedA.resultReference, `1/2026/KQ-${agency.code}`);
    assert.equal(issuedB.resultReference, `2/2026/KQ-${agency.code}`);
    assert.equal(issuedA.resultSigned && issuedB.resultSigned, true);
    for (const d of [a, b]) {
      const v = await s.verifyResult(staff.get(agency.id)?.leader ?? leaderA, d.id);
      assert.deepEqual([v.signature.result, v.pdfMatches], ['valid', true]);
    }
    assert.deepEqual(await entries(agency.id), [
      [1, a.id, 'issued', null],
      [2, b.id, 'issued', null],
    ]);

    // Many at once, as before: distinct and consecutive.
    const ready = await Promise.all([1, 2, 3, 4].map((i) => atSigning(agency.id, `Người ${i}`)));
    const issued = await Promise.all(ready.map((r) => s.issueResult(leaderA, r.id, { version: r.version })));
    assert.deepEqual(issued.map((d) => Number(d.resultReference?.split('/')[0])).sort(), [3, 4, 5, 6]);
  });

  it('a dossier changed after its number was taken: 409 DOSSIER_CONFLICT, the number is void with the reason, never reused', async () => {
    clock.now = vn('2026-12-01T09:00:00');
    const s = h.dossiers.service;
    const c = await atSigning(agency.id, 'Phạm Thị Xung Đột');
    const leader = staff.get(agency.id)?.leader;
    assert.ok(leader);
    const hold = holdDossier(c.id);
    await hold.isHeld;
    const issuing = s.issueResult(leader, c.id, { version: c.version });
    await someoneWaitsForALock();
    hold.release(true);
    await hold.done;
    await assert.rejects(issuing, rejectsWith('DOSSIER_CONFLICT', 409));

    const after = await s.officerDossier(leader, c.id);
    assert.equal(after.hasResult, false);
    assert.equal(after.resultReference, null);
    assert.deepEqual((await entries(agency.id)).at(-1), [7, c.id, 'void', 'DOSSIER_CONFLICT']);
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events
      WHERE action = 'dossiers.result_number_voided' AND ${c.id} = ANY(subject_ids)`.execute(db);
    assert.equal(audit.rows[0]?.n, 1);

    // Issued again with the version now in force: the next number, 7 stays void.
    const again = await s.issueResult(leader, c.id, { version: after.rowVersion });
    assert.equal(again.resultReference, `8/2026/KQ-${agency.code}`);
    assert.deepEqual((await entries(agency.id)).slice(-2), [
      [7, c.id, 'void', 'DOSSIER_CONFLICT'],
      [8, c.id, 'issued', null],
    ]);

    // A stale version known before numbering takes no number at all.
    const d = await atSigning(agency.id, 'Vũ Văn Cũ');
    await assert.rejects(
      s.issueResult(leader, d.id, { version: d.version - 1 }),
      rejectsWith('DOSSIER_CONFLICT', 409),
    );
    assert.equal((await entries(agency.id)).length, 8);
  });

  it('an agency without a certificate is refused before numbering: nothing reserved, the page says why; a dead reservation is voided as ABANDONED, audited', async () => {
    clock.now = vn('2026-12-02T09:00:00');
    const s = h.dossiers.service;
    const leader = staff.get(uncertified.id)?.leader;
    assert.ok(leader);
    const d = await atSigning(uncertified.id, 'Đỗ Thị Chưa Ký');
    for (let attempt = 0; attempt < 2; attempt++)
      await assert.rejects(
        s.issueResult(leader, d.id, { version: d.version }),
        rejectsWith('DOSSIER_NO_SIGNING_CERTIFICATE', 409),
      );
    const page = await strangerPage.post(`/one-stop/dossiers/${d.id}/issue-result`, {
      version: String(d.version),
      body: '',
    });
    assert.equal(page.status, 409);
    assert.ok(page.html.includes('Cơ quan chưa có chứng thư số còn hiệu lực để ký kết quả'));
    assert.ok(page.html.includes('Chưa lấy số nào trong sổ kết quả'));
    assert.deepEqual(await entries(uncertified.id), [], 'three refusals, no number taken or voided');
    assert.equal((await s.officerDossier(leader, d.id)).hasResult, false);
    // Certified, the agency's first result gets number 1: the refusals used nothing up.
    await h.certify(uncertified);
    const issuedHere = await s.issueResult(leader, d.id, { version: d.version });
    assert.equal(issuedHere.resultReference, `1/2026/KQ-${uncertified.code}`);

    // A process that died between numbering and writing leaves a reservation: the next numbering
    // after 15 minutes voids it, so the register shows it with a reason.
    const e = await atSigning(agency.id, 'Hồ Văn Sau');
    await resultRegisterRepo.take(db, {
      agencyId: agency.id,
      year: 2026,
      dossierId: e.id,
      takenBy: null,
      at: vn('2026-12-02T08:00:00'),
    });
    const issued = await s.issueResult(staff.get(agency.id)?.leader ?? leader, e.id, { version: e.version });
    assert.equal(issued.resultReference, `10/2026/KQ-${agency.code}`);
    assert.deepEqual((await entries(agency.id)).slice(-2), [
      [9, e.id, 'void', 'ABANDONED'],
      [10, e.id, 'issued', null],
    ]);
    const voided = await sql<{ details: { number?: number; reason?: string } }>`SELECT details
      FROM audit_events WHERE action = 'dossiers.result_number_voided' AND ${e.id} = ANY(subject_ids)`.execute(
      db,
    );
    assert.deepEqual(
      voided.rows.map((r) => [r.details.number, r.details.reason]),
      [[9, 'ABANDONED']],
      'the abandoned number is an audit event of its own',
    );
  });

  it('shows the register over the API to the agency’s officials only', async () => {
    const r = await officerPage.request('GET', '/api/v1/backoffice/result-register?year=2026&limit=8', {
      headers: { accept: 'application/json' },
    });
    assert.equal(r.status, 200);
    const page = (await r.json()) as {
      items: { number: number; state: string; reason: string | null; code: string | null }[];
      next: number | null;
    };
    assert.deepEqual(page.items.map((i) => [i.number, i.state, i.reason]).slice(-2), [
      [7, 'void', 'DOSSIER_CONFLICT'],
      [8, 'issued', null],
    ]);
    assert.equal(page.next, 8);
    assert.ok(page.items.every((i) => i.code));
    const rest = await officerPage.request('GET', '/api/v1/backoffice/result-register?year=2026&after=8', {
      headers: { accept: 'application/json' },
    });
    assert.deepEqual(
      ((await rest.json()) as { items: { number: number }[] }).items.map((i) => i.number),
      [9, 10],
    );
    // The register book as a page: every number with its state, the void ones with their reason.
    const book = await officerPage.get('/one-stop/result-register?year=2026');
    assert.equal(book.status, 200);
    assert.match(book.html, /Sổ cấp số kết quả năm 2026/);
    assert.match(
      book.html,
      /7\/2026<\/td>[\s\S]*?Hủy số \(không dùng lại\)<\/td>\s*<td>Hồ sơ được cập nhật trong khi ký/,
    );
    assert.match(book.html, /9\/2026<\/td>[\s\S]*?Phiên cấp số bị gián đoạn/);
    assert.equal((book.html.match(/Đã cấp<\/td>/g) ?? []).length, 8, 'ten numbers: eight issued, two void');
    // Another agency's official sees their own register (one number, issued once certified), not this one.
    const other = await strangerPage.request('GET', '/api/v1/backoffice/result-register?year=2026', {
      headers: { accept: 'application/json' },
    });
    const theirs = (await other.json()) as { items: { number: number; state: string }[] };
    assert.deepEqual(
      theirs.items.map((i) => [i.number, i.state]),
      [[1, 'issued']],
    );
  });
});
