/**
 * The dossiers module's public door: citizens file dossiers online (form, papers, fees), follow
 * them to the result (timeline, supplements, withdrawal, result download, public lookup) and rate
 * the service; one-stop officers receive, ask for supplements and return results. See README.md.
 */
import type { Logger } from 'pino';
import type { BlobStore } from '../../platform/blobs/index.ts';
import type { WorkCalendar } from '../../platform/calendar/index.ts';
import type { Config } from '../../platform/config.ts';
import { hasRole } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import type { PaymentView } from '../payments/index.ts';
import { DEFAULT_CODE_PATTERN, isValidCodePattern } from './code.ts';
import type {
  DossiersCatalogue,
  DossiersDirectory,
  DossiersNotify,
  DossiersOfficials,
  DossiersOptions,
  DossiersPayments,
  DossiersSigner,
} from './deps.ts';
import { noOfficials } from './deps.ts';
import { acceptAllScanner } from './files.ts';
import { createDeadlineJobs } from './jobs.ts';
import { paidTwiceRefundJob } from './service-payment-request.ts';
import type { DossierObserver } from './observers.ts';
import { registerDossierRoutes } from './routes.ts';
import { registerWorkflowRoutes } from './routes-workflow.ts';
import { registerBackofficeRoutes } from './routes-backoffice.ts';
import { createDossierService, type DossierService } from './service.ts';
import { registerDossierPages } from './views/pages.ts';
import type { DossierPageSection } from './views/sections.ts';
import { dm } from './views/messages.ts';
import { bm } from './views/messages-backoffice.ts';

export type { DossierService } from './service.ts';
export type { DossierView } from './shared.ts';
export type { DossierPageSection } from './views/sections.ts';
export type { DossierObserver, StatusChange, StepHandOff } from './observers.ts';
export type { DossiersOptions } from './deps.ts';
export { officialsFromIdentity } from './deps.ts';
export type { MalwareScanner } from './files.ts';
export { nationalCode, statusNames } from './statuses.ts';
export { formatDossierCode, DEFAULT_CODE_PATTERN } from './code.ts';

export interface DossiersModule {
  service: DossierService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  /** The payments module's onPaid hook: marks the dossier's fee paid inside the paying transaction. */
  onPaid: (trx: Tx, payment: PaymentView) => Promise<void>;
  /** Starts the deadline job (warnings before due, overdue marks), every 15 minutes. */
  scheduleDeadlines(): Promise<void>;
  /** One pass of the deadline job now (tests, CLI). */
  checkDeadlines(): Promise<{ warned: number; overdue: number }>;
  /** Registers an observer called inside every transaction that changes a dossier. */
  /** Adds a section to the dossier pages (citizen's and desk's), rendered for each request's actor. */
  addPageSection: (section: DossierPageSection) => void;
  observe: (observer: DossierObserver) => void;
  /** The registered observers, for a change made outside the service (a dossier imported by sync). */
  observers: readonly DossierObserver[];
}

/**
 * Builds the dossiers module. `payments` may be null (online payment off). The code pattern,
 * file limit and malware scanner come from `options` (defaults: national pattern, 10 MB, accept).
 */
export function createDossiersModule(deps: {
  db: Db;
  logger: Logger;
  config: Config;
  directory: DossiersDirectory;
  services: DossiersCatalogue;
  payments: DossiersPayments | null;
  notify: DossiersNotify;
  calendar: WorkCalendar;
  blobs: BlobStore;
  /** Officials' names and roles (identity), for form 06 and reassignment; default: none known. */
  officials?: DossiersOfficials;
  /** Signs results with the agency's certificate; null/absent: results cannot be signed here. */
  pki?: DossiersSigner | null;
  options?: DossiersOptions;
}): DossiersModule {
  const o = deps.options ?? {};
  const codePattern = o.codePattern ?? DEFAULT_CODE_PATTERN;
  if (!isValidCodePattern(codePattern)) throw new Error(`dossiers: invalid code pattern ${codePattern}`);
  const observers: DossierObserver[] = [];
  const pageSections: DossierPageSection[] = [];
  const service = createDossierService({
    db: deps.db,
    logger: deps.logger,
    directory: deps.directory,
    services: deps.services,
    payments: deps.payments,
    notify: deps.notify,
    calendar: deps.calendar,
    blobs: deps.blobs,
    codePattern,
    maxFileBytes: o.maxFileBytes ?? 10 * 1024 * 1024,
    scan: o.scan ?? acceptAllScanner,
    now: o.now ?? (() => new Date()),
    observers,
    officials: deps.officials ?? noOfficials,
    pki: deps.pki ?? null,
  });
  const deadlines = createDeadlineJobs({
    db: deps.db,
    logger: deps.logger,
    calendar: deps.calendar,
    notify: deps.notify,
    officials: deps.officials ?? noOfficials,
    now: o.now ?? (() => new Date()),
  });
  return {
    service,
    http: {
      name: 'dossiers',
      register: async (app) => {
        registerDossierRoutes(app, service);
        registerBackofficeRoutes(app, service);
        registerWorkflowRoutes(app, service);
        await registerDossierPages(app, service, pageSections);
      },
    },
    nav: [
      { href: '/dossiers', label: dm.text('navMine'), visible: (actor) => actor.kind === 'citizen' },
      { href: '/tra-cuu', label: dm.text('navLookup'), visible: (actor) => actor.kind === 'anonymous' },
      {
        href: '/one-stop/dossiers',
        label: dm.text('navOneStop'),
        visible: (actor) => actor.kind === 'official' && hasRole(actor, 'one_stop_officer'),
      },
      {
        href: '/one-stop/tasks',
        label: bm.text('navTasks'),
        visible: (actor) =>
          actor.kind === 'official' &&
          hasRole(actor, 'specialist', 'unit_leader', 'one_stop_officer', 'admin'),
      },
    ],
    jobs: [deadlines.job, paidTwiceRefundJob({ payments: deps.payments, logger: deps.logger })],
    scheduleDeadlines: () => deadlines.schedule(),
    checkDeadlines: () => deadlines.run(),
    onPaid: (trx, payment) => service.onPaid(trx, payment),
    addPageSection: (section) => {
      pageSections.push(section);
    },
    observe: (observer) => {
      observers.push(observer);
    },
    observers,
  };
}
