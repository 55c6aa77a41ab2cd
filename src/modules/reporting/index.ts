/**
 * The reporting module's public door (Decree 09/2019): regimes, periods, assignments,
 * submissions with signatures and approvals, incremental aggregation. See README.md.
 */
import type { Logger } from 'pino';
import { createWorkCalendar, type WorkCalendar } from '../../platform/calendar/index.ts';
import { hasRole, type RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import type { NotifyService } from '../notify/index.ts';
import type { ReportingSigner } from './deps.ts';
import type { ReportingDirectory } from './hierarchy.ts';
import { createReportingJobs } from './jobs.ts';
import { registerReportingRoutes } from './routes.ts';
import { seedReporting } from './seed.ts';
import { createReportingService, type ReportingService } from './service.ts';
import { registerAdminPages } from './views/admin.ts';
import { registerExcelRoutes } from './views/excel-pages.ts';
import { registerDashboardPages } from './views/dashboard.ts';
import { registerLatePages, registerRestatedPage } from './views/late.ts';
import { reportingMessages } from './views/messages.ts';
import { registerReportPages } from './views/pages.ts';

export type { ReportingService } from './service.ts';
export type { ReportingSigner } from './deps.ts';
export type { ReportingDirectory } from './hierarchy.ts';
export type { RegimeService } from './service-regimes.ts';
export type { SubmissionService, SaveInput } from './service-submissions.ts';
export type { DashboardService } from './service-dashboard.ts';
export { aggregateValue } from './service-dashboard.ts';
export type {
  Indicator,
  RegimeDefinition,
  RegimeVersion,
  Period,
  Submission,
  UnitSummary,
  Values,
} from './schemas.ts';
export { regimeDefinitionSchema, valuesSchema } from './schemas.ts';
export { checkValues, parseNumber, type ValueError } from './validation.ts';
export {
  cutoffWindow,
  periodDates,
  periodLabel,
  periodContaining,
  frequencies,
  type Frequency,
} from './periods.ts';
export { REPORTING_SCOPE } from './policies.ts';
export { SYNTHETIC_MARK } from './generate.ts';
export { reportingCliCommands } from './cli.ts';

export interface ReportingModule {
  service: ReportingService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  /** Demo regimes, published and assigned (idempotent); also schedules the daily period job. */
  seed(ctx: RequestContext): Promise<Record<string, number>>;
}

/** Builds the reporting module. `pki` may be null (submissions then carry their hash only). */
export function createReportingModule(deps: {
  db: Db;
  logger: Logger;
  directory: ReportingDirectory;
  pki: ReportingSigner | null;
  calendar?: WorkCalendar;
  /** Reminders before and after deadlines; without it no reminder is sent. */
  notify?: NotifyService;
  now?: () => Date;
}): ReportingModule {
  const now = deps.now ?? (() => new Date());
  const service = createReportingService({
    db: deps.db,
    logger: deps.logger,
    directory: deps.directory,
    pki: deps.pki,
    calendar: deps.calendar ?? createWorkCalendar(),
    notify: deps.notify ?? null,
    now,
  });
  const jobs = createReportingJobs({
    db: deps.db,
    logger: deps.logger,
    regimes: service.regimes,
    reminders: service.reminders,
    now,
  });
  return {
    service,
    http: {
      name: 'reporting',
      async register(app) {
        registerReportingRoutes(app, service);
        await registerExcelRoutes(app, service);
        registerDashboardPages(app, service);
        registerLatePages(app, service);
        registerRestatedPage(app, service);
        registerReportPages(app, service, deps.directory);
        registerAdminPages(app, service);
      },
    },
    nav: [
      {
        href: '/reports',
        label: reportingMessages.text('nav'),
        visible: (actor) =>
          actor.kind === 'official' && hasRole(actor, 'reporting_officer', 'unit_leader', 'admin'),
      },
      {
        href: '/admin/reports/regimes',
        label: reportingMessages.text('navAdmin'),
        visible: (actor) => actor.kind === 'official' && hasRole(actor, 'admin'),
      },
    ],
    jobs: jobs.jobs,
    async seed(ctx) {
      const counts = await seedReporting(ctx, { regimes: service.regimes, directory: deps.directory });
      await jobs.schedule(now());
      return counts;
    },
  };
}
