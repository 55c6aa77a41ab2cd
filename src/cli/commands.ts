import { dossierStatsCliCommands } from '../modules/dossiers/stats/index.ts';
import { exchangeCliCommands } from '../modules/exchange/index.ts';
import { reportingCliCommands } from '../modules/reporting/index.ts';

/**
 * Commands contributed by modules (e.g. `edxml inspect`), merged into the CLI's table.
 * Each entry has the same shape as the built-in commands in src/cli.ts.
 */
export interface ModuleCommand {
  summary: string;
  usage: string;
  options?: Record<string, { type: 'string' | 'boolean'; short?: string; description: string }>;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number>;
}

export const cliCommands: Record<string, ModuleCommand> = {
  ...exchangeCliCommands,
  ...reportingCliCommands,
  ...dossierStatsCliCommands,
};
