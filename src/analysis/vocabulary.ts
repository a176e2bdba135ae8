/**
 * Words of the API for clients: every enum's labels in a language, and the month the public view
 * shows (the last whole ended calendar month that has incidents, never the current one).
 */
import type { RequestContext } from '../context';
import { latestIncidentBefore } from '../db/dataMonths';
import { DEFAULT_LANGUAGE, enumLabel, isLanguage, translate, type Language } from '../i18n';
import type { EnumLabels, MonthWindow } from '../schema/i18n';

export function languageOfRequest(ctx: RequestContext, lang: string | null | undefined): Language {
  return isLanguage(lang) ? lang : (ctx.lang ?? DEFAULT_LANGUAGE);
}

/** The labels of the given enums (name and value names, as the schema has them). */
export function vocabulary(language: Language, enums: readonly { name: string; values: readonly string[] }[]): EnumLabels[] {
  return enums.map((e) => ({ enum: e.name, values: e.values.map((value) => ({ value, label: enumLabel(language, e.name, value) })) }));
}

/** The month window of a UTC month start, with its name in the language. */
export function monthWindow(start: Date, language: Language): MonthWindow {
  const to = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  // month names from the catalogues: ICU builds (Chromium's among them) lack Kazakh month names
  const label = translate(language, 'month.withYear', { month: translate(language, `month.${start.getUTCMonth() + 1}`), year: start.getUTCFullYear() });
  return { from: start, to, month: start.toISOString().slice(0, 7), label };
}

/** The last whole ended month (UTC) with incidents; null when none is stored. */
export async function lastMonthWithData(ctx: RequestContext, language: Language, now = new Date()): Promise<MonthWindow | null> {
  const currentMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const latest = await latestIncidentBefore(ctx.knex, currentMonth);
  if (!latest) return null;
  return monthWindow(new Date(Date.UTC(latest.getUTCFullYear(), latest.getUTCMonth(), 1)), language);
}
