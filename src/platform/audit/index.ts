import type { Db } from '../db/database.ts';
import type { HttpModule } from '../http/types.ts';
import type { NavItem } from '../pages/layout.ts';
import { hasRole } from '../context.ts';
import { registerAuditRoutes } from './routes.ts';
import { createAuditService, type AuditService } from './service.ts';

export {
  recordAudit,
  recordAuditAlone,
  verifyAuditChain,
  canonicalJson,
  type AuditInput,
  type AuditEvent,
  type VerifyResult,
} from './chain.ts';
export type { AuditService } from './service.ts';

/** The audit trail's pages and API for administrators. */
export function createAuditModule(deps: { db: Db }): {
  service: AuditService;
  http: HttpModule;
  nav: NavItem[];
} {
  const service = createAuditService(deps.db);
  return {
    service,
    http: { name: 'audit', register: (app) => registerAuditRoutes(app, service) },
    nav: [
      {
        href: '/admin/audit',
        label: { vi: 'Nhật ký kiểm toán', en: 'Audit trail' },
        visible: (actor) => hasRole(actor, 'admin'),
      },
    ],
  };
}
