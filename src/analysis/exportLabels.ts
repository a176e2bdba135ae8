/**
 * Exports for people (`?lang=ru&excel=1`): the CSV header in the language's words, a label column
 * beside every enum column, instants in the city's time zone with its offset, and a byte-order
 * mark for Excel. Without these parameters an export keeps machine names and UTC instants.
 */
import { hasKey, languageOfTag, localDateTime, translate, type Language } from '../i18n';
import { csvHeader, type CsvType, type ExportColumns } from './exports';

export interface ExportLocale {
  /** null: machine names and UTC, as before */
  lang: Language | null;
  excel: boolean;
  timeZone: string;
}

/** The words of one column: its catalogue label; a label field's base column's label; the name itself otherwise. */
function columnWords(lang: Language, column: string, labelColumns: ReadonlySet<string>): string {
  const base = labelColumns.has(column) ? column.replace(/Label$/, '') : column;
  const words = hasKey(`column.${base}`) ? translate(lang, `column.${base}`) : base;
  // the machine column beside a label column says it holds codes
  return labelColumns.has(`${column}Label`) ? translate(lang, 'column.codeOf', { label: words }) : words;
}

/** The plan with its header and BOM, and what each row becomes. */
export function localiseExport<P extends ExportColumns & { columnTypes?: CsvType[] }>(
  plan: P,
  locale: ExportLocale,
  labelColumns: ReadonlySet<string>,
): { plan: P; row: (row: Record<string, unknown>) => Record<string, unknown> } {
  const { lang } = locale;
  const header = lang === null ? undefined : csvHeader(plan).map((c) => columnWords(lang, c, labelColumns));
  const dates = lang === null ? [] : plan.columns.filter((_, i) => plan.columnTypes?.[i] === 'DateTime');
  const row =
    dates.length === 0
      ? (r: Record<string, unknown>) => r
      : (r: Record<string, unknown>) => {
          const out = { ...r };
          for (const c of dates) {
            const value = r[c];
            if (typeof value === 'string' || value instanceof Date) {
              const date = new Date(value);
              if (!Number.isNaN(date.getTime())) out[c] = localDateTime(date, locale.timeZone);
            }
          }
          return out;
        };
  return { plan: { ...plan, header, bom: locale.excel }, row };
}

/** The `lang` URL parameter of an export; undefined when left out, null when not a language of ours. */
export function exportLanguage(raw: string | undefined): Language | null | undefined {
  return raw === undefined ? undefined : languageOfTag(raw);
}
