// The pki module's public door: certificate authority, trust list, XML-DSig sign and verify.
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import { isPlatformAdmin } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import { registerPkiRoutes } from './routes.ts';
import { createPkiService, type PkiService } from './service.ts';
import { pkiMessages, registerPkiPages } from './views/admin.ts';

export { verifyEdxmlSignature, type VerifyEdxmlOptions } from './verify.ts';
export type { VerifyResult as EdxmlSignatureResult } from './verify-worker.ts';
export { closeVerifyPool } from './verify-pool.ts';
export type { PkiService, CertificateView, TrustAnchorView, IssueInput } from './service.ts';
export type { SignatureAlgorithm, Canonicalization } from './xmldsig.ts';
export type { RevocationReason } from './ca.ts';

export interface PkiModule {
  service: PkiService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
}

/**
 * Builds the PKI module. Private keys are sealed with a key derived from `keySecret`, or from
 * `config.secrets.token` when none is given; changing that secret makes stored keys unreadable.
 */
export function createPkiModule(deps: {
  db: Db;
  logger: Logger;
  config: Config;
  keySecret?: string;
}): PkiModule {
  const service = createPkiService({
    db: deps.db,
    logger: deps.logger,
    keySecret: deps.keySecret ?? deps.config.secrets.token,
  });
  return {
    service,
    http: {
      name: 'pki',
      register: (app) => {
        registerPkiRoutes(app, service);
        registerPkiPages(app, service);
      },
    },
    nav: [
      {
        href: '/admin/pki',
        label: pkiMessages.text('nav'),
        visible: (actor) => isPlatformAdmin(actor) && actor.kind === 'official',
      },
    ],
    jobs: [],
  };
}
