import { mannKendall } from '../../../../src/geo/stats';
import { reference } from './spdepFixtures';

/**
 * Reference: base R cor.test(seq_along(x), x, method = "kendall", exact = FALSE, continuity = TRUE),
 * which is the Mann-Kendall test with the tie-corrected variance and continuity correction (the
 * same z, p and tau as Kendall::MannKendall); Var(S) from Kendall (1975) eq. 4.3 computed in R.
 * See test/fixtures/spdep/make-reference.R.
 */
describe('Mann-Kendall against R cor.test(method = "kendall")', () => {
  it.each(reference.mannKendall.map((r, i) => [i, r] as const))('series %i: S, Var(S), z, p, tau', (_, r) => {
    const result = mannKendall(r.series);
    expect(result.n).toBe(r.n);
    expect(result.s).toBe(r.S[0]);
    expect(result.varianceS).toBeCloseTo(r.varS[0], 9);
    expect(Math.abs(result.z - r.z[0])).toBeLessThan(1e-9);
    expect(Math.abs(result.p - r.p[0])).toBeLessThanOrEqual(1e-9 * r.p[0] + 1e-15);
    expect(Math.abs(result.tau - r.tau[0])).toBeLessThan(1e-9);
  });

  it('worked by hand: 1, 3, 2, 4 has S = 4, Var(S) = 4*3*13/18, z = 3/sqrt(26/3)', () => {
    // pairs: (1,3)+ (1,2)+ (1,4)+ (3,2)- (3,4)+ (2,4)+  ->  S = 5 - 1 = 4
    const result = mannKendall([1, 3, 2, 4]);
    expect(result.s).toBe(4);
    expect(result.varianceS).toBeCloseTo(26 / 3, 14);
    expect(result.z).toBeCloseTo(3 / Math.sqrt(26 / 3), 14);
    expect(result.tau).toBeCloseTo(4 / 6, 14);
  });

  it('published worked example (Little, "A Mann-Kendall Example (By Hand)", College of the Holy Cross): S = 54, Z = 2.9058, one-sided p = .0018', () => {
    // https://mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt: 14 values, one tied pair (12.9),
    // 72 increases, 18 decreases, V = (14)(13)(33)/18 - (2)(1)(9)/18, Z = (S - 1)/sqrt(V)
    const series = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7];
    const result = mannKendall(series);
    expect(result.n).toBe(14);
    expect(result.s).toBe(54);
    expect(result.varianceS).toBeCloseTo((14 * 13 * 33) / 18 - (2 * 1 * 9) / 18, 12);
    expect(result.z).toBeCloseTo(2.9058, 4);
    // the example quotes the upper tail; ours is two-sided
    expect(result.p / 2).toBeCloseTo(0.0018, 4);
  });

  it('drops NaN, and is undefined (NaN) for constant or too-short series', () => {
    expect(mannKendall([1, Number.NaN, 3, 2, 4]).s).toBe(4);
    const flat = mannKendall([2, 2, 2, 2]);
    expect(flat.s).toBe(0);
    expect(Number.isNaN(flat.z) && Number.isNaN(flat.p) && Number.isNaN(flat.tau)).toBe(true);
    expect(Number.isNaN(mannKendall([5]).p)).toBe(true);
  });
});
