import { searchNormalise } from '../directory/index.ts';
import type { ProcedureContent } from './schemas.ts';

/** The normalised name of a procedure (lower case, no diacritics, đ → d): `dang ky khai sinh`. */
export function procedureSearchName(content: Pick<ProcedureContent, 'name'>): string {
  return searchNormalise(content.name).slice(0, 500);
}

/** Everything a citizen may type to find a procedure: name, code, sector, agencies, result. */
export function procedureSearchText(content: ProcedureContent): string {
  return searchNormalise(
    [content.name, content.code, content.sector.name, content.agencies.description, content.result.name].join(
      ' ',
    ),
  ).slice(0, 4000);
}

/** A query normalised like the stored columns, at most 200 characters. */
export function normaliseQuery(q: string | undefined): string {
  return searchNormalise(q ?? '').slice(0, 200);
}
