/**
 * `lienthong dossier-stats rebuild`: recomputes the one-stop statistics (daily and monthly
 * counters, names) from the dossiers and their timelines — after importing dossiers straight
 * into the database, or to check the counters. Builds only the database and the calendar.
 */
import { createWorkCalendar } from '../../../platform/calendar/index.ts';
import { loadConfig } from '../../../platform/config.ts';
import { connectDatabase, prepareDatabase } from '../../../platform/db/connect.ts';
import { createLogger } from '../../../platform/logger.ts';
import { statsRepo } from './repo.ts';

async function rebuild({ positionals }: { positionals: string[] }): Promise<number> {
  if (positionals[0] !== 'rebuild') {
    console.error('usage: lienthong dossier-stats rebuild');
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const connected = await connectDatabase(config, logger);
  try {
    await prepareDatabase(connected.database, logger);
    const started = Date.now();
    const r = await statsRepo.rebuild(connected.database.db, createWorkCalendar());
    process.stdout.write(
      `Statistics rebuilt: ${r.rows} daily rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await connected.close();
  }
}

/** Commands for src/cli/commands.ts. */
export const dossierStatsCliCommands = {
  'dossier-stats': {
    summary: 'Recompute the one-stop statistics from the dossiers (rebuild)',
    usage: 'lienthong dossier-stats rebuild',
    run: rebuild,
  },
};
