/**
 * Dossier submission without files (`POST /api/v1/dossiers/:id/submit`, a signed-in citizen's
 * session cookie, the seeded criminal record certificate whose only paper is the online form)
 * against the platform's hello-world route in the same run. Target (issue 4): ≥ 300
 * submissions/s with p99 < 100 ms.
 *
 * Each submission needs its own draft: drafts are made through the service at every agency,
 * then copied in SQL (values included) so each request submits a different one. Two loads:
 * drafts spread over 20 agencies (a province's departments: the per-agency day counter is not
 * shared), and all at one agency (every submission takes the same counter row).
 *
 * While the spread load runs, a second connection samples pg_stat_activity every 10 ms: the
 * share of busy database sessions that are in an audit statement (or waiting for the audit
 * chain's head-row lock) says how much of the submission's time is the audit chain.
 *
 *   node bench/dossiers-submit.bench.ts     BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { systemContext, type RequestContext } from '../src/platform/context.ts';
import { registerCitizen } from '../test/support/auth.ts';
import {
  benchConnections,
  benchSeconds,
  HELLO_PATH,
  measure,
  noErrors,
  p99Below,
  report,
  runBench,
  startBenchPlatform,
  type LoadResult,
  type Target,
} from './lib.ts';

const LLTP = '2.000488';
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

/** Hands each request the next draft's submit path (autocannon workers load it by file name). */
const setupRequestSource = `
const fs = require('node:fs');
const targets = JSON.parse(fs.readFileSync(process.env.LT_BENCH_PATHS, 'utf8'));
let next = 0;
module.exports = function setupRequest(request) {
  const [path, cookie] = targets[next++ % targets.length];
  request.path = path;
  request.headers = { ...request.headers, cookie };
  return request;
};
`;

runBench(async () => {
  const system = systemContext('bench');
  const t = await startBenchPlatform({
    env: { LOGIN_RATE_LIMIT: '1000' }, // the citizens register from one address
    prepare: async (p) => {
      await p.directory.seed(system);
      await p.services.seed(system);
    },
  });
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

    const setupFile = path.join(work, 'setup-request.cjs');
    writeFileSync(setupFile, setupRequestSource);

    const submitLoad = async (label: string, targets: [string, string][]): Promise<LoadResult> => {
      const pathsFile = path.join(work, `${label.replace(/\W+/g, '-')}.json`);
      writeFileSync(pathsFile, JSON.stringify(targets));
      process.env['LT_BENCH_PATHS'] = pathsFile;
      const r = await autocannon({
        url: t.baseUrl,
        connections: benchConnections,
        pipelining: 1,
        workers: 1,
        duration: benchSeconds,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: '{}',
        requests: [{ setupRequest: setupFile }],
      });
      return {
        label,
        path: 'POST /api/v1/dossiers/:id/submit',
        connections: benchConnections,
        seconds: benchSeconds,
        requests: r.requests.total,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
      };
    };

    // Samples what the database sessions are doing while the spread load runs.
    const sampler = new pg.Client({ connectionString: t.config.databaseUrl });
    await sampler.connect();
    const samples = { busy: 0, audit: 0, auditLockWait: 0, lockWait: 0, idleInTransaction: 0 };
    const statements = new Map<string, number>();
    let sampling = true;
    const sampling$ = (async () => {
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
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const hello = await measure(t, 'platform hello world', HELLO_PATH);
    const spreadResult = await submitLoad('submit, 20 agencies', spread);
    sampling = false;
    await sampling$;
    await sampler.end();
    const hotResult = await submitLoad('submit, one agency', hot);

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
      [spreadResult, hotResult],
      [
        noErrors(spreadResult),
        noErrors(hotResult),
        rpsAtLeast(spreadResult, 300),
        p99Below(spreadResult, 100),
        {
          text: `every submitted dossier has its own code (${submitted.rows[0]?.n} dossiers, ${submitted.rows[0]?.codes} codes)`,
          met: submitted.rows[0]?.n === submitted.rows[0]?.codes,
        },
      ],
    );
    console.log(
      `database sessions during "${spreadResult.label}" (sampled every 10 ms): ` +
        `busy ${samples.busy}; in an audit statement ${share(samples.audit, samples.busy)} ` +
        `(waiting for a lock there ${share(samples.auditLockWait, samples.busy)}); ` +
        `waiting for any lock ${share(samples.lockWait, samples.busy)}; ` +
        `idle in transaction (the application's turn) ${samples.idleInTransaction}`,
    );
    console.log('busiest statements:');
    for (const [statement, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 6))
      console.log(`  ${share(n, samples.busy).padStart(4)}  ${statement}`);
    return code;
  } finally {
    rmSync(work, { recursive: true, force: true });
    await t.close();
  }
});
