import { INCIDENT_CATEGORIES, ROAD_DEFECT_KINDS, YOUTH_FACILITY_KINDS } from '../../../src/domain';
import { validateRow } from '../../../src/import/validate';
import { vocabularyValue } from '../../../src/import/vocabulary';
import type { BBox } from '../../../src/domain';

describe('built-in vocabularies', () => {
  it('knows Russian, Kazakh and common names of the categories', () => {
    const cases: [string, string][] = [
      ['Кража', 'theft'],
      ['Ұрлық', 'theft'],
      ['  КРАЖА ', 'theft'],
      ['Грабёж', 'robbery'],
      ['Грабеж', 'robbery'],
      ['Разбой', 'robbery'],
      ['Хулиганство', 'hooliganism'],
      ['Бұзақылық', 'hooliganism'],
      ['Мошенничество', 'fraud'],
      ['ДТП', 'road_collision'],
      ['дорожно-транспортное происшествие', 'road_collision'],
      ['Кража со взломом', 'burglary'],
      ['DECEPTIVE PRACTICE', 'fraud'],
      ['Motor Vehicle Theft', 'vehicle_crime'],
    ];
    for (const [name, value] of cases) expect([name, vocabularyValue(name, INCIDENT_CATEGORIES)]).toEqual([name, value]);
    expect(vocabularyValue('Самоуправство', INCIDENT_CATEGORIES)).toBeNull();
  });

  it('keeps the lists apart and covers defect and facility kinds', () => {
    expect(vocabularyValue('Яма', ROAD_DEFECT_KINDS)).toBe('pothole');
    expect(vocabularyValue('Детская площадка', YOUTH_FACILITY_KINDS)).toBe('playground');
    expect(vocabularyValue('Яма', INCIDENT_CATEGORIES)).toBeNull();
    expect(vocabularyValue('Кража', ROAD_DEFECT_KINDS)).toBeNull();
  });

  it('applies in validation, for files and mutations alike', () => {
    const ctx = { bounds: [76.7, 43.0, 77.25, 43.45] as BBox, timeZone: 'Asia/Almaty' };
    const result = validateRow('incidents', { external_id: 'x', source: 's', occurred_at: '2026-06-01T10:00:00Z', category: 'Кража', lat: '43.2', lng: '76.9' }, ctx);
    expect(result.ok && result.record.category).toBe('theft');
  });
});
