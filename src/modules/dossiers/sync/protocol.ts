/**
 * The national portal's adapter protocol as we speak it (PROTOCOL.md is the prose; this file is
 * the normative code both our client and the fake portal use): service names, answer codes,
 * the time format and the shapes of the items.
 */
import { z } from 'zod';

/** `service` values of `POST …/integration`. */
export const portalServices = {
  /** One dossier's snapshot (data[]); `isUpdating` "False" the first time, "True" after. */
  push: 'DongBoHoSoMC',
  /** One processing step (data[]). */
  progress: 'CapNhatTienDoHoSoMC',
  /** The portal's last snapshot of one dossier. */
  lookup: 'TraCuuHoSo',
  /** Dossiers filed on the national portal for our units (our assumption: the name and fields). */
  list: 'LayDanhSachHoSoMC',
} as const;
export type PortalService = (typeof portalServices)[keyof typeof portalServices];

/** `error_code` of integration answers ("00" is the national one; the others are our assumption). */
export const portalCodes = {
  ok: '00',
  /** The item or request is invalid: sending it again will not help. */
  invalid: '01',
  /** The session is unknown or expired: authenticate again. */
  session: '02',
  unknownService: '03',
  notFound: '04',
  /** Temporary failure on the portal's side: try later. */
  busy: '99',
} as const;

/** Largest page of the inbound listing. */
export const LIST_PAGE = 200;

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (UTC+7 all year: Vietnam has no daylight saving). */
export function portalTime(d: Date): string {
  return new Date(d.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** Reads `yyyyMMddHHmmss` (Vietnam time); null when malformed or not a real moment. */
export function parsePortalTime(s: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(utc);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return new Date(utc - VIETNAM_OFFSET_MS);
}

const time = z.string().regex(/^\d{14}$/);
const timeOrEmpty = z.union([time, z.literal('')]);
const text = (max: number) => z.string().max(max);
const list = z.array(z.record(z.string().max(60), z.string().max(2000))).max(200);

/** A DongBoHoSoMC item: one dossier as it is at one moment (public-services.md §5). */
export const dossierItemSchema = z.object({
  /** Our idempotency key for this item (our assumption): the portal records an id once. */
  MaDongBo: z.uuid(),
  MaHoSo: text(100).min(1),
  MaTTHC: text(100),
  TenTTHC: text(500),
  MaLinhVuc: text(100),
  TenLinhVuc: text(300),
  ChuHoSo: text(200),
  /** 1 công dân, 2 doanh nghiệp. */
  LoaiDoiTuong: z.enum(['1', '2']),
  MaDoiTuong: text(50),
  ThongTinKhac: text(2000),
  Email: text(200),
  Fax: text(50),
  SoDienThoai: text(50),
  TrichYeuHoSo: text(2000),
  NgayTiepNhan: timeOrEmpty,
  NgayHenTra: timeOrEmpty,
  /** TrangThaiHoSo "1"–"10". */
  TrangThaiHoSo: z.enum(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
  NgayTra: timeOrEmpty,
  ThongTinTra: text(2000),
  /** Result return: 0 trả trực tiếp, 1 bưu chính. */
  HinhThuc: z.enum(['0', '1']),
  NgayKetThucXuLy: timeOrEmpty,
  DonViXuLy: text(300),
  GhiChu: text(2000),
  TaiLieuNop: list,
  DanhSachLePhi: list,
  DanhSachTepDinhKemKhac: list,
  DanhSachHoSoBoSung: list,
  DanhSachGiayToKetQua: list,
});
export type DossierItem = z.infer<typeof dossierItemSchema>;

/** A CapNhatTienDoHoSoMC item: one processing step (a line of form 06). */
export const progressItemSchema = z.object({
  MaDongBo: z.uuid(),
  MaHoSo: text(100).min(1),
  NguoiXuLy: text(200),
  ChucDanh: text(200),
  ThoiDiemXuLy: time,
  PhongBanXuLy: text(300),
  NoiDungXuLy: text(2000),
  /** The dossier's TrangThaiHoSo at the hand-off (our assumption). */
  TrangThai: z.enum(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
  NgayBatDau: time,
  NgayKetThucTheoQuyDinh: timeOrEmpty,
});
export type ProgressItem = z.infer<typeof progressItemSchema>;

/** One dossier filed on the national portal, as LayDanhSachHoSoMC lists it (our assumption). */
export const filedItemSchema = z.object({
  MaHoSo: text(100).min(1),
  MaTTHC: text(100).min(1),
  TenTTHC: text(500),
  /** QĐ20 code of the unit the dossier is filed with. */
  MaDonViTiepNhan: text(60).min(1),
  ChuHoSo: text(200).min(1),
  LoaiDoiTuong: z.enum(['1', '2']),
  MaDoiTuong: text(50),
  Email: text(200),
  SoDienThoai: text(50),
  DiaChi: text(500),
  TrichYeuHoSo: text(2000),
  NgayNop: time,
  TaiLieuNop: list,
});
export type FiledItem = z.infer<typeof filedItemSchema>;

/** The answer every integration call gets; `data` is the service's result, when it has one. */
export const answerSchema = z.object({
  error_code: z.string().max(10),
  message: z.string().max(2000).optional(),
  data: z.unknown().optional(),
});
export type PortalAnswer = z.infer<typeof answerSchema>;

export const authAnswerSchema = z.object({
  session: z.string().max(500).optional(),
  error_code: z.union([z.number(), z.string().max(10)]),
  message: z.string().max(2000).optional(),
});
