import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { AuditTables } from '../audit/tables.ts';

// Dates and timestamps come back as strings we control: DATE as 'yyyy-MM-dd', BIGINT as string.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

/** Tables of the platform kernel. Modules add their own with `db.withTables<ModuleTables>()`. */
export interface PlatformTables extends AuditTables {
  platform_migrations: { name: string; checksum: string; applied_at: Date };
}

export type Db = Kysely<PlatformTables>;
export type Tx = Transaction<PlatformTables>;
/** Either the database or an open transaction: repositories accept both. */
export type DbOrTx = Kysely<PlatformTables> | Transaction<PlatformTables>;

export interface Database {
  db: Db;
  pool: pg.Pool;
  connectionString: string;
  close(): Promise<void>;
}

/** Opens a pool and a Kysely instance on one PostgreSQL database. */
export function openDatabase(connectionString: string, poolSize = 10): Database {
  // A request that cannot get a connection within 30 s fails instead of waiting for ever: a pool
  // starved by a bug (transactions each waiting for a second connection) recovers by itself.
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 30_000,
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    pool,
    connectionString,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      // Kysely ends the pool only if it ran a query itself; a pool used directly (migrations,
      // the job queue) would keep its connections open and block CREATE DATABASE ... TEMPLATE.
      if (!pool.ended && !pool.ending) await pool.end();
    },
  };
}
