import { coveredWeight, solveMaximalCovering, type MaximalCoveringInput } from '../../../../src/geo/coverage/maximalCovering';
import { mulberry32 } from '../../../../src/geo/stats/random';
import { bruteForceMaximum } from './bruteForce';

const lists = (...sets: number[][]): Int32Array[] => sets.map((s) => Int32Array.from(s));

describe('maximal covering: hand-checked instances', () => {
  // Greedy trap: site 2 covers 4 items, sites 0 and 1 three each but disjoint.
  // Greedy takes 2 then one of 0/1 (4 + 1 = 5); the optimum is {0, 1} = 6.
  const trap: MaximalCoveringInput = {
    demandWeights: [1, 1, 1, 1, 1, 1], // a1 a2 a3 b1 b2 b3
    candidateCoverage: lists([0, 1, 2], [3, 4, 5], [0, 1, 3, 4]),
    newSiteCount: 2,
  };

  it('greedy falls into the trap and reports a bound of 6 with its gain ratio', () => {
    const r = solveMaximalCovering(trap, { method: 'greedy' });
    expect(r.method).toBe('greedy');
    expect(r.optimal).toBe(false);
    expect(r.sites.map((s) => s.candidate)).toEqual([2, 0]);
    expect(r.sites.map((s) => s.marginalGain)).toEqual([4, 1]);
    expect(r.sites.map((s) => s.coveredAfter)).toEqual([4, 5]);
    // Bounds: step 0: 0 + 4 + 3 = 7; step 1: 4 + 1 + 1 = 6; step 2: 5 + 1 = 6.
    expect(r.upperBound).toBe(6);
    expect(r.provenGainRatio).toBeCloseTo(5 / 6, 12);
    expect(r.greedyGuarantee).toBeCloseTo(0.75, 12); // 1 - (1 - 1/2)^2
    expect(r.search.outcome).toBe('notAttempted');
  });

  it('branch and bound finds {0, 1} and proves it', () => {
    const r = solveMaximalCovering(trap);
    expect(r.method).toBe('exact');
    expect(r.optimal).toBe(true);
    expect(r.sites.map((s) => s.candidate).sort()).toEqual([0, 1]);
    expect(r.coveredAfter).toBe(6);
    expect(r.upperBound).toBe(6);
    expect(r.greedyCoveredAfter).toBe(5);
    expect(r.search.outcome).toBe('proven');
  });

  // A town along one road: 7 settlements 1 km apart, populations 10 20 30 40 30 20 10; a post
  // reaches its own settlement and the two neighbours (1 km). By hand:
  //   p = 1: settlement 3 covers 30 + 40 + 30 = 100;
  //   p = 2: {1, 4} or {2, 5} cover 150 (greedy: 3 then 0 = 130);
  //   p = 3: everything, 160 (e.g. {0, 3, 6} or {1, 4, 5}).
  const road = (p: number): MaximalCoveringInput => ({
    demandWeights: [10, 20, 30, 40, 30, 20, 10],
    candidateCoverage: lists([0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6]),
    newSiteCount: p,
  });

  it.each([
    [1, 100, 100],
    [2, 150, 130],
    [3, 160, 160],
  ])('road of 7 settlements, p = %i: optimum %i, greedy %i', (p, optimum, greedy) => {
    const exact = solveMaximalCovering(road(p), { method: 'exact' });
    expect(exact.coveredAfter).toBe(optimum);
    expect(exact.optimal).toBe(true);
    expect(solveMaximalCovering(road(p), { method: 'greedy' }).coveredAfter).toBe(greedy);
    expect(bruteForceMaximum(road(p))).toBe(optimum);
  });

  it('counts demand covered by existing posts once and only reports new gain', () => {
    const r = solveMaximalCovering({ ...road(1), coveredByExistingPosts: [2, 3, 4] });
    expect(r.coveredBefore).toBe(100);
    // Now the best single new post reaches 0-1 or 5-6: +30.
    expect(r.sites).toEqual([{ candidate: 0, marginalGain: 30, coveredAfter: 130 }]);
    expect(r.optimal).toBe(true);
  });

  it('stops adding sites that add nothing and then is optimal by its bound', () => {
    const r = solveMaximalCovering({ ...road(5), coveredByExistingPosts: [0, 1, 2, 3, 4, 5] }, { method: 'greedy' });
    expect(r.sites).toEqual([{ candidate: 5, marginalGain: 10, coveredAfter: 160 }]);
    expect(r.optimal).toBe(true);
    expect(r.upperBound).toBe(160);
  });

  it('reports uncoverable demand and handles p = 0', () => {
    const r = solveMaximalCovering({ demandWeights: [5, 7], candidateCoverage: lists([0]), newSiteCount: 0 });
    expect(r.sites).toEqual([]);
    expect(r.coveredAfter).toBe(0);
    expect(r.upperBound).toBe(0);
    expect(r.optimal).toBe(true);
    expect(r.uncoverableDemand).toBe(7);
  });

  it('ignores a demand index repeated in one list', () => {
    const r = solveMaximalCovering({ demandWeights: [3, 4], candidateCoverage: lists([0, 0, 0], [1]), newSiteCount: 1 });
    expect(r.sites[0]).toEqual({ candidate: 1, marginalGain: 4, coveredAfter: 4 });
  });

  it('rejects bad input', () => {
    expect(() => solveMaximalCovering({ demandWeights: [1], candidateCoverage: lists([1]), newSiteCount: 1 })).toThrow(RangeError);
    expect(() => solveMaximalCovering({ demandWeights: [-1], candidateCoverage: lists([0]), newSiteCount: 1 })).toThrow(RangeError);
    expect(() => solveMaximalCovering({ demandWeights: [1], candidateCoverage: lists([0]), newSiteCount: 1.5 })).toThrow(RangeError);
    expect(() => solveMaximalCovering({ demandWeights: [1], candidateCoverage: lists([0]), coveredByExistingPosts: [3], newSiteCount: 1 })).toThrow(RangeError);
  });
});

function randomInstance(random: () => number, size: { demand: number; candidates: number; reach: number }): MaximalCoveringInput {
  const demandWeights = Array.from({ length: size.demand }, () => (random() < 0.5 ? Math.floor(random() * 10) : Math.round(random() * 1000) / 100));
  const candidateCoverage = Array.from({ length: size.candidates }, () => {
    const set = new Set<number>();
    const n = 1 + Math.floor(random() * size.reach);
    for (let i = 0; i < n; i++) set.add(Math.floor(random() * size.demand));
    return Int32Array.from(set);
  });
  const coveredByExistingPosts = Array.from({ length: size.demand }, (_, j) => j).filter(() => random() < 0.15);
  return { demandWeights, candidateCoverage, coveredByExistingPosts, newSiteCount: 1 + Math.floor(random() * 4) };
}

describe('maximal covering: random small instances against enumeration', () => {
  const random = mulberry32(20240611);
  const instances = Array.from({ length: 300 }, () => randomInstance(random, { demand: 6 + Math.floor(random() * 12), candidates: 3 + Math.floor(random() * 9), reach: 6 }));

  it('exact equals brute force; greedy <= exact <= greedy bound; greedy meets its guarantee', () => {
    for (const input of instances) {
      const optimum = bruteForceMaximum(input);
      const exact = solveMaximalCovering(input, { method: 'exact' });
      const greedy = solveMaximalCovering(input, { method: 'greedy' });
      const tol = 1e-9;
      expect(exact.optimal).toBe(true);
      expect(exact.coveredAfter).toBeCloseTo(optimum, 9);
      expect(
        coveredWeight(
          input,
          exact.sites.map((s) => s.candidate),
        ),
      ).toBeCloseTo(exact.coveredAfter, 9);
      expect(greedy.coveredAfter).toBeLessThanOrEqual(optimum + tol);
      expect(optimum).toBeLessThanOrEqual(greedy.upperBound + tol);
      const optimalGain = optimum - greedy.coveredBefore;
      expect(greedy.coveredAfter - greedy.coveredBefore).toBeGreaterThanOrEqual(greedy.greedyGuarantee * optimalGain - tol);
      if (greedy.optimal) expect(greedy.coveredAfter).toBeCloseTo(optimum, 9);
      // Sites come in order of decreasing marginal gain, and the gains add up.
      for (let i = 1; i < exact.sites.length; i++) {
        expect(exact.sites[i].marginalGain).toBeLessThanOrEqual(exact.sites[i - 1].marginalGain + tol);
      }
      const gains = exact.sites.reduce((sum, s) => sum + s.marginalGain, 0);
      expect(exact.coveredBefore + gains).toBeCloseTo(exact.coveredAfter, 9);
    }
  });

  it('cut off after a few nodes, the answer stays inside its bounds and claims optimality only when true', () => {
    let cutOff = 0;
    instances.forEach((input, i) => {
      const optimum = bruteForceMaximum(input);
      const r = solveMaximalCovering(input, { method: 'exact', nodeBudget: 1 + (i % 6) });
      if (r.search.outcome !== 'proven') cutOff++;
      expect(r.coveredAfter).toBeLessThanOrEqual(optimum + 1e-9);
      expect(r.coveredAfter).toBeGreaterThanOrEqual(r.greedyCoveredAfter - 1e-9);
      expect(optimum).toBeLessThanOrEqual(r.upperBound + 1e-9);
      if (r.optimal) expect(r.coveredAfter).toBeCloseTo(optimum, 9);
    });
    expect(cutOff).toBeGreaterThan(10); // the budgets did bite
  });

  it('on medium instances the search proves optimality or falls back inside its bounds', () => {
    const medium = mulberry32(7);
    for (let i = 0; i < 10; i++) {
      const input = { ...randomInstance(medium, { demand: 400, candidates: 80, reach: 40 }), newSiteCount: 6 };
      const r = solveMaximalCovering(input, { nodeBudget: 50_000 });
      expect(r.coveredAfter).toBeGreaterThanOrEqual(r.greedyCoveredAfter - 1e-9);
      expect(r.coveredAfter).toBeLessThanOrEqual(r.upperBound + 1e-9);
      expect(
        coveredWeight(
          input,
          r.sites.map((s) => s.candidate),
        ),
      ).toBeCloseTo(r.coveredAfter, 9);
      if (r.search.outcome === 'proven') expect(r.optimal).toBe(true);
    }
  });
});

describe('maximal covering: search budgets', () => {
  const trap: MaximalCoveringInput = {
    demandWeights: [1, 1, 1, 1, 1, 1],
    candidateCoverage: lists([0, 1, 2], [3, 4, 5], [0, 1, 3, 4]),
    newSiteCount: 2,
  };

  it('falls back to greedy with its bound when the node budget runs out', () => {
    const r = solveMaximalCovering(trap, { method: 'exact', nodeBudget: 1 });
    expect(r.search.outcome).toBe('nodeBudgetExceeded');
    expect(r.method).toBe('greedy');
    expect(r.optimal).toBe(false);
    expect(r.coveredAfter).toBe(5);
    expect(r.upperBound).toBe(6);
  });

  it('stops on the time budget, measured by the injected clock', () => {
    // A clock that jumps an hour per reading: the first budget check (node 1024) stops the search.
    let now = 0;
    const clock = (): number => (now += 3_600_000);
    const random = mulberry32(3);
    const input = { ...randomInstance(random, { demand: 3000, candidates: 300, reach: 200 }), newSiteCount: 12 };
    const r = solveMaximalCovering(input, { method: 'exact', timeBudgetMs: 1, clock });
    expect(r.search.outcome).toBe('timeBudgetExceeded');
    expect(r.search.nodes).toBe(1024);
    expect(r.optimal).toBe(false);
    expect(r.coveredAfter).toBeGreaterThanOrEqual(r.greedyCoveredAfter - 1e-9);
    expect(r.coveredAfter).toBeLessThan(r.upperBound);
  });
});
