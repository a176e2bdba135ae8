/**
 * The sparse coverage relation (src/geo/coverage/coverageIndex.ts) on a relation small enough to
 * follow by hand:
 *
 *   demand      0  1  2  3  4        weights 1, 2, 3, 4, 5
 *   candidate 0 x  x
 *   candidate 1    x  x  x
 *   candidate 2          x  x
 *   candidate 3                      (covers nothing)
 */
import { buildInverseCoverage, checkedWeights, flagsFromIndices, IncrementalCoverage, normalizeCoverageLists, sumOfLargest } from '../../../../src/geo/coverage/coverageIndex';

const lists = [Int32Array.of(0, 1), Int32Array.of(1, 2, 3), Int32Array.of(3, 4), new Int32Array(0)];
const weights = Float64Array.of(1, 2, 3, 4, 5);

describe('normalizeCoverageLists', () => {
  it('returns clean lists as they are and drops repeated demand indices', () => {
    const normalized = normalizeCoverageLists(5, [lists[0], Int32Array.of(3, 1, 3, 2, 1, 3)]);
    expect(normalized[0]).toBe(lists[0]);
    // first occurrences kept, in order
    expect([...normalized[1]]).toEqual([3, 1, 2]);
  });

  it('refuses an index outside the demand and a list that is not an Int32Array', () => {
    expect(() => normalizeCoverageLists(5, [Int32Array.of(0, 5)])).toThrow(RangeError);
    expect(() => normalizeCoverageLists(5, [Int32Array.of(-1)])).toThrow(RangeError);
    expect(() => normalizeCoverageLists(5, [[0, 1] as unknown as Int32Array])).toThrow(TypeError);
  });
});

describe('buildInverseCoverage', () => {
  it('lists, for each demand item, the candidates that cover it', () => {
    const { offsets, candidates } = buildInverseCoverage(5, lists);
    // demand 0: [0]; 1: [0, 1]; 2: [1]; 3: [1, 2]; 4: [2]
    expect([...offsets]).toEqual([0, 1, 3, 4, 6, 7]);
    expect([...candidates]).toEqual([0, 0, 1, 1, 1, 2, 2]);
  });
});

describe('IncrementalCoverage', () => {
  const fresh = (preCovered = new Uint8Array(5)) => new IncrementalCoverage(weights, lists, buildInverseCoverage(5, lists), preCovered);
  const scratch = (coverage: IncrementalCoverage) => lists.map((_, c) => coverage.gainFromScratch(c));

  it('starts from the weights not yet covered', () => {
    // demand 4 already covered by an existing post
    const coverage = fresh(Uint8Array.of(0, 0, 0, 0, 1));
    // candidate 0: 1 + 2; candidate 1: 2 + 3 + 4; candidate 2: 4 (5 is covered); candidate 3: nothing
    expect([...coverage.gains]).toEqual([3, 9, 4, 0]);
    expect([...coverage.coverCount]).toEqual([0, 0, 0, 0, 1]);
  });

  it('keeps every gain exact through additions and removals', () => {
    const coverage = fresh(Uint8Array.of(0, 0, 0, 0, 1));
    // opening candidate 1 covers 2 + 3 + 4; candidate 0 keeps only demand 0, candidate 2 nothing
    expect(coverage.add(1)).toBe(9);
    expect([...coverage.gains]).toEqual([1, 0, 0, 0]);
    expect([...coverage.coverCount]).toEqual([0, 1, 1, 1, 1]);
    // candidate 2 adds nothing new: 3 is covered by candidate 1, 4 by the existing post
    expect(coverage.add(2)).toBe(0);
    expect([...coverage.coverCount]).toEqual([0, 1, 1, 2, 2]);
    expect([...coverage.gains]).toEqual(scratch(coverage));
    // closing candidate 1 uncovers 1 and 2 (3 stays covered by candidate 2)
    coverage.remove(1, true);
    expect([...coverage.coverCount]).toEqual([0, 0, 0, 1, 2]);
    expect([...coverage.gains]).toEqual([3, 5, 0, 0]);
    expect([...coverage.gains]).toEqual(scratch(coverage));
  });

  it('leaves the gains alone on removal when asked to (the caller restores a saved copy)', () => {
    const coverage = fresh();
    const saved = Float64Array.from(coverage.gains);
    coverage.add(0);
    const afterAdd = Float64Array.from(coverage.gains);
    coverage.remove(0, false);
    expect([...coverage.coverCount]).toEqual([0, 0, 0, 0, 0]);
    expect([...coverage.gains]).toEqual([...afterAdd]);
    coverage.gains.set(saved);
    expect([...coverage.gains]).toEqual(scratch(coverage));
  });
});

describe('sumOfLargest', () => {
  const values = Float64Array.of(5, 1, 4, 0, 3, 2);

  it('adds the count largest values', () => {
    expect(sumOfLargest(values, 3)).toBe(5 + 4 + 3);
    expect(sumOfLargest(values, 1)).toBe(5);
    // more than there are: every positive value
    expect(sumOfLargest(values, 10)).toBe(15);
    expect(sumOfLargest(values, 0)).toBe(0);
  });

  it('skips excluded candidates and values at or below the tolerance', () => {
    expect(sumOfLargest(values, 3, Uint8Array.of(1, 0, 0, 0, 0, 0))).toBe(4 + 3 + 2);
    expect(sumOfLargest(values, 10, undefined, 2)).toBe(5 + 4 + 3);
  });

  it('agrees with sorting on a longer list', () => {
    const many = Float64Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 7);
    const sorted = [...many].sort((a, b) => b - a);
    const top = sorted.slice(0, 17).reduce((a, b) => a + b, 0);
    expect(sumOfLargest(many, 17)).toBeCloseTo(top, 12);
  });
});

describe('checkedWeights and flagsFromIndices', () => {
  it('copies finite non-negative weights and refuses the others', () => {
    expect([...checkedWeights([0, 1.5, 2], 'weights')]).toEqual([0, 1.5, 2]);
    expect(() => checkedWeights([1, -1], 'weights')).toThrow(/weights\[1\] = -1/);
    expect(() => checkedWeights([Number.NaN], 'weights')).toThrow(RangeError);
    expect(() => checkedWeights([Infinity], 'weights')).toThrow(RangeError);
  });

  it('flags the demand indices given and refuses others', () => {
    expect([...flagsFromIndices(4, [1, 3, 1], 'covered')]).toEqual([0, 1, 0, 1]);
    expect([...flagsFromIndices(3, undefined, 'covered')]).toEqual([0, 0, 0]);
    expect(() => flagsFromIndices(3, [3], 'covered')).toThrow(/covered\[0\] = 3/);
    expect(() => flagsFromIndices(3, [0.5], 'covered')).toThrow(RangeError);
  });
});
