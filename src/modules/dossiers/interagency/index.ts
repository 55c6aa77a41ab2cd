/**
 * Inter-agency procedures (thủ tục liên thông) inside dossiers: a procedure whose parts belong to
 * several agencies, filed once; each part goes to its agency — a dossier in its queue on this
 * instance, or a document through the exchange axis to an agency on another instance — and each
 * agency's progress shows on the one dossier, which is on time only if every part is. See README.md.
 */
import type { Logger } from 'pino';
import type { BlobStore } from '../../../platform/blobs/index.ts';
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { HttpModule } from '../../../platform/http/types.ts';
import type { JobDefinition } from '../../../platform/jobs/index.ts';
import type { NavItem } from '../../../platform/pages/layout.ts';
import type { ExchangeObserver } from '../../exchange/index.ts';
import type { PkiService } from '../../pki/index.ts';
import { DEFAULT_CODE_PATTERN } from '../code.ts';
import type { DossiersNotify } from '../deps.ts';
import type { DossierObserver } from '../observers.ts';
import type {
  InteragencyCatalogue,
  InteragencyDeps,
  InteragencyDirectory,
  InteragencyExchange,
} from './deps.ts';
import { createOrigin } from './origin.ts';
import { createReceiver } from './remote.ts';
import { interagencyRepo } from './repo.ts';
import { registerInteragencyRoutes } from './routes.ts';
import { createInteragencyService, type InteragencyService } from './service.ts';
import { registerInteragencyPages, renderInteragencyParts } from './views.ts';
import type { SafeHtml } from '../../../platform/pages/html.ts';

export { renderInteragencyParts } from './views.ts';
export { interagencyProcedureSchema, birthGroup, type InteragencyProcedure } from './definition.ts';
export type { InteragencyService, InteragencyView, PartView } from './service.ts';

export interface InteragencyModule {
  service: InteragencyService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  /** Publishes the example group's filed procedure and defines the group (idempotent). */
  seed(ctx: RequestContext): Promise<Record<string, number>>;
  /**
   * The "Các phần liên thông" section for a dossier page, or null when the dossier has no parts
   * the actor may see. `base`: `/dossiers/:id` (citizen) or `/one-stop/dossiers/:id` (officials).
   */
  section(ctx: RequestContext, dossierId: string, base: string): Promise<SafeHtml | null>;
}

/**
 * Builds the inter-agency part and registers its observers on the dossiers module (inside every
 * status change) and on the exchange module (a part or a result delivered here, a status recorded).
 */
export function createInteragencyModule(deps: {
  db: Db;
  logger: Logger;
  directory: InteragencyDirectory;
  services: InteragencyCatalogue;
  dossiers: { observe(observer: DossierObserver): void };
  /** The dossiers module's observers (`dossiers.observers`): told when a part's dossier is filed here. */
  dossierObservers?: readonly DossierObserver[];
  exchange: { service: InteragencyExchange; observe(observer: ExchangeObserver): void };
  pki: Pick<PkiService, 'signEdxml'>;
  notify: DossiersNotify;
  calendar: WorkCalendar;
  blobs: BlobStore;
  codePattern?: string;
  now?: () => Date;
}): InteragencyModule {
  const c: InteragencyDeps = {
    db: deps.db,
    logger: deps.logger,
    directory: deps.directory,
    services: deps.services,
    exchange: deps.exchange.service,
    pki: deps.pki,
    notify: deps.notify,
    calendar: deps.calendar,
    blobs: deps.blobs,
    // Read only, never changed here (typed as the dossiers module's own list is).
    dossierObservers: (deps.dossierObservers ?? []) as DossierObserver[],
    codePattern: deps.codePattern ?? DEFAULT_CODE_PATTERN,
    now: deps.now ?? (() => new Date()),
  };
  const origin = createOrigin(c);
  const receiver = createReceiver(c);
  const service = createInteragencyService(c);

  deps.dossiers.observe({
    name: 'dossiers.interagency',
    async statusChanged(trx, change) {
      // A citizen's own submission is never a part (parts are filed by this module) and the main
      // dossier has nothing to do before it is received: no read on the portal's busiest path.
      if (change.actor.kind === 'citizen' && change.previous === 'draft') return;
      const part = await interagencyRepo.partByChild(trx, change.dossier.id);
      if (part) return origin.onChildChanged(trx, part, change);
      const inbound = await interagencyRepo.inboundByChild(trx, change.dossier.id);
      if (inbound) return receiver.onChildChanged(trx, inbound);
      if (change.status === 'received') await origin.onReceived(trx, change.dossier, change.at);
      if (change.status === 'withdrawn' || change.status === 'stopped')
        await origin.onMainClosed(trx, change.dossier, change.status);
    },
  });
  deps.exchange.observe({
    name: 'dossiers.interagency',
    async packetArrived(trx, e) {
      await receiver.onPartArrived(trx, e);
      await origin.onReply(trx, e);
    },
    async statusRecorded(trx, e) {
      await origin.onStatus(trx, e);
      await receiver.onRecall(trx, e);
    },
  });

  return {
    service,
    http: {
      name: 'dossiers-interagency',
      register(app) {
        registerInteragencyRoutes(app, service);
        registerInteragencyPages(app, service);
      },
    },
    nav: [],
    jobs: [origin.dispatchJob, origin.recallJob, origin.completeJob, receiver.reportJob],
    seed: (ctx) => service.seed(ctx),
    async section(ctx, dossierId, base) {
      if (!(await service.hasParts(ctx, dossierId))) return null;
      return renderInteragencyParts(await service.partsOf(ctx, dossierId), ctx.locale, base);
    },
  };
}
