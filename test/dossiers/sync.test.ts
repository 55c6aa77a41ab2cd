/**
 * Synchronisation with the national portal through the real dossiers module and the fake portal
 * on loopback: every status reaches the portal once, in order, with the national codes and dates;
 * failures, an outage, a refusal and session expiry are ridden out without a duplicate; dossiers
 * filed on the portal are pulled in once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import {
  createDossiersSync,
  parsePortalTime,
  portalTime,
  type DossiersSync,
} from '../../src/modules/dossiers/sync/index.ts';
import { nationalCode } from '../../src/modules/dossiers/index.ts';
import { notifyStepHandedOff } from '../../src/modules/dossiers/observers.ts';
import { dossiersRepo } from '../../src/modules/dossiers/repo.ts';
import { startWorker } from '../../src/platform/jobs/index.ts';
import { sql } from 'kysely';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startFakeNationalPortal, type FakeNationalPortal } from '../support/fakes/national-portal.ts';
import { citizenCtx, minimalPdf, officerCtx, startDossiersHarness, type DossiersHarness } from './harness.ts';
import { until } from '../support/until.ts';

const clock = { offsetMs: 0 };
const now = () => new Date(Date.now() + clock.offsetMs);

let h: DossiersHarness;
let portal: FakeNationalPortal;
let sync: DossiersSync;
let agency: AgencySummary & { code: string };
let procedure: ProcedureContent;

async function submitted() {
  const ctx = citizenCtx();
  const d = await h.dossiers.service.createDraft(ctx, {
    procedureCode: procedure.code,
    agencyId: agency.id,
    applicantName: 'Nguyễn Thị Ánh Tuyết',
  });
  await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' });
  await h.dossiers.service.addPaper(ctx, d.id, {
    paperKey: 'giayChungSinh',
    fileName: 'chung-sinh.pdf',
    bytes: minimalPdf,
  });
  const { dossier } = await h.dossiers.service.submit(ctx, d.id);
  return { ctx, id: d.id, code: dossier.code ?? '' };
}

/** Receive, ask for a paper, the citizen supplements, the result is returned. */
async function processToTheEnd(d: { ctx: ReturnType<typeof citizenCtx>; id: string }) {
  const officer = officerCtx(agency.id);
  await h.dossiers.service.receive(officer, d.id);
  await h.dossiers.service.requestSupplement(officer, d.id, 'Bản sao giấy chứng sinh bị mờ.');
  await h.dossiers.service.addPaper(d.ctx, d.id, {
    paperKey: 'giayChungSinh',
    fileName: 'ro.pdf',
    bytes: minimalPdf,
  });
  await h.dossiers.service.completeSupplement(d.ctx, d.id, 'Đã tải lại');
  await h.dossiers.service.returnResult(officer, d.id, minimalPdf);
}

/** The TrangThaiHoSo of every status on the dossier's timeline, in order. */
async function timelineCodes(d: { ctx: ReturnType<typeof citizenCtx>; id: string }) {
  const timeline = await h.dossiers.service.timeline(d.ctx, d.id);
  return timeline.filter((e) => e.kind === 'status').map((e) => String(e.nationalStatus));
}

async function outbox(dossierId: string) {
  const r = await h.db.database.db
    .withTables<{
      dossiers_sync_outbox: {
        dossier_id: string;
        state: string;
        attempts: number;
        last_error: string | null;
        id: string;
      };
    }>()
    .selectFrom('dossiers_sync_outbox')
    .select(['state', 'attempts', 'last_error', 'id'])
    .where('dossier_id', '=', dossierId)
    .orderBy('id')
    .execute();
  return r;
}

/** Runs the sender as the job would, moving the clock past each wait, until nothing is due. */
async function pushUntilQuiet(rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    await sync.pushDue();
    clock.offsetMs += 2 * 3_600_000;
  }
}

describe('dossiers sync with the national portal (fake DVCQG on loopback)', () => {
  before(async () => {
    h = await startDossiersHarness();
    portal = await startFakeNationalPortal({ sessionTtlMs: 60 * 60_000, now });
    agency = await h.makeAgency('commune');
    procedure = await h.makeProcedure();
    sync = createDossiersSync({
      db: h.db.database.db,
      logger: createLogger('silent'),
      settings: {
        url: portal.url,
        username: portal.username,
        password: portal.password,
        agency: portal.agency,
      },
      observers: () => h.dossiers.observers,
      directory: createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') }).service,
      services: h.services.service,
      calendar: createWorkCalendar(),
      options: { now, backoff: { baseMs: 1_000, maxMs: 60_000 } },
    });
    h.dossiers.observe(sync.observer);
  });
  after(async () => {
    await portal.close();
    await h.close();
  });

  it('writes dates as yyyyMMddHHmmss in Vietnam time', () => {
    assert.equal(portalTime(new Date('2026-11-20T18:30:05Z')), '20261121013005');
    assert.equal(parsePortalTime('20261121013005')?.toISOString(), '2026-11-20T18:30:05.000Z');
    assert.equal(parsePortalTime('20260230120000'), null);
    assert.equal(parsePortalTime('2026-11-21'), null);
  });

  it('sends every status of a dossier once, in order, with the national codes and dates', async () => {
    const d = await submitted();
    await processToTheEnd(d);
    const expected = await timelineCodes(d);
    assert.deepEqual(expected.slice(0, 3), ['1', '2', '5']);
    assert.deepEqual(expected.slice(-2), ['9', '10']);
    assert.equal(await sync.pushDue(), (await outbox(d.id)).length);
    assert.deepEqual(portal.statusesOf(d.code), expected);
    const items = portal.received.flatMap((r) =>
      r.service === 'DongBoHoSoMC' && r.item.MaHoSo === d.code ? [r] : [],
    );
    // Announced once as new, then only updates.
    assert.deepEqual(
      items.map((r) => r.isUpdating),
      expected.map((_, i) => i > 0),
    );
    const view = await h.dossiers.service.get(d.ctx, d.id);
    const last = items.at(-1)?.item;
    assert.ok(last);
    assert.equal(last.MaTTHC, procedure.code);
    assert.equal(last.ChuHoSo, 'Nguyễn Thị Ánh Tuyết');
    assert.equal(last.TrangThaiHoSo, String(nationalCode.delivered));
    assert.equal(last.NgayHenTra, portalTime(new Date(view.dueAt ?? '')));
    assert.equal(last.NgayKetThucXuLy, portalTime(new Date(view.finishedAt ?? '')));
    assert.match(last.NgayTra, /^\d{14}$/);
    assert.equal(last.MaLinhVuc, 'THU_NGHIEM');
    assert.equal(last.DanhSachGiayToKetQua.length, 1);
    for (const r of items) {
      for (const k of ['NgayTiepNhan', 'NgayHenTra'] as const) assert.match(r.item[k], /^\d{14}$/);
      assert.ok(parsePortalTime(r.item.NgayHenTra));
    }
    const supplement = items.find((r) => r.item.TrangThaiHoSo === '5');
    assert.equal(supplement?.item.DanhSachHoSoBoSung[0]?.['NoiDungYeuCau'], 'Bản sao giấy chứng sinh bị mờ.');
    // Nothing is sent twice: another run finds the queue empty.
    const count = portal.received.length;
    assert.equal(await sync.pushDue(), 0);
    assert.equal(portal.received.length, count);
    assert.ok((await outbox(d.id)).every((r) => r.state === 'sent'));
    assert.deepEqual(portal.duplicates, []);
  });

  it('rides out failures and an outage, then delivers everything once and in order', async () => {
    const a = await submitted();
    const b = await submitted();
    portal.failNext(3, 'http');
    assert.equal(await sync.pushDue(), 0);
    const waiting = await outbox(a.id);
    assert.equal(waiting[0]?.state, 'pending');
    assert.equal(waiting[0]?.attempts, 1);
    assert.match(waiting[0]?.last_error ?? '', /HTTP 503/);
    // Before the backoff is over, nothing is tried again.
    const callsBefore = portal.calls.length;
    await sync.pushDue();
    assert.equal(portal.calls.length, callsBefore);
    await processToTheEnd(a);
    portal.setDown(true);
    clock.offsetMs += 3_600_000;
    assert.equal(await sync.pushDue(), 0);
    assert.match((await outbox(a.id))[0]?.last_error ?? '', /failed/);
    portal.setDown(false);
    portal.failNext(2, 'busy');
    await pushUntilQuiet();
    const expectedA = await timelineCodes(a);
    assert.deepEqual(portal.statusesOf(a.code), expectedA);
    assert.deepEqual(portal.statusesOf(b.code), ['1']);
    assert.ok([...(await outbox(a.id)), ...(await outbox(b.id))].every((r) => r.state === 'sent'));
    assert.deepEqual(portal.duplicates, []);
  });

  it('does not duplicate an item acknowledged just before a crash', async () => {
    const d = await submitted();
    const [row] = await h.db.database.db
      .withTables<{
        dossiers_sync_outbox: { dossier_id: string; payload: Record<string, unknown>; id: string };
      }>()
      .selectFrom('dossiers_sync_outbox')
      .select(['payload'])
      .where('dossier_id', '=', d.id)
      .execute();
    assert.ok(row);
    // The previous process sent the item and died before recording the acknowledgement.
    await sync.client.pushDossier(row.payload as never, false);
    assert.equal(await sync.pushDue(), 1);
    assert.deepEqual(portal.statusesOf(d.code), ['1']);
    assert.equal(portal.duplicates.length, 1);
  });

  it('authenticates again when the session expires', async () => {
    const d = await submitted();
    await sync.pushDue();
    portal.expireSessions();
    await h.dossiers.service.receive(officerCtx(agency.id), d.id);
    const auths = portal.calls.filter((c) => c.service === 'auth').length;
    await sync.pushDue();
    assert.deepEqual(portal.statusesOf(d.code), ['1', '2']);
    assert.equal(portal.calls.filter((c) => c.service === 'auth').length, auths + 1);
    assert.ok(portal.calls.some((c) => c.service === 'DongBoHoSoMC' && c.code === '02'));
  });

  it('holds a dossier’s later items behind a refused one until it is retried', async () => {
    const d = await submitted();
    portal.failNext(1, 'refuse');
    await sync.pushDue();
    await h.dossiers.service.receive(officerCtx(agency.id), d.id);
    await pushUntilQuiet(3);
    const rows = await outbox(d.id);
    assert.deepEqual(
      rows.map((r) => r.state),
      ['failed', 'pending'],
    );
    assert.match(rows[0]?.last_error ?? '', /01/);
    assert.deepEqual(portal.statusesOf(d.code), []);
    await sync.service.retry(systemContext('test'), rows[0]?.id ?? '');
    await sync.pushDue();
    assert.deepEqual(portal.statusesOf(d.code), ['1', '2']);
    await assert.rejects(sync.service.retry(systemContext('test'), rows[0]?.id ?? ''), /ALREADY_SENT/);
  });

  it('pulls dossiers filed on the national portal once each, for the receiving desk', async () => {
    const filedAt = portalTime(new Date(Date.now() - 3_600_000));
    const base = {
      MaTTHC: procedure.code,
      TenTTHC: procedure.name,
      MaDonViTiepNhan: agency.code,
      LoaiDoiTuong: '1' as const,
      MaDoiTuong: '001099012345',
      Email: 'an@example.vn',
      SoDienThoai: '0912345678',
      DiaChi: 'Thôn Đông, xã Thử Nghiệm',
      TrichYeuHoSo: 'Đăng ký khai sinh cho con',
      NgayNop: filedAt,
      TaiLieuNop: [],
    };
    const suffix = String(Date.now()).slice(-6);
    portal.fileDossier({ ...base, MaHoSo: `G22.99-${suffix}-0001`, ChuHoSo: 'Lê Văn An' });
    portal.fileDossier({ ...base, MaHoSo: `G22.99-${suffix}-0002`, ChuHoSo: 'Phạm Thị Bình' });
    portal.fileDossier({
      ...base,
      MaHoSo: `G22.99-${suffix}-0003`,
      ChuHoSo: 'Vũ Văn Cường',
      MaTTHC: '9.999999',
    });
    const first = await sync.pull();
    assert.deepEqual([first.imported, first.problems], [2, 1]);
    const again = await sync.pull();
    assert.equal(again.imported, 0);
    // Even listed again from the start, a MaHoSo is imported once.
    await h.db.database.db
      .withTables<{ dossiers_sync_cursor: { name: string } }>()
      .deleteFrom('dossiers_sync_cursor')
      .execute();
    const replay = await sync.pull();
    assert.deepEqual([replay.imported, replay.already], [0, 2]);
    const officer = officerCtx(agency.id);
    const desk = (await h.dossiers.service.listForAgency(officer)).filter((x) =>
      x.code?.startsWith(`G22.99-${suffix}`),
    );
    assert.deepEqual(desk.map((x) => [x.code, x.status, x.applicantName]).sort(), [
      [`G22.99-${suffix}-0001`, 'submitted', 'Lê Văn An'],
      [`G22.99-${suffix}-0002`, 'submitted', 'Phạm Thị Bình'],
    ]);
    const one = desk.find((x) => x.code === `G22.99-${suffix}-0001`);
    assert.ok(one);
    assert.equal(one.channel, 'national_portal');
    // The portal filed it: nothing is announced on arrival; the desk's acceptance is an update.
    await sync.pushDue();
    assert.deepEqual(portal.statusesOf(one.code ?? ''), []);
    await h.dossiers.service.receive(officer, one.id);
    await sync.pushDue();
    assert.deepEqual(portal.statusesOf(one.code ?? ''), ['2']);
    const update = portal.received.find((r) => r.service === 'DongBoHoSoMC' && r.item.MaHoSo === one.code);
    assert.equal(update?.service === 'DongBoHoSoMC' && update.isUpdating, true);
    assert.equal(update?.service === 'DongBoHoSoMC' && update.item.MaDoiTuong, '001099012345');
    // The applicant has no account here: no citizen sees it.
    await assert.rejects(h.dossiers.service.get(citizenCtx(), one.id), /NOT_FOUND/);
  });

  it('sends a processing hand-off as CapNhatTienDoHoSoMC in its place among the statuses', async () => {
    const d = await submitted();
    await h.dossiers.service.receive(officerCtx(agency.id), d.id);
    const db = h.db.database.db;
    const dossier = await dossiersRepo.byId(db, d.id);
    assert.ok(dossier);
    const startedAt = new Date('2026-11-23T01:00:00Z');
    const at = new Date('2026-11-23T03:30:00Z');
    // What the back office calls when an officer hands the dossier on (BACKOFFICE.md).
    await db.transaction().execute((trx) =>
      notifyStepHandedOff(h.dossiers.observers, trx, {
        dossier,
        seq: 1,
        stepKey: 'tham_dinh',
        stepName: 'Thẩm định',
        officerName: 'Nguyễn Văn Bình',
        officerTitle: 'Chuyên viên',
        unitName: 'Bộ phận Tư pháp – Hộ tịch',
        content: 'Hồ sơ đủ điều kiện, chuyển phê duyệt',
        startedAt,
        dueAt: new Date('2026-11-24T10:00:00Z'),
        at,
        timeliness: 'early',
      }),
    );
    await sync.pushDue();
    const forDossier = portal.received.filter((r) => r.item.MaHoSo === d.code);
    const last = forDossier.at(-1);
    assert.equal(last?.service, 'CapNhatTienDoHoSoMC');
    assert.deepEqual(
      forDossier.slice(0, -1).map((r) => r.service === 'DongBoHoSoMC' && r.item.TrangThaiHoSo),
      await timelineCodes(d),
    );
    if (last?.service !== 'CapNhatTienDoHoSoMC') return;
    assert.deepEqual(
      [last.item.NguoiXuLy, last.item.ChucDanh, last.item.PhongBanXuLy, last.item.TrangThai],
      ['Nguyễn Văn Bình', 'Chuyên viên', 'Bộ phận Tư pháp – Hộ tịch', String(nationalCode[dossier.status])],
    );
    assert.deepEqual(
      [last.item.NgayBatDau, last.item.ThoiDiemXuLy, last.item.NgayKetThucTheoQuyDinh],
      ['20261123080000', '20261123103000', '20261124170000'],
    );
    assert.match(last.item.NoiDungXuLy, /^Thẩm định: Hồ sơ đủ điều kiện/);
  });

  it('runs on a real worker: pushes retry by themselves, the pull re-schedules itself', async () => {
    clock.offsetMs = 0;
    const worker = await startWorker({
      pool: h.db.database.pool,
      jobs: sync.jobs,
      concurrency: 2,
      logger: createLogger('silent'),
    });
    try {
      portal.failNext(2, 'http');
      const d = await submitted();
      await h.dossiers.service.receive(officerCtx(agency.id), d.id);
      await until('delivery', () => portal.statusesOf(d.code).length >= 2);
      assert.deepEqual(portal.statusesOf(d.code), ['1', '2']);
      assert.ok(portal.calls.filter((c) => c.code === 'fail:http').length >= 2);

      const code = `G22.98-${String(Date.now()).slice(-6)}-0001`;
      portal.fileDossier({
        MaHoSo: code,
        MaTTHC: procedure.code,
        TenTTHC: procedure.name,
        MaDonViTiepNhan: agency.code,
        ChuHoSo: 'Hoàng Thị Dung',
        LoaiDoiTuong: '1',
        MaDoiTuong: '',
        Email: '',
        SoDienThoai: '',
        DiaChi: '',
        TrichYeuHoSo: '',
        NgayNop: portalTime(new Date()),
        TaiLieuNop: [],
      });
      await sync.schedule();
      const officer = officerCtx(agency.id);
      await until('pull', async () =>
        (await h.dossiers.service.listForAgency(officer)).some((x) => x.code === code),
      );
      // The pull put itself back in the queue for its next run.
      await until('re-scheduling', async () => {
        const next = await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker.jobs
          WHERE key = 'dossiers.sync.pull' AND run_at > now() + interval '1 minute'`.execute(
          h.db.database.db,
        );
        return Number(next.rows[0]?.n) === 1;
      });
    } finally {
      await worker.stop();
    }
  });
});
