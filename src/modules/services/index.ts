/**
 * The services module's public door: the catalogue of administrative procedures (thủ tục
 * hành chính) with versioned content, forms defined as data, fees, time limits and service
 * levels; public search and procedure pages; administration. See README.md.
 */
import type { Logger } from 'pino';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import type { DirectoryService } from '../directory/index.ts';
import { mayAdministerCatalogue } from './policies.ts';
import { registerServicesRoutes } from './routes.ts';
import { seedServices } from './seed.ts';
import { createServicesService, type ServicesService } from './service.ts';
import { registerAdminPages } from './views/admin.ts';
import { m } from './views/messages.ts';
import { registerPublicPages } from './views/public.ts';

export type {
  ProcedureContent,
  ProcedureSummary,
  ProcedureVersion,
  LinkedSetContent,
  SearchHit,
  Paper,
  Fee,
} from './schemas.ts';
export { procedureContentSchema, serviceLevels, channels, resultTypes } from './schemas.ts';
export type { ServicesService, PublishedProcedure } from './service.ts';
export {
  fieldTypes,
  formDefinitionSchema,
  parseFormDefinition,
  FORM_LIMITS,
  type FormDefinition,
  type FormField,
  type FormIssue,
} from './form/definition.ts';
export {
  validateFormValues,
  isPersonalIdNumber,
  type FormValues,
  type ValidationResult,
} from './form/validate.ts';
export { renderFormFields, valuesFromFormPost, formErrorMessage } from './views/form-render.ts';
export { computeFees, feeHasRule, type FeeComputation, type FeeLine, type FilingChannel } from './fees.ts';
export { renderFeeLines } from './views/fees.ts';

export interface ServicesModule {
  service: ServicesService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  /** Seeds the real procedures of seed/ and the linked set; running it again changes nothing. */
  seed(ctx: RequestContext): Promise<Record<string, number>>;
}

/** Builds the catalogue on the database; `directory` names competent agencies and owners. */
export function createServicesModule(deps: {
  db: Db;
  logger: Logger;
  directory: DirectoryService;
}): ServicesModule {
  const service = createServicesService(deps);
  return {
    service,
    http: {
      name: 'services',
      register(app) {
        registerServicesRoutes(app, service);
        registerPublicPages(app, service);
        registerAdminPages(app, service);
      },
    },
    nav: [
      { href: '/services', label: m.text('nav'), visible: () => true },
      {
        href: '/admin/services',
        label: m.text('adminNav'),
        visible: (actor) => actor.kind === 'official' && mayAdministerCatalogue(actor) === 'allow',
      },
    ],
    jobs: [],
    seed: (ctx) => seedServices(service, deps.directory, ctx),
  };
}
