/** The reporting service: regimes, periods, submissions and aggregates behind one object. */
import type { ReportingDeps } from './deps.ts';
import { createDashboardService } from './service-dashboard.ts';
import { createGenerator } from './generate.ts';
import { createExcelService } from './service-excel.ts';
import { createRegimeService } from './service-regimes.ts';
import { createSubmissionService } from './service-submissions.ts';

/** Builds the three parts on shared deps; see README.md for the API of each function. */
export function createReportingService(deps: ReportingDeps) {
  const regimes = createRegimeService(deps);
  const submissions = createSubmissionService(deps, regimes);
  const dashboard = createDashboardService(deps, regimes);
  const generator = createGenerator(deps, regimes);
  const excel = createExcelService(deps, submissions);
  return { regimes, submissions, dashboard, excel, generator };
}
export type ReportingService = ReturnType<typeof createReportingService>;
