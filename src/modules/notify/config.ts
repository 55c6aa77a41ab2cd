/**
 * The notify module's environment variables. The lead adds `notifyEnvironmentSchema` to the
 * platform's environment schema; `notifyConfigFromEnv` turns the parsed values into the slice
 * of configuration the transports need.
 */
import { z } from 'zod';

export const notifyEnvironmentSchema = z.object({
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465 (TLS from the start). */
  SMTP_URL: z
    .string()
    .max(2000)
    .regex(/^smtps?:\/\/[^\s]+$/, 'must look like smtp://user:password@host:587 or smtps://host:465')
    .optional(),
  /** The sender: an address, or "Name <address>". */
  MAIL_FROM: z.string().min(3).max(300).optional(),
  /** The SMS brandname gateway's send endpoint (see src/modules/notify/README.md). */
  SMS_PROVIDER_URL: z.url().max(2000).optional(),
  SMS_API_KEY: z.string().min(8).max(500).optional(),
  /** The registered sender name shown on phones (a brandname of up to 11 characters). */
  SMS_BRANDNAME: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,11}$/, 'up to 11 letters, digits, spaces, dots or dashes')
    .default('LIENTHONG'),
});

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | null;
  from: string;
}

export interface SmsSettings {
  url: string;
  apiKey: string;
  brandname: string;
}

export interface NotifyConfig {
  /** Null: mail goes to the local outbox (development only). */
  smtp: SmtpSettings | null;
  /** Null: SMS goes to the local outbox in development and is refused in production. */
  sms: SmsSettings | null;
}

/** Parses the notify variables; throws listing every problem (production needs SMTP). */
export function notifyConfigFromEnv(
  env: Record<string, string | undefined>,
  mode: 'development' | 'production' | 'test' = env['NODE_ENV'] === 'production'
    ? 'production'
    : 'development',
): NotifyConfig {
  const parsed = notifyEnvironmentSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `Invalid notify configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SMTP_URL && !e.MAIL_FROM) problems.push('MAIL_FROM: required when SMTP_URL is set');
  if (mode === 'production' && !e.SMTP_URL)
    problems.push('SMTP_URL: required in production (verification codes go out by email)');
  if (e.SMS_PROVIDER_URL && !e.SMS_API_KEY)
    problems.push('SMS_API_KEY: required when SMS_PROVIDER_URL is set');
  if (problems.length > 0) throw new Error(`Invalid notify configuration:\n  - ${problems.join('\n  - ')}`);
  return {
    smtp: e.SMTP_URL && e.MAIL_FROM ? smtpFromUrl(e.SMTP_URL, e.MAIL_FROM) : null,
    sms:
      e.SMS_PROVIDER_URL && e.SMS_API_KEY
        ? { url: e.SMS_PROVIDER_URL, apiKey: e.SMS_API_KEY, brandname: e.SMS_BRANDNAME }
        : null,
  };
}

/** smtp[s]://user:password@host:port → host, port, secure and credentials. */
export function smtpFromUrl(url: string, from: string): SmtpSettings {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : null,
    from,
  };
}
