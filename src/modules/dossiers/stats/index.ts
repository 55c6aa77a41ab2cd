/**
 * One-stop statistics and the register book (issue 5, items 7–8): daily counters kept by an
 * observer inside every status-changing transaction of a dossier, a rebuild from the dossiers,
 * statistics of any period (QĐ 766 index groups included), the register (form 07), their pages,
 * API and Excel/PDF exports. See README.md; wiring in WIRING.md.
 */
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import { hasRole } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { HttpModule } from '../../../platform/http/types.ts';
import type { NavItem } from '../../../platform/pages/layout.ts';
import type { DossierObserver } from '../observers.ts';
import { sm } from './messages.ts';
import { createStatsObserver } from './observer.ts';
import { registerStatsRoutes } from './routes.ts';
import { createStatsService, type StatsDirectory, type StatsService } from './service.ts';
import { registerStatsPages } from './views.ts';

export type { StatsService, StatsReport, RegisterPage } from './service.ts';
export { namedPeriod, rangePeriod } from './periods.ts';

export interface DossierStatsModule {
  service: StatsService;
  /** Register with `dossiers.observe(...)`: keeps the counters inside each dossier transaction. */
  observer: DossierObserver;
  http: HttpModule;
  nav: NavItem[];
  /** Recomputes every counter from the dossiers (CLI `dossiers-stats rebuild`). */
  rebuild(): Promise<{ rows: number }>;
}

/** Builds the statistics and register of the one-stop back office. */
export function createDossierStatsModule(deps: {
  db: Db;
  calendar: WorkCalendar;
  directory: StatsDirectory;
  now?: () => Date;
}): DossierStatsModule {
  const now = deps.now ?? (() => new Date());
  const service = createStatsService({
    db: deps.db,
    calendar: deps.calendar,
    directory: deps.directory,
    now,
  });
  const officer = (actor: Parameters<NavItem['visible']>[0]) =>
    actor.kind === 'official' && hasRole(actor, 'one_stop_officer', 'unit_leader', 'admin');
  return {
    service,
    observer: createStatsObserver({ calendar: deps.calendar }),
    http: {
      name: 'dossier-stats',
      register: (app) => {
        registerStatsRoutes(app, service, now);
        registerStatsPages(app, service);
        // Queued changes reach the counters within a second, whoever reads them.
        let running: Promise<unknown> = Promise.resolve();
        const timer = setInterval(() => {
          running = running
            .then(() => service.fold())
            .catch((err: unknown) =>
              app.log.error({ err, action: 'dossier_stats.fold_failed' }, 'fold failed'),
            );
        }, 1000);
        timer.unref();
        app.addHook('onClose', async () => {
          clearInterval(timer);
          await running;
        });
      },
    },
    nav: [
      { href: '/one-stop/stats', label: sm.text('navStats'), visible: officer },
      { href: '/one-stop/register', label: sm.text('navRegister'), visible: officer },
    ],
    rebuild: () => service.rebuild(),
  };
}
export { dossierStatsCliCommands } from './cli.ts';
