// Observers of a dossier's life, called inside the transaction that changes it, so whatever they
// write (the national-portal outbox, statistics counters, inter-agency parts) commits or rolls back
// with the change itself. Other parts of the platform register them on the module (`observe`).
import type { Actor } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { DossierRow } from './repo.ts';
import type { DossierStatus } from './tables.ts';

/** One status change of a dossier (TrangThaiHoSo), as written to its timeline. */
export interface StatusChange {
  /** The dossier after the change. */
  dossier: DossierRow;
  /** The state before; null when the dossier enters the platform in this state (imported). */
  previous: DossierStatus | null;
  status: DossierStatus;
  note: string | null;
  at: Date;
  actor: Actor;
  /**
   * Whether the dossier holds paper files (purpose `paper`), when the caller already knows it (a
   * submission has just read them): spares an observer that needs it a read. Absent: unknown.
   */
  paperFiles?: boolean;
}

/** One processing hand-off (a line of form 06, CapNhatTienDoHoSoMC on the national portal). */
export interface StepHandOff {
  dossier: DossierRow;
  /** Position of the step instance in the dossier's history (1, 2, …). */
  seq: number;
  stepKey: string;
  stepName: string;
  /** Officer who finished the step (NguoiXuLy) and their title (ChucDanh). */
  officerName: string;
  officerTitle: string | null;
  /** Unit that handled it (PhongBanXuLy). */
  unitName: string;
  /** What was done (NoiDungXuLy). */
  content: string;
  /** When the step started (NgayBatDau), was due (NgayKetThucTheoQuyDinh) and was handed off (ThoiDiemXuLy). */
  startedAt: Date;
  dueAt: Date | null;
  at: Date;
  timeliness: 'early' | 'on_time' | 'late' | null;
}

/** The applicant rated the service (1–5) after the result. */
export interface RatingGiven {
  /** The dossier after the rating (`rating`, `feedback_at` set). */
  dossier: DossierRow;
  rating: number;
  at: Date;
}

export interface DossierObserver {
  /** Name, for logs. */
  name: string;
  statusChanged?(trx: Tx, change: StatusChange): Promise<void>;
  stepHandedOff?(trx: Tx, handOff: StepHandOff): Promise<void>;
  ratingGiven?(trx: Tx, rating: RatingGiven): Promise<void>;
}

/** Calls every observer's `statusChanged`, in registration order. */
export async function notifyStatusChanged(
  observers: readonly DossierObserver[],
  trx: Tx,
  change: StatusChange,
): Promise<void> {
  for (const o of observers) if (o.statusChanged) await o.statusChanged(trx, change);
}

/** Calls every observer's `ratingGiven`, in registration order. */
export async function notifyRatingGiven(
  observers: readonly DossierObserver[],
  trx: Tx,
  rating: RatingGiven,
): Promise<void> {
  for (const o of observers) if (o.ratingGiven) await o.ratingGiven(trx, rating);
}

/** Calls every observer's `stepHandedOff`, in registration order. */
export async function notifyStepHandedOff(
  observers: readonly DossierObserver[],
  trx: Tx,
  handOff: StepHandOff,
): Promise<void> {
  for (const o of observers) if (o.stepHandedOff) await o.stepHandedOff(trx, handOff);
}
