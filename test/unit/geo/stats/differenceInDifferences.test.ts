import { readFileSync } from 'node:fs';
import path from 'node:path';
import { differenceInDifferences, normalQuantile } from '../../../../src/geo/stats';

interface Reference {
  counts: [number, number, number, number];
  logRatio: number;
  standardErrorLog: number;
  z: number;
  p: number;
  lower: number;
  upper: number;
  ratioOfRateRatios: number;
}

/** R glm(count ~ treated * after, family = poisson): see test/fixtures/did/make-reference.R. */
const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../../../fixtures/did/reference.json'), 'utf8')) as Reference[];

// R's fit iterates to a deviance change of 1e-15 (see the script), so 1e-8 relative is a fair match (the 0.5-corrected table converges least well)
const closeTo = (actual: number, expected: number, relative = 1e-8) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));

describe('difference in differences (ratio of rate ratios)', () => {
  it.each(reference.map((r) => [r.counts.join('/'), r] as const))('matches R glm Poisson interaction for %s', (_, r) => {
    const [treatedBefore, treatedAfter, controlBefore, controlAfter] = r.counts;
    const result = differenceInDifferences({ treatedBefore, treatedAfter, controlBefore, controlAfter });
    closeTo(result.logRatio, r.logRatio);
    closeTo(result.ratioOfRateRatios, r.ratioOfRateRatios);
    closeTo(result.standardErrorLog, r.standardErrorLog);
    closeTo(result.z, r.z, 1e-8);
    closeTo(result.p, r.p, 1e-8);
    closeTo(result.lower, r.lower, 1e-8);
    closeTo(result.upper, r.upper, 1e-8);
  });

  it('computes a halving against flat controls by hand: RRR 0.5, SE sqrt(0.08), 95 % CI 0.5 exp(-/+1.96 SE)', () => {
    const result = differenceInDifferences({ treatedBefore: 40, treatedAfter: 20, controlBefore: 400, controlAfter: 400 });
    expect(result.ratioOfRateRatios).toBeCloseTo(0.5, 12);
    expect(result.percentChange).toBeCloseTo(-50, 10);
    expect(result.standardErrorLog).toBeCloseTo(Math.sqrt(0.08), 12);
    expect(result.lower).toBeCloseTo(0.5 * Math.exp(-1.959963985 * Math.sqrt(0.08)), 8);
    expect(result.upper).toBeCloseTo(0.5 * Math.exp(1.959963985 * Math.sqrt(0.08)), 8);
    expect(result.expectedTreatedAfter).toBe(40);
    expect(result.conclusive).toBe(true);
    expect(result.notes).toEqual([]);
  });

  it('says no conclusion is possible when a count is below 10 or the expected count below 5', () => {
    const small = differenceInDifferences({ treatedBefore: 7, treatedAfter: 3, controlBefore: 50, controlAfter: 55 });
    expect(small.conclusive).toBe(false);
    expect(small.notes).toContainEqual({ kind: 'fewCounts', smallest: 3, minimum: 10 });
    const lowExpected = differenceInDifferences({ treatedBefore: 10, treatedAfter: 10, controlBefore: 1000, controlAfter: 400 });
    expect(lowExpected.expectedTreatedAfter).toBe(4);
    expect(lowExpected.conclusive).toBe(false);
    expect(lowExpected.notes).toContainEqual({ kind: 'fewExpected', expected: 4, minimum: 5 });
  });

  it('adds 0.5 to every count when one is zero and says so', () => {
    const result = differenceInDifferences({ treatedBefore: 0, treatedAfter: 4, controlBefore: 30, controlAfter: 31 });
    expect(result.continuityCorrected).toBe(true);
    expect(result.ratioOfRateRatios).toBeCloseTo(4.5 / 0.5 / (31.5 / 30.5), 12);
    expect(result.notes[0]).toEqual({ kind: 'continuityCorrected' });
  });

  it('uses the requested confidence level and refuses nonsense', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853626951472, 9);
    const at90 = differenceInDifferences({ treatedBefore: 40, treatedAfter: 20, controlBefore: 400, controlAfter: 400 }, { confidence: 0.9 });
    expect(at90.upper).toBeCloseTo(0.5 * Math.exp(1.644853626951472 * Math.sqrt(0.08)), 8);
    expect(() => differenceInDifferences({ treatedBefore: -1, treatedAfter: 1, controlBefore: 1, controlAfter: 1 })).toThrow(RangeError);
    expect(() => differenceInDifferences({ treatedBefore: 1, treatedAfter: 1, controlBefore: 1, controlAfter: 1 }, { confidence: 1 })).toThrow(RangeError);
  });
});
