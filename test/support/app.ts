import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPlatform, type Platform } from '../../src/main.ts';
import type { Config } from '../../src/platform/config.ts';
import { testConfig } from './config.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase } from './db.ts';

export interface TestApp {
  baseUrl: string;
  platform: Platform;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

/** Builds the whole platform on a fresh test database and serves it on a free loopback port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-app-'));
  const config = testConfig({ DATABASE_URL: testDb.url, DATA_DIR: dataDir, PORT: '0', ...env });
  const logger = createLogger(config.logLevel);
  const platform = await buildPlatform({ config, logger, database: testDb.database });
  await platform.app.listen({ port: config.port, host: '127.0.0.1' });
  const address = platform.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    platform,
    database: testDb.database,
    config,
    async close() {
      await platform.app.close();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
