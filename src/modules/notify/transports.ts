/**
 * How notices leave the platform. The composition root builds the transports and injects them,
 * so tests and development point them at loopback fakes or the local outbox, never through
 * `if (test)` branches here.
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { NotifyConfig, SmsSettings, SmtpSettings } from './config.ts';
import { notifyRepo } from './repo.ts';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The notification's id: the outbox links to it, gateways may deduplicate on it. */
  reference: string;
}

export interface EmailTransport {
  /** 'smtp', or 'outbox' when mail stays in the local database (development). */
  readonly kind: string;
  send(message: EmailMessage): Promise<{ providerMessageId: string }>;
  close?(): Promise<void>;
}

export interface SmsTransport {
  /** 'http', 'outbox' or 'disabled'. */
  readonly kind: string;
  /** `to` is a Vietnamese mobile number (0912345678 or 84912345678); `text` is GSM text. */
  send(to: string, text: string, options?: { reference?: string }): Promise<{ providerMessageId: string }>;
}

export interface NotifyTransports {
  email: EmailTransport;
  sms: SmsTransport;
}

/**
 * A failed delivery. `code` is stable and safe to log and store (it never holds an address or
 * a message); `permanent` failures are not retried.
 */
export class DeliveryError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  constructor(code: string, permanent: boolean) {
    super(`delivery failed: ${code}`);
    this.name = 'DeliveryError';
    this.code = code;
    this.permanent = permanent;
  }
}

/** Mail through an SMTP server with nodemailer (STARTTLS when offered, TLS with smtps). */
export function createSmtpTransport(settings: SmtpSettings): EmailTransport {
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.auth ? { auth: settings.auth } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    kind: 'smtp',
    async send(message) {
      try {
        const info = (await transporter.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: { 'X-Lienthong-Reference': message.reference },
        })) as { messageId?: string };
        return { providerMessageId: (info.messageId ?? message.reference).slice(0, 200) };
      } catch (error) {
        throw smtpError(error);
      }
    },
    close() {
      transporter.close();
      return Promise.resolve();
    },
  };
}

/** Maps nodemailer's errors to stable codes without their text (which can quote the address). */
function smtpError(error: unknown): DeliveryError {
  const e = error as { code?: unknown; responseCode?: unknown };
  const response = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (response !== null && response >= 500) return new DeliveryError(`SMTP_${response}`, true);
  if (response !== null && response >= 400) return new DeliveryError(`SMTP_${response}`, false);
  const code = typeof e.code === 'string' && /^E[A-Z]{2,20}$/.test(e.code) ? e.code : 'EUNKNOWN';
  return new DeliveryError(`SMTP_${code}`, code === 'EENVELOPE');
}

/** Vietnamese mobile numbers in the international form gateways expect: 0912… → 84912…. */
export function normalizeVietnamesePhone(phone: string): string {
  const digits = phone.replace(/[\s.()-]/g, '').replace(/^\+/, '');
  return digits.startsWith('0') ? `84${digits.slice(1)}` : digits;
}

/**
 * SMS through a brandname gateway speaking the documented JSON protocol:
 * POST {url} with header `x-api-key`, body `{ phone, message, brandname, requestId }`;
 * the answer `{ code: "00", messageId }` means accepted, any other code is a refusal.
 */
export function createHttpSmsTransport(settings: SmsSettings, o: { timeoutMs?: number } = {}): SmsTransport {
  return {
    kind: 'http',
    async send(to, text, options = {}) {
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': settings.apiKey },
          body: JSON.stringify({
            phone: normalizeVietnamesePhone(to),
            message: text,
            brandname: settings.brandname,
            requestId: options.reference ?? randomUUID(),
          }),
          signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        throw new DeliveryError(timedOut ? 'SMS_TIMEOUT' : 'SMS_UNREACHABLE', false);
      }
      if (response.status === 401 || response.status === 403)
        throw new DeliveryError(`SMS_HTTP_${response.status}`, false);
      if (response.status >= 400) {
        // 4xx other than auth: the request itself is wrong and will stay wrong.
        throw new DeliveryError(
          `SMS_HTTP_${response.status}`,
          response.status < 500 && response.status !== 429,
        );
      }
      const body = (await response.json().catch(() => null)) as {
        code?: unknown;
        messageId?: unknown;
      } | null;
      const code = typeof body?.code === 'string' || typeof body?.code === 'number' ? String(body.code) : '';
      if (code !== '00' && code !== '0') {
        const safe = /^[\w-]{1,20}$/.test(code) ? code : 'UNKNOWN';
        // Gateways answer 99 (and the like) for their own trouble: worth another try.
        throw new DeliveryError(`SMS_PROVIDER_${safe}`, !/^9\d$/.test(safe));
      }
      const id =
        typeof body?.messageId === 'string' || typeof body?.messageId === 'number'
          ? String(body.messageId)
          : '';
      return { providerMessageId: id.slice(0, 200) || (options.reference ?? '') };
    },
  };
}

async function keepInOutbox(
  db: DbOrTx,
  row: {
    channel: 'email' | 'sms';
    reference: string;
    recipient: string;
    subject: string | null;
    body: string;
  },
): Promise<{ providerMessageId: string }> {
  const id = randomUUID();
  await notifyRepo.insertOutbox(db, {
    id,
    notification_id: row.reference,
    channel: row.channel,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
  });
  return { providerMessageId: `outbox:${id}` };
}

/** Development without SMTP: mail stays in the local outbox, shown on /admin/notify. */
export function createOutboxEmailTransport(db: DbOrTx): EmailTransport {
  return {
    kind: 'outbox',
    send: (m) =>
      keepInOutbox(db, {
        channel: 'email',
        reference: m.reference,
        recipient: m.to,
        subject: m.subject,
        body: m.text,
      }),
  };
}

/** Development without an SMS gateway: logs "SMS not configured" (never the text) and keeps it in the outbox. */
export function createOutboxSmsTransport(db: DbOrTx, logger: Logger): SmsTransport {
  return {
    kind: 'outbox',
    send(to, text, options = {}) {
      logger.info({ action: 'notify.sms.not_configured' }, 'SMS not configured: kept in the local outbox');
      if (!options.reference) return Promise.reject(new DeliveryError('OUTBOX_NO_REFERENCE', true));
      return keepInOutbox(db, {
        channel: 'sms',
        reference: options.reference,
        recipient: to,
        subject: null,
        body: text,
      });
    },
  };
}

/** Production without an SMS gateway: SMS notices fail at once, with a clear code. */
export function createDisabledSmsTransport(logger: Logger): SmsTransport {
  return {
    kind: 'disabled',
    send() {
      logger.warn({ action: 'notify.sms.not_configured' }, 'SMS not configured');
      return Promise.reject(new DeliveryError('SMS_NOT_CONFIGURED', true));
    },
  };
}

/**
 * The transports for a configuration: SMTP and the HTTP gateway when configured; otherwise the
 * local outbox outside production (logging "SMS not configured", never the message), and a
 * refusing SMS transport in production.
 */
export function createNotifyTransports(deps: {
  db: DbOrTx;
  logger: Logger;
  config: NotifyConfig;
  env: 'development' | 'production' | 'test';
}): NotifyTransports {
  let sms: SmsTransport;
  if (deps.config.sms) sms = createHttpSmsTransport(deps.config.sms);
  else if (deps.env === 'production') sms = createDisabledSmsTransport(deps.logger);
  else sms = createOutboxSmsTransport(deps.db, deps.logger);
  return {
    email: deps.config.smtp ? createSmtpTransport(deps.config.smtp) : createOutboxEmailTransport(deps.db),
    sms,
  };
}
