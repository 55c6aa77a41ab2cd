/**
 * The one i18n catalog. Every module declares its texts with `defineMessages`, Vietnamese
 * first and English second; pages and errors look them up by key and locale.
 */
export type Locale = 'vi' | 'en';
export const locales: readonly Locale[] = ['vi', 'en'];
export const defaultLocale: Locale = 'vi';

/** A text in both languages. */
export interface Text {
  vi: string;
  en: string;
}

export type Params = Record<string, string | number>;

const catalog = new Map<string, Text>();

function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Formats a Text in a locale with {name} parameters. */
export function format(text: Text, locale: Locale, params?: Params): string {
  return interpolate(text[locale], params);
}

export interface Messages<K extends string> {
  /** The text of `key` in `locale`, with {name} placeholders filled. */
  t(key: K, locale: Locale, params?: Params): string;
  /** Both languages of `key`, with placeholders filled. */
  text(key: K, params?: Params): Text;
}

/** Adds a namespace of texts to the catalog and returns its typed lookups. */
export function defineMessages<K extends string>(namespace: string, messages: Record<K, Text>): Messages<K> {
  for (const [key, value] of Object.entries<Text>(messages)) {
    const id = `${namespace}.${key}`;
    if (catalog.has(id)) throw new Error(`i18n: duplicate message ${id}`);
    catalog.set(id, value);
  }
  return {
    t: (key, locale, params) => format(messages[key], locale, params),
    text: (key, params) => ({
      vi: interpolate(messages[key].vi, params),
      en: interpolate(messages[key].en, params),
    }),
  };
}

/** Every registered text, for translators and for the test that checks none is empty. */
export function catalogEntries(): [string, Text][] {
  return [...catalog.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Picks the locale: explicit choice (query or cookie) first, then Accept-Language, then Vietnamese. */
export function pickLocale(explicit: string | undefined, acceptLanguage: string | undefined): Locale {
  if (explicit === 'vi' || explicit === 'en') return explicit;
  if (acceptLanguage) {
    const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('en')) return 'en';
  }
  return defaultLocale;
}

const numberFormats: Record<Locale, Intl.NumberFormat> = {
  vi: new Intl.NumberFormat('vi-VN'),
  en: new Intl.NumberFormat('en-GB'),
};

/** Numbers as 1.234,5 in Vietnamese and 1,234.5 in English. */
export function formatNumber(value: number, locale: Locale): string {
  return numberFormats[locale].format(value);
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A date as dd/MM/yyyy in Vietnam's time zone (both locales use this order here). */
export function formatDate(value: Date | string): string {
  const d =
    typeof value === 'string' ? new Date(value.length === 10 ? `${value}T00:00:00+07:00` : value) : value;
  return dateFormat.format(d);
}

/** A timestamp as dd/MM/yyyy HH:mm in Vietnam's time zone. */
export function formatDateTime(value: Date | string): string {
  return dateTimeFormat.format(typeof value === 'string' ? new Date(value) : value).replace(',', '');
}
