import { readFileSync } from 'node:fs';
import path from 'node:path';
import { differenceInDifferences, mantelHaenszelRatioOfRateRatios } from '../../../../src/geo/stats';

interface Reference {
  tables: [number, number, number, number][];
  ratioOfRateRatios: number;
  lower: number;
  upper: number;
}

/** R mantelhaen.test estimate and Robins-Breslow-Greenland interval: test/fixtures/did/make-mantel-haenszel.R. */
const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../../../fixtures/did/mantel-haenszel.json'), 'utf8')) as Reference[];
const toCounts = ([treatedBefore, treatedAfter, controlBefore, controlAfter]: number[]) => ({ treatedBefore, treatedAfter, controlBefore, controlAfter });

describe('Mantel-Haenszel pooled ratio of rate ratios', () => {
  it.each(reference.map((r, i) => [i, r] as const))('matches R mantelhaen.test for set %i (a zero count included in set 1)', (_, r) => {
    const result = mantelHaenszelRatioOfRateRatios(r.tables.map(toCounts));
    expect(result.ratioOfRateRatios).toBeCloseTo(r.ratioOfRateRatios, 12);
    expect(result.lower).toBeCloseTo(r.lower, 9);
    expect(result.upper).toBeCloseTo(r.upper, 9);
    expect(result.strata).toBe(r.tables.length);
  });

  it("equals one table's own ratio and Woolf standard error when there is one fix", () => {
    const table = { treatedBefore: 40, treatedAfter: 20, controlBefore: 160, controlAfter: 160 };
    const pooled = mantelHaenszelRatioOfRateRatios([table]);
    const single = differenceInDifferences(table);
    expect(pooled.ratioOfRateRatios).toBeCloseTo(0.5, 12);
    expect(pooled.standardErrorLog).toBeCloseTo(single.standardErrorLog, 12);
    expect(pooled.p).toBeCloseTo(single.p, 12);
  });

  it('skips empty tables, and says when the pooled counts are too small', () => {
    const result = mantelHaenszelRatioOfRateRatios([
      { treatedBefore: 0, treatedAfter: 0, controlBefore: 0, controlAfter: 0 },
      { treatedBefore: 4, treatedAfter: 2, controlBefore: 30, controlAfter: 31 },
    ]);
    expect(result.strata).toBe(1);
    expect(result.conclusive).toBe(false);
    expect(result.notes).toContainEqual({ kind: 'fewPooledCounts', smallest: 2, minimum: 10 });
    const none = mantelHaenszelRatioOfRateRatios([{ treatedBefore: 0, treatedAfter: 5, controlBefore: 0, controlAfter: 9 }]);
    expect(none.conclusive).toBe(false);
    expect(none.notes[0]).toEqual({ kind: 'noPooledRatio' });
  });
});
