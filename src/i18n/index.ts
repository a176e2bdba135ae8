/**
 * The product's words in English, Russian and Kazakh: one i18next catalogue per language in
 * `locales/{en,ru,kk}.json`, read by the API (labels, messages, export headers) and served to the
 * map page, so both say the same thing in the same words. A missing key falls back to English.
 */
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TOptions } from 'i18next';

export const LANGUAGES = ['en', 'ru', 'kk'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** The extension that marks the `<field>Label` fields the schema adds (exports leave them out by default). */
export const LABEL_EXTENSION = 'localisedLabel';

/** A catalogue: nested objects of strings, as the JSON files hold them. */
export interface Catalogue {
  [key: string]: string | Catalogue;
}

/** The package root, whether running from src (tests) or from dist (built). */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export function cataloguePath(language: Language): string {
  return path.join(packageRoot(), 'locales', `${language}.json`);
}

const catalogues = new Map<Language, Catalogue>();

export function catalogue(language: Language): Catalogue {
  let found = catalogues.get(language);
  if (!found) {
    found = JSON.parse(fs.readFileSync(cataloguePath(language), 'utf8')) as Catalogue;
    catalogues.set(language, found);
  }
  return found;
}

let instance: i18n | null = null;

function translator(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogue(l) }])),
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    // synchronous: the resources are in memory
    initAsync: false,
    // answers are JSON and CSV, never HTML: the page escapes what it puts into the DOM
    interpolation: { escapeValue: false },
  });
  instance = created;
  return created;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** `ru-RU` -> `ru`, `kk-KZ` -> `kk`, `kz` (a common misspelling of the code) -> `kk`; null for others. */
export function languageOfTag(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  const code = primary === 'kz' ? 'kk' : primary;
  return isLanguage(code) ? code : null;
}

/** The first supported language of an Accept-Language header by its q-values; null when none is supported. */
export function languageOfAcceptLanguage(header: string | null | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranked) {
    const language = languageOfTag(r.tag);
    if (language) return language;
  }
  return null;
}

/** The caller's language: an explicit `lang` first, then Accept-Language, then English. */
export function requestLanguage(explicit: string | null | undefined, acceptLanguage: string | null | undefined): Language {
  return languageOfTag(explicit) ?? languageOfAcceptLanguage(acceptLanguage) ?? DEFAULT_LANGUAGE;
}

/** An HTTP request as far as its language goes (Express's Request is one). */
export interface LanguageOfRequest {
  query?: unknown;
  get(name: 'accept-language'): string | undefined;
}

/** The language of an HTTP request: `?lang=`, else Accept-Language, else English (as GraphQL's context reads it). */
export function languageOfRequest(req: LanguageOfRequest): Language {
  const lang = (req.query as Record<string, unknown> | undefined)?.lang;
  return requestLanguage(typeof lang === 'string' ? lang : null, req.get('accept-language'));
}

export function translate(language: Language, key: string, options: TOptions = {}): string {
  return translator().t(key, { ...options, lng: language });
}

/** True when the catalogue (or English, the fallback) has the key. */
export function hasKey(key: string): boolean {
  return translator().exists(key, { lng: DEFAULT_LANGUAGE });
}

/** The label of a GraphQL enum value (`IncidentCategory`, `THEFT`); the value's name when the catalogue lacks it. */
export function enumLabel(language: Language, enumName: string, valueName: string): string {
  const key = `enum.${enumName}.${valueName}`;
  return hasKey(key) ? translate(language, key) : valueName;
}

/** The label of a Gi* bin, -3..3. */
export function binLabel(language: Language, bin: number): string {
  return translate(language, `bin.${bin}`);
}

/**
 * An instant as people read it in the city: local date and time with the zone's offset
 * (`2024-05-01T05:00:00+05:00` in Asia/Almaty), the same instant as the UTC form.
 */
export function localDateTime(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMinutes = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
