import type { DirectoryStore } from './store.ts';

/** CSV import and export of the directory (see README.md for the format). */
export function createCsvService(_store: DirectoryStore) {
  return {};
}
export type CsvService = ReturnType<typeof createCsvService>;
