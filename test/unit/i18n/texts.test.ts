/**
 * The analyses' explanatory texts and the reasons of BAD_USER_INPUT in the caller's language:
 * English exactly as the analysis modules wrote it before, Russian and Kazakh from the same
 * catalogue keys with numbers in their locale; every reason template of the catalogue matches
 * the English it describes and says it again in Russian and Kazakh.
 */
import { catalogue, Catalogue, LANGUAGES } from '../../../src/i18n';
import { localisedReason } from '../../../src/i18n/reasons';
import { english, fixed, formatNumber, localisedValue, render, text, withTexts } from '../../../src/i18n/texts';

const CYRILLIC = /[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]/;
/** Three English words in a row: what an untranslated sentence looks like. */
const ENGLISH_SENTENCE = /\b[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\b/;

describe('analysis texts', () => {
  it('render English as the modules wrote it, Russian and Kazakh in their words and numbers', () => {
    const method = text('analysis.hotspots.method', {
      weights: text('analysis.weights.binary'),
      k: 1,
      permutations: text('analysis.permutations', { permutations: 999, seed: '12345' }),
    });
    expect(english(method)).toBe(
      'Getis-Ord Gi* (Ord and Getis 1995), binary weights over gridDisk(k=1) including the cell itself, two-sided normal p, Benjamini-Hochberg FDR at each confidence level, 999 conditional permutations (seed 12345)',
    );
    expect(render('ru', method)).toMatch(/^Статистика Гетиса–Орда Gi\*.*бинарные веса.*FDR/);
    expect(render('kk', method)).toMatch(/бинарлық салмақтар/);
    const rules = text('analysis.privacy.restricted', { suppressedMax: 4, resolution: 8, imputed: 2.5 });
    expect(english(rules)).toContain('counts from 1 to 4 are null (suppressed)');
    expect(english(rules)).toContain('each suppressed count taken as 2.5');
    expect(render('ru', rules)).toContain('принимается равным 2,5');
    expect(formatNumber('ru', 0.05)).toBe('0,05');
    expect(formatNumber('en', 0.05)).toBe('0.05');
    expect(render('en', text('analysis.evaluation.poorMatch', { control: fixed(2, 1), treated: fixed(0.25, 1) }))).toBe(
      'the controls are not well matched: 2.0 incidents per cell before the fix against 0.3 in the treated cells',
    );
  });

  it('keep the Text beside the English value, through a copy, and not for a changed value', () => {
    const note = withTexts<{ rules: string; applied: boolean; notes: string[] }>({ rules: text('analysis.privacy.trusted'), applied: false, notes: [text('analysis.pooled.none'), 'plain'] });
    expect(note.rules).toBe('analyst or admin: true counts, no suppression');
    expect(localisedValue(note, 'rules', note.rules, 'ru')).toBe('аналитик или администратор: точные числа без скрытия');
    expect(localisedValue(note, 'rules', note.rules, 'en')).toBe(note.rules);
    expect(localisedValue(note, 'notes', note.notes, 'kk')).toEqual(['DONE мәртебесіндегі бірде-бір ұсынымды бағалау мүмкін болмады', 'plain']);
    const copy = { ...note, applied: true };
    expect(localisedValue(copy, 'rules', copy.rules, 'ru')).toMatch(CYRILLIC);
    const changed = { ...note, rules: 'something else' };
    expect(localisedValue(changed, 'rules', changed.rules, 'ru')).toBe('something else');
    expect(JSON.stringify(note)).toBe('{"rules":"analyst or admin: true counts, no suppression","applied":false,"notes":["no DONE recommendation could be evaluated","plain"]}');
  });

  it.each(['ru', 'kk'] as const)('every analysis text in %s is in its own words', (lang) => {
    const flat = (c: Catalogue, prefix: string): [string, string][] => Object.entries(c).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : flat(v, `${prefix}${k}.`)));
    for (const [key, value] of flat(catalogue(lang).analysis as Catalogue, 'analysis.')) {
      // names of fields, methods and people stay as they are written
      const words = value.replace(/\{\{\w+\}\}|[A-Za-z_]*[A-Z_][A-Za-z_]*|`[^`]*`|\([^)]*\d{4}\)|docs\/\S+|log\(|exp\(|sqrt\(/g, ' ');
      if (key.endsWith('.incidents') || key.endsWith('.metres')) continue;
      expect([key, ENGLISH_SENTENCE.test(words)]).toEqual([key, false]);
      expect([key, CYRILLIC.test(value)]).toEqual([key, true]);
    }
  });
});

describe('reasons of BAD_USER_INPUT', () => {
  const sample = (name: string) => (['min', 'max', 'number', 'resolution', 'rings', 'months', 'months2', 'steps', 'cells', 'candidates'].includes(name) ? '12' : `x-${name}`);
  const templates = Object.entries(catalogue('en').reason as Catalogue) as [string, string][];

  it('every template matches the English it describes and says it again in Russian and Kazakh', () => {
    for (const [name, template] of templates) {
      const filled = template.replace(/\{\{(\w+)\}\}/g, (_, p: string) => sample(p));
      expect([name, localisedReason('en', filled)]).toEqual([name, filled]);
      for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
        const said = localisedReason(lang, filled);
        expect([name, said !== null && CYRILLIC.test(said) && !said.includes('{{')]).toEqual([name, true]);
      }
    }
  });

  it('says the common reasons with their values', () => {
    expect(localisedReason('ru', 'must be an integer from 1 to 5, got 9')).toBe('должно быть целым числом от 1 до 5, получено 9');
    expect(localisedReason('kk', 'is required')).toBe('міндетті');
    expect(localisedReason('ru', 'must lie strictly between 0 and 1, got 1.5')).toBe('должно быть строго между 0 и 1, получено 1,5');
    expect(localisedReason('ru', 'no district has id "42"')).toBe('не найдено (район) с идентификатором «42»');
    expect(localisedReason('ru', 'must be from 0 to 500 metres, got 900')).toBe('должно быть от 0 до 500 метров, получено 900');
    expect(localisedReason('ru', 'a reason nobody wrote a template for')).toBeNull();
  });
});
