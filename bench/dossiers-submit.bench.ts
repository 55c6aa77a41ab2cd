/**
 * Dossier submission without files (`POST /api/v1/dossiers/:id/submit`, a signed-in citizen's
 * session cookie, the seeded criminal record certificate whose only paper is the online form)
 * against the platform's hello-world route in the same run. Target (issue 4): ≥ 300
 * submissions/s with p99 < 100 ms.
 *
 * Each submission needs its own draft: drafts are made through the service at every agency,
 * then copied in SQL (values included) so each request submits a different one. Two loads:
 * drafts spread over 20 agencies (a province's departments: the per-agency day counter is not
 * shared), and all at one agency (every submission takes the same counter row), each as fast
 * as 50 connections are answered; then a paced load at the issue's rate (300/s offered over 50
 * connections, BENCH_SUBMIT_RATE), spread over the 20 agencies, whose p99 is the target's: with
 * 50 connections each waiting for its answer, the mean latency is 50 ÷ throughput, so the
 * unpaced loads' p99 only falls under 100 ms well above 500/s.
 *
 * While the spread load runs, a second connection samples pg_stat_activity every 50 ms: the
 * share of busy database sessions that are in an audit statement (or waiting for the audit
 * chain's head-row lock) says how much of the submission's time is the audit chain.
 *
 * The load client (autocannon) runs in a child process (`support/dossiers-load.ts`), the hello
 * world baseline too, so this process is the server alone: per request it prints the SQL
 * statements the server sent (each a round trip), by text, and the CPU milliseconds of the
 * server's process and of the embedded PostgreSQL's (`support/dossiers-meter.ts`) — figures that
 * move far less with the shared machine's load than requests per second. With
 * BENCH_CPU_PROFILE=file it also writes a CPU profile of the server during the spread load. On a
 * DATABASE_URL server that preloads pg_stat_statements it prints the busiest statements too
 * (BENCH_PG_DATADIR=its data folder: its CPU time as well).
 *
 *   node bench/dossiers-submit.bench.ts     BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { systemContext, type RequestContext } from '../src/platform/context.ts';
import { registerCitizen } from '../test/support/auth.ts';
import {
  benchConnections,
  benchSeconds,
  HELLO_PATH,
  noErrors,
  p99Below,
  report,
  runBench,
  startBenchPlatform,
  type LoadResult,
  type Target,
} from './lib.ts';
import { loadApart, type LoadSpec } from './support/dossiers-load.ts';
import {
  startMeter,
  startProfile,
  statementStats,
  uncounted,
  type MeterReading,
} from './support/dossiers-meter.ts';

const LLTP = '2.000488';
/** The offered load of the paced run (BENCH_SUBMIT_RATE, default the 300/s). */
const rate = Number(process.env['BENCH_SUBMIT_RATE'] ?? 300);
const values = {
  fullName: 'Lê Văn Thành',
  sex: 'nam',
  birthDate: '1990-05-04',
  birthPlace: 'Nghệ An',
  nationality: 'Việt Nam',
  idNumber: '040090012345',
  residences: [{ period: '05/2004 - nay', address: 'Phường Vinh Phú, Nghệ An' }],
  certificateType: '2',
  purpose: 'Bổ sung hồ sơ xin việc',
  copies: 3,
  phone: '0912345678',
  delivery: 'truc_tuyen',
  pledge: true,
};

runBench(async () => {
  const system = systemContext('bench');
  const t = await startBenchPlatform({
    env: { LOGIN_RATE_LIMIT: '1000' }, // the citizens register from one address
    prepare: async (p) => {
      await p.directory.seed(system);
      await p.services.seed(system);
    },
  });
  console.log(
    `load average at the start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`,
  );
  const work = mkdtempSync(path.join(tmpdir(), 'lienthong-bench-submit-'));
  try {
    const { platform, database } = t;
    // Twenty-one citizens, each signed in once, each filing at one agency.
    const citizens: { ctx: RequestContext; cookie: string }[] = [];
    for (let i = 0; i < 21; i++) {
      const c = await registerCitizen(t, { fullName: `Lê Văn Thành ${i + 1}` });
      const ctx: RequestContext = {
        actor: { kind: 'citizen', accountId: c.accountId, sessionId: null },
        requestId: 'bench',
        ip: '127.0.0.1',
        locale: 'vi',
      };
      citizens.push({ ctx, cookie: c.client.cookieHeader() });
    }
    const agencies: string[] = [];
    for (let i = 0; i < 21; i++) {
      const a = await platform.directory.service.createAgency(system, {
        name: `Công an tỉnh thử nghiệm ${i + 1}`,
        kind: 'department',
        codes: [{ scheme: 'QD20', code: `${String(100 + i)}.${String(10 + i)}.${String(20 + i)}.H40` }],
      });
      agencies.push(a.id);
    }
    const service = platform.dossiers.service;
    /** `count` drafts of a citizen at `agencyId`: one through the service, the rest copied in SQL. */
    const drafts = async (
      who: { ctx: RequestContext; cookie: string } | undefined,
      agencyId: string | undefined,
      count: number,
    ): Promise<[string, string][]> => {
      if (!who || !agencyId) throw new Error('bench set-up');
      const { ctx } = who;
      const first = await service.createDraft(ctx, {
        procedureCode: LLTP,
        agencyId,
        applicantName: 'Lê Văn Thành',
      });
      await service.saveValues(ctx, first.id, values);
      const { rows } = await database.pool.query<{ id: string }>(
        `INSERT INTO dossiers_dossiers
           SELECT (jsonb_populate_record(NULL::dossiers_dossiers,
                     to_jsonb(d) || jsonb_build_object('id', gen_random_uuid()))).*
             FROM dossiers_dossiers d, generate_series(2, $2)
            WHERE d.id = $1
         RETURNING id`,
        [first.id, count],
      );
      return [first.id, ...rows.map((r) => r.id)].map((id) => [`/api/v1/dossiers/${id}/submit`, who.cookie]);
    };
    const perRun = Math.min(Math.ceil(600 * (benchSeconds + 1)), 40_000); // 600/s at most, then 409s
    const spread: [string, string][] = [];
    for (let i = 0; i < 20; i++)
      spread.push(...(await drafts(citizens[i], agencies[i], Math.ceil(perRun / 20))));
    spread.sort(() => Math.random() - 0.5); // interleave the agencies
    const hot = await drafts(citizens[20], agencies[20], perRun);
    const paced: [string, string][] = [];
    for (let i = 0; i < 20; i++)
      paced.push(
        ...(await drafts(citizens[i], agencies[i], Math.ceil((rate * (benchSeconds + 1) * 1.1) / 20))),
      );
    paced.sort(() => Math.random() - 0.5);

    /** One load from the client process, with what the server spent meanwhile. */
    const load = async (
      label: string,
      path_: string,
      spec: Omit<LoadSpec, 'url' | 'connections' | 'seconds' | 'warmup'>,
      profiled = false,
    ): Promise<{ result: LoadResult; meter: MeterReading; clientCpuMs: number }> => {
      let meter: ReturnType<typeof startMeter> | null = null;
      let profile: Promise<{ stop(): Promise<void> }> | null = null;
      const figures = await loadApart(
        { url: t.baseUrl, connections: benchConnections, seconds: benchSeconds, warmup: 1, ...spec },
        () => {
          meter = startMeter(t.config.dataDir);
          if (profiled) profile = startProfile();
        },
      );
      const reading = (meter as ReturnType<typeof startMeter> | null)?.stop();
      await (await (profile as Promise<{ stop(): Promise<void> }> | null))?.stop();
      if (!reading) throw new Error('the load client never started measuring');
      return {
        result: {
          label,
          path: path_,
          connections: benchConnections,
          seconds: benchSeconds,
          requests: figures.requests,
          rps: figures.rps,
          p50: figures.p50,
          p99: figures.p99,
          errors: figures.errors,
        },
        meter: reading,
        clientCpuMs: figures.clientCpuMs,
      };
    };
    const submitLoad = (label: string, targets: [string, string][], profiled = false, pace?: number) => {
      const targetsFile = path.join(work, `${label.replace(/\W+/g, '-')}.json`);
      writeFileSync(targetsFile, JSON.stringify(targets));
      return load(
        label,
        'POST /api/v1/dossiers/:id/submit',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: '{}',
          targetsFile,
          ...(pace === undefined ? {} : { rate: pace }),
        },
        profiled,
      );
    };

    // Samples what the database sessions are doing while the spread load runs.
    const sampler = uncounted(new pg.Client({ connectionString: t.config.databaseUrl }));
    await sampler.connect();
    const samples = { busy: 0, audit: 0, auditLockWait: 0, lockWait: 0, idleInTransaction: 0 };
    const statements = new Map<string, number>();
    let sampling = false;
    const sample = async () => {
      while (sampling) {
        const { rows } = await sampler.query<{
          query: string;
          state: string;
          wait_event_type: string | null;
        }>(
          `SELECT query, state, wait_event_type FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND state IN ('active', 'idle in transaction')`,
        );
        for (const r of rows) {
          if (r.state === 'idle in transaction') {
            samples.idleInTransaction += 1;
            continue;
          }
          if (/graphile_worker/.test(r.query)) continue;
          samples.busy += 1;
          const statement = r.query.replace(/\s+/g, ' ').slice(0, 90);
          statements.set(statement, (statements.get(statement) ?? 0) + 1);
          const audit = /audit/i.test(r.query);
          if (audit) samples.audit += 1;
          if (r.wait_event_type === 'Lock') {
            samples.lockWait += 1;
            if (audit) samples.auditLockWait += 1;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const helloRun = await load('platform hello world', HELLO_PATH, { targetsFile: undefined });
    const hello = helloRun.result;
    const pgss = await statementStats(sampler);
    sampling = true;
    const sampling$ = sample();
    const spreadRun = await submitLoad('submit, 20 agencies', spread, true);
    const spreadResult = spreadRun.result;
    sampling = false;
    await sampling$;
    const executed = await pgss?.read(spreadResult.requests);
    await sampler.end();
    const hotRun = await submitLoad('submit, one agency', hot);
    const hotResult = hotRun.result;
    const pacedRun = await submitLoad(`submit ${rate}/s, 20 agencies`, paced, false, rate);
    const pacedResult = pacedRun.result;

    const submitted = await database.pool.query<{ n: number; codes: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT code)::int AS codes
         FROM dossiers_dossiers WHERE status = 'submitted'`,
    );
    const share = (n: number, of: number) => (of === 0 ? '—' : `${((100 * n) / of).toFixed(0)}%`);
    const rpsAtLeast = (r: LoadResult, rps: number): Target => ({
      text: `${r.label}: ≥ ${rps} submissions/s (got ${Math.round(r.rps)})`,
      met: r.rps >= rps,
    });
    const code = report(
      'Dossier submission without files',
      hello,
      [spreadResult, hotResult, pacedResult],
      [
        noErrors(spreadResult),
        noErrors(hotResult),
        noErrors(pacedResult),
        rpsAtLeast(spreadResult, 300),
        rpsAtLeast(pacedResult, rate * 0.98),
        p99Below(pacedResult, 100),
        p99Below(spreadResult, 100),
        {
          text: `every submitted dossier has its own code (${submitted.rows[0]?.n} dossiers, ${submitted.rows[0]?.codes} codes)`,
          met: submitted.rows[0]?.n === submitted.rows[0]?.codes,
        },
      ],
    );
    console.log(
      `database sessions during "${spreadResult.label}" (sampled every 50 ms): ` +
        `busy ${samples.busy}; in an audit statement ${share(samples.audit, samples.busy)} ` +
        `(waiting for a lock there ${share(samples.auditLockWait, samples.busy)}); ` +
        `waiting for any lock ${share(samples.lockWait, samples.busy)}; ` +
        `idle in transaction (the application's turn) ${samples.idleInTransaction}`,
    );
    console.log(
      `(at ${benchConnections} connections each waiting for its answer, the mean latency is connections ÷ throughput: ` +
        `a p99 under 100 ms there needs well over ${Math.round(benchConnections / 0.1)}/s; the paced run offers ` +
        `${rate}/s and measures the latency at that rate, with autocannon's correction for coordinated omission)`,
    );
    console.log('busiest statements:');
    for (const [statement, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 6))
      console.log(`  ${share(n, samples.busy).padStart(4)}  ${statement}`);
    // What the server spent per request: statements (round trips), its own CPU and the database's.
    const per = (n: number | null, r: LoadResult) =>
      n === null || r.requests === 0 ? '—' : (n / r.requests).toFixed(2);
    console.log('\nper request, server side (the load client runs in a process of its own):');
    console.log('                       statements  server CPU ms  database CPU ms  client CPU ms');
    for (const run of [helloRun, spreadRun, hotRun, pacedRun])
      console.log(
        `  ${run.result.label.padEnd(20)} ${per(run.meter.statements, run.result).padStart(10)}` +
          `  ${per(run.meter.serverCpuMs, run.result).padStart(13)}  ${per(run.meter.databaseCpuMs, run.result).padStart(15)}` +
          `  ${per(run.clientCpuMs, run.result).padStart(13)}`,
      );
    console.log(`statements per submission ("${spreadResult.label}"):`);
    for (const [text, n] of [...spreadRun.meter.byText].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`  ${per(n, spreadResult).padStart(5)}  ${text}`);
    if (executed) {
      console.log(`pg_stat_statements during "${spreadResult.label}" (share of execution time):`);
      for (const line of executed) console.log(`  ${line}`);
    }
    console.log(
      `load average at the end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')}`,
    );
    return code;
  } finally {
    rmSync(work, { recursive: true, force: true });
    await t.close();
  }
});
