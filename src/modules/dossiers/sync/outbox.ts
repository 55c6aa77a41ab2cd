/**
 * The outbound half: an observer that writes, inside the transaction changing a dossier, one
 * outbox row per status change (a DongBoHoSoMC snapshot of the dossier at that moment) and per
 * processing hand-off (a CapNhatTienDoHoSoMC step); and the sender that delivers each dossier's
 * rows strictly in order, retrying with backoff until the portal acknowledges them.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../../platform/db/database.ts';
import type { DossierObserver, StatusChange, StepHandOff } from '../observers.ts';
import { dossiersRepo, feeRequestsRepo, type DossierRow } from '../repo.ts';
import { nationalCode } from '../statuses.ts';
import { PortalRejected, type PortalClient } from './client.ts';
import { portalTime, type DossierItem, type ProgressItem } from './protocol.ts';
import { syncRepo, type OutboxRow } from './repo.ts';

/** What the sync part needs from the catalogue: the sector of a procedure version. */
export type SectorLookup = (versionId: string) => Promise<{ code: string; name: string } | null>;

const returnText = {
  online: 'Trả kết quả trực tuyến',
  counter: 'Trả kết quả trực tiếp tại Bộ phận Một cửa',
  post: 'Trả kết quả qua dịch vụ bưu chính công ích',
} as const;

const when = (d: Date | null) => (d ? portalTime(d) : '');
type TrangThai = DossierItem['TrangThaiHoSo'];
const codeOf = (row: DossierRow): TrangThai => String(nationalCode[row.status] ?? 1) as TrangThai;

/** The DongBoHoSoMC item: the dossier as it is in `change`, with its papers, fee and result. */
export async function dossierItem(
  trx: Tx,
  change: Pick<StatusChange, 'dossier' | 'status' | 'note' | 'at'>,
  sector: { code: string; name: string } | null,
): Promise<DossierItem> {
  const d = change.dossier;
  const [papers, inbound, requested] = await Promise.all([
    dossiersRepo.papers(trx, d.id),
    syncRepo.inboundOfDossier(trx, d.id),
    feeRequestsRepo.ofDossier(trx, d.id),
  ]);
  // A dossier pulled in from the portal keeps the kind of applicant and summary the portal gave.
  const a = (inbound?.item ?? {}) as Partial<Record<string, string>>;
  const note = (change.note ?? '').slice(0, 2000);
  const delivered = d.delivered_at ?? (change.status === 'delivered' ? change.at : null);
  return {
    MaDongBo: randomUUID(),
    MaHoSo: d.code ?? '',
    MaTTHC: d.procedure_code,
    TenTTHC: d.procedure_name,
    MaLinhVuc: sector?.code ?? '',
    TenLinhVuc: sector?.name ?? '',
    ChuHoSo: d.applicant_name,
    LoaiDoiTuong: a['LoaiDoiTuong'] === '2' ? '2' : '1',
    MaDoiTuong: d.applicant_id_number ?? a['MaDoiTuong'] ?? '',
    ThongTinKhac: '',
    Email: d.applicant_email ?? '',
    Fax: '',
    SoDienThoai: d.applicant_phone ?? '',
    TrichYeuHoSo: (a['TrichYeuHoSo'] || d.procedure_name).slice(0, 2000),
    NgayTiepNhan: when(d.received_at ?? d.submitted_at),
    NgayHenTra: when(d.due_at),
    TrangThaiHoSo: codeOf(d),
    NgayTra: when(delivered),
    ThongTinTra: delivered ? returnText[d.return_method ?? 'online'] : '',
    HinhThuc: d.return_method === 'post' ? '1' : '0',
    NgayKetThucXuLy: when(d.finished_at),
    DonViXuLy: d.agency_name,
    GhiChu: (note || d.refusal_reason || d.stop_reason || '').slice(0, 2000),
    TaiLieuNop: papers
      .filter((p) => p.purpose === 'paper')
      .map((p) => ({ MaThanhPhan: p.paper_key, TenTepDinhKem: p.file_name, MaHash: p.sha256 })),
    // The fees of the filing, then each line the officer asked for later (status 6), paid or not.
    DanhSachLePhi: [
      ...(Number(d.fee_total) > 0
        ? [
            {
              TenPhiLePhi: 'Phí, lệ phí',
              SoTien: String(Number(d.fee_total)),
              DaThanhToan: d.fee_paid_at ? '1' : '0',
            },
          ]
        : []),
      ...requested.flatMap((r) =>
        r.items.map((i) => ({
          TenPhiLePhi: i.name.slice(0, 300),
          SoTien: String(i.amount),
          DaThanhToan: r.paid_at ? '1' : '0',
        })),
      ),
    ],
    DanhSachTepDinhKemKhac: [],
    DanhSachHoSoBoSung: [
      ...(change.status === 'awaiting_supplement'
        ? [{ NoiDungYeuCau: note, NgayYeuCau: portalTime(change.at) }]
        : []),
      ...papers
        .filter((p) => p.purpose === 'supplement')
        .map((p) => ({ MaThanhPhan: p.paper_key, TenTepDinhKem: p.file_name, MaHash: p.sha256 })),
    ],
    DanhSachGiayToKetQua: d.result_sha256
      ? [
          {
            TenGiayTo: 'Kết quả giải quyết thủ tục hành chính',
            SoKyHieu: d.result_reference ?? '',
            MaHash: d.result_sha256,
          },
        ]
      : [],
  };
}

/** The CapNhatTienDoHoSoMC item of one hand-off (a line of form 06). */
export function progressItem(h: StepHandOff): ProgressItem {
  return {
    MaDongBo: randomUUID(),
    MaHoSo: h.dossier.code ?? '',
    NguoiXuLy: h.officerName.slice(0, 200),
    ChucDanh: (h.officerTitle ?? '').slice(0, 200),
    ThoiDiemXuLy: portalTime(h.at),
    PhongBanXuLy: h.unitName.slice(0, 300),
    NoiDungXuLy: `${h.stepName}: ${h.content}`.slice(0, 2000),
    TrangThai: codeOf(h.dossier),
    NgayBatDau: portalTime(h.startedAt),
    NgayKetThucTheoQuyDinh: when(h.dueAt),
  };
}

/**
 * The observer: one outbox row per status change and per hand-off, in the changing transaction,
 * and a push job for the dossier (`enqueuePush`, also in that transaction).
 */
export function createSyncObserver(deps: {
  sector: SectorLookup;
  enqueuePush: (trx: Tx, dossierId: string) => Promise<void>;
}): DossierObserver {
  return {
    name: 'national-portal-sync',
    async statusChanged(trx, change) {
      const d = change.dossier;
      if (nationalCode[change.status] === null || !d.code) return;
      // A dossier pulled in from the portal is already there: nothing to announce on arrival,
      // and every later snapshot is an update.
      const imported = d.channel === 'national_portal';
      if (imported && change.previous === null) return;
      const item = await dossierItem(trx, change, await deps.sector(d.version_id));
      await syncRepo.add(trx, {
        item_id: item.MaDongBo,
        dossier_id: d.id,
        agency_id: d.agency_id,
        dossier_code: d.code,
        service: 'DongBoHoSoMC',
        national_status: Number(item.TrangThaiHoSo),
        is_updating: imported || (await syncRepo.hasDossierItem(trx, d.id)),
        payload: item,
        last_error: null,
        last_attempt_at: null,
        sent_at: null,
      });
      await deps.enqueuePush(trx, d.id);
    },
    async stepHandedOff(trx, h) {
      if (!h.dossier.code) return;
      const item = progressItem(h);
      await syncRepo.add(trx, {
        item_id: item.MaDongBo,
        dossier_id: h.dossier.id,
        agency_id: h.dossier.agency_id,
        dossier_code: h.dossier.code,
        service: 'CapNhatTienDoHoSoMC',
        national_status: Number(item.TrangThai),
        is_updating: true,
        payload: item,
        last_error: null,
        last_attempt_at: null,
        sent_at: null,
      });
      await deps.enqueuePush(trx, h.dossier.id);
    },
  };
}

export interface Backoff {
  /** First wait after a failure (default 30 s), doubled each time up to `maxMs` (default 1 h). */
  baseMs: number;
  maxMs: number;
}

export type PushOutcome =
  | { kind: 'done'; sent: number }
  | { kind: 'blocked'; sent: number; itemId: string }
  | { kind: 'waiting'; sent: number; until: Date }
  | { kind: 'busy' };

/**
 * Sends one dossier's unsent items in order. One sender per dossier at a time (a session-level
 * advisory lock on a dedicated connection); every acknowledgement is committed before the next
 * item is sent. A transient failure records the error and the time of the next attempt; a refusal
 * marks the item failed, which holds the dossier's later items until an administrator retries.
 */
export function createSender(deps: {
  db: Db;
  logger: Logger;
  client: PortalClient;
  backoff: Backoff;
  now: () => Date;
}) {
  const wait = (attempts: number) =>
    Math.min(deps.backoff.maxMs, deps.backoff.baseMs * 2 ** Math.min(attempts, 20));

  async function send(row: OutboxRow): Promise<void> {
    if (row.service === 'DongBoHoSoMC')
      await deps.client.pushDossier(row.payload as DossierItem, row.is_updating);
    else await deps.client.pushProgress(row.payload as ProgressItem);
  }

  async function pushDossier(dossierId: string): Promise<PushOutcome> {
    return deps.db.connection().execute(async (conn) => {
      const key = sql<number>`hashtextextended(${`dossiers-sync:${dossierId}`}, 0)`;
      const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${key}) AS ok`.execute(conn);
      if (!locked.rows[0]?.ok) return { kind: 'busy' } as const;
      let sent = 0;
      try {
        for (;;) {
          const row = await syncRepo.nextUnsent(conn, dossierId);
          if (!row) return { kind: 'done', sent } as const;
          if (row.state === 'failed') return { kind: 'blocked', sent, itemId: row.item_id } as const;
          const now = deps.now();
          if (row.next_attempt_at.getTime() > now.getTime())
            return { kind: 'waiting', sent, until: row.next_attempt_at } as const;
          try {
            await send(row);
          } catch (error) {
            const refused = error instanceof PortalRejected;
            const nextAttemptAt = new Date(now.getTime() + wait(row.attempts));
            await syncRepo.markAttempt(conn, row.id, {
              at: now,
              error: (error as Error).message,
              state: refused ? 'failed' : 'pending',
              nextAttemptAt,
            });
            deps.logger.warn(
              {
                action: 'dossiers.sync.push_failed',
                itemId: row.item_id,
                refused,
                attempts: row.attempts + 1,
              },
              'national portal item not acknowledged',
            );
            return refused
              ? ({ kind: 'blocked', sent, itemId: row.item_id } as const)
              : ({ kind: 'waiting', sent, until: nextAttemptAt } as const);
          }
          // A crash here sends the item again later with the same MaDongBo: the portal
          // acknowledges it without recording it twice (PROTOCOL.md §4).
          await syncRepo.markSent(conn, row.id, deps.now());
          sent += 1;
        }
      } finally {
        await sql`SELECT pg_advisory_unlock(${key})`.execute(conn);
      }
    });
  }

  return { pushDossier };
}
