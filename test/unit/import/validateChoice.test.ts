import { validateRow } from '../../../src/import/validate';
import type { BBox } from '../../../src/domain';

const ctx = { bounds: [76.7, 43.0, 77.25, 43.45] as BBox, timeZone: 'Asia/Almaty' };
const row = (category: string, timePrecision = 'exact') => ({ external_id: 'x', source: 's', occurred_at: '2025-06-01T10:00:00Z', category, lat: '43.2', lng: '76.9', time_precision: timePrecision });

describe('choices through the spelling cache', () => {
  it('reads every spelling the same way the first time and every time after', () => {
    const spellings: [string, string | null][] = [
      ['theft', 'theft'],
      ['Road Collision', 'road_collision'],
      ['road-collision', 'road_collision'],
      ['ANTI - SOCIAL  behaviour', 'anti_social_behaviour'],
      ['bogus', null],
      ['Theft', 'theft'],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [text, expected] of spellings) {
        const result = validateRow('incidents', row(text), ctx);
        if (expected === null) {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.errors).toEqual([{ field: 'category', reason: expect.stringContaining(`unknown value "${text}"`) }]);
        } else {
          expect(result.ok && result.record.category).toBe(expected);
        }
      }
    }
  });

  it('keeps the lists apart: a category is no time precision', () => {
    expect(validateRow('incidents', row('theft', 'Day'), ctx).ok && validateRow('incidents', row('theft', 'Day'), ctx)).toMatchObject({ record: { timePrecision: 'day' } });
    const wrong = validateRow('incidents', row('theft', 'theft'), ctx);
    expect(wrong.ok).toBe(false);
  });

  it('stays right past the number of spellings it remembers', () => {
    for (let i = 0; i < 600; i++) expect(validateRow('incidents', row(`nope${i}`), ctx).ok).toBe(false);
    expect(validateRow('incidents', row('Vandalism'), ctx)).toMatchObject({ ok: true, record: { category: 'vandalism' } });
    expect(validateRow('incidents', row('nope3'), ctx).ok).toBe(false);
  });
});
