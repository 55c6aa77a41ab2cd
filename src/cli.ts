#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type Config } from './platform/config.ts';
import { connectDatabase, prepareDatabase, type ConnectedDatabase } from './platform/db/connect.ts';
import { createLogger } from './platform/logger.ts';
import { startWorker, type WorkerHandle } from './platform/jobs/index.ts';
import { systemContext } from './platform/context.ts';
import { verifyAuditChain } from './platform/audit/index.ts';
import type * as MainModule from './main.ts';
import type { Platform } from './main.ts';
import { cliCommands as moduleCommands } from './cli/commands.ts';

interface Command {
  summary: string;
  usage: string;
  options?: Record<string, { type: 'string' | 'boolean'; short?: string; description: string }>;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number>;
}

/** The composition root is loaded only by commands that need it, so database-free commands start fast. */
async function loadPlatform(): Promise<typeof MainModule> {
  return import('./main.ts');
}

async function withDatabase<T>(config: Config, fn: (db: ConnectedDatabase) => Promise<T>): Promise<T> {
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const connected = await connectDatabase(config, logger);
  try {
    await prepareDatabase(connected.database, logger);
    return await fn(connected);
  } finally {
    await connected.close();
  }
}

async function withPlatform<T>(
  config: Config,
  fn: (p: Platform, db: ConnectedDatabase) => Promise<T>,
): Promise<T> {
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  return withDatabase(config, async (connected) =>
    fn(
      await (await loadPlatform()).buildPlatform({ config, logger, database: connected.database }),
      connected,
    ),
  );
}

function printDemoAccess(config: Config, credentials: { username: string; password: string } | null): void {
  console.log(`\nLiên thông is running at ${config.baseUrl}`);
  if (credentials) {
    console.log(`Demo administrator: username "${credentials.username}", password "${credentials.password}"`);
    console.log('(demo credentials: change them before any real use)\n');
  }
}

const commands: Record<string, Command> = {
  start: {
    summary: 'Start the HTTP server (and the background workers unless RUN_WORKER=false)',
    usage: 'lienthong start [--demo]',
    options: {
      demo: {
        type: 'boolean',
        description: 'seed demo agencies and a demo administrator if absent, and print the credentials',
      },
    },
    async run({ values }) {
      const started = Date.now();
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      // Start the database while the modules load: both take about a second.
      const [connected, { buildPlatform, seedReferenceData, shutdownPlatform }] = await Promise.all([
        connectDatabase(config, logger),
        loadPlatform(),
      ]);
      await prepareDatabase(connected.database, logger);
      const platform = await buildPlatform({ config, logger, database: connected.database });
      // Serve first: the pages work while the (idempotent) demo seed and the workers start; the
      // credentials are printed only once the demo accounts exist.
      await platform.app.listen({ port: config.port, host: config.host });
      logger.info({ action: 'platform.started', ms: Date.now() - started }, 'Liên thông started');
      let credentials: { username: string; password: string } | null = null;
      if (values['demo']) {
        const ctx = systemContext('demo-seed');
        await seedReferenceData(platform, ctx);
        credentials = await platform.identity.seedDemo(ctx, { dataDir: config.dataDir });
      }
      let worker: WorkerHandle | null = null;
      if (config.runWorker && platform.jobs.length > 0) {
        worker = await startWorker({
          pool: connected.database.pool,
          jobs: platform.jobs,
          concurrency: config.workerConcurrency,
          logger,
        });
      }
      printDemoAccess(config, credentials);
      const stop = async () => {
        logger.info({ action: 'platform.stopping' }, 'stopping');
        await platform.app.close();
        if (worker) await worker.stop();
        await shutdownPlatform();
        await connected.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      return new Promise<number>(() => undefined);
    },
  },
  migrate: {
    summary: 'Apply pending database migrations and exit',
    usage: 'lienthong migrate',
    async run() {
      const config = loadConfig();
      const logger = createLogger('warn');
      const connected = await connectDatabase(config, logger);
      try {
        const applied = await prepareDatabase(connected.database, logger);
        console.log(
          applied.length === 0
            ? 'Database is up to date.'
            : `Applied:\n${applied.map((a) => `  ${a}`).join('\n')}`,
        );
      } finally {
        await connected.close();
      }
      return 0;
    },
  },
  seed: {
    summary:
      'Load the reference data (ministries, provinces of 2025 and before, communes); with --demo also demo accounts',
    usage: 'lienthong seed [--demo]',
    options: { demo: { type: 'boolean', description: 'also create the demo administrator and officials' } },
    async run({ values }) {
      const config = loadConfig();
      return withPlatform(config, async (platform) => {
        const ctx = systemContext('seed');
        const summary = await (await loadPlatform()).seedReferenceData(platform, ctx);
        console.log(JSON.stringify(summary, null, 2));
        if (values['demo'])
          printDemoAccess(config, await platform.identity.seedDemo(ctx, { dataDir: config.dataDir }));
        return 0;
      });
    },
  },
  worker: {
    summary: 'Run background workers only (to scale out beside `start` with RUN_WORKER=false)',
    usage: 'lienthong worker',
    async run() {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const connected = await connectDatabase(config, logger);
      await prepareDatabase(connected.database, logger);
      const { buildPlatform, shutdownPlatform } = await loadPlatform();
      const platform = await buildPlatform({ config, logger, database: connected.database });
      const worker = await startWorker({
        pool: connected.database.pool,
        jobs: platform.jobs,
        concurrency: config.workerConcurrency,
        logger,
      });
      logger.info({ action: 'worker.started', jobs: platform.jobs.map((j) => j.name) }, 'worker started');
      const stop = async () => {
        await worker.stop();
        await shutdownPlatform();
        await connected.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      return new Promise<number>(() => undefined);
    },
  },
  'create-admin': {
    summary:
      'Create an administrator account at an agency (reads the password from LIENTHONG_ADMIN_PASSWORD or generates one)',
    usage: 'lienthong create-admin --agency CODE --username NAME --name "Full name" [--platform]',
    options: {
      agency: { type: 'string', description: 'identifier code of the agency (e.g. 000.00.00.G22 or G22)' },
      username: { type: 'string', description: 'login name (3–64 characters: letters, digits, . _ -)' },
      name: { type: 'string', description: 'full name of the administrator' },
      platform: {
        type: 'boolean',
        description: 'make the account a platform administrator (operator of this instance)',
      },
    },
    async run({ values }) {
      const config = loadConfig();
      const agency = values['agency'];
      const username = values['username'];
      const name = values['name'];
      if (typeof agency !== 'string' || typeof username !== 'string' || typeof name !== 'string') {
        console.error('create-admin needs --agency, --username and --name (see --help)');
        return 2;
      }
      return withPlatform(config, async (platform) => {
        const result = await platform.identity.createAdmin(systemContext('cli'), {
          agencyCode: agency,
          username,
          fullName: name,
          platformAdmin: values['platform'] === true,
          password: process.env['LIENTHONG_ADMIN_PASSWORD'],
        });
        console.log(`Created administrator "${result.username}" at ${result.agencyName}.`);
        if (result.generatedPassword) console.log(`Generated password: ${result.generatedPassword}`);
        return 0;
      });
    },
  },
  'audit verify': {
    summary:
      'Verify the audit hash chain; exits 1 and names the first broken event if anything was altered, inserted or deleted',
    usage: 'lienthong audit verify [--json]',
    options: { json: { type: 'boolean', description: 'print the result as JSON' } },
    async run({ values }) {
      const config = loadConfig();
      return withDatabase(config, async ({ database }) => {
        const result = await verifyAuditChain(database.db);
        if (values['json']) console.log(JSON.stringify(result));
        else if (result.ok) console.log(`Audit chain intact: ${result.checked} events verified.`);
        else {
          const b = result.firstBreak;
          console.log(
            `Audit chain BROKEN at event #${b?.seq}${b?.eventId ? ` (${b.eventId})` : ''}: ${b?.reason}. ${result.checked} events before it are intact.`,
          );
        }
        return result.ok ? 0 : 1;
      });
    },
  },
  ...moduleCommands,
};

function help(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(22)} ${c.summary}`);
  return `Liên thông — e-government platform\n\nUsage: lienthong <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "lienthong <command> --help" for a command's options.\nConfiguration comes from the environment: PORT, DATABASE_URL, DATA_DIR, BASE_URL, SESSION_SECRET, TOKEN_SECRET, ... (see README).`;
}

function commandHelp(name: string, c: Command): string {
  const opts = Object.entries(c.options ?? {}).map(([o, d]) => `  --${o.padEnd(14)} ${d.description}`);
  return `${c.summary}\n\nUsage: ${c.usage}\n${opts.length > 0 ? `\nOptions:\n${opts.join('\n')}\n` : ''}  --help         show this help`;
}

async function main(argv: string[]): Promise<number> {
  const two = argv.slice(0, 2).join(' ');
  const name = commands[two] ? two : (argv[0] ?? '');
  const command = commands[name];
  if (!command) {
    console.log(help());
    return name === '' || name === '--help' || name === 'help' ? 0 : 2;
  }
  const rest = argv.slice(name.split(' ').length);
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean' },
  };
  for (const [o, d] of Object.entries(command.options ?? {}))
    options[o] = { type: d.type, ...(d.short ? { short: d.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${commandHelp(name, command)}`);
    return 2;
  }
  if (parsed.values['help']) {
    console.log(commandHelp(name, command));
    return 0;
  }
  return command.run({
    values: parsed.values,
    positionals: parsed.positionals,
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
