/**
 * The records module's public door: the records desk (văn thư) of agencies without document
 * software of their own — incoming and outgoing registers on top of the exchange axis. See README.md.
 */
import { hasRole } from '../../platform/context.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import type { RecordsDeps } from './deps.ts';
import { registerRecordsRoutes } from './routes.ts';
import { createRecordsService, type RecordsService } from './service.ts';
import { recordsMessages } from './views/messages.ts';

export type { RecordsDeps, RecordsDirectory } from './deps.ts';
export type { RecordsService } from './service.ts';
export type { ComposeInput } from './service-outgoing.ts';

export interface RecordsModule {
  service: RecordsService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
}

/** Builds the records desk on the exchange (send, inbox, statuses), the PKI (signing) and the directory. */
export function createRecordsModule(deps: RecordsDeps): RecordsModule {
  const service = createRecordsService(deps);
  return {
    service,
    http: { name: 'records', register: (app) => registerRecordsRoutes(app, service) },
    nav: [
      {
        href: '/records',
        label: recordsMessages.text('nav'),
        visible: (actor) =>
          actor.kind === 'official' && hasRole(actor, 'records_clerk', 'admin', 'unit_leader', 'specialist'),
      },
    ],
    jobs: [],
  };
}
