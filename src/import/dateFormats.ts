/**
 * Date-time formats of a mapping profile, in the pattern letters of Java's DateTimeFormatter and
 * date-fns (the ones data portals document): `yyyy-MM-dd'T'HH:mm:ss.SSS`, `d-MMM-yy`,
 * `dd.MM.yyyy HH:mm`, `MM/dd/yyyy hh:mm:ss a`. Also spreadsheet serial day numbers and a
 * date-time assembled from separate year, month, day, hour and minute columns. Every local
 * date-time is read in the profile's time zone (src/import/dates.ts#localDateTime).
 */
import { localDateTime } from './dates';

/** Month names and abbreviations, English, Russian (nominative and genitive) and Kazakh. */
const MONTH_NAMES: string[][] = [
  ['jan', 'january', 'янв', 'январь', 'января', 'қаң', 'қаңтар'],
  ['feb', 'february', 'фев', 'февраль', 'февраля', 'ақп', 'ақпан'],
  ['mar', 'march', 'мар', 'март', 'марта', 'нау', 'наурыз'],
  ['apr', 'april', 'апр', 'апрель', 'апреля', 'сәу', 'сәуір'],
  ['may', 'май', 'мая', 'мам', 'мамыр'],
  ['jun', 'june', 'июн', 'июнь', 'июня', 'мау', 'маусым'],
  ['jul', 'july', 'июл', 'июль', 'июля', 'шіл', 'шілде'],
  ['aug', 'august', 'авг', 'август', 'августа', 'там', 'тамыз'],
  ['sep', 'sept', 'september', 'сен', 'сент', 'сентябрь', 'сентября', 'қыр', 'қыркүйек'],
  ['oct', 'october', 'окт', 'октябрь', 'октября', 'қаз', 'қазан'],
  ['nov', 'november', 'ноя', 'нояб', 'ноябрь', 'ноября', 'қар', 'қараша'],
  ['dec', 'december', 'дек', 'декабрь', 'декабря', 'жел', 'желтоқсан'],
];
const MONTH_BY_NAME = new Map<string, number>(MONTH_NAMES.flatMap((names, i) => names.map((n) => [n, i + 1] as [string, number])));

type Part = 'year' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction' | 'ampm';

const TOKENS: [string, Part, string][] = [
  ['yyyy', 'year', '(\\d{4})'],
  ['yy', 'year2', '(\\d{2})'],
  ['MMMM', 'monthName', '(\\p{L}+)\\.?'],
  ['MMM', 'monthName', '(\\p{L}+)\\.?'],
  ['MM', 'month', '(\\d{2})'],
  ['M', 'month', '(\\d{1,2})'],
  ['dd', 'day', '(\\d{2})'],
  ['d', 'day', '(\\d{1,2})'],
  ['HH', 'hour', '(\\d{2})'],
  ['H', 'hour', '(\\d{1,2})'],
  ['hh', 'hour12', '(\\d{2})'],
  ['h', 'hour12', '(\\d{1,2})'],
  ['mm', 'minute', '(\\d{2})'],
  ['m', 'minute', '(\\d{1,2})'],
  ['ss', 'second', '(\\d{2})'],
  ['s', 'second', '(\\d{1,2})'],
  ['SSS', 'fraction', '(\\d{1,9})'],
  ['SS', 'fraction', '(\\d{1,9})'],
  ['S', 'fraction', '(\\d{1,9})'],
  ['a', 'ampm', '([AaPp]\\.?[Mm]\\.?)'],
];

export interface DateFormat {
  pattern: string;
  parse(text: string, timeZone: string): Date | null;
}

/** Special formats: spreadsheet serial day numbers (1900 date system) and ISO 8601. */
export const SERIAL_FORMAT = 'serial';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Two-digit years: up to next year's two digits in this century, the rest in the last. */
function fullYear(yy: number): number {
  const pivot = (new Date().getUTCFullYear() + 1) % 100;
  return yy <= pivot ? 2000 + yy : 1900 + yy;
}

/**
 * Compiles a pattern; throws an Error naming what is wrong with it (the caller adds the profile
 * field). Letters outside quotes must be pattern letters; `'...'` is literal text.
 */
export function compileDateFormat(pattern: string): DateFormat {
  if (pattern === SERIAL_FORMAT) return { pattern, parse: parseSerialDay };
  let source = '^\\s*';
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw new Error(`the quote at position ${i + 1} of "${pattern}" is not closed`);
      source += end === i + 1 ? "'" : escapeRegExp(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      const token = TOKENS.find(([t]) => pattern.startsWith(t, i) && (pattern[i + t.length] !== ch || t.length >= 4));
      if (!token) throw new Error(`"${pattern}" has the letter "${ch}" at position ${i + 1}, which is not a date pattern letter (yyyy yy MMMM MMM MM M dd d HH H hh h mm m ss s SSS a; quote literal text as 'T')`);
      source += token[2];
      parts.push(token[1]);
      i += token[0].length;
      continue;
    }
    source += ch === ' ' ? '\\s+' : escapeRegExp(ch);
    i++;
  }
  if (!parts.includes('year') && !parts.includes('year2')) throw new Error(`"${pattern}" has no year (yyyy or yy)`);
  if (!parts.includes('month') && !parts.includes('monthName')) throw new Error(`"${pattern}" has no month (MM, M or MMM)`);
  if (!parts.includes('day')) throw new Error(`"${pattern}" has no day (dd or d)`);
  if (parts.includes('hour12') !== parts.includes('ampm')) throw new Error(`"${pattern}": hh and a (AM/PM) go together; use HH for 0-23`);
  const regex = new RegExp(source + '\\s*$', 'u');
  return {
    pattern,
    parse(text: string, timeZone: string): Date | null {
      const match = regex.exec(text);
      if (!match) return null;
      let year = 0;
      let month = 0;
      let day = 0;
      let hour = 0;
      let minute = 0;
      let second = 0;
      let ms = 0;
      let pm: boolean | null = null;
      for (let k = 0; k < parts.length; k++) {
        const value = match[k + 1];
        switch (parts[k]) {
          case 'year':
            year = +value;
            break;
          case 'year2':
            year = fullYear(+value);
            break;
          case 'month':
            month = +value;
            break;
          case 'monthName': {
            const m = MONTH_BY_NAME.get(value.toLowerCase());
            if (m === undefined) return null;
            month = m;
            break;
          }
          case 'day':
            day = +value;
            break;
          case 'hour':
          case 'hour12':
            hour = +value;
            break;
          case 'minute':
            minute = +value;
            break;
          case 'second':
            second = +value;
            break;
          case 'fraction':
            ms = Math.round(+value.padEnd(3, '0').slice(0, 3));
            break;
          case 'ampm':
            pm = value[0].toLowerCase() === 'p';
            break;
        }
      }
      if (pm !== null) {
        if (hour < 1 || hour > 12) return null;
        hour = (hour % 12) + (pm ? 12 : 0);
      }
      return localDateTime(year, month, day, hour, minute, second, ms, timeZone);
    },
  };
}

const SERIAL_EPOCH_UTC = Date.UTC(1899, 11, 30);

/** A spreadsheet serial day number (days since 1899-12-30, the fraction the time of day) in local time. */
export function parseSerialDay(text: string, timeZone: string): Date | null {
  const serial = Number(text.trim().replace(',', '.'));
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  const naive = new Date(SERIAL_EPOCH_UTC + Math.round(serial * 86_400_000));
  return localDateTime(naive.getUTCFullYear(), naive.getUTCMonth() + 1, naive.getUTCDate(), naive.getUTCHours(), naive.getUTCMinutes(), naive.getUTCSeconds(), naive.getUTCMilliseconds(), timeZone);
}

/** The instant of separate year, month (number or name), day, hour, minute and second values. */
export function assembleDateTime(values: { year: unknown; month: unknown; day: unknown; hour?: unknown; minute?: unknown; second?: unknown }, timeZone: string): Date | null {
  const num = (v: unknown, fallback: number | null): number | null => {
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return fallback;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    return Number.isInteger(n) ? n : null;
  };
  let year = num(values.year, null);
  if (year !== null && year < 100) year = fullYear(year);
  let month = num(values.month, null);
  if (month === null && typeof values.month === 'string') month = MONTH_BY_NAME.get(values.month.trim().toLowerCase().replace(/\.$/, '')) ?? null;
  const day = num(values.day, null);
  const hour = num(values.hour, 0);
  const minute = num(values.minute, 0);
  const second = num(values.second, 0);
  if (year === null || month === null || day === null || hour === null || minute === null || second === null) return null;
  return localDateTime(year, month, day, hour, minute, second, 0, timeZone);
}
