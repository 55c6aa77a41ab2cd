// Identifiers: every row id of the platform is a UUID (node:crypto's randomUUID, or another
// system's). An id from a URL, a form or a packet is checked here before it reaches a `uuid`
// column, so a malformed one is a 404 of the module, not a database error (500).

/**
 * A UUID in its canonical 8-4-4-4-12 hexadecimal form, either case, any version. Without the
 * global flag, so `.test` keeps no state between calls and the pattern may be shared.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in canonical form (checked before it is used in a query). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
