import type { Locale } from '../../../platform/i18n/index.ts';
import { agencyKinds } from '../types.ts';
import { m } from './messages.ts';

type Key = Parameters<typeof m.t>[0];

/** The label of an agency kind in a language. */
export function kindLabel(kind: string, l: Locale): string {
  return (agencyKinds as readonly string[]).includes(kind) ? m.t(`kind_${kind}` as Key, l) : kind;
}

/** Options of a kind select box. */
export function kindOptions(l: Locale) {
  return agencyKinds.map((k) => ({ value: k, label: kindLabel(k, l) }));
}
