/**
 * meanAndSpread and finiteOrNull (src/geo/stats/summary.ts). References worked out by hand and
 * checked in R: mean(x) and the population standard deviation sqrt(mean((x - mean(x))^2)),
 * which is sd(x) * sqrt((n - 1) / n).
 */
import { finiteOrNull, meanAndSpread } from '../../../../src/geo/stats';

describe('meanAndSpread', () => {
  it('gives the mean and the population standard deviation (divisor n)', () => {
    // R: x <- c(2, 4, 4, 4, 5, 5, 7, 9); mean(x) = 5; sqrt(mean((x - 5)^2)) = 2 (sd(x) = 2.13809)
    expect(meanAndSpread([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, standardDeviation: 2 });
    // R: x <- 1:4; mean(x) = 2.5; sqrt(mean((x - 2.5)^2)) = sqrt(1.25) = 1.118034
    const quarter = meanAndSpread([1, 2, 3, 4]);
    expect(quarter.mean).toBe(2.5);
    expect(quarter.standardDeviation).toBeCloseTo(1.118033988749895, 15);
  });

  it('reads typed arrays as well as plain ones', () => {
    expect(meanAndSpread(Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]))).toEqual({ mean: 5, standardDeviation: 2 });
    expect(meanAndSpread(Int32Array.from([1, 3]))).toEqual({ mean: 2, standardDeviation: 1 });
  });

  it('is exact for large values with a small spread (two passes, not the sum of squares)', () => {
    // deviations -6, -3, 3, 6 from 1e9 + 10: variance 90 / 4 = 22.5
    expect(meanAndSpread([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])).toEqual({ mean: 1e9 + 10, standardDeviation: Math.sqrt(22.5) });
    // equal large counts spread exactly 0
    expect(meanAndSpread([987654321, 987654321, 987654321]).standardDeviation).toBe(0);
  });

  it('one value has spread 0; no values give NaN for both', () => {
    expect(meanAndSpread([7])).toEqual({ mean: 7, standardDeviation: 0 });
    const empty = meanAndSpread([]);
    expect(empty.mean).toBeNaN();
    expect(empty.standardDeviation).toBeNaN();
  });
});

describe('finiteOrNull', () => {
  it('passes finite numbers through and turns NaN and infinities into null', () => {
    expect(finiteOrNull(1.5)).toBe(1.5);
    expect(finiteOrNull(0)).toBe(0);
    expect(finiteOrNull(-2e-300)).toBe(-2e-300);
    expect(finiteOrNull(Number.MAX_VALUE)).toBe(Number.MAX_VALUE);
    expect(finiteOrNull(NaN)).toBeNull();
    expect(finiteOrNull(Infinity)).toBeNull();
    expect(finiteOrNull(-Infinity)).toBeNull();
  });

  it('maps the summary of no values to nulls, as GraphQL answers need', () => {
    const { mean, standardDeviation } = meanAndSpread([]);
    expect([finiteOrNull(mean), finiteOrNull(standardDeviation)]).toEqual([null, null]);
  });
});
