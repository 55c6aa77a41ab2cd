// The notify module's public door: email, SMS and in-app notices with templates and delivery status.
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import { createDeliveryJob } from './jobs.ts';
import { canAdministerNotify, noticeOwner } from './policies.ts';
import { registerNotifyRoutes } from './routes.ts';
import { createNotifyService, type NotifyService } from './service.ts';
import type { NotifyTransports } from './transports.ts';
import { registerNotifyAdminPages } from './views/admin.ts';
import { notifyMessages } from './views/messages.ts';
import { registerNoticePages } from './views/notices.ts';

export {
  notifyEnvironmentSchema,
  notifyConfigFromEnv,
  smtpFromUrl,
  type NotifyConfig,
  type SmtpSettings,
  type SmsSettings,
} from './config.ts';
export {
  createNotifyTransports,
  createSmtpTransport,
  createHttpSmsTransport,
  createOutboxEmailTransport,
  createOutboxSmsTransport,
  createDisabledSmsTransport,
  normalizeVietnamesePhone,
  DeliveryError,
  type EmailTransport,
  type EmailMessage,
  type SmsTransport,
  type NotifyTransports,
} from './transports.ts';
export { toSmsText, smsLength, type SmsLength } from './sms-text.ts';
export { renderTemplate, templateKeys, type TemplateKey, type RenderedNotice } from './templates.ts';
export type { NotifyService, NotifyResult } from './service.ts';
export type { NotifyRequest, NoticeView, NotificationAdminView } from './schemas.ts';
export type { Channel, DeliveryStatus } from './repo.ts';

export interface NotifyModule {
  service: NotifyService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
}

/**
 * Builds the notify module. `transports` come from the composition root (see
 * `createNotifyTransports`); links in notices point at `config.baseUrl`.
 */
export function createNotifyModule(deps: {
  db: Db;
  logger: Logger;
  config: Config;
  transports: NotifyTransports;
  /** Delivery attempts before a notification is marked failed (default 8, about 25 minutes of backoff). */
  maxAttempts?: number;
}): NotifyModule {
  const portalUrl = deps.config.baseUrl;
  const deliveryJob = createDeliveryJob({
    db: deps.db,
    logger: deps.logger,
    transports: deps.transports,
    portalUrl,
  });
  const service = createNotifyService({
    db: deps.db,
    logger: deps.logger,
    deliveryJob,
    portalUrl,
    maxAttempts: deps.maxAttempts ?? 8,
    showOutbox: deps.config.env !== 'production',
  });
  return {
    service,
    http: {
      name: 'notify',
      register: (app) => {
        registerNotifyRoutes(app, service);
        registerNoticePages(app, service);
        registerNotifyAdminPages(app, service);
      },
    },
    nav: [
      {
        href: '/notices',
        label: notifyMessages.text('navNotices'),
        visible: (actor) => noticeOwner(actor) !== null,
      },
      {
        href: '/admin/notify',
        label: notifyMessages.text('navAdmin'),
        visible: (actor) => actor.kind === 'official' && canAdministerNotify(actor),
      },
    ],
    jobs: [deliveryJob],
  };
}
