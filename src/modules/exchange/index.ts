/**
 * The exchange module's public door: the edXML codec, and the document axis built on it —
 * sending, routing, durable delivery, statuses, recall/update/replace, the transport API and
 * statistics. See README.md.
 */
import type { RequestContext } from '../../platform/context.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import { createDelivery } from './delivery.ts';
import { createFederation } from './federation/index.ts';
import { createSender } from './send.ts';
import { withDefaults, type ExchangeDeps } from './deps.ts';
import { registerExchangeRoutes } from './routes.ts';
import { createExchangeService, type ExchangeService } from './service.ts';
import { createStats, type ExchangeStats } from './stats.ts';
import type { PeerService } from './federation/index.ts';
import { federationRepo } from './federation/repo.ts';
import type { ExchangeObserver } from './observers.ts';
import { peersMessages } from './federation/views/peers.ts';
import { isPlatformAdmin } from '../../platform/context.ts';
import { registerStatsPage, statsMessages } from './views/stats.ts';

export * from './edxml/index.ts';
export { exchangeCliCommands, describePacket } from './cli.ts';
export type { ExchangeDeps } from './deps.ts';
export type { ExchangeService, PacketView, SendResult } from './service.ts';
export type { ExchangeStats } from './stats.ts';
export type { PeerService, PeerView } from './federation/index.ts';
export type { ExchangeObserver, PacketArrived, StatusRecorded } from './observers.ts';

export interface ExchangeModule {
  service: ExchangeService & {
    /** Delivers one delivery now (what the job does); for tests and tools. */
    deliverNow(deliveryId: string): Promise<'delivered' | 'already'>;
    /** Delivers up to `limit` pending local deliveries now, in one batch (what the worker does); how many. */
    deliverPendingNow(limit?: number): Promise<number>;
    /** Re-enqueues deliveries left pending longer than `staleMs`. */
    sweepStale(staleMs: number): Promise<number>;
    /** Figures of one agency over a period (item 9): also the dashboard's source. */
    stats(
      ctx: RequestContext,
      q: { agencyId?: string | undefined; from: string; to: string },
    ): Promise<ExchangeStats>;
    /** The federation peers registry (platform administrators). */
    peers: PeerService;
    /** The peer instance hosting an agency (federation), or null when it is hosted here. */
    hostOf(agencyId: string): Promise<string | null>;
  };
  /** Registers an observer called inside the transactions that deliver packets and record statuses. */
  observe(observer: ExchangeObserver): void;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
}

/** Builds the exchange module on the platform's database, directory, PKI and blob store. */
export function createExchangeModule(deps: ExchangeDeps): ExchangeModule {
  const c = withDefaults(deps);
  // Federation (issue 3, item 8): routes to peers, the signed peer protocol, the admin page.
  const federation = createFederation(c);
  const delivery = createDelivery(c, federation.transport);
  const service = createExchangeService(c, delivery.queue);
  const peerSender = createSender(c, delivery.queue);
  const stats = createStats({ db: c.db, calendar: c.calendar });
  return {
    service: {
      ...service,
      deliverNow: delivery.deliver,
      deliverPendingNow: (limit) => delivery.deliverBatch(limit),
      sweepStale: delivery.sweep,
      stats,
      peers: federation.peers,
      hostOf: (agencyId) => federationRepo.hostOf(c.db, agencyId),
    },
    observe(observer) {
      c.observers.push(observer);
    },
    http: {
      name: 'exchange',
      async register(app) {
        await registerExchangeRoutes(app, service, { maxPacketBytes: c.maxPacketBytes, stats });
        registerStatsPage(app, stats);
        await federation.register(app, (ctx, body, fromPeer) => peerSender.send(ctx, body, fromPeer));
        app.addHook('onReady', (done) => {
          delivery.startSweeper();
          done();
        });
        app.addHook('onClose', (_instance, done) => {
          delivery.stopSweeper();
          done();
        });
      },
    },
    nav: [
      {
        href: '/admin/exchange/peers',
        label: peersMessages.text('nav'),
        visible: (actor) => isPlatformAdmin(actor),
      },
      {
        href: '/exchange/stats',
        label: statsMessages.text('nav'),
        visible: (actor) => actor.kind === 'official',
      },
    ],
    jobs: [delivery.job, delivery.localJob],
  };
}
