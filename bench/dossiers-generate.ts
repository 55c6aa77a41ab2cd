/**
 * A generator of realistic one-stop dossiers for benchmarks (issue 5): agencies of a province
 * (departments and communes under one provincial people's committee), 40 procedures with their
 * time limits and fees, and N dossiers over the last two years — skewed towards the busiest
 * agencies and procedures, received online, at the counter, by post or from the national portal,
 * in every status, with due dates on the working-day calendar, results early, on time or late,
 * fees paid online, ratings, papers, a timeline (dossiers_events) and the open step of each
 * dossier in processing (dossiers_steps). Rows are made by PostgreSQL itself (INSERT … SELECT over
 * generate_series, in batches), so a million dossiers take minutes on two cores; then the
 * statistics are rebuilt from them and the tables analysed.
 *
 *   DATABASE_URL=postgres://… node bench/dossiers-generate.ts --count 1000000 [--agencies 120]
 *
 * (the database must be migrated; `lienthong migrate`). The benchmark imports `generateDossiers`.
 */
import { parseArgs } from 'node:util';
import { sql, type RawBuilder } from 'kysely';
import { createDirectoryModule, type FullDirectoryService } from '../src/modules/directory/index.ts';
import { createDossierStatsModule } from '../src/modules/dossiers/stats/index.ts';
import { createWorkCalendar, localDay, type WorkCalendar } from '../src/platform/calendar/index.ts';
import { systemContext } from '../src/platform/context.ts';
import { openDatabase, type Db } from '../src/platform/db/database.ts';
import { createLogger } from '../src/platform/logger.ts';

const procedureNames = [
  'Đăng ký khai sinh',
  'Chứng thực bản sao từ bản chính',
  'Đăng ký thường trú',
  'Cấp giấy chứng nhận quyền sử dụng đất lần đầu',
  'Đăng ký kết hôn',
  'Cấp phiếu lý lịch tư pháp',
  'Đăng ký thành lập hộ kinh doanh',
  'Cấp giấy phép xây dựng nhà ở riêng lẻ',
  'Đăng ký khai tử',
  'Cấp bản sao trích lục hộ tịch',
  'Đăng ký biến động quyền sử dụng đất',
  'Cấp giấy phép lái xe (đổi)',
  'Đăng ký thành lập doanh nghiệp',
  'Xác nhận tình trạng hôn nhân',
  'Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi',
];
const limits = [1, 3, 5, 7, 10, 15, 20, 30];

const surnames = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const middles = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Đức', 'Hữu', 'Thu', 'Quốc', 'Gia', 'Bảo', 'Xuân'];
const givens = [
  'An',
  'Bình',
  'Châu',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hùng',
  'Hương',
  'Khánh',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Nga',
  'Phúc',
  'Quang',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Tuấn',
  'Uyên',
  'Việt',
  'Yến',
  'Khôi',
  'Tuyết',
  'Ánh',
];

export interface BenchAgency {
  id: string;
  name: string;
  code: string;
}

export interface GeneratedDossiers {
  agencies: BenchAgency[];
  /** The provincial people's committee every other agency sits under. */
  province: BenchAgency;
  procedures: { code: string; name: string }[];
  dossiers: number;
  seconds: { dossiers: number; rebuild: number; total: number };
  statsRows: number;
}

/** The procedures of the generator: code, name, time limit (working days), fee. */
export function benchProcedures(count = 40) {
  return Array.from({ length: count }, (_, i) => ({
    code: `1.${String(1000 + i * 37).padStart(6, '0')}`,
    name: procedureNames[i] ?? `Thủ tục hành chính thử tải số ${i + 1}`,
    limit: limits[i % limits.length] ?? 5,
    fee: i % 3 === 0 ? 0 : ([8000, 20000, 50000, 100000, 200000][i % 5] ?? 0),
  }));
}

/** A province UBND and `count − 1` departments and communes under it, in the directory. */
export async function ensureBenchAgencies(
  directory: Pick<FullDirectoryService, 'createAgency'>,
  count: number,
): Promise<{ province: BenchAgency; agencies: BenchAgency[] }> {
  const ctx = systemContext('bench');
  const make = async (i: number, parentId: string | null) => {
    const code = `${String(100 + (i % 900)).padStart(3, '0')}.${String(Math.floor(i / 900) % 100).padStart(2, '0')}.47.H99`;
    const kind = i === 0 ? 'province_ubnd' : i <= 20 ? 'department' : 'commune';
    const name =
      i === 0
        ? 'Ủy ban nhân dân tỉnh Thử Tải'
        : i <= 20
          ? `Sở thử tải số ${i}`
          : `Ủy ban nhân dân xã Thử Tải ${i - 20}`;
    const a = await directory.createAgency(ctx, { name, kind, parentId, codes: [{ scheme: 'QD20', code }] });
    return { id: a.id, name: a.name, code };
  };
  const province = await make(0, null);
  const agencies = [province];
  for (let i = 1; i < count; i++) agencies.push(await make(i, province.id));
  return { province, agencies };
}

/** A valid version-4-shaped UUID made from text in SQL (the same text gives the same id). */
export function uuidOf(text: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`overlay(overlay(md5(${text}) placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid`;
}

/** Day numbers and cumulative working days, for due dates computed in SQL. */
function calendarArrays(calendar: WorkCalendar, fromDay: number, toDay: number) {
  const days: string[] = [];
  const cum: number[] = [];
  const working: boolean[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    days.push(new Date(d * 86_400_000).toISOString().slice(0, 10));
    cum.push(calendar.workingDaysBetween(fromDay - 1, d));
    working.push(calendar.isWorkingDay(d));
  }
  return { days, cum, working };
}

/**
 * Inserts `count` dossiers (with timelines, papers and open steps) for `agencies`, in batches,
 * then rebuilds the statistics. `now` ends the two years (default: now).
 */
export async function generateDossiers(
  db: Db,
  o: {
    count: number;
    agencies: BenchAgency[];
    calendar?: WorkCalendar;
    now?: Date;
    batch?: number;
    log?: (line: string) => void;
  },
): Promise<Omit<GeneratedDossiers, 'province'>> {
  const started = Date.now();
  const calendar = o.calendar ?? createWorkCalendar();
  const now = o.now ?? new Date();
  const log = o.log ?? (() => undefined);
  const procedures = benchProcedures();
  const today = localDay(now);
  const firstDay = today - 730;
  const cal = calendarArrays(calendar, firstDay - 10, today + 200);
  const ag = o.agencies;
  await sql`DROP TABLE IF EXISTS gen_cal, gen_wd, gen_ag, gen_pr`.execute(db);
  // Unlogged work tables (temporary ones would not be seen by other pool connections).
  await sql`CREATE UNLOGGED TABLE gen_cal AS SELECT * FROM unnest(${cal.days}::date[], ${cal.cum}::int[], ${cal.working}::boolean[]) AS c(day, n, working)`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX ON gen_cal (day)`.execute(db);
  await sql`CREATE UNLOGGED TABLE gen_wd AS SELECT n, min(day) AS day FROM gen_cal WHERE working GROUP BY n`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX ON gen_wd (n)`.execute(db);
  await sql`CREATE UNLOGGED TABLE gen_ag AS SELECT * FROM unnest(${ag.map((_, i) => i)}::int[], ${ag.map((a) => a.id)}::uuid[], ${ag.map((a) => a.name)}::text[], ${ag.map((a) => a.code)}::text[]) AS a(idx, id, name, code)`.execute(
    db,
  );
  await sql`CREATE UNLOGGED TABLE gen_pr AS SELECT * FROM unnest(${procedures.map((_, i) => i)}::int[], ${procedures.map((p) => p.code)}::text[], ${procedures.map((p) => p.name)}::text[], ${procedures.map((p) => p.limit)}::int[], ${procedures.map((p) => p.fee)}::bigint[]) AS p(idx, code, name, lim, fee)`.execute(
    db,
  );

  // Bulk load: secondary indexes of the loaded tables are dropped and rebuilt afterwards from
  // their own definitions (building an index once is far cheaper than a million inserts into
  // it, a trigram index above all); unique ones stay, they guard the data.
  const indexes = await sql<{ name: string; def: string }>`
    SELECT i.indexname AS name, i.indexdef AS def
      FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
     WHERE i.schemaname = current_schema()
       AND i.tablename IN ('dossiers_dossiers', 'dossiers_events', 'dossiers_papers', 'dossiers_steps')
       AND NOT x.indisunique AND NOT x.indisprimary`.execute(db);
  for (const i of indexes.rows) await sql`DROP INDEX ${sql.id(i.name)}`.execute(db);
  const batch = o.batch ?? 100_000;
  const nowTs = now.toISOString();
  for (let offset = 0; offset < o.count; offset += batch) {
    const n = Math.min(batch, o.count - offset);
    const t0 = Date.now();
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL synchronous_commit = off`.execute(trx);
      await sql`SELECT setseed(${((offset / o.count) % 1) * 0.999})`.execute(trx);
      // One draw per dossier; every later column derives from it.
      await sql`
        CREATE TEMP TABLE gen ON COMMIT DROP AS
        SELECT i,
               floor(${ag.length}::int * power(random(), 1.6))::int AS ag,
               floor(${procedures.length}::int * power(random(), 2.2))::int AS pr,
               random() AS r_ch, random() AS r_st, random() AS r_dur, random() AS r_fee,
               random() AS r_rate, random() AS r_res, random() AS r_paper,
               floor(random() * ${surnames.length})::int AS n1, floor(random() * ${middles.length})::int AS n2,
               floor(random() * ${givens.length})::int AS n3,
               (${nowTs}::timestamptz - (random() * interval '730 days')) AS raw_at
          FROM generate_series(${offset + 1}::int, ${offset + n}::int) AS i`.execute(trx);
      await sql`
        CREATE TEMP TABLE gen2 ON COMMIT DROP AS
        SELECT g.*, a.id AS agency_id, a.name AS agency_name, a.code AS agency_code,
               p.code AS procedure_code, p.name AS procedure_name, p.lim, p.fee,
               CASE WHEN g.r_ch < 0.45 THEN 'online' WHEN g.r_ch < 0.85 THEN 'counter'
                    WHEN g.r_ch < 0.90 THEN 'post' ELSE 'national_portal' END AS channel,
               -- Counter and post dossiers arrive in office hours (08:00–16:00) on working days.
               CASE WHEN g.r_ch >= 0.45 AND g.r_ch < 0.90
                    THEN LEAST((wd.day + interval '1 hour' + (g.r_dur * interval '8 hours')) AT TIME ZONE 'UTC',
                               ${nowTs}::timestamptz - interval '1 minute')
                    ELSE g.raw_at END AS submitted_at
          FROM gen g
          JOIN gen_ag a ON a.idx = g.ag
          JOIN gen_pr p ON p.idx = g.pr
          JOIN gen_cal c ON c.day = ((g.raw_at AT TIME ZONE 'UTC') + interval '7 hours')::date
          JOIN gen_wd wd ON wd.n = c.n + CASE WHEN c.working THEN 0 ELSE 1 END`.execute(trx);
      // Acceptance a little after submission; the due date counts from it on the calendar (the
      // day itself when it is a working day before 17:00); the result comes after a share of the
      // time limit (about one in ten late); the age and the draw decide the status.
      await sql`
        CREATE TEMP TABLE gen3 ON COMMIT DROP AS
        SELECT x.*, (due.day + interval '10 hours') AT TIME ZONE 'UTC' AS due_at,
               x.received_at + (x.lim * (0.05 + power(x.r_dur, 6)) * 1.4) * interval '1 day' AS done_at
          FROM (SELECT g.*, g.submitted_at + CASE WHEN g.channel IN ('counter', 'post') THEN interval '0'
                             ELSE (g.r_st * interval '20 hours') END AS received_at
                  FROM gen2 g) x
          JOIN gen_cal c ON c.day = ((x.received_at AT TIME ZONE 'UTC') + interval '7 hours')::date
          JOIN gen_wd due ON due.n = c.n + x.lim
            - CASE WHEN c.working AND ((x.received_at AT TIME ZONE 'UTC') + interval '7 hours')::time < time '17:00'
                   THEN 1 ELSE 0 END`.execute(trx);
      await sql`
        CREATE TEMP TABLE gen4 ON COMMIT DROP AS
        SELECT x.*, CASE
            WHEN x.received_at > ${nowTs}::timestamptz THEN 'submitted'
            WHEN x.r_st < 0.03 THEN 'refused'
            WHEN x.r_st < 0.05 THEN 'withdrawn'
            WHEN x.r_st < 0.06 THEN 'stopped'
            WHEN x.done_at <= ${nowTs}::timestamptz AND x.r_st < 0.97 THEN
              CASE WHEN x.r_res < 0.9 THEN 'delivered' ELSE 'result_ready' END
            WHEN x.r_st < 0.10 THEN 'awaiting_supplement'
            WHEN x.r_st < 0.12 AND x.fee > 0 THEN 'awaiting_payment'
            WHEN x.r_st < 0.20 THEN 'received'
            WHEN x.received_at + interval '2 hours' > ${nowTs}::timestamptz THEN 'submitted'
            ELSE 'processing' END AS status
          FROM gen3 x`.execute(trx);
      await sql`
        CREATE TEMP TABLE gen5 ON COMMIT DROP AS
        SELECT y.*,
               CASE WHEN y.status IN ('result_ready', 'delivered') THEN y.done_at
                    WHEN y.status = 'refused' THEN y.submitted_at + interval '1 hour'
                    WHEN y.status = 'stopped' THEN y.received_at + interval '2 days'
                    END AS finished_at,
               CASE WHEN y.status = 'delivered' THEN y.done_at + interval '2 hours' END AS delivered_at,
               CASE WHEN y.status = 'withdrawn' THEN y.received_at + interval '1 day' END AS withdrawn_at
          FROM gen4 y`.execute(trx);
      await sql`
        INSERT INTO dossiers_dossiers (id, code, applicant_account_id, applicant_name, procedure_code,
          procedure_name, version_id, agency_id, agency_name, agency_code, status, channel, fee_total,
          fee_paid_at, result_sha256, submitted_at, received_at, due_at, original_due_at, finished_at,
          delivered_at, return_method, timeliness, rating, feedback_at, archived_at, created_at, updated_at)
        SELECT ${uuidOf(sql`'d' || i`)},
               agency_code || '-' || to_char((submitted_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYMMDD')
                 || '-' || lpad(i::text, 7, '0'),
               CASE WHEN channel IN ('online', 'national_portal') THEN ${uuidOf(sql`'c' || (i % 400000)`)} END,
               (${surnames}::text[])[n1 + 1] || ' ' || (${middles}::text[])[n2 + 1] || ' ' || (${givens}::text[])[n3 + 1],
               procedure_code, procedure_name, ${uuidOf(sql`'v' || pr`)}, agency_id, agency_name, agency_code,
               status, channel, fee,
               CASE WHEN fee > 0 AND status NOT IN ('submitted', 'awaiting_payment', 'refused')
                         AND ((channel IN ('online', 'national_portal') AND r_fee < 0.8) OR r_fee < 0.1)
                    THEN received_at + interval '1 hour' END,
               CASE WHEN status IN ('result_ready', 'delivered') AND r_res < 0.7
                    THEN encode(sha256(('r' || i)::bytea), 'hex') END,
               submitted_at,
               CASE WHEN status NOT IN ('submitted', 'refused') THEN received_at END,
               CASE WHEN status NOT IN ('submitted', 'refused') THEN due_at END,
               CASE WHEN status NOT IN ('submitted', 'refused') THEN due_at END,
               finished_at, delivered_at,
               CASE WHEN status = 'delivered' THEN CASE WHEN channel = 'post' THEN 'post'
                    WHEN channel = 'counter' THEN 'counter' ELSE 'online' END END,
               CASE WHEN status IN ('result_ready', 'delivered') THEN
                 CASE WHEN ((finished_at AT TIME ZONE 'UTC') + interval '7 hours')::date
                           < ((due_at AT TIME ZONE 'UTC') + interval '7 hours')::date THEN 'early'
                      WHEN ((finished_at AT TIME ZONE 'UTC') + interval '7 hours')::date
                           = ((due_at AT TIME ZONE 'UTC') + interval '7 hours')::date THEN 'on_time'
                      ELSE 'late' END END,
               CASE WHEN status = 'delivered' AND r_rate < 0.35 THEN
                 CASE WHEN r_rate < 0.175 THEN 5 WHEN r_rate < 0.28 THEN 4 WHEN r_rate < 0.32 THEN 3
                      WHEN r_rate < 0.34 THEN 2 ELSE 1 END END,
               CASE WHEN status = 'delivered' AND r_rate < 0.35
                    THEN LEAST(delivered_at + interval '1 day', ${nowTs}::timestamptz) END,
               CASE WHEN status IN ('delivered', 'refused', 'stopped') THEN COALESCE(delivered_at, finished_at)
                    WHEN status = 'withdrawn' THEN withdrawn_at END,
               submitted_at,
               COALESCE(delivered_at, finished_at, withdrawn_at, received_at, submitted_at)
          FROM gen5`.execute(trx);
      // The timeline: every status the dossier went through, at its time.
      await sql`
        INSERT INTO dossiers_events (dossier_id, kind, status, actor_kind, at)
        SELECT ${uuidOf(sql`'d' || i`)}, 'status', e.status, e.actor, e.at
          FROM gen5,
               LATERAL (VALUES
                 ('submitted', 'citizen', submitted_at, true),
                 ('received', 'official', received_at, status NOT IN ('submitted', 'refused')),
                 ('processing', 'official', received_at + interval '1 hour',
                    status IN ('processing', 'result_ready', 'delivered', 'stopped')),
                 ('awaiting_supplement', 'official', received_at + interval '1 hour', status = 'awaiting_supplement'),
                 ('awaiting_payment', 'official', received_at + interval '1 hour', status = 'awaiting_payment'),
                 ('result_ready', 'official', finished_at, status IN ('result_ready', 'delivered')),
                 ('delivered', 'official', delivered_at, status = 'delivered'),
                 ('refused', 'official', finished_at, status = 'refused'),
                 ('stopped', 'official', finished_at, status = 'stopped'),
                 ('withdrawn', 'citizen', withdrawn_at, status = 'withdrawn')
               ) AS e(status, actor, at, present)
         WHERE e.present`.execute(trx);
      await sql`
        INSERT INTO dossiers_papers (id, dossier_id, paper_key, purpose, file_name, media_type, sha256, bytes, uploaded_at)
        SELECT ${uuidOf(sql`'p' || i`)}, ${uuidOf(sql`'d' || i`)}, 'toKhai', 'paper', 'to-khai.pdf', 'application/pdf',
               encode(sha256(('p' || i)::bytea), 'hex'), 120000 + (i % 50000), submitted_at
          FROM gen5 WHERE r_paper < 0.6`.execute(trx);
      // The open step of each dossier being processed (a specialist's examination), assigned to one
      // of five officers of the agency or waiting in the queue of the role.
      await sql`
        INSERT INTO dossiers_steps (id, dossier_id, agency_id, seq, step_index, step_key, name_vi, name_en,
          role, assignee_id, assignee_name, started_at, due_at)
        SELECT ${uuidOf(sql`'s' || i`)}, ${uuidOf(sql`'d' || i`)}, agency_id, 1, 0, 'tham_dinh', 'Thẩm định hồ sơ',
               'Examination', 'specialist',
               CASE WHEN r_res < 0.7 THEN ${uuidOf(sql`'o' || ag || '-' || (i % 5)`)} END,
               CASE WHEN r_res < 0.7 THEN 'Chuyên viên ' || (i % 5 + 1) END,
               received_at + interval '1 hour', received_at + interval '1 day 1 hour'
          FROM gen5 WHERE status IN ('received', 'processing')`.execute(trx);
    });
    log(`  dossiers ${offset + n}/${o.count} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const t2 = Date.now();
  await sql`SET maintenance_work_mem = '256MB'`.execute(db);
  for (const i of indexes.rows) await sql.raw(i.def).execute(db);
  log(`  ${indexes.rows.length} indexes rebuilt (${((Date.now() - t2) / 1000).toFixed(1)} s)`);
  const tDossiers = (Date.now() - started) / 1000;
  const stats = createDossierStatsModule({
    db,
    calendar,
    directory: {
      getAgency: () => Promise.resolve(null),
      isWithin: () => Promise.resolve(false),
      search: () => Promise.resolve({ items: [], page: 1, hasNext: false }),
    },
  });
  const t1 = Date.now();
  const rebuilt = await stats.rebuild();
  const tRebuild = (Date.now() - t1) / 1000;
  await sql`DROP TABLE IF EXISTS gen_cal, gen_wd, gen_ag, gen_pr`.execute(db);
  await sql`ANALYZE`.execute(db);
  return {
    agencies: ag,
    procedures: procedures.map((p) => ({ code: p.code, name: p.name })),
    dossiers: o.count,
    seconds: { dossiers: tDossiers, rebuild: tRebuild, total: (Date.now() - started) / 1000 },
    statsRows: rebuilt.rows,
  };
}

/** `node bench/dossiers-generate.ts --count N [--agencies A]` against DATABASE_URL (migrated). */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '1000000' }, agencies: { type: 'string', default: '120' } },
  });
  const url = process.env['DATABASE_URL'];
  if (!url) {
    console.error('DATABASE_URL is required (a migrated database).');
    return 2;
  }
  const count = Number(values.count);
  const agencyCount = Number(values.agencies);
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    count > 20_000_000 ||
    !Number.isInteger(agencyCount) ||
    agencyCount < 2 ||
    agencyCount > 5000
  ) {
    console.error('--count 1…20000000, --agencies 2…5000');
    return 2;
  }
  const database = openDatabase(url, 4);
  try {
    const directory = createDirectoryModule({ db: database.db, logger: createLogger('silent') });
    const { agencies } = await ensureBenchAgencies(directory.service, agencyCount);
    const r = await generateDossiers(database.db, { count, agencies, log: (l) => console.log(l) });
    console.log(
      `${r.dossiers} dossiers in ${r.seconds.dossiers.toFixed(1)} s; statistics rebuilt in ${r.seconds.rebuild.toFixed(1)} s (${r.statsRows} daily rows)`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
