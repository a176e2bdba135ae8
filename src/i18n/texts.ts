/**
 * Explanatory texts of the analysis answers (`method`, `notes`, `caveat`, `privacy.rules`,
 * `studyArea.description`, ...) in the caller's language. An analysis module builds a `Text`, a
 * catalogue key with its parameters, and `withTexts` puts the English rendering into the answer
 * (what exports, the CLI and cached answers hold) and keeps the Text beside it under a symbol;
 * the GraphQL schema renders it in the caller's language when the field is read
 * (src/graphql/localise.ts). Answers stay language-free, so cached ones serve every language.
 * Numbers are formatted in the language's locale: English as JavaScript writes them (so English
 * texts stay as they were), Russian and Kazakh with a decimal comma.
 */
import { DEFAULT_LANGUAGE, Language, translate } from './index';

/** A number with a fixed count of decimals (`toFixed`), formatted in the language's locale. */
export interface FixedNumber {
  fixed: number;
  digits: number;
}

/** Parameters rendered one by one and joined, for lists whose elements are themselves Texts or numbers. */
export interface JoinedParams {
  joined: TextParam[];
  separator: string;
}

export type TextParam = string | number | FixedNumber | JoinedParams | Text | null | undefined;

const TEXT = Symbol('text');

/** A catalogue key and its parameters, rendered in a language by `render`. */
export interface Text {
  readonly [TEXT]: true;
  key: string;
  params: Record<string, TextParam>;
}

export function text(key: string, params: Record<string, TextParam> = {}): Text {
  return { [TEXT]: true, key, params };
}

export function isText(value: unknown): value is Text {
  return typeof value === 'object' && value !== null && (value as Partial<Text>)[TEXT] === true;
}

/** A list to show joined by `separator` (each element rendered in the language). */
export function joined(items: TextParam[], separator = ', '): JoinedParams {
  return { joined: items, separator };
}

/** A number to show with `digits` decimals. */
export function fixed(value: number, digits: number): FixedNumber {
  return { fixed: value, digits };
}

const formats = new Map<string, Intl.NumberFormat>();

/** A number as the language writes it: English as `String(value)` (or `toFixed`), Russian and Kazakh by Intl. */
export function formatNumber(lang: Language, value: number, digits?: number): string {
  if (lang === DEFAULT_LANGUAGE || !Number.isFinite(value)) return digits === undefined ? String(value) : value.toFixed(digits);
  const key = `${lang}|${digits ?? ''}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, digits === undefined ? { maximumFractionDigits: 10 } : { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formats.set(key, format);
  }
  return format.format(value);
}

function renderParam(lang: Language, value: TextParam): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(lang, value);
  if (isText(value)) return render(lang, value);
  if ('joined' in value) return value.joined.map((v) => renderParam(lang, v)).join(value.separator);
  return formatNumber(lang, value.fixed, value.digits);
}

/** The text in a language; a number parameter `count` also chooses the plural form. */
export function render(lang: Language, t: Text): string {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(t.params)) params[name] = renderParam(lang, value);
  if (typeof t.params.count === 'number') params.count = t.params.count;
  return translate(lang, t.key, params);
}

export const english = (t: Text): string => render(DEFAULT_LANGUAGE, t);

/** Where an answer keeps its Texts: field -> the Text (or one per list element) and the English it was rendered as. */
export const TEXTS = Symbol.for('hotspots.texts');

interface KeptText {
  texts: (Text | string)[];
  english: string[];
  list: boolean;
}

type Textual<T> = T extends string ? string | Text : T extends string | null ? string | Text | null : T extends string[] ? (string | Text)[] : T;
/** An answer whose string fields may be given as Texts. */
export type WithTexts<T> = { [K in keyof T]: Textual<T[K]> };

/**
 * Turns the Text fields (and lists holding Texts) of an answer into their English rendering, in
 * place (getters are left alone), and keeps the Texts for `localisedValue`. Returns the answer.
 */
export function withTexts<T extends object>(answer: WithTexts<T>): T {
  const target = answer as unknown as Record<string | symbol, unknown>;
  const kept: Record<string, KeptText> = { ...((target[TEXTS] as Record<string, KeptText> | undefined) ?? {}) };
  let any = false;
  for (const [field, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(answer))) {
    const value: unknown = descriptor.value;
    if (isText(value)) {
      const rendered = english(value);
      target[field] = rendered;
      kept[field] = { texts: [value], english: [rendered], list: false };
      any = true;
    } else if (Array.isArray(value) && value.some(isText)) {
      const texts = value as (Text | string)[];
      const rendered = texts.map((t) => (isText(t) ? english(t) : t));
      target[field] = rendered;
      kept[field] = { texts, english: rendered, list: true };
      any = true;
    }
  }
  // enumerable, so a spread copy of the answer keeps it (JSON leaves symbols out)
  if (any) target[TEXTS] = kept;
  return answer as unknown as T;
}

/**
 * The value of an answer's field in a language: its kept Text rendered when the field still
 * holds the English it was made with (a copy that changed the field keeps its own value).
 */
export function localisedValue(source: unknown, field: string, value: unknown, lang: Language): unknown {
  if (lang === DEFAULT_LANGUAGE || typeof source !== 'object' || source === null) return value;
  const kept = ((source as Record<symbol, unknown>)[TEXTS] as Record<string, KeptText> | undefined)?.[field];
  if (!kept) return value;
  if (!kept.list) return value === kept.english[0] && isText(kept.texts[0]) ? render(lang, kept.texts[0]) : value;
  if (!Array.isArray(value)) return value;
  return value.map((v: unknown, i) => (v === kept.english[i] && isText(kept.texts[i]) ? render(lang, kept.texts[i] as Text) : v));
}
