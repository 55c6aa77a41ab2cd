// Searching names without diacritics: the database folds stored names with `lt_fold(text)`
// (migration 202611220803, indexed with trigrams) and a query is folded the same way here, so
// "nguyen van" finds "Nguyễn Văn" and "NGUYỄN" finds "Nguyễn".
import { sql, type RawBuilder } from 'kysely';

/** Lower case, Vietnamese letters to ASCII (`đ` → `d`), as `lt_fold` does in the database. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** `lt_fold(column) LIKE '%folded query%'` (the query's LIKE characters escaped). */
export function foldedContains(column: RawBuilder<unknown>, query: string): RawBuilder<boolean> {
  const pattern = `%${foldForSearch(query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lt_fold(${column}) LIKE ${pattern}`;
}
