import { coverageShares, coverageSharesByMeasure } from '../../../../src/geo/coverage/coverageShares';
import { buildCoverageRelation, coveredDemandFlags, indicesOfFlags } from '../../../../src/geo/coverage/coverageRelation';

describe('coverage shares', () => {
  const residents = [100, 50, 0, 250, 100];
  const covered = [1, 0, 1, 1, 0];
  const district = ['north', 'north', 'south', 'south', 'east'];

  it('shares overall and per group, in order of first appearance', () => {
    const r = coverageShares(residents, covered, district);
    expect(r.overall).toEqual({ totalWeight: 500, coveredWeight: 350, share: 0.7, itemCount: 5, coveredItemCount: 3 });
    expect(r.groups).toEqual([
      { group: 'north', totalWeight: 150, coveredWeight: 100, share: 100 / 150, itemCount: 2, coveredItemCount: 1 },
      { group: 'south', totalWeight: 250, coveredWeight: 250, share: 1, itemCount: 2, coveredItemCount: 2 },
      { group: 'east', totalWeight: 100, coveredWeight: 0, share: 0, itemCount: 1, coveredItemCount: 0 },
    ]);
  });

  it('gives a null share where there is nothing to cover', () => {
    const r = coverageShares([0, 0, 5], [true, false, false], [1, 1, 2]);
    expect(r.groups[0]).toMatchObject({ group: 1, totalWeight: 0, share: null, coveredItemCount: 1 });
    expect(r.overall.share).toBe(0);
    expect(coverageShares([], []).overall.share).toBeNull();
  });

  it('counts items without a group only overall', () => {
    const r = coverageShares([1, 2], [1, 1], ['a', undefined]);
    expect(r.overall.totalWeight).toBe(3);
    expect(r.groups).toEqual([{ group: 'a', totalWeight: 1, coveredWeight: 1, share: 1, itemCount: 1, coveredItemCount: 1 }]);
  });

  it('does several measures at once', () => {
    const r = coverageSharesByMeasure({ residents, incidents: [3, 1, 4, 1, 5] }, covered, district);
    expect(r.residents.overall.share).toBe(0.7);
    expect(r.incidents.overall.share).toBeCloseTo(8 / 14, 12);
    expect(r.incidents.groups[2]).toMatchObject({ group: 'east', share: 0 });
  });

  it('rejects mismatched lengths and negative weights', () => {
    expect(() => coverageShares([1, 2], [1])).toThrow(RangeError);
    expect(() => coverageShares([1], [1], ['a', 'b'])).toThrow(RangeError);
    expect(() => coverageShares([-1], [1])).toThrow(RangeError);
  });
});

describe('coverage relation', () => {
  it('maps reached cells to demand indices, dropping cells without demand', () => {
    const demandCells = ['8a', '8b', '8c', '8d'];
    const relation = buildCoverageRelation([['8c', '8a', 'zz', '8a'], [], ['8d']], demandCells);
    expect(relation.map((l) => Array.from(l))).toEqual([[0, 2], [], [3]]);
    expect(relation[0]).toBeInstanceOf(Int32Array);
    expect(() => buildCoverageRelation([], ['8a', '8a'])).toThrow(RangeError);
  });

  it('turns chosen sites and existing coverage into flags and back', () => {
    const relation = [Int32Array.from([0, 2]), Int32Array.from([1]), Int32Array.from([3])];
    const flags = coveredDemandFlags(5, relation, [0, 2], [4]);
    expect(Array.from(flags)).toEqual([1, 0, 1, 1, 1]);
    expect(Array.from(indicesOfFlags(flags))).toEqual([0, 2, 3, 4]);
    expect(() => coveredDemandFlags(5, relation, [7])).toThrow(RangeError);
  });
});
