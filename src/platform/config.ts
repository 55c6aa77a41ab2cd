import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The environment variables Liên thông reads, once, at start. */
export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).max(255).optional(),
  BASE_URL: z.url().max(500).optional(),
  DATABASE_URL: z
    .string()
    .max(2000)
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).max(1000).default('./data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: booleanFromEnv.default(false),
  RUN_WORKER: booleanFromEnv.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(10000).default(10),
  SMTP_URL: z
    .string()
    .max(2000)
    .regex(/^smtps?:\/\/\S+$/, 'must look like smtp://user:password@host:587 or smtps://host:465')
    .optional(),
  MAIL_FROM: z.string().min(3).max(300).optional(),
  SMS_PROVIDER_URL: z.url().max(2000).optional(),
  SMS_API_KEY: z.string().min(8).max(500).optional(),
  SMS_BRANDNAME: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,11}$/, 'up to 11 letters, digits, spaces, dots or dashes')
    .default('LIENTHONG'),
  OIDC_UPSTREAM_ISSUER: z.url().max(500).optional(),
  OIDC_UPSTREAM_CLIENT_ID: z.string().min(1).max(200).optional(),
  OIDC_UPSTREAM_CLIENT_SECRET: z.string().min(8).max(500).optional(),
  PAYMENT_GATEWAY_URL: z.url().max(2000).optional(),
  PAYMENT_MERCHANT_CODE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{3,32}$/, '3–32 letters, digits, _ or -')
    .optional(),
  PAYMENT_SECRET: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  NATIONAL_PORTAL_URL: z.url().max(2000).optional(),
  NATIONAL_PORTAL_USERNAME: z.string().min(1).max(200).optional(),
  NATIONAL_PORTAL_PASSWORD: z.string().min(8).max(500).optional(),
  NATIONAL_PORTAL_AGENCY: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,60}$/, 'up to 60 letters, digits, dots, _ or -')
    .optional(),
  NATIONAL_PORTAL_PULL_SECONDS: z.coerce.number().int().min(10).max(86400).default(300),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(1024 * 1024),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  embeddedPgPort: number;
  secrets: { session: string; token: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  runWorker: boolean;
  workerConcurrency: number;
  loginRateLimit: number;
  bodyLimitBytes: number;
  /** Delegated login to an upstream OpenID Connect provider (e.g. the national e-ID): raw settings. */
  oidcUpstream: {
    issuer: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
  };
  /** The payment gateway account; null: no gateway (development runs the fake one in-process). */
  payments: { gatewayUrl: string; merchantCode: string; secret: string } | null;
  /**
   * The national public service portal's adapter (DVCQG, madonvi = our unit code there); null: not
   * configured (development runs the fake one in-process). `pullSeconds`: how often to pull.
   */
  nationalPortal: {
    url: string;
    username: string;
    password: string;
    agency: string;
    pullSeconds: number;
  } | null;
  /** Outside systems for notices: the raw settings, turned into transports by the notify module. */
  messaging: {
    smtpUrl: string | undefined;
    mailFrom: string | undefined;
    smsProviderUrl: string | undefined;
    smsApiKey: string | undefined;
    smsBrandname: string;
  };
}

/** Raised when the environment is invalid; lists every problem at once. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Outside production, secrets that are not given are generated once and kept in
 * DATA_DIR/secrets.json so sessions survive restarts. Production never invents one.
 */
function developmentSecrets(dataDir: string): { session: string; token: string } {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = z
      .object({ session: z.string().min(32), token: z.string().min(32) })
      .safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  }
  const secrets = { session: randomBytes(32).toString('hex'), token: randomBytes(32).toString('hex') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** Parses the environment once; throws ConfigError naming every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET: required in production');
    if (!e.TOKEN_SECRET) problems.push('TOKEN_SECRET: required in production');
    if (!e.BASE_URL) problems.push('BASE_URL: required in production');
    if (!e.DATABASE_URL)
      problems.push('DATABASE_URL: required in production (the embedded database is for one machine)');
    if (!e.SMTP_URL)
      problems.push('SMTP_URL: required in production (verification codes and notices go out by email)');
  }
  if (e.SMTP_URL && !e.MAIL_FROM) problems.push('MAIL_FROM: required when SMTP_URL is set');
  if (e.SMS_PROVIDER_URL && !e.SMS_API_KEY)
    problems.push('SMS_API_KEY: required when SMS_PROVIDER_URL is set');
  const upstream = [e.OIDC_UPSTREAM_ISSUER, e.OIDC_UPSTREAM_CLIENT_ID, e.OIDC_UPSTREAM_CLIENT_SECRET];
  if (upstream.some(Boolean) && !upstream.every(Boolean))
    problems.push(
      'OIDC_UPSTREAM_ISSUER, OIDC_UPSTREAM_CLIENT_ID and OIDC_UPSTREAM_CLIENT_SECRET: give all three or none',
    );
  const payment = [e.PAYMENT_GATEWAY_URL, e.PAYMENT_MERCHANT_CODE, e.PAYMENT_SECRET];
  if (payment.some(Boolean) && !payment.every(Boolean))
    problems.push('PAYMENT_GATEWAY_URL, PAYMENT_MERCHANT_CODE and PAYMENT_SECRET: give all three or none');
  const portal = [
    e.NATIONAL_PORTAL_URL,
    e.NATIONAL_PORTAL_USERNAME,
    e.NATIONAL_PORTAL_PASSWORD,
    e.NATIONAL_PORTAL_AGENCY,
  ];
  if (portal.some(Boolean) && !portal.every(Boolean))
    problems.push(
      'NATIONAL_PORTAL_URL, NATIONAL_PORTAL_USERNAME, NATIONAL_PORTAL_PASSWORD and NATIONAL_PORTAL_AGENCY: give all four or none',
    );
  if (problems.length > 0) throw new ConfigError(problems);
  const dataDir = path.resolve(e.DATA_DIR);
  const secrets =
    e.SESSION_SECRET && e.TOKEN_SECRET
      ? { session: e.SESSION_SECRET, token: e.TOKEN_SECRET }
      : { ...developmentSecrets(dataDir), ...definedSecrets(e.SESSION_SECRET, e.TOKEN_SECRET) };
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    secrets,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    runWorker: e.RUN_WORKER,
    workerConcurrency: e.WORKER_CONCURRENCY,
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    oidcUpstream: {
      issuer: e.OIDC_UPSTREAM_ISSUER,
      clientId: e.OIDC_UPSTREAM_CLIENT_ID,
      clientSecret: e.OIDC_UPSTREAM_CLIENT_SECRET,
    },
    payments:
      e.PAYMENT_GATEWAY_URL && e.PAYMENT_MERCHANT_CODE && e.PAYMENT_SECRET
        ? {
            gatewayUrl: e.PAYMENT_GATEWAY_URL,
            merchantCode: e.PAYMENT_MERCHANT_CODE,
            secret: e.PAYMENT_SECRET,
          }
        : null,
    nationalPortal:
      e.NATIONAL_PORTAL_URL &&
      e.NATIONAL_PORTAL_USERNAME &&
      e.NATIONAL_PORTAL_PASSWORD &&
      e.NATIONAL_PORTAL_AGENCY
        ? {
            url: e.NATIONAL_PORTAL_URL,
            username: e.NATIONAL_PORTAL_USERNAME,
            password: e.NATIONAL_PORTAL_PASSWORD,
            agency: e.NATIONAL_PORTAL_AGENCY,
            pullSeconds: e.NATIONAL_PORTAL_PULL_SECONDS,
          }
        : null,
    messaging: {
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      smsProviderUrl: e.SMS_PROVIDER_URL,
      smsApiKey: e.SMS_API_KEY,
      smsBrandname: e.SMS_BRANDNAME,
    },
  };
}

function definedSecrets(session?: string, token?: string): Partial<{ session: string; token: string }> {
  return { ...(session ? { session } : {}), ...(token ? { token } : {}) };
}
