import { loadConfig, type Config } from '../../src/platform/config.ts';

/**
 * The configuration of a test: test secrets, silent logs (unless LT_TEST_LOG_LEVEL), a login rate
 * limit tests do not trip, and the test's own settings (database, data folder, port...) over them.
 */
export function testConfig(env: Record<string, string>): Config {
  return loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'test-session-secret-0123456789abcdef0123456789',
    TOKEN_SECRET: 'test-token-secret-0123456789abcdef0123456789ab',
    LOG_LEVEL: process.env['LT_TEST_LOG_LEVEL'] ?? 'silent',
    LOGIN_RATE_LIMIT: '1000', // tests sign in often from one address; rate-limit tests pass a low value
    ...env,
  });
}
