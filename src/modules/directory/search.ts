/**
 * Search normalisation: lower case, no diacritics, `đ` → `d`, punctuation other than the
 * characters of codes turned into spaces. The same function builds the stored `search_text`
 * column and the words of a query, so `ha noi` finds `Hà Nội`.
 */
export function searchNormalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9.:/-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a query, normalised, without duplicates (at most 10). */
export function searchWords(query: string): string[] {
  const words = searchNormalise(query)
    .split(' ')
    .filter((w) => w !== '');
  return [...new Set(words)].slice(0, 10);
}

/** The stored search text of an agency: its names (current and former) and its codes. */
export function agencySearchText(
  names: readonly (string | null | undefined)[],
  codes: readonly string[],
): string {
  const parts = [...names.filter((n): n is string => !!n), ...codes];
  return searchNormalise([...new Set(parts)].join(' ')).slice(0, 4000);
}
