import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('lists every problem at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 3);
        assert.ok(error.problems.some((p) => p.startsWith('PORT')));
        assert.ok(error.problems.some((p) => p.startsWith('DATABASE_URL')));
        assert.ok(error.problems.some((p) => p.startsWith('LOG_LEVEL')));
        return true;
      },
    );
  });

  it('has no secret defaults in production', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['SESSION_SECRET', 'TOKEN_SECRET', 'BASE_URL', 'DATABASE_URL', 'SMTP_URL'].every((k) =>
          error.problems.some((p) => p.startsWith(k)),
        ),
    );
  });

  it('accepts a complete production environment', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 's'.repeat(40),
      TOKEN_SECRET: 't'.repeat(40),
      BASE_URL: 'https://dichvu.example.gov.vn/',
      DATABASE_URL: 'postgres://u@db/lienthong',
      SMTP_URL: 'smtp://mail.example.gov.vn:587',
      MAIL_FROM: 'Cổng dịch vụ công <no-reply@example.gov.vn>',
    });
    assert.equal(config.baseUrl, 'https://dichvu.example.gov.vn');
    assert.equal(config.host, '0.0.0.0');
  });

  it('takes the national portal settings all together or not at all', () => {
    assert.throws(
      () => loadConfig({ NATIONAL_PORTAL_URL: 'https://adapter.example.gov.vn/api' }),
      (error: unknown) =>
        error instanceof ConfigError && error.problems.some((p) => p.startsWith('NATIONAL_PORTAL_URL')),
    );
    const secrets = { SESSION_SECRET: 's'.repeat(40), TOKEN_SECRET: 't'.repeat(40) };
    assert.equal(loadConfig(secrets).nationalPortal, null);
    const config = loadConfig({
      ...secrets,
      NATIONAL_PORTAL_URL: 'https://adapter.example.gov.vn/api',
      NATIONAL_PORTAL_USERNAME: 'lienthong',
      NATIONAL_PORTAL_PASSWORD: 'mat-khau-dai',
      NATIONAL_PORTAL_AGENCY: '000.00.00.H41',
    });
    assert.deepEqual(config.nationalPortal, {
      url: 'https://adapter.example.gov.vn/api',
      username: 'lienthong',
      password: 'mat-khau-dai',
      agency: '000.00.00.H41',
      pullSeconds: 300,
    });
  });
});
