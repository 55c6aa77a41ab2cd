import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { HttpModule } from '../http/types.ts';
import type { NavItem } from '../pages/layout.ts';
import { hasRole } from '../context.ts';
import { registerAuditRoutes } from './routes.ts';
import { startAuditSealer } from './chain.ts';
import { createAuditService, type AuditService } from './service.ts';

export {
  recordAudit,
  auditEventRow,
  type AuditEventRow,
  recordAuditAlone,
  verifyAuditChain,
  sealAuditChain,
  startAuditSealer,
  canonicalJson,
  type RecordedAuditEvent,
  type AuditInput,
  type AuditEvent,
  type VerifyResult,
} from './chain.ts';
export type { AuditService } from './service.ts';

/**
 * The audit trail's pages and API for administrators, and the sealer that chains the events
 * transactions write (started with the server, stopped — after a last pass — when it closes).
 */
export function createAuditModule(deps: { db: Db; logger?: Logger }): {
  service: AuditService;
  http: HttpModule;
  nav: NavItem[];
} {
  const service = createAuditService(deps.db);
  return {
    service,
    http: {
      name: 'audit',
      register: (app) => {
        registerAuditRoutes(app, service);
        const sealer = startAuditSealer(deps.db, (err) =>
          (deps.logger ?? app.log).error({ err, action: 'audit.seal_failed' }, 'audit sealer pass failed'),
        );
        app.addHook('onClose', () => sealer.stop());
      },
    },
    nav: [
      {
        href: '/admin/audit',
        label: { vi: 'Nhật ký kiểm toán', en: 'Audit trail' },
        visible: (actor) => hasRole(actor, 'admin'),
      },
    ],
  };
}
