/**
 * `lienthong reporting generate`: synthetic submissions for demos and benchmarks. Builds only
 * what it needs (database, directory, reporting) — no HTTP server, no pki (the generator records
 * hashes, not signatures).
 */
import { loadConfig } from '../../platform/config.ts';
import { systemContext } from '../../platform/context.ts';
import { connectDatabase, prepareDatabase } from '../../platform/db/connect.ts';
import { createLogger } from '../../platform/logger.ts';
import { createDirectoryModule } from '../directory/index.ts';
import { createWorkCalendar } from '../../platform/calendar/index.ts';
import { createReportingService } from './service.ts';

async function generate({
  values,
}: {
  values: Record<string, string | boolean | undefined>;
}): Promise<number> {
  const period = values['period'];
  const units = typeof values['units'] === 'string' ? values['units'] : 'all';
  const regime = typeof values['regime'] === 'string' ? values['regime'] : 'BC-KTXH-THANG';
  if (typeof period !== 'string' || !/^\d{4}-(M\d{2}|Q[1-4]|H[12]|9M|Y)$/.test(period)) {
    console.error('--period is required, e.g. 2025-M11, 2025-Q4');
    return 2;
  }
  if (units !== 'all' && !/^province:[A-Za-z0-9.]{1,20}$/.test(units)) {
    console.error('--units is "all" or "province:<code>", e.g. province:H41');
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const connected = await connectDatabase(config, logger);
  try {
    await prepareDatabase(connected.database, logger);
    const db = connected.database.db;
    const directory = createDirectoryModule({ db, logger });
    const service = createReportingService({
      db,
      logger,
      directory: directory.service,
      pki: null,
      notify: null,
      calendar: createWorkCalendar(),
      now: () => new Date(),
    });
    const ctx = systemContext('reporting-generate');
    const province =
      units === 'all'
        ? undefined
        : (await directory.service.resolveCode(units.slice('province:'.length)))?.current.id;
    if (units !== 'all' && !province) {
      console.error(`No agency holds the code ${units.slice('province:'.length)}.`);
      return 1;
    }
    if (values['synthetic-units']) {
      const created = await service.generator.ensureSyntheticUnits(ctx, { provinceId: province });
      process.stdout.write(`Synthetic communes created: ${created}\n`);
      // Periods already open keep their structure; re-read it so the new communes are expected.
      const p = await service.regimes.openPeriod(ctx, regime, period);
      await service.regimes.restructurePeriod(ctx, p.id);
    }
    const r = await service.generator.generateSubmissions(ctx, {
      regime,
      period,
      underUnitId: province,
    });
    process.stdout.write(
      `${regime} ${period}: ${r.submissions} synthetic submissions, ${r.values} values; aggregates rebuilt.\n`,
    );
    return 0;
  } finally {
    await connected.close();
  }
}

export const reportingCliCommands = {
  'reporting generate': {
    summary: 'Synthetic reporting submissions for a period (demos and benchmarks), aggregated at once',
    usage:
      'lienthong reporting generate --period 2025-M11 [--regime BC-KTXH-THANG] [--units all|province:H41] [--synthetic-units]',
    options: {
      period: {
        type: 'string' as const,
        description: 'period key: 2025-M11, 2025-Q4, 2025-H1, 2025-9M, 2025-Y',
      },
      regime: { type: 'string' as const, description: 'regime code (default BC-KTXH-THANG)' },
      units: { type: 'string' as const, description: '"all" (default) or "province:<code>"' },
      'synthetic-units': {
        type: 'boolean' as const,
        description:
          'first create synthetic communes ("Xã Mẫu 001 (dữ liệu tổng hợp)") up to 3,321 nationally',
      },
    },
    run: generate,
  },
};
