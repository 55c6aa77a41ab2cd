// The only file of the statistics that touches the database: the daily counters (written by the
// observer, recomputed by the rebuild), their sums over a period, ratings and the register book.
import { sql, type RawBuilder } from 'kysely';
import { dayOfIsoDate, type WorkCalendar } from '../../../platform/calendar/index.ts';
import type { Db, DbOrTx, Tx } from '../../../platform/db/database.ts';
import type { DossiersTables, DossierChannel, DossierStatus } from '../tables.ts';
import type { Delta } from './contributions.ts';
import { foldedContains } from '../search-fold.ts';
import { counterNames, type DailyCounters, type StatsTables } from './tables.ts';

const t = (db: DbOrTx) => db.withTables<StatsTables & DossiersTables>();

/** Local date (Asia/Ho_Chi_Minh, UTC+7 all year) of a timestamptz expression. */
const localDateOf = (column: RawBuilder<unknown>) =>
  sql<string>`((${column} AT TIME ZONE 'UTC') + interval '7 hours')::date`;

/** The procedure code of the monthly rows that hold every procedure of an agency together. */
export const ALL_PROCEDURES = '*';

export type GroupBy = 'procedure' | 'agency' | 'channel' | 'month' | 'none';

export interface CounterFilter {
  /** Agencies to count; null = every agency (platform administrators). */
  agencyIds: readonly string[] | null;
  procedureCode?: string | undefined;
  channel?: DossierChannel | undefined;
  /** Inclusive local dates 'yyyy-MM-dd'. */
  from: string;
  to: string;
}

/** Counter sums of a group: the period's figures and the open dossiers before and at its end. */
export type CounterSums = DailyCounters & {
  key: string;
  receivedOnline: number;
  receivedCounter: number;
  receivedPost: number;
  receivedPortal: number;
  /** Open (received, not closed) before the period began — carried over. */
  carriedOver: number;
  /** Open at the end of the period. */
  openAtEnd: number;
};

export type RegisterStatusGroup = 'open' | 'finished' | 'closed';
export type RegisterTimeliness = 'early' | 'on_time' | 'late' | 'overdue';

export interface RegisterFilter {
  agencyId: string;
  /** Submission instants: [fromTs, toTs). */
  fromTs: Date;
  toTs: Date;
  procedureCode?: string | undefined;
  channel?: DossierChannel | undefined;
  group?: RegisterStatusGroup | undefined;
  timeliness?: RegisterTimeliness | undefined;
  /** A dossier code (exact) or words of the applicant's name. */
  q?: string | undefined;
  now: Date;
}

export interface RegisterRow {
  id: string;
  code: string;
  applicant_name: string;
  procedure_code: string;
  procedure_name: string;
  channel: DossierChannel;
  status: DossierStatus;
  submitted_at: Date;
  /** Accepted at the desk (NgayTiepNhan); null while only submitted. */
  received_at: Date | null;
  due_at: Date | null;
  finished_at: Date | null;
  /** The result was returned (NgayTra). */
  delivered_at: Date | null;
}

const openStatuses: DossierStatus[] = [
  'submitted',
  'received',
  'processing',
  'awaiting_supplement',
  'awaiting_payment',
];
const finishedStatuses: DossierStatus[] = ['result_ready', 'delivered'];
const closedStatuses: DossierStatus[] = ['refused', 'withdrawn', 'stopped'];

/** Statuses of a register group. */
export const groupStatuses: Record<RegisterStatusGroup, DossierStatus[]> = {
  open: openStatuses,
  finished: finishedStatuses,
  closed: closedStatuses,
};

/** The working-day numbering the rebuild joins on: day → working days since 2000-01-01. */
function calendarTable(calendar: WorkCalendar): { days: string[]; cumulative: number[] } {
  const start = dayOfIsoDate('2020-01-01');
  const end = dayOfIsoDate('2034-12-31');
  const days: string[] = [];
  const cumulative: number[] = [];
  for (let day = start; day <= end; day++) {
    days.push(new Date(day * 86_400_000).toISOString().slice(0, 10));
    cumulative.push(calendar.workingDaysBetween(start - 1, day));
  }
  return { days, cumulative };
}

/** A part of a period's query: a table, an inclusive date range of it, and whether it is in the period. */
interface Segment {
  table: 'daily' | 'monthly' | 'global' | 'open';
  from: string;
  to: string;
  inPeriod: boolean;
  /** How the segment's open balance counts in the carried-over (default: 1 before, 0 in the period). */
  carry?: 1 | -1 | 0;
}

const DAY = 86_400_000;
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const monthStart = (iso: string) => `${iso.slice(0, 7)}-01`;
const nextMonthStart = (iso: string) => {
  const d = new Date(ms(monthStart(iso)));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return isoOf(d.getTime());
};

/**
 * How to read [from, to]: before it (carried over), the months before from's month and the days
 * of from's month before from; in it, its whole months from the monthly rows and the days of the
 * months it cuts from the daily rows.
 */
export function segments(from: string, to: string): Segment[] {
  const out: Segment[] = [
    { table: 'monthly', from: '2000-01-01', to: isoOf(ms(monthStart(from)) - DAY), inPeriod: false },
  ];
  if (from !== monthStart(from))
    out.push({ table: 'daily', from: monthStart(from), to: isoOf(ms(from) - DAY), inPeriod: false });
  const firstWhole = from === monthStart(from) ? from : nextMonthStart(from);
  const afterTo = isoOf(ms(to) + DAY);
  const endWhole = afterTo === monthStart(afterTo) ? afterTo : monthStart(to); // exclusive
  if (firstWhole < endWhole) {
    out.push({ table: 'monthly', from: firstWhole, to: isoOf(ms(endWhole) - DAY), inPeriod: true });
    if (from < firstWhole)
      out.push({ table: 'daily', from, to: isoOf(ms(firstWhole) - DAY), inPeriod: true });
    if (endWhole <= to) out.push({ table: 'daily', from: endWhole, to, inPeriod: true });
  } else out.push({ table: 'daily', from, to, inPeriod: true });
  return out;
}

/**
 * [from, to] read from the dossiers open now (`dossiers_stats_open`): carried over = open now less
 * what the period and the days after it changed, so no month before the period is read.
 */
export function openSegments(from: string, to: string): Segment[] {
  const inPeriod = segments(from, to)
    .filter((seg) => seg.inPeriod)
    .map((seg): Segment => ({ ...seg, carry: -1 }));
  const afterTo = isoOf(ms(to) + DAY);
  const nextMonth = nextMonthStart(to);
  const after: Segment[] = [];
  if (afterTo < nextMonth)
    after.push({ table: 'daily', from: afterTo, to: isoOf(ms(nextMonth) - DAY), inPeriod: false, carry: -1 });
  after.push({ table: 'monthly', from: nextMonth, to: '9999-12-31', inPeriod: false, carry: -1 });
  return [{ table: 'open', from: '', to: '', inPeriod: false, carry: 1 }, ...inPeriod, ...after];
}

export const statsRepo = {
  /**
   * Adds `delta` to the counters of the dossier's agency × procedure × day × channel, and to the
   * month's rows of the procedure and of every procedure ('*').
   */
  async apply(
    trx: Tx,
    key: { agencyId: string; procedureCode: string; channel: DossierChannel },
    delta: Delta,
  ): Promise<void> {
    const changed = counterNames.filter((n) => (delta.counters[n] ?? 0) !== 0);
    if (changed.length === 0) return;
    const values = counterNames.map((n) => sql.lit(Math.trunc(delta.counters[n] ?? 0)));
    const month = `${delta.day.slice(0, 7)}-01`;
    const upsert = (table: string, columns: string[], keys: unknown[]) => sql`
      INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))}, ${sql.join(counterNames.map((n) => sql.id(n)))})
      VALUES (${sql.join(keys)}, ${sql.join(values)})
      ON CONFLICT (${sql.join(columns.map((c) => sql.id(c)))}) DO UPDATE SET
        ${sql.join(changed.map((n) => sql`${sql.id(n)} = ${sql.table(table)}.${sql.id(n)} + excluded.${sql.id(n)}`))}`;
    await upsert(
      'dossiers_stats_daily',
      ['agency_id', 'procedure_code', 'day', 'channel'],
      [key.agencyId, key.procedureCode, delta.day, key.channel],
    ).execute(trx);
    await upsert(
      'dossiers_stats_monthly',
      ['agency_id', 'procedure_code', 'month', 'channel'],
      [key.agencyId, key.procedureCode, month, key.channel],
    ).execute(trx);
    await upsert(
      'dossiers_stats_monthly',
      ['agency_id', 'procedure_code', 'month', 'channel'],
      [key.agencyId, ALL_PROCEDURES, month, key.channel],
    ).execute(trx);
    // The dossiers open now (see `sums`): the change's received less its closings.
    const net = (['received', 'finished', 'refused', 'withdrawn', 'stopped'] as const).reduce(
      (acc, n, i) => acc + (i === 0 ? 1 : -1) * Math.trunc(delta.counters[n] ?? 0),
      0,
    );
    if (net !== 0)
      await sql`
        INSERT INTO dossiers_stats_open (agency_id, procedure_code, channel, open)
        VALUES (${key.agencyId}, ${key.procedureCode}, ${key.channel}, ${net}),
               (${key.agencyId}, ${ALL_PROCEDURES}, ${key.channel}, ${net})
        ON CONFLICT (agency_id, procedure_code, channel) DO UPDATE SET
          open = dossiers_stats_open.open + excluded.open`.execute(trx);
    // A change in an ended month already summed platform-wide (a reopened dossier's closing
    // taken back) updates that sum too.
    await sql`
      INSERT INTO dossiers_stats_global (procedure_code, month, channel, ${sql.join(counterNames.map((n) => sql.id(n)))})
      SELECT ${key.procedureCode}, ${month}::date, ${key.channel}, ${sql.join(values)}
       WHERE EXISTS (SELECT 1 FROM dossiers_stats_sealed WHERE month = ${month}::date)
      ON CONFLICT (procedure_code, month, channel) DO UPDATE SET
        ${sql.join(changed.map((n) => sql`${sql.id(n)} = dossiers_stats_global.${sql.id(n)} + excluded.${sql.id(n)}`))}`.execute(
      trx,
    );
  },

  /**
   * Sums every ended month (before `currentMonth`) not yet summed into the platform-wide rows.
   * The agencies' monthly rows are locked against writers and other sealers meanwhile, so a
   * change is either in the sum or, once the month is sealed, added to it by its observer.
   */
  async seal(db: Db, currentMonth: string): Promise<void> {
    const last = isoOf(ms(currentMonth) - DAY).slice(0, 7) + '-01';
    const done = await sql`SELECT 1 FROM dossiers_stats_sealed WHERE month = ${last}::date`.execute(db);
    if (done.rows.length > 0) return;
    await db.transaction().execute(async (trx) => {
      // SHARE ROW EXCLUSIVE: writers wait, and so does a second sealer (which then finds the mark).
      await sql`LOCK TABLE dossiers_stats_monthly IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
      const again = await sql`SELECT 1 FROM dossiers_stats_sealed WHERE month = ${last}::date`.execute(trx);
      if (again.rows.length > 0) return;
      const names = sql.join(counterNames.map((n) => sql.id(n)));
      const sums = sql.join(counterNames.map((n) => sql`sum(m.${sql.id(n)})`));
      await sql`
        INSERT INTO dossiers_stats_global (procedure_code, month, channel, ${names})
        SELECT m.procedure_code, m.month, m.channel, ${sums}
          FROM dossiers_stats_monthly m
         WHERE m.procedure_code <> ${ALL_PROCEDURES} AND m.month < ${currentMonth}::date
           AND NOT EXISTS (SELECT 1 FROM dossiers_stats_sealed s WHERE s.month = m.month)
         GROUP BY 1, 2, 3`.execute(trx);
      await sql`
        INSERT INTO dossiers_stats_sealed (month)
        SELECT DISTINCT month FROM dossiers_stats_monthly
         WHERE procedure_code = ${ALL_PROCEDURES} AND month < ${currentMonth}::date
        UNION SELECT ${last}::date
        ON CONFLICT DO NOTHING`.execute(trx);
    });
  },

  /**
   * Queues the statistics' changes of one dossier change inside its transaction: an insert, no
   * counter row locked. `fold` adds them to the counters.
   */
  async queue(
    trx: Tx,
    key: { agencyId: string; procedureCode: string; channel: DossierChannel },
    deltas: Delta[],
    names: { agency: string; procedure: string } | null = null,
  ): Promise<void> {
    if (deltas.length === 0 && !names) return;
    await t(trx)
      .insertInto('dossiers_stats_pending')
      .values({
        agency_id: key.agencyId,
        procedure_code: key.procedureCode,
        channel: key.channel,
        deltas: JSON.stringify(deltas),
        agency_name: names?.agency.slice(0, 500) ?? null,
        procedure_name: names?.procedure.slice(0, 500) ?? null,
      })
      .execute();
  },

  /**
   * Adds every committed queued change to the counters (and the names to the labels), in the
   * order they were queued, one folder at a time (a transaction advisory lock: a reader that
   * folds waits for a running fold, then sees its result). Returns how many changes it folded.
   */
  async fold(db: Db, batch = 2000): Promise<number> {
    // Nothing queued (the usual case of a read): no transaction, no lock. A fold that is deleting
    // the queue meanwhile has not committed, so its rows are still seen here and this one waits
    // for it below; once it committed, the counters read after this already hold its changes.
    const queued = await sql`SELECT 1 FROM dossiers_stats_pending LIMIT 1`.execute(db);
    if (queued.rows.length === 0) return 0;
    let total = 0;
    for (;;) {
      const n = await db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext('dossiers_stats_fold'))`.execute(trx);
        const rows = await sql<{
          id: string;
          agency_id: string;
          procedure_code: string;
          channel: DossierChannel;
          deltas: Delta[];
          agency_name: string | null;
          procedure_name: string | null;
        }>`DELETE FROM dossiers_stats_pending WHERE id IN (
             SELECT id FROM dossiers_stats_pending ORDER BY id LIMIT ${batch})
           RETURNING agency_id, procedure_code, channel, deltas, agency_name, procedure_name, id`.execute(
          trx,
        );
        // In queue order (RETURNING promises none): a closing taken back follows the closing.
        const ordered = [...rows.rows].sort((a, b) => Number(a.id) - Number(b.id));
        for (const r of ordered) {
          if (r.agency_name !== null && r.procedure_name !== null)
            await statsRepo.label(trx, [
              { kind: 'agency', key: r.agency_id, name: r.agency_name },
              { kind: 'procedure', key: r.procedure_code, name: r.procedure_name },
            ]);
          const key = { agencyId: r.agency_id, procedureCode: r.procedure_code, channel: r.channel };
          for (const delta of r.deltas) await statsRepo.apply(trx, key, delta);
        }
        return rows.rows.length;
      });
      total += n;
      if (n < batch) return total;
    }
  },

  /** Keeps the latest names of an agency and a procedure for the statistics' rows. */
  async label(trx: Tx, rows: { kind: 'agency' | 'procedure'; key: string; name: string }[]): Promise<void> {
    // Written only when missing or renamed: an upsert would lock the procedure's row, shared by
    // every agency, until the end of each filing transaction.
    const known = await t(trx)
      .selectFrom('dossiers_stats_labels')
      .select(['kind', 'key', 'name'])
      .where((eb) => eb.or(rows.map((r) => eb.and([eb('kind', '=', r.kind), eb('key', '=', r.key)]))))
      .execute();
    const fresh = rows
      .map((r) => ({ ...r, name: r.name.slice(0, 500) }))
      .filter((r) => !known.some((k) => k.kind === r.kind && k.key === r.key && k.name === r.name));
    if (fresh.length === 0) return;
    await t(trx)
      .insertInto('dossiers_stats_labels')
      .values(fresh)
      .onConflict((oc) =>
        oc
          .columns(['kind', 'key'])
          .doUpdateSet({ name: sql`excluded.name` })
          .where(sql.ref('dossiers_stats_labels.name'), '<>', sql.ref('excluded.name')),
      )
      .execute();
  },

  async labels(db: DbOrTx, kind: 'agency' | 'procedure', keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await t(db)
      .selectFrom('dossiers_stats_labels')
      .select(['key', 'name'])
      .where('kind', '=', kind)
      .where('key', 'in', keys)
      .execute();
    return new Map(rows.map((r) => [r.key, r.name]));
  },

  /** True when the dossier's papers were filed as files (digitised), not only the online form. */
  async hasPaperFiles(db: DbOrTx, dossierId: string): Promise<boolean> {
    const r = await t(db)
      .selectFrom('dossiers_papers')
      .select('id')
      .where('dossier_id', '=', dossierId)
      .where('purpose', '=', 'paper')
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  },

  /** When the dossier last entered `status` on its timeline. */
  async enteredAt(db: DbOrTx, dossierId: string, status: DossierStatus): Promise<Date | null> {
    const r = await t(db)
      .selectFrom('dossiers_events')
      .select('at')
      .where('dossier_id', '=', dossierId)
      .where('kind', '=', 'status')
      .where('status', '=', status)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.at ?? null;
  },

  /**
   * Recomputes every counter and label from the dossiers and their timelines, in one
   * transaction. The table is locked against the observers' writes first, so a dossier that
   * changes meanwhile is counted once: by the rebuild if it committed before, by its observer
   * (which waits for the lock) otherwise.
   */
  async rebuild(db: Db, calendar: WorkCalendar): Promise<{ rows: number }> {
    const cal = calendarTable(calendar);
    return db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE dossiers_stats_daily, dossiers_stats_monthly, dossiers_stats_global, dossiers_stats_sealed,
        dossiers_stats_labels, dossiers_stats_pending, dossiers_stats_open IN EXCLUSIVE MODE`.execute(trx);
      // What is queued is in the dossiers the rebuild reads: dropped, not added twice.
      await sql`DELETE FROM dossiers_stats_pending`.execute(trx);
      await sql`DELETE FROM dossiers_stats_daily`.execute(trx);
      await sql`DELETE FROM dossiers_stats_labels`.execute(trx);
      await sql`DELETE FROM dossiers_stats_monthly`.execute(trx);
      await sql`DELETE FROM dossiers_stats_global`.execute(trx);
      await sql`DELETE FROM dossiers_stats_sealed`.execute(trx);
      await sql`DELETE FROM dossiers_stats_open`.execute(trx);
      const received = localDateOf(sql`COALESCE(d.submitted_at, d.created_at)`);
      await sql`
        INSERT INTO dossiers_stats_daily (agency_id, procedure_code, day, channel, received, digitised)
        SELECT d.agency_id, d.procedure_code, ${received}, d.channel, count(*),
               count(*) FILTER (WHERE EXISTS (
                 SELECT 1 FROM dossiers_papers p WHERE p.dossier_id = d.id AND p.purpose = 'paper'))
          FROM dossiers_dossiers d
         WHERE d.status <> 'draft'
         GROUP BY 1, 2, 3, 4`.execute(trx);
      // A closing is dated by finished_at (result, refusal, stop), else by its timeline entry.
      const eventAt = (status: RawBuilder<unknown>) => sql`(
        SELECT e.at FROM dossiers_events e
         WHERE e.dossier_id = d.id AND e.kind = 'status' AND e.status = ${status}
         ORDER BY e.id DESC LIMIT 1)`;
      await sql`
        WITH cal AS (
          SELECT * FROM unnest(${cal.days}::date[], ${cal.cumulative}::int[]) AS c(day, n)
        ), closed AS (
          SELECT d.agency_id, d.procedure_code, d.channel, d.due_at, d.fee_total, d.fee_paid_at,
                 d.result_sha256, COALESCE(d.received_at, d.submitted_at, d.created_at) AS received_at,
                 CASE WHEN d.status IN ('result_ready', 'delivered') THEN 'finished' ELSE d.status END AS outcome,
                 COALESCE(
                   d.finished_at,
                   CASE WHEN d.status IN ('result_ready', 'delivered')
                        THEN ${eventAt(sql`'result_ready'`)} ELSE ${eventAt(sql`d.status`)} END,
                   d.updated_at) AS closed_at
            FROM dossiers_dossiers d
           WHERE d.status IN ('result_ready', 'delivered', 'refused', 'withdrawn', 'stopped')
        ), dated AS (
          SELECT c.*, ${localDateOf(sql`c.closed_at`)} AS day, ${localDateOf(sql`c.due_at`)} AS due_day,
                 ${localDateOf(sql`c.received_at`)} AS received_day
            FROM closed c
        )
        INSERT INTO dossiers_stats_daily AS s (agency_id, procedure_code, day, channel, finished, early,
          on_time, late, processing_days, fee_due, fee_paid_online, result_electronic, refused, withdrawn, stopped)
        SELECT x.agency_id, x.procedure_code, x.day, x.channel,
               count(*) FILTER (WHERE outcome = 'finished'),
               count(*) FILTER (WHERE outcome = 'finished' AND x.day < x.due_day),
               count(*) FILTER (WHERE outcome = 'finished' AND (x.due_day IS NULL OR x.day = x.due_day)),
               count(*) FILTER (WHERE outcome = 'finished' AND x.day > x.due_day),
               COALESCE(sum(GREATEST(cf.n - cr.n, 0)) FILTER (WHERE outcome = 'finished'), 0),
               count(*) FILTER (WHERE outcome = 'finished' AND x.fee_total > 0),
               count(*) FILTER (WHERE outcome = 'finished' AND x.fee_total > 0 AND x.fee_paid_at IS NOT NULL),
               count(*) FILTER (WHERE outcome = 'finished' AND x.result_sha256 IS NOT NULL),
               count(*) FILTER (WHERE outcome = 'refused'),
               count(*) FILTER (WHERE outcome = 'withdrawn'),
               count(*) FILTER (WHERE outcome = 'stopped')
          FROM dated x
          LEFT JOIN cal cf ON cf.day = x.day
          LEFT JOIN cal cr ON cr.day = x.received_day
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (agency_id, day, procedure_code, channel) DO UPDATE SET
          finished = excluded.finished, early = excluded.early, on_time = excluded.on_time,
          late = excluded.late, processing_days = excluded.processing_days, fee_due = excluded.fee_due,
          fee_paid_online = excluded.fee_paid_online, result_electronic = excluded.result_electronic,
          refused = excluded.refused, withdrawn = excluded.withdrawn, stopped = excluded.stopped`.execute(
        trx,
      );
      await sql`
        INSERT INTO dossiers_stats_daily AS s (agency_id, procedure_code, day, channel, ratings, rating_sum, satisfied)
        SELECT d.agency_id, d.procedure_code, ${localDateOf(sql`d.feedback_at`)}, d.channel, count(*), sum(d.rating),
               count(*) FILTER (WHERE d.rating >= 4)
          FROM dossiers_dossiers d
         WHERE d.rating IS NOT NULL AND d.feedback_at IS NOT NULL
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (agency_id, day, procedure_code, channel) DO UPDATE SET
          ratings = excluded.ratings, rating_sum = excluded.rating_sum, satisfied = excluded.satisfied`.execute(
        trx,
      );
      const sums = sql.join(counterNames.map((n) => sql`sum(${sql.id(n)})`));
      const names = sql.join(counterNames.map((n) => sql.id(n)));
      await sql`
        INSERT INTO dossiers_stats_monthly (agency_id, procedure_code, month, channel, ${names})
        SELECT agency_id, procedure_code, date_trunc('month', day)::date, channel, ${sums}
          FROM dossiers_stats_daily GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT agency_id, ${ALL_PROCEDURES}, date_trunc('month', day)::date, channel, ${sums}
          FROM dossiers_stats_daily GROUP BY 1, 2, 3, 4
        ORDER BY 3, 1, 2, 4`.execute(trx);
      await sql`
        INSERT INTO dossiers_stats_open (agency_id, procedure_code, channel, open)
        SELECT agency_id, procedure_code, channel, sum(received - finished - refused - withdrawn - stopped)
          FROM dossiers_stats_monthly GROUP BY 1, 2, 3`.execute(trx);
      await sql`
        INSERT INTO dossiers_stats_labels (kind, key, name)
        SELECT DISTINCT ON (kind, key) kind, key, name FROM (
          SELECT 'agency' AS kind, agency_id::text AS key, agency_name AS name, updated_at FROM dossiers_dossiers
           WHERE status <> 'draft'
          UNION ALL
          SELECT 'procedure', procedure_code, procedure_name, updated_at FROM dossiers_dossiers
           WHERE status <> 'draft') n
         ORDER BY kind, key, updated_at DESC`.execute(trx);
      const count = await sql<{ n: string }>`SELECT count(*) AS n FROM dossiers_stats_daily`.execute(trx);
      return { rows: Number(count.rows[0]?.n ?? 0) };
    });
  },

  /**
   * Counter sums per group over [from, to], with the open dossiers before and at the end. Whole
   * months are read from the monthly rows (every procedure together, '*', unless procedures are
   * asked for), the days of a cut month from the daily rows.
   */
  async sums(
    db: DbOrTx,
    f: CounterFilter,
    groupBy: GroupBy,
    o: { sealedBefore?: string } = {},
  ): Promise<CounterSums[]> {
    // The platform by procedure: ended months from the platform-wide rows (see `seal`). Other
    // reads start from the dossiers open now, save by month (the months chain their balances).
    const sealed = o.sealedBefore;
    let plan = sealed || groupBy === 'month' ? segments(f.from, f.to) : openSegments(f.from, f.to);
    if (sealed)
      plan = plan.flatMap((seg): Segment[] => {
        if (seg.table !== 'monthly' || seg.from >= sealed) return [seg];
        const end = isoOf(ms(sealed) - DAY);
        if (seg.to <= end) return [{ ...seg, table: 'global' }];
        return [
          { ...seg, table: 'global', to: end },
          { ...seg, from: sealed },
        ];
      });
    const byProcedure = groupBy === 'procedure' || f.procedureCode !== undefined;
    const scope = (table: Segment['table']) => {
      const w = [];
      if (f.agencyIds && table !== 'global') w.push(sql`agency_id = ANY(${[...f.agencyIds]}::uuid[])`);
      if (f.procedureCode) w.push(sql`procedure_code = ${f.procedureCode}`);
      else if (table === 'monthly' || table === 'open')
        w.push(
          // A literal: the partial index by month (`procedure_code <> '*'`) must match it.
          byProcedure
            ? sql`procedure_code <> ${sql.lit(ALL_PROCEDURES)}`
            : sql`procedure_code = ${sql.lit(ALL_PROCEDURES)}`,
        );
      if (f.channel) w.push(sql`channel = ${f.channel}`);
      return w;
    };
    // Each segment is summed on its own per group and channel (plain sums, no filters), and only
    // the open balance of the segments out of the period: the outer query adds a few hundred rows.
    const parts = plan.map((seg) => {
      const table =
        seg.table === 'daily'
          ? sql`dossiers_stats_daily`
          : seg.table === 'global'
            ? sql`dossiers_stats_global`
            : seg.table === 'open'
              ? sql`dossiers_stats_open`
              : sql`dossiers_stats_monthly`;
      const net =
        seg.table === 'open' ? sql`sum(open)` : sql`sum(received - finished - refused - withdrawn - stopped)`;
      const carry = seg.carry ?? (seg.inPeriod ? 0 : 1);
      const carried = carry === 0 ? sql`0::bigint` : carry === 1 ? net : sql`-${net}`;
      const at = seg.table === 'daily' ? sql`day` : sql`month`;
      const key =
        groupBy === 'procedure'
          ? sql`procedure_code`
          : groupBy === 'agency'
            ? seg.table === 'global'
              ? sql`NULL::text`
              : sql`agency_id::text`
            : groupBy === 'channel'
              ? sql`channel`
              : groupBy === 'month' && seg.inPeriod
                ? sql`to_char(${at}, 'YYYY-MM')`
                : sql`''`;
      const where = [...scope(seg.table)];
      if (seg.table !== 'open') where.push(sql`${at} >= ${seg.from}::date`, sql`${at} <= ${seg.to}::date`);
      const counters = seg.inPeriod
        ? sql.join(counterNames.map((n) => sql`sum(${sql.id(n)}) AS ${sql.id(n)}`))
        : sql.join(counterNames.map((n) => sql`NULL::bigint AS ${sql.id(n)}`));
      return sql`SELECT ${key} AS key, channel, ${sql.lit(seg.inPeriod)} AS inp, ${counters},
          ${seg.inPeriod ? net : sql`NULL::bigint`} AS net, ${carried} AS carry
        FROM ${table} WHERE ${sql.join(where, sql` AND `)} GROUP BY 1, 2`;
    });
    const sum = (n: string) => sql`COALESCE(sum(${sql.ref(n)}), 0)`;
    const receivedBy = (c: DossierChannel) =>
      sql`COALESCE(sum(received) FILTER (WHERE inp AND channel = ${c}), 0)`;
    const query = sql<Record<string, string>>`
      SELECT key,
             ${sql.join(counterNames.map((n) => sql`${sum(n)} AS ${sql.ref(n)}`))},
             ${receivedBy('online')} AS received_online, ${receivedBy('counter')} AS received_counter,
             ${receivedBy('post')} AS received_post, ${receivedBy('national_portal')} AS received_portal,
             COALESCE(sum(carry), 0) AS carried_over,
             COALESCE(sum(carry), 0) + COALESCE(sum(net), 0) AS open_at_end
        FROM (${sql.join(parts, sql` UNION ALL `)}) s
       GROUP BY 1
       ORDER BY 1
       LIMIT 2000`;
    // No parallel workers: the tables' `parallel_workers = 0` (a few thousand rows, workers would
    // cost more to start than they save) and one statement, no transaction to set it in.
    const r = await query.execute(db);
    return r.rows.map((row) => {
      const out: Record<string, number | string> = { key: row['key'] ?? '' };
      for (const n of counterNames) out[n] = Number(row[n] ?? 0);
      return {
        ...(out as unknown as DailyCounters & { key: string }),
        receivedOnline: Number(row['received_online']),
        receivedCounter: Number(row['received_counter']),
        receivedPost: Number(row['received_post']),
        receivedPortal: Number(row['received_portal']),
        carriedOver: Number(row['carried_over']),
        openAtEnd: Number(row['open_at_end']),
      };
    });
  },

  /** One page of the register book (form 07): the agency's dossiers received in the period. */
  async register(
    db: DbOrTx,
    f: RegisterFilter,
    page: { limit: number; offset: number },
  ): Promise<RegisterRow[]> {
    let q = t(db)
      .selectFrom('dossiers_dossiers as d')
      .select([
        'd.id',
        'd.code',
        'd.applicant_name',
        'd.procedure_code',
        'd.procedure_name',
        'd.channel',
        'd.status',
        'd.submitted_at',
        'd.due_at',
        'd.finished_at',
        'd.received_at',
        'd.delivered_at',
      ])
      .where('d.agency_id', '=', f.agencyId)
      .where('d.status', '<>', 'draft')
      .where('d.submitted_at', '>=', f.fromTs)
      .where('d.submitted_at', '<', f.toTs);
    if (f.procedureCode) q = q.where('d.procedure_code', '=', f.procedureCode);
    if (f.channel) q = q.where('d.channel', '=', f.channel);
    if (f.group) q = q.where('d.status', 'in', groupStatuses[f.group]);
    if (f.timeliness === 'overdue') q = q.where('d.status', 'in', openStatuses).where('d.due_at', '<', f.now);
    else if (f.timeliness) {
      const op = f.timeliness === 'early' ? sql`<` : f.timeliness === 'on_time' ? sql`=` : sql`>`;
      q = q
        .where('d.status', 'in', finishedStatuses)
        .where(sql<boolean>`${localDateOf(sql`d.finished_at`)} ${op} ${localDateOf(sql`d.due_at`)}`);
    }
    const words = f.q?.trim();
    if (words) {
      q = q.where((eb) =>
        eb.or([
          eb('d.code', '=', words),
          // Without diacritics, on the trigram index of lt_fold(applicant_name).
          foldedContains(sql.ref('d.applicant_name'), words),
        ]),
      );
    }
    const rows = await q
      .orderBy('d.submitted_at')
      .orderBy('d.code')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map((r) => ({ ...r, code: r.code ?? '', submitted_at: r.submitted_at ?? new Date(0) }));
  },
};
