/**
 * The reason of a BAD_USER_INPUT error in the caller's language. Reasons are written in English
 * where the input is checked (`badInput(path, reason)`); the English catalogue's `reason` section
 * holds the common ones as templates (`must be an integer from {{min}} to {{max}}, got
 * {{value}}`), so a reason that matches one is said again in Russian or Kazakh with the same
 * values. A reason no template matches is quoted in English (`error.BAD_USER_INPUT_ENGLISH`).
 */
import { catalogue, Catalogue, Language, translate } from './index';

/** Placeholders that hold a number: they match digits only, so templates cannot swallow one another. */
const NUMBER_PLACEHOLDERS = new Set(['min', 'max', 'number', 'resolution', 'rings', 'months', 'months2', 'steps', 'cells', 'candidates']);
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;

interface Template {
  key: string;
  pattern: RegExp;
  names: string[];
}

let templates: Template[] | null = null;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(): Template[] {
  const section = catalogue('en').reason as Catalogue | undefined;
  const out: Template[] = [];
  for (const [name, english] of Object.entries(section ?? {})) {
    if (typeof english !== 'string') continue;
    const names: string[] = [];
    const source = english
      .split(/(\{\{\w+\}\})/)
      .map((part) => {
        const placeholder = /^\{\{(\w+)\}\}$/.exec(part);
        if (!placeholder) return escape(part);
        names.push(placeholder[1]);
        return NUMBER_PLACEHOLDERS.has(placeholder[1]) ? `(${NUMBER})` : '([\\s\\S]+?)';
      })
      .join('');
    out.push({ key: `reason.${name}`, pattern: new RegExp(`^${source}$`), names });
  }
  return out;
}

/** A value in the language: decimals with its separator, words the catalogue knows (`week`, `district`) in its words. */
function localisedValue(lang: Language, value: string): string {
  if (/^-?\d+\.\d+$/.test(value)) return lang === 'en' ? value : value.replace('.', ',');
  const word = (catalogue('en').reasonWord as Catalogue | undefined)?.[value];
  return typeof word === 'string' ? translate(lang, `reasonWord.${value}`) : value;
}

/** The reason in the language, or null when no template of the catalogue matches the English text. */
export function localisedReason(lang: Language, english: string): string | null {
  templates ??= compile();
  for (const t of templates) {
    const match = t.pattern.exec(english);
    if (!match) continue;
    const params = Object.fromEntries(t.names.map((name, i) => [name, localisedValue(lang, match[i + 1])]));
    return translate(lang, t.key, params);
  }
  return null;
}
