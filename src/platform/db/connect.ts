import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { installJobQueue } from '../jobs/index.ts';
import { openDatabase, type Database } from './database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.ts';
import { migrate } from './migrate.ts';

export interface ConnectedDatabase {
  database: Database;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

/**
 * Connects to the PostgreSQL server named by DATABASE_URL, or starts the embedded one with
 * its data under DATA_DIR. The rest of the platform sees the same pool and Kysely either way.
 */
export async function connectDatabase(config: Config, logger: Logger): Promise<ConnectedDatabase> {
  let embedded: EmbeddedServer | null = null;
  let url = config.databaseUrl;
  if (!url) {
    const pgLog = logger.child({ component: 'embedded-postgres' });
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      onLog: (message) => pgLog.debug({ action: 'db.embedded.log' }, message.trim()),
    });
    url = embedded.url;
    logger.info(
      { action: 'db.embedded.started', port: config.embeddedPgPort },
      'embedded PostgreSQL started',
    );
  }
  const database = openDatabase(url, config.databasePoolSize);
  return {
    database,
    embedded,
    async close() {
      await database.close();
      if (embedded) await embedded.stop();
    },
  };
}

/** Applies the platform's migrations and the job queue's schema. */
export async function prepareDatabase(database: Database, logger: Logger): Promise<string[]> {
  const applied = await migrate(database.pool);
  await installJobQueue(database.pool);
  if (applied.length > 0) logger.info({ action: 'db.migrated', count: applied.length }, 'migrations applied');
  return applied;
}

/** True when the database answers and every migration file is applied. */
export async function databaseReady(database: Database, expectedMigrations: number): Promise<boolean> {
  const result = await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM platform_migrations');
  return Number(result.rows[0]?.n ?? 0) >= expectedMigrations;
}
