// Statistics and the register book of the one-stop back office: who may read which agency's
// figures (its officers, for it and the units below it; platform administrators, for all), the
// figures of a period from the daily counters, the QĐ 766/2022 index groups computable from them,
// and the register (form 07) read from the dossiers.
import { Unauthenticated } from '../../../platform/errors.ts';
import { hasRole, isPlatformAdmin, type RequestContext } from '../../../platform/context.ts';
import type { WorkCalendar, Timeliness } from '../../../platform/calendar/index.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Text } from '../../../platform/i18n/index.ts';
import type { DirectoryService } from '../../directory/index.ts';
import type { FullDirectoryService } from '../../directory/index.ts';
import { statusNames } from '../statuses.ts';
import type { DossierChannel, DossierStatus } from '../tables.ts';
import { RegisterTooLarge, StatsNotFound, StatsPeriodInvalid } from './errors.ts';
import { namedPeriod, periodInstants, rangePeriod, type Period } from './periods.ts';
import {
  groupStatuses,
  statsRepo,
  type CounterSums,
  type GroupBy,
  type RegisterStatusGroup,
  type RegisterTimeliness,
} from './repo.ts';
import { isUuid } from '../../../platform/ids.ts';

export type StatsDirectory = Pick<DirectoryService, 'getAgency' | 'isWithin'> &
  Pick<FullDirectoryService, 'search'>;

/** Largest register exported at once. */
export const MAX_EXPORT_ROWS = 20_000;
/** Largest number of units below an agency counted with it. */
const MAX_UNITS = 1000;
const UNITS_TTL_MS = 5 * 60_000;

export interface PeriodQuery {
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface StatsQuery extends PeriodQuery {
  agencyId?: string | undefined;
  /** Count the units below the agency with it. */
  units?: boolean | undefined;
  procedureCode?: string | undefined;
  channel?: DossierChannel | undefined;
  groupBy?: GroupBy | undefined;
}

export interface StatsRow {
  key: string;
  label: string;
  received: { online: number; counter: number; post: number; nationalPortal: number; total: number };
  carriedOver: number;
  finished: number;
  early: number;
  onTime: number;
  late: number;
  /** (early + on time) / finished, 0–1; null without finished dossiers. */
  onTimeRate: number | null;
  refused: number;
  withdrawn: number;
  stopped: number;
  /** Open at the end of the period. */
  inProgress: number;
  averageProcessingDays: number | null;
  /** Filed online (this portal or the national one) / received. */
  onlineShare: number | null;
  /** Paid online / finished with a fee. */
  onlinePaymentShare: number | null;
  /** Received with their papers as files / received. */
  digitisedShare: number | null;
  /** Finished with an electronic result / finished. */
  electronicResultShare: number | null;
  ratings: number;
  averageRating: number | null;
  /** Ratings of 4 or 5 / ratings. */
  satisfiedShare: number | null;
}

export interface IndexGroup {
  key: 'publicity' | 'progress' | 'digitisation' | 'onlineServices' | 'satisfaction';
  max: number;
  /** Points of this instance's data, or null when not computable from it. */
  points: number | null;
  basis: Text;
}

export interface StatsReport {
  period: Period;
  agency: { id: string; name: string } | null;
  units: boolean;
  groupBy: GroupBy;
  rows: StatsRow[];
  total: StatsRow;
  index: IndexGroup[];
}

export interface RegisterQuery extends PeriodQuery {
  agencyId?: string | undefined;
  procedureCode?: string | undefined;
  channel?: DossierChannel | undefined;
  group?: RegisterStatusGroup | undefined;
  timeliness?: RegisterTimeliness | undefined;
  q?: string | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface RegisterEntry {
  seq: number;
  id: string;
  code: string;
  applicantName: string;
  procedureCode: string;
  procedureName: string;
  channel: DossierChannel;
  status: DossierStatus;
  statusName: Text;
  receivedAt: string;
  dueAt: string | null;
  finishedAt: string | null;
  returnedAt: string | null;
  /** Finished: early / on time / late; open: in time or overdue; closed without result: null. */
  timeliness: Timeliness | 'in_time' | 'overdue' | null;
}

export interface RegisterPage {
  agency: { id: string; name: string };
  period: Period;
  page: number;
  pageSize: number;
  hasNext: boolean;
  entries: RegisterEntry[];
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

function toRow(key: string, label: string, c: CounterSums): StatsRow {
  return {
    key,
    label,
    received: {
      online: c.receivedOnline,
      counter: c.receivedCounter,
      post: c.receivedPost,
      nationalPortal: c.receivedPortal,
      total: c.received,
    },
    carriedOver: c.carriedOver,
    finished: c.finished,
    early: c.early,
    onTime: c.on_time,
    late: c.late,
    onTimeRate: share(c.early + c.on_time, c.finished),
    refused: c.refused,
    withdrawn: c.withdrawn,
    stopped: c.stopped,
    inProgress: c.openAtEnd,
    averageProcessingDays: c.finished > 0 ? round2(c.processing_days / c.finished) : null,
    onlineShare: share(c.receivedOnline + c.receivedPortal, c.received),
    onlinePaymentShare: share(c.fee_paid_online, c.fee_due),
    digitisedShare: share(c.digitised, c.received),
    electronicResultShare: share(c.result_electronic, c.finished),
    ratings: c.ratings,
    averageRating: c.ratings > 0 ? round2(c.rating_sum / c.ratings) : null,
    satisfiedShare: share(c.satisfied, c.ratings),
  };
}

const emptySums = (key: string): CounterSums => ({
  key,
  received: 0,
  digitised: 0,
  finished: 0,
  early: 0,
  on_time: 0,
  late: 0,
  processing_days: 0,
  fee_due: 0,
  fee_paid_online: 0,
  result_electronic: 0,
  refused: 0,
  withdrawn: 0,
  stopped: 0,
  ratings: 0,
  rating_sum: 0,
  satisfied: 0,
  receivedOnline: 0,
  receivedCounter: 0,
  receivedPost: 0,
  receivedPortal: 0,
  carriedOver: 0,
  openAtEnd: 0,
});

function addSums(a: CounterSums, b: CounterSums): CounterSums {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof CounterSums)[]) if (k !== 'key') out[k] = a[k] + b[k];
  return out;
}

/** The QĐ 766/2022 groups this data can score; sub-indicator weights are not published (unconfirmed). */
export function indexGroups(total: StatsRow): IndexGroup[] {
  const pts = (max: number, x: number | null) => (x === null ? null : round2(max * x));
  return [
    {
      key: 'publicity',
      max: 18,
      points: null,
      basis: {
        vi: 'Không tính được từ hồ sơ: cần dữ liệu công khai thủ tục, phản ánh kiến nghị và đồng bộ với Cổng Dịch vụ công quốc gia.',
        en: 'Not computable from dossiers: needs data on published procedures, feedback handling and national-portal sync.',
      },
    },
    {
      key: 'progress',
      max: 20,
      points: pts(20, total.onTimeRate),
      basis: { vi: '20 × tỷ lệ hồ sơ giải quyết đúng hạn', en: '20 × on-time rate of settled dossiers' },
    },
    {
      key: 'digitisation',
      max: 22,
      points: pts(22, mean([total.digitisedShare, total.electronicResultShare])),
      basis: {
        vi: '22 × trung bình (tỷ lệ hồ sơ có giấy tờ điện tử, tỷ lệ kết quả điện tử)',
        en: '22 × mean of (share received with electronic papers, share of electronic results)',
      },
    },
    {
      key: 'onlineServices',
      max: 22,
      points: pts(22, mean([total.onlineShare, total.onlinePaymentShare])),
      basis: {
        vi: '22 × trung bình (tỷ lệ hồ sơ trực tuyến, tỷ lệ thanh toán trực tuyến)',
        en: '22 × mean of (online filing share, online payment share)',
      },
    },
    {
      key: 'satisfaction',
      max: 18,
      points: pts(18, total.satisfiedShare),
      basis: {
        vi: '18 × tỷ lệ đánh giá hài lòng (4–5 sao)',
        en: '18 × share of satisfied ratings (4–5 stars)',
      },
    },
  ];
}

function periodOf(q: PeriodQuery, today: string): Period {
  if (q.from || q.to) {
    const p = rangePeriod(q.from ?? '', q.to ?? '');
    if (!p) throw StatsPeriodInvalid({ field: 'from' });
    return p;
  }
  const p = namedPeriod(q.period ?? today.slice(0, 7));
  if (!p) throw StatsPeriodInvalid({ field: 'period' });
  return p;
}

/** Builds the statistics and register service. */
export function createStatsService(deps: {
  db: Db;
  calendar: WorkCalendar;
  directory: StatsDirectory;
  now: () => Date;
}) {
  const { db, calendar, directory } = deps;
  const today = () => new Date(deps.now().getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

  /** The officer reading, or 401/404. */
  function reader(ctx: RequestContext) {
    const a = ctx.actor;
    if (a.kind === 'anonymous') throw Unauthenticated();
    if (a.kind !== 'official' || !hasRole(a, 'one_stop_officer', 'unit_leader', 'admin'))
      throw StatsNotFound();
    return a;
  }

  /** The agency asked for, if the actor may read it (its own, one below it; any for admins). */
  async function agencyFor(ctx: RequestContext, agencyId: string | undefined) {
    const a = reader(ctx);
    const id = agencyId ?? a.agencyId;
    if (!isUuid(id)) throw StatsNotFound();
    if (!isPlatformAdmin(a) && id !== a.agencyId && !(await directory.isWithin(a.agencyId, id)))
      throw StatsNotFound();
    const agency = await directory.getAgency(id);
    if (!agency) throw StatsNotFound();
    return { id: agency.id, name: agency.name };
  }

  // The units below an agency, kept a few minutes: walking the directory costs a query per unit,
  // and a reorganisation shows in the statistics at most UNITS_TTL_MS later.
  const unitsCache = new Map<string, { at: number; ids: string[] }>();
  async function unitsBelow(rootId: string): Promise<string[]> {
    const cached = unitsCache.get(rootId);
    if (cached && deps.now().getTime() - cached.at < UNITS_TTL_MS) return cached.ids;
    const ids = await walkUnits(rootId);
    if (unitsCache.size > 1000) unitsCache.clear();
    unitsCache.set(rootId, { at: deps.now().getTime(), ids });
    return ids;
  }

  async function walkUnits(rootId: string): Promise<string[]> {
    const ids = [rootId];
    for (let i = 0; i < ids.length && ids.length < MAX_UNITS; i++) {
      for (let page = 1; page <= 20; page++) {
        const r = await directory.search({ parentId: ids[i] ?? '', page, pageSize: 100 });
        ids.push(...r.items.map((x) => x.id));
        if (!r.hasNext || ids.length >= MAX_UNITS) break;
      }
    }
    return ids.slice(0, MAX_UNITS);
  }

  return {
    /** The statistics of a period per procedure, agency, channel or month, with totals and index groups. */
    async statistics(ctx: RequestContext, q: StatsQuery): Promise<StatsReport> {
      const a = reader(ctx);
      // The counters as of now: what committed dossier changes queued is added first (a single
      // read when nothing is queued).
      await statsRepo.fold(db);
      const period = periodOf(q, today());
      const everyAgency = isPlatformAdmin(a) && !q.agencyId;
      const agency = everyAgency ? null : await agencyFor(ctx, q.agencyId);
      const units = Boolean(q.units) && agency !== null;
      const agencyIds = agency ? (units ? await unitsBelow(agency.id) : [agency.id]) : null;
      const groupBy = q.groupBy ?? 'procedure';
      const filter = {
        agencyIds,
        procedureCode: q.procedureCode,
        channel: q.channel,
        from: period.from,
        to: period.to,
      };
      // The whole platform by procedure reads ended months from the platform-wide sums.
      const platformByProcedure =
        agencyIds === null &&
        groupBy !== 'agency' &&
        (groupBy === 'procedure' || q.procedureCode !== undefined);
      const thisMonth = `${today().slice(0, 7)}-01`;
      if (platformByProcedure) await statsRepo.seal(db, thisMonth);
      const sums = await statsRepo.sums(
        db,
        filter,
        groupBy,
        platformByProcedure ? { sealedBefore: thisMonth } : {},
      );
      const labelKind = groupBy === 'procedure' ? 'procedure' : groupBy === 'agency' ? 'agency' : null;
      const labels = labelKind
        ? await statsRepo.labels(
            db,
            labelKind,
            sums.map((s) => s.key),
          )
        : new Map<string, string>();
      let rows: StatsRow[];
      let totalSums = sums.reduce(addSums, emptySums(''));
      if (groupBy === 'month') {
        // Months carry over what the months before left open.
        let open = sums.find((s) => s.key === '')?.openAtEnd ?? 0;
        rows = sums
          .filter((s) => s.key !== '')
          .map((s) => {
            const row = toRow(s.key, s.key, { ...s, carriedOver: open, openAtEnd: open + s.openAtEnd });
            open += s.openAtEnd;
            return row;
          });
        totalSums = { ...totalSums, carriedOver: sums.find((s) => s.key === '')?.openAtEnd ?? 0 };
      } else {
        rows = sums
          .filter(
            (s) =>
              s.received + s.finished + s.refused + s.withdrawn + s.stopped + s.ratings + s.openAtEnd > 0,
          )
          .map((s) => toRow(s.key, labels.get(s.key) ?? s.key, s));
      }
      const total = toRow('', '', totalSums);
      return { period, agency, units, groupBy, rows, total, index: indexGroups(total) };
    },

    /** One page of the register book (form 07) of an agency. */
    async register(ctx: RequestContext, q: RegisterQuery): Promise<RegisterPage> {
      const agency = await agencyFor(ctx, q.agencyId);
      const period = periodOf(q, today());
      const pageSize = Math.max(1, Math.min(q.pageSize ?? 50, 200));
      const page = Math.max(1, Math.min(q.page ?? 1, 10_000));
      const offset = (page - 1) * pageSize;
      const rows = await this.registerRows(agency.id, period, q, { limit: pageSize + 1, offset });
      return {
        agency,
        period,
        page,
        pageSize,
        hasNext: rows.length > pageSize,
        entries: rows.slice(0, pageSize).map((e, i) => ({ ...e, seq: offset + i + 1 })),
      };
    },

    /** The whole register of a period for export (at most MAX_EXPORT_ROWS). */
    async registerExport(ctx: RequestContext, q: RegisterQuery) {
      const agency = await agencyFor(ctx, q.agencyId);
      const period = periodOf(q, today());
      const entries = await this.registerRows(agency.id, period, q, {
        limit: MAX_EXPORT_ROWS + 1,
        offset: 0,
      });
      if (entries.length > MAX_EXPORT_ROWS) throw RegisterTooLarge();
      return { agency, period, entries };
    },

    /** Register rows with their timeliness (for `register` and `registerExport`). */
    async registerRows(
      agencyId: string,
      period: Period,
      q: RegisterQuery,
      page: { limit: number; offset: number },
    ): Promise<RegisterEntry[]> {
      const now = deps.now();
      const rows = await statsRepo.register(
        db,
        {
          agencyId,
          ...periodInstants(period),
          procedureCode: q.procedureCode,
          channel: q.channel,
          group: q.group,
          timeliness: q.timeliness,
          q: q.q?.slice(0, 100),
          now,
        },
        page,
      );
      return rows.map((r, i) => {
        const finished = groupStatuses.finished.includes(r.status);
        const open = groupStatuses.open.includes(r.status);
        const timeliness: RegisterEntry['timeliness'] = finished
          ? r.finished_at && r.due_at
            ? calendar.timeliness(r.finished_at, r.due_at)
            : 'on_time'
          : open
            ? r.due_at && r.due_at < now
              ? 'overdue'
              : 'in_time'
            : null;
        return {
          seq: page.offset + i + 1,
          id: r.id,
          code: r.code,
          applicantName: r.applicant_name,
          procedureCode: r.procedure_code,
          procedureName: r.procedure_name,
          channel: r.channel,
          status: r.status,
          statusName: statusNames[r.status],
          receivedAt: (r.received_at ?? r.submitted_at).toISOString(),
          dueAt: r.due_at?.toISOString() ?? null,
          finishedAt: r.finished_at?.toISOString() ?? null,
          returnedAt: r.delivered_at?.toISOString() ?? null,
          timeliness,
        };
      });
    },

    /** Recomputes the counters from the dossiers (after an import, or to check them). */
    rebuild: () => statsRepo.rebuild(db, calendar),
    /** Adds the queued changes to the counters (the module does it in the background too). */
    fold: () => statsRepo.fold(db),
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
