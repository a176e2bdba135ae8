import { solveSetCovering, type SetCoveringInput } from '../../../../src/geo/coverage/setCovering';
import { mulberry32 } from '../../../../src/geo/stats/random';
import { bruteForceMinimum } from './bruteForce';

const lists = (...sets: number[][]): Int32Array[] => sets.map((s) => Int32Array.from(s));

function coversAll(input: SetCoveringInput, sites: number[], uncoverable: number[]): boolean {
  const covered = new Set<number>([...Array.from(input.coveredByExistingPosts ?? []), ...uncoverable]);
  for (const c of sites) for (const j of input.candidateCoverage[c]) covered.add(j);
  return Array.from(input.targets).every((t) => covered.has(t));
}

describe('set covering: hand-checked instances', () => {
  // Targets 0..5. Site 2 covers four of them, but sites 0 and 1 together cover all six.
  // Greedy: 2 first (4), then 0 and 1 for targets 2 and 5 -> 3 sites; optimum 2.
  // Lower bounds: ceil(6 / 4) = 2; targets 2 and 5 share no site -> 2.
  const trap: SetCoveringInput = {
    demandCount: 6,
    targets: [0, 1, 2, 3, 4, 5],
    candidateCoverage: lists([0, 1, 2], [3, 4, 5], [0, 1, 3, 4]),
  };

  it('greedy uses 3 sites and reports the lower bound 2', () => {
    const r = solveSetCovering(trap, { method: 'greedy' });
    expect(r.method).toBe('greedy');
    expect(r.optimal).toBe(false);
    expect(r.sites.map((s) => s.candidate)).toEqual([2, 0, 1]);
    expect(r.sites.map((s) => s.newlyCoveredTargets)).toEqual([4, 1, 1]);
    expect(r.lowerBound).toBe(2);
    expect(r.greedyFactor).toBeCloseTo(1 + 1 / 2 + 1 / 3 + 1 / 4, 12);
  });

  it('the exact search finds the 2 disjoint sites', () => {
    const r = solveSetCovering(trap);
    expect(r.method).toBe('exact');
    expect(r.optimal).toBe(true);
    expect(r.sites.map((s) => s.candidate).sort()).toEqual([0, 1]);
    expect(r.lowerBound).toBe(2);
    expect(r.greedySiteCount).toBe(3);
  });

  it('leaves out targets already covered and reports those nobody can reach', () => {
    const r = solveSetCovering({
      demandCount: 8,
      targets: [0, 1, 2, 3, 4, 5, 6, 7, 7],
      candidateCoverage: lists([0, 1, 2], [3, 4, 5], [0, 1, 3, 4]),
      coveredByExistingPosts: [2, 5],
    });
    expect(r.alreadyCoveredTargets).toEqual([2, 5]);
    expect(r.uncoverableTargets).toEqual([6, 7]);
    expect(r.targetCount).toBe(4);
    expect(r.sites.map((s) => s.candidate)).toEqual([2]); // one site now covers 0, 1, 3, 4
    expect(r.optimal).toBe(true);
    expect(r.method).toBe('greedy'); // greedy met the lower bound: no search needed
  });

  it('needs no site when nothing is left to cover', () => {
    const r = solveSetCovering({ demandCount: 3, targets: [0, 2], candidateCoverage: lists([1]), coveredByExistingPosts: [0] });
    expect(r.sites).toEqual([]);
    expect(r.uncoverableTargets).toEqual([2]);
    expect(r.optimal).toBe(true);
    expect(r.lowerBound).toBe(0);
  });

  it('falls back to greedy when the node budget runs out', () => {
    const r = solveSetCovering(trap, { method: 'exact', nodeBudget: 1 });
    expect(r.search.outcome).toBe('nodeBudgetExceeded');
    expect(r.method).toBe('greedy');
    expect(r.optimal).toBe(false);
    expect(r.sites).toHaveLength(3);
  });

  it('rejects indices outside the demand', () => {
    expect(() => solveSetCovering({ demandCount: 2, targets: [2], candidateCoverage: lists([0]) })).toThrow(RangeError);
    expect(() => solveSetCovering({ demandCount: 2, targets: [0], candidateCoverage: lists([5]) })).toThrow(RangeError);
  });
});

describe('set covering: random small instances against enumeration', () => {
  it('exact equals brute force; lower bound <= optimum <= greedy <= H(d) * optimum', () => {
    const random = mulberry32(99);
    let greedyWorse = 0;
    for (let i = 0; i < 300; i++) {
      const demandCount = 5 + Math.floor(random() * 15);
      const candidateCount = 2 + Math.floor(random() * 11);
      const candidateCoverage = Array.from({ length: candidateCount }, () => {
        const set = new Set<number>();
        const n = 1 + Math.floor(random() * 6);
        for (let k = 0; k < n; k++) set.add(Math.floor(random() * demandCount));
        return Int32Array.from(set);
      });
      const all = Array.from({ length: demandCount }, (_, j) => j);
      const input: SetCoveringInput = {
        demandCount,
        targets: all.filter(() => random() < 0.7),
        candidateCoverage,
        coveredByExistingPosts: all.filter(() => random() < 0.1),
      };
      const optimum = bruteForceMinimum(input);
      const exact = solveSetCovering(input, { method: 'exact' });
      const greedy = solveSetCovering(input, { method: 'greedy' });
      expect(exact.optimal).toBe(true);
      expect(exact.sites).toHaveLength(optimum);
      expect(
        coversAll(
          input,
          exact.sites.map((s) => s.candidate),
          exact.uncoverableTargets,
        ),
      ).toBe(true);
      expect(
        coversAll(
          input,
          greedy.sites.map((s) => s.candidate),
          greedy.uncoverableTargets,
        ),
      ).toBe(true);
      expect(greedy.lowerBound).toBeLessThanOrEqual(optimum);
      expect(greedy.sites.length).toBeGreaterThanOrEqual(optimum);
      expect(greedy.sites.length).toBeLessThanOrEqual(greedy.greedyFactor * optimum + 1e-9);
      if (greedy.optimal) expect(greedy.sites).toHaveLength(optimum);
      if (greedy.sites.length > optimum) greedyWorse++;
    }
    expect(greedyWorse).toBeGreaterThan(0); // the instances do exercise the search
  });
});
