import fc from 'fast-check';
import { highsMipSolve } from '../../../../src/compute/mipSolver';
import { solveMaximalCoveringMip, solveSetCoveringMip } from '../../../../src/geo/coverage/coverageMip';
import { reduceMaximalCovering, reduceSetCovering } from '../../../../src/geo/coverage/coverageReduction';
import { coveredWeight, solveMaximalCovering, type MaximalCoveringInput } from '../../../../src/geo/coverage/maximalCovering';
import { bruteForceMaximum, bruteForceMinimum } from './bruteForce';
import type { MipSolve } from '../../../../src/geo/coverage/mipModel';
import { solveSetCovering, type SetCoveringInput } from '../../../../src/geo/coverage/setCovering';

const lists = (...sets: number[][]): Int32Array[] => sets.map((s) => Int32Array.from(s));

let solve: MipSolve;
beforeAll(async () => {
  solve = await highsMipSolve();
});

describe('reductions', () => {
  it('drops covered and unreachable demand, removes dominated candidates and merges identical demand columns', () => {
    // demand 0 is covered by an existing post, 5 by no candidate; candidate 1 covers a subset of
    // candidate 0, candidate 3 the same as candidate 2; demand 1 and 2 are covered by the same candidates.
    const weights = Float64Array.from([7, 1, 2, 3, 4, 9]);
    const r = reduceMaximalCovering(weights, lists([0, 1, 2, 3], [1, 2], [3, 4], [3, 4]), Uint8Array.from([1, 0, 0, 0, 0, 0]));
    expect(r.constant).toBe(7);
    expect(Array.from(r.candidateOriginal)).toEqual([0, 2]);
    expect(Array.from(r.candidateReduced)).toEqual([0, 0, 1, 1]);
    // items: {1, 2} merged (weight 3, only candidate 0), 3 (both), 4 (candidate 2 only)
    expect(Array.from(r.weights)).toEqual([3, 3, 4]);
    expect(r.demandCandidates.map((c) => Array.from(c))).toEqual([[0], [0, 1], [1]]);
  });

  it('set covering: a target whose candidates include another target’s is implied by it', () => {
    // target 0: {0}, target 1: {0, 1}, target 2: {1, 2}; candidate 2 covers only target 2, inside candidate 1
    const r = reduceSetCovering(3, lists([0, 1], [1, 2], [2]));
    expect(Array.from(r.candidateOriginal)).toEqual([0, 1]);
    expect(r.targetCandidates.map((c) => Array.from(c))).toEqual([[0], [1]]);
  });
});

describe('maximal covering by HiGHS: instances solved by hand', () => {
  // Greedy trap: site 2 covers 4 items, sites 0 and 1 three each and disjoint: greedy 5, optimum 6.
  const trap: MaximalCoveringInput = { demandWeights: [1, 1, 1, 1, 1, 1], candidateCoverage: lists([0, 1, 2], [3, 4, 5], [0, 1, 3, 4]), newSiteCount: 2 };

  it('finds {0, 1} where greedy stops at 5, and proves it', () => {
    const r = solveMaximalCoveringMip(trap, { solve });
    expect(r).toMatchObject({ method: 'mip', optimal: true, coveredAfter: 6, upperBound: 6, gap: 0, greedyCoveredAfter: 5, fallback: null });
    expect(r.sites.map((s) => s.candidate).sort()).toEqual([0, 1]);
    expect(r.lpBound).toBeGreaterThanOrEqual(6 - 1e-9);
    expect(r.greedyGuarantee).toBeCloseTo(0.75, 12);
    expect(r.mip?.status).toBe('optimal');
  });

  // Seven settlements 1 km apart on a road, populations 10 20 30 40 30 20 10; a post reaches its
  // own and the neighbouring settlements. p = 2: {1, 4} or {2, 5} cover 150; greedy 3 then 0 = 130.
  const road = (p: number): MaximalCoveringInput => ({
    demandWeights: [10, 20, 30, 40, 30, 20, 10],
    candidateCoverage: lists([0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6]),
    newSiteCount: p,
  });

  it.each([
    [1, 100],
    [2, 150],
    [3, 160],
  ])('road of seven settlements, p = %i: %i', (p, optimum) => {
    const r = solveMaximalCoveringMip(road(p), { solve });
    expect(r.coveredAfter).toBe(optimum);
    expect(r.optimal).toBe(true);
    expect(r.upperBound).toBe(optimum);
  });

  it('greedy, with its guarantee and bound, when the solver fails or finds nothing better', () => {
    const broken: MipSolve = () => {
      throw new Error('out of memory');
    };
    const failed = solveMaximalCoveringMip(trap, { solve: broken });
    expect(failed).toMatchObject({ method: 'greedy', optimal: false, coveredAfter: 5 });
    expect(failed.fallback).toMatch(/failed \(out of memory\)/);
    expect(failed.upperBound).toBeGreaterThanOrEqual(6);
    expect(failed.gap).toBeCloseTo((failed.upperBound - 5) / failed.upperBound, 12);

    const timedOut: MipSolve = () => ({ status: 'timeLimit', detail: 'timeLimit', lpBound: null, objective: null, bound: null, values: null, nodes: 0, elapsedMs: 1, solver: 'stub' });
    const slow = solveMaximalCoveringMip(trap, { solve: timedOut });
    expect(slow).toMatchObject({ method: 'greedy', optimal: false, coveredAfter: 5 });
    expect(slow.fallback).toMatch(/nothing better than greedy/);

    expect(solveMaximalCoveringMip(trap, { solve, method: 'greedy' })).toMatchObject({ method: 'greedy', coveredAfter: 5, mip: null, fallback: null });
  });

  it('reports a time limit without claiming optimality, keeping a valid bound', () => {
    // a stub that stops at the limit with greedy's solution and a bound of 6.5
    const limited: MipSolve = (problem) => ({
      status: 'timeLimit',
      detail: 'timeLimit',
      lpBound: 6.5,
      objective: 5,
      bound: 6.5,
      values: Float64Array.from(problem.columns, (_, i) => problem.start!.values[i]),
      nodes: 10,
      elapsedMs: 1,
      solver: 'stub',
    });
    const r = solveMaximalCoveringMip(trap, { solve: limited });
    expect(r.optimal).toBe(false);
    expect(r.coveredAfter).toBe(5);
    expect(r.upperBound).toBeGreaterThanOrEqual(6);
  });
});

describe('maximal covering by HiGHS: random instances', () => {
  const instance = fc
    .record({
      candidates: fc.integer({ min: 1, max: 8 }),
      demand: fc.integer({ min: 1, max: 14 }),
      p: fc.integer({ min: 1, max: 4 }),
      fractional: fc.boolean(),
      seed: fc.array(fc.nat(1000), { minLength: 200, maxLength: 200 }),
    })
    .map(({ candidates, demand, p, fractional, seed }): MaximalCoveringInput => {
      let i = 0;
      const next = (n: number): number => seed[i++ % seed.length] % n;
      const coverage = Array.from({ length: candidates }, () => Int32Array.from(new Set(Array.from({ length: 1 + next(5) }, () => next(demand)))));
      const covered = Array.from({ length: next(3) }, () => next(demand));
      const weights = Array.from({ length: demand }, () => (fractional ? next(1000) / 37 : next(20)));
      return { demandWeights: weights, candidateCoverage: coverage, coveredByExistingPosts: covered, newSiteCount: Math.min(p, candidates) };
    });

  it('equals the optimum by enumeration, is at least greedy, and the bounds hold', () => {
    let solved = 0;
    fc.assert(
      fc.property(instance, (input) => {
        const optimum = bruteForceMaximum(input);
        const r = solveMaximalCoveringMip(input, { solve, method: 'mip' });
        const tol = 1e-6 * Math.max(1, optimum);
        expect(r.coveredAfter).toBeCloseTo(
          coveredWeight(
            input,
            r.sites.map((s) => s.candidate),
          ),
          9,
        );
        expect(Math.abs(r.coveredAfter - optimum)).toBeLessThanOrEqual(tol);
        expect(r.optimal).toBe(true);
        expect(r.coveredAfter).toBeGreaterThanOrEqual(r.greedyCoveredAfter - tol);
        expect(r.upperBound).toBeGreaterThanOrEqual(optimum - tol);
        if (r.lpBound !== null) expect(r.lpBound).toBeGreaterThanOrEqual(optimum - tol);
        expect(r.sites.length).toBeLessThanOrEqual(input.newSiteCount);
        if (r.mip) solved++;
      }),
      { numRuns: 60, seed: 21 },
    );
    // the others were proven by greedy's own bound; enough went through the solver to test it
    expect(solved).toBeGreaterThanOrEqual(10);
  });

  it('agrees with the branch and bound on medium instances (60 candidates, 150 demand items)', () => {
    let solved = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 2, max: 8 }), (seed, p) => {
        let s = seed;
        const next = (n: number): number => ((s = (s * 1103515245 + 12345) % 2147483648), s % n);
        const input: MaximalCoveringInput = {
          demandWeights: Array.from({ length: 150 }, () => next(30)),
          candidateCoverage: Array.from({ length: 60 }, () => {
            const centre = next(150);
            return Int32Array.from(new Set(Array.from({ length: 4 + next(8) }, () => Math.min(149, Math.max(0, centre + next(15) - 7)))));
          }),
          newSiteCount: p,
        };
        const exact = solveMaximalCovering(input, { method: 'exact', nodeBudget: 5_000_000, timeBudgetMs: 20_000 });
        const r = solveMaximalCoveringMip(input, { solve, method: 'mip' });
        expect(exact.optimal).toBe(true);
        expect(r.optimal).toBe(true);
        expect(r.coveredAfter).toBe(exact.coveredAfter);
        expect(r.upperBound).toBe(exact.coveredAfter);
        if (r.mip) solved++;
      }),
      { numRuns: 15, seed: 7 },
    );
    expect(solved).toBeGreaterThanOrEqual(5);
  });
});

describe('set covering by HiGHS', () => {
  // Greedy takes site 2 (four targets), then 0 and 1: 3 sites; the optimum is {0, 1}.
  const trap: SetCoveringInput = { demandCount: 6, targets: [0, 1, 2, 3, 4, 5], candidateCoverage: lists([0, 1, 2], [3, 4, 5], [0, 1, 3, 4]) };

  it('finds the two disjoint sites where greedy uses three', () => {
    const r = solveSetCoveringMip(trap, { solve });
    expect(r).toMatchObject({ method: 'mip', optimal: true, lowerBound: 2, gap: 0, greedySiteCount: 3 });
    expect(r.sites.map((s) => s.candidate).sort()).toEqual([0, 1]);
  });

  it('equals the minimum by enumeration on random instances; the lower bound never passes it', () => {
    let solved = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 12 }), fc.array(fc.nat(1000), { minLength: 100, maxLength: 100 }), (candidates, demand, seed) => {
        let i = 0;
        const next = (n: number): number => seed[i++ % seed.length] % n;
        const input: SetCoveringInput = {
          demandCount: demand,
          targets: Array.from({ length: demand }, (_, j) => j).filter(() => next(4) > 0),
          candidateCoverage: Array.from({ length: candidates }, () => Int32Array.from(new Set(Array.from({ length: 1 + next(4) }, () => next(demand))))),
          coveredByExistingPosts: Array.from({ length: next(2) }, () => next(demand)),
        };
        const minimum = bruteForceMinimum(input);
        const r = solveSetCoveringMip(input, { solve, method: 'mip' });
        expect(r.sites.length).toBe(minimum);
        expect(r.optimal).toBe(true);
        expect(r.lowerBound).toBeLessThanOrEqual(minimum);
        expect(r.sites.length).toBeLessThanOrEqual(solveSetCovering(input, { method: 'greedy' }).sites.length);
        if (r.mip) solved++;
      }),
      { numRuns: 60, seed: 5 },
    );
    expect(solved).toBeGreaterThanOrEqual(5);
  });
});
