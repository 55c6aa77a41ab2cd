/**
 * Synchronisation of dossiers with the national public service portal (Cổng DVCQG): the outbound
 * outbox (every status and every processing step, in order, until acknowledged, never twice) and
 * the inbound pull of dossiers filed on the portal. A sub-part of the dossiers module, built beside
 * it by the composition root (WIRING.md). See README.md and PROTOCOL.md.
 */
import type { Logger } from 'pino';
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { HttpModule } from '../../../platform/http/types.ts';
import type { JobDefinition } from '../../../platform/jobs/index.ts';
import type { NavItem } from '../../../platform/pages/layout.ts';
import type { DirectoryService } from '../../directory/index.ts';
import type { DossiersCatalogue } from '../deps.ts';
import type { DossierObserver } from '../observers.ts';
import { createPortalClient, type PortalClient, type PortalSettings } from './client.ts';
import { createSyncJobs } from './jobs.ts';
import { createSender, createSyncObserver, type Backoff, type PushOutcome } from './outbox.ts';
import { createPuller, type PullReport } from './pull.ts';
import { syncRepo } from './repo.ts';
import { registerSyncRoutes } from './routes.ts';
import { createSyncService, maySeeQueue, type SyncService } from './service.ts';
import { sm } from './views/messages.ts';
import { QUEUE_PATH, registerSyncPages } from './views/pages.ts';

export { startFakeNationalPortal, type FakeNationalPortal, type ReceivedItem } from './fake-portal.ts';
export { portalTime, parsePortalTime, portalServices, portalCodes } from './protocol.ts';
export type { DossierItem, ProgressItem, FiledItem } from './protocol.ts';
export type { PortalSettings } from './client.ts';
export type { OutboxView, QueueView } from './service.ts';

export interface DossiersSync {
  /** Register with `dossiers.observe(...)`: writes the outbox inside each changing transaction. */
  observer: DossierObserver;
  service: SyncService;
  client: PortalClient;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
  /** Enqueues the periodic pull now (call once at start; it then re-enqueues itself). */
  schedule(): Promise<void>;
  /** Sends one dossier's unsent items now, in order (what the push job does). */
  pushDossier(dossierId: string): Promise<PushOutcome>;
  /** Sends every dossier's due items now (tests, and a worker-less development start). */
  pushDue(): Promise<number>;
  /** Pulls dossiers filed on the national portal now (what the pull job does). */
  pull(): Promise<PullReport>;
}

export function createDossiersSync(deps: {
  db: Db;
  logger: Logger;
  settings: PortalSettings & { pullSeconds?: number };
  /** The dossiers module's observers (`() => dossiers.observers`), called when a dossier is imported. */
  observers: () => readonly DossierObserver[];
  directory: Pick<DirectoryService, 'resolveCode'>;
  services: Pick<DossiersCatalogue, 'getPublished' | 'getVersion'>;
  calendar: WorkCalendar;
  options?: {
    backoff?: Partial<Backoff>;
    /** How far back the very first pull looks (default 30 days). */
    firstPullDays?: number;
    timeoutMs?: number;
    now?: () => Date;
  };
}): DossiersSync {
  const o = deps.options ?? {};
  const now = o.now ?? (() => new Date());
  const client = createPortalClient(deps.settings, { ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
  const sender = createSender({
    db: deps.db,
    logger: deps.logger,
    client,
    backoff: { baseMs: o.backoff?.baseMs ?? 30_000, maxMs: o.backoff?.maxMs ?? 3_600_000 },
    now,
  });
  const puller = createPuller({
    db: deps.db,
    logger: deps.logger,
    client,
    directory: deps.directory,
    services: deps.services,
    calendar: deps.calendar,
    observers: deps.observers,
    now,
    firstPullDays: o.firstPullDays ?? 30,
  });
  const jobs = createSyncJobs({
    db: deps.db,
    logger: deps.logger,
    pullSeconds: deps.settings.pullSeconds ?? 300,
    now,
    pushDossier: sender.pushDossier,
    pull: puller.pull,
  });
  // The sector of a procedure version never changes once published: remembered per process.
  const sectors = new Map<string, { code: string; name: string } | null>();
  const observer = createSyncObserver({
    async sector(versionId) {
      if (!sectors.has(versionId)) {
        if (sectors.size > 5_000) sectors.clear();
        const v = await deps.services.getVersion(versionId);
        sectors.set(versionId, v ? { code: v.content.sector.code, name: v.content.sector.name } : null);
      }
      return sectors.get(versionId) ?? null;
    },
    enqueuePush: (trx, dossierId) => jobs.enqueuePush(trx, dossierId),
  });
  const service = createSyncService({
    db: deps.db,
    now,
    enqueuePush: (trx, id) => jobs.enqueuePush(trx, id),
  });
  return {
    observer,
    service,
    client,
    http: {
      name: 'dossiers-sync',
      register(app) {
        registerSyncRoutes(app, service);
        registerSyncPages(app, service);
      },
    },
    nav: [{ href: QUEUE_PATH, label: sm.text('nav'), visible: maySeeQueue }],
    jobs: jobs.jobs,
    schedule: () => jobs.schedule(),
    pushDossier: sender.pushDossier,
    async pushDue() {
      let sent = 0;
      for (const id of await syncRepo.dueDossiers(deps.db, now(), 10_000)) {
        const outcome = await sender.pushDossier(id);
        if (outcome.kind !== 'busy') sent += outcome.sent;
      }
      return sent;
    },
    pull: puller.pull,
  };
}
