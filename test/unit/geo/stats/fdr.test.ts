import { benjaminiHochberg, fdrCriticalP } from '../../../../src/geo/stats';
import { expectClose, fromR, reference } from './spdepFixtures';

/** R p.adjust(p, "BH") values from test/fixtures/spdep/reference.json. */
describe('Benjamini-Hochberg against R p.adjust(p, "BH")', () => {
  it.each(reference.bh.map((v, i) => [i, v] as const))('vector %i matches to 1e-15 absolute (ties, NA, 200 values)', (_, v) => {
    expectClose(benjaminiHochberg(fromR(v.p)), v.adjusted, 1e-15);
  });

  it('rejects the same tests as the step-up critical p at every Esri level', () => {
    for (const v of reference.bh) {
      const p = fromR(v.p);
      const adjusted = benjaminiHochberg(p);
      for (const alpha of [0.1, 0.05, 0.01]) {
        const critical = fdrCriticalP(p, alpha);
        p.forEach((pi, i) => {
          if (Number.isNaN(pi)) return;
          expect(adjusted[i] <= alpha).toBe(pi <= critical);
        });
      }
    }
  });

  it('returns NaN for NaN, empty for empty, and refuses p outside [0, 1]', () => {
    expect(Array.from(benjaminiHochberg([]))).toEqual([]);
    expect(Number.isNaN(benjaminiHochberg([Number.NaN])[0])).toBe(true);
    expect(() => benjaminiHochberg([1.2])).toThrow(RangeError);
    expect(fdrCriticalP([0.5, 0.9], 0.05)).toBe(-1);
  });
});
