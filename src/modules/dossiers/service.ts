// The dossiers service: filing, following and the minimal officer actions, on one set of deps.
import type { DossiersDeps } from './deps.ts';
import { ProcedureNotAvailable } from './errors.ts';
import { createFiling } from './service-filing.ts';
import { createFollowing } from './service-follow.ts';
import { createDesk } from './service-desk.ts';
import { createLists } from './service-lists.ts';
import { createOfficerActions } from './service-officer.ts';
import { createFeeRequests } from './service-payment-request.ts';
import { createProcessing } from './service-process.ts';
import { createResults } from './service-result.ts';
import { createWorkflows } from './service-workflow.ts';

/** Builds the dossier service; every function takes the request context and checks who acts. */
export function createDossierService(deps: DossiersDeps) {
  return {
    ...createFiling(deps),
    ...createFollowing(deps),
    ...createDesk(deps).actions,
    ...createOfficerActions(deps),
    ...createProcessing(deps),
    ...createFeeRequests(deps),
    ...createResults(deps),
    ...createLists(deps),
    ...createWorkflows(deps),
    /** A procedure version a dossier was filed under (published or superseded). */
    async versionOf(versionId: string) {
      const v = await deps.services.getVersion(versionId);
      if (!v) throw ProcedureNotAvailable();
      return v;
    },
    /** Limits pages and APIs show to citizens. */
    limits: { maxFileBytes: deps.maxFileBytes },
    paymentsEnabled: deps.payments?.enabled === true,
  };
}

export type DossierService = ReturnType<typeof createDossierService>;
