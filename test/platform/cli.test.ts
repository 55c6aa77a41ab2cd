import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { recordAuditAlone } from '../../src/platform/audit/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node src/cli.ts ...args` as an operator would, with only the given configuration. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...base, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('command line', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints help for the program and for every command, and exits 0', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    for (const command of ['start', 'migrate', 'seed', 'worker', 'create-admin', 'audit verify'])
      assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'), `${command} is listed`);
    const commands = [['start'], ['migrate'], ['seed'], ['worker'], ['create-admin'], ['audit', 'verify']];
    const results = await Promise.all(commands.map((c) => runCli([...c, '--help'])));
    results.forEach((r, i) => {
      const name = commands[i]?.join(' ') ?? '';
      assert.equal(r.code, 0, `${name} --help exits 0: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`Usage: lienthong ${name}`), name);
      assert.match(r.stdout, /--help/);
    });
    assert.match(results[4]?.stdout ?? '', /--agency/);
    assert.match(results[5]?.stdout ?? '', /--json/);
  });

  it('exits 2 on an unknown command or option', async () => {
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stdout, /Usage: lienthong <command>/);
    const badOption = await runCli(['migrate', '--force']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /--force/);
  });

  it('exits 1 listing every problem of a bad environment', async () => {
    const r = await runCli(['migrate'], {
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://nowhere',
      DATA_DIR: dataDir,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid configuration/);
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL'])
      assert.match(r.stderr, new RegExp(`- ${name}:`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for a configuration problem');
  });

  it('migrates an empty database, then finds it up to date', async () => {
    const adminUrl = process.env['LT_TEST_ADMIN_URL'];
    const template = process.env['LT_TEST_TEMPLATE'];
    assert.ok(adminUrl && template, 'run with npm test');
    // Named like the harness's databases so it is dropped even if this test dies.
    const name = `lt_t_${template.replace('lt_tpl_', '')}_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      const env = { DATABASE_URL: url.toString(), DATA_DIR: dataDir };
      const first = await runCli(['migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^Applied:\n {2}\d{12}_platform_audit\.sql$/m);
      const second = await runCli(['migrate'], env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout.trim(), 'Database is up to date.');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  describe('audit verify', () => {
    let t: TestDatabase;
    let env: Record<string, string>;
    before(async () => {
      t = await createTestDatabase();
      env = { DATABASE_URL: t.url, DATA_DIR: dataDir };
    });
    after(() => t.drop());

    it('passes on an intact chain and fails naming the event changed with SQL', async () => {
      const empty = await runCli(['audit', 'verify'], env);
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal(empty.stdout.trim(), 'Audit chain intact: 0 events verified.');

      const ids: string[] = [];
      for (let i = 1; i <= 5; i++)
        ids.push(
          (await recordAuditAlone(t.database.db, systemContext('cli-test'), { action: `test.step${i}` })).id,
        );
      const intact = await runCli(['audit', 'verify'], env);
      assert.equal(intact.code, 0, intact.stderr);
      assert.equal(intact.stdout.trim(), 'Audit chain intact: 5 events verified.');
      const intactJson = await runCli(['audit', 'verify', '--json'], env);
      assert.equal(intactJson.code, 0);
      assert.deepEqual(JSON.parse(intactJson.stdout), { ok: true, checked: 5, firstBreak: null });

      await t.database.pool.query(`UPDATE audit_events SET action = 'x' WHERE seq = 3`);
      const broken = await runCli(['audit', 'verify'], env);
      assert.equal(broken.code, 1);
      assert.match(broken.stdout, /BROKEN at event #3/);
      assert.ok(broken.stdout.includes(ids[2] ?? '?'), 'names the event by id');
      assert.match(broken.stdout, /hash_mismatch/);
      assert.match(broken.stdout, /2 events before it are intact/);
      const brokenJson = await runCli(['audit', 'verify', '--json'], env);
      assert.equal(brokenJson.code, 1);
      assert.deepEqual(JSON.parse(brokenJson.stdout), {
        ok: false,
        checked: 2,
        firstBreak: { seq: 3, eventId: ids[2], reason: 'hash_mismatch' },
      });

      await t.database.pool.query(`DELETE FROM audit_events WHERE seq = 5`);
      const truncated = await runCli(['audit', 'verify', '--json'], env);
      assert.equal(truncated.code, 1);
      assert.equal((JSON.parse(truncated.stdout) as { firstBreak: { seq: number } }).firstBreak.seq, 3);
    });
  });
});
