/** The reporting service: regimes, periods, submissions and aggregates behind one object. */
import type { ReportingDeps } from './deps.ts';
import { createDashboardService } from './service-dashboard.ts';
import { createGenerator } from './generate.ts';
import { createExcelService } from './service-excel.ts';
import { createReminderService } from './service-reminders.ts';
import { createRestatedService } from './service-restated.ts';
import { createRegimeService } from './service-regimes.ts';
import { createSubmissionService } from './service-submissions.ts';

/** Builds the three parts on shared deps; see README.md for the API of each function. */
export function createReportingService(deps: ReportingDeps) {
  const regimes = createRegimeService(deps);
  const submissions = createSubmissionService(deps, regimes);
  const dashboard = createDashboardService(deps, regimes);
  const generator = createGenerator(deps, regimes);
  const excel = createExcelService(deps, submissions);
  const reminders = createReminderService(deps, regimes);
  const restated = createRestatedService(deps, regimes);
  return { regimes, submissions, dashboard, excel, reminders, restated, generator };
}
export type ReportingService = ReturnType<typeof createReportingService>;
