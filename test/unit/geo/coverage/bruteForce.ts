/**
 * Optima by enumeration over every subset of candidates: the independent reference the coverage
 * tests compare the greedy, the exact search and the integer program with (small instances only).
 */
import { coveredWeight, type MaximalCoveringInput } from '../../../../src/geo/coverage/maximalCovering';
import type { SetCoveringInput } from '../../../../src/geo/coverage/setCovering';

/** Best covered weight over every set of at most p candidates. */
export function bruteForceMaximum(input: MaximalCoveringInput): number {
  const n = input.candidateCoverage.length;
  let best = coveredWeight(input, []);
  for (let mask = 1; mask < 1 << n; mask++) {
    const subset = Array.from({ length: n }, (_, c) => c).filter((c) => mask & (1 << c));
    if (subset.length <= input.newSiteCount) best = Math.max(best, coveredWeight(input, subset));
  }
  return best;
}

/** Fewest candidates covering every coverable target not yet covered by existing posts. */
export function bruteForceMinimum(input: SetCoveringInput): number {
  const n = input.candidateCoverage.length;
  const existing = new Set(Array.from(input.coveredByExistingPosts ?? []));
  const reached = new Set(input.candidateCoverage.flatMap((l) => Array.from(l)));
  const needed = Array.from(new Set(Array.from(input.targets))).filter((t) => !existing.has(t) && reached.has(t));
  let best = Infinity;
  for (let mask = 0; mask < 1 << n; mask++) {
    const covered = new Set<number>();
    let size = 0;
    for (let c = 0; c < n; c++) {
      if (!(mask & (1 << c))) continue;
      size++;
      for (const j of input.candidateCoverage[c]) covered.add(j);
    }
    if (size < best && needed.every((t) => covered.has(t))) best = size;
  }
  return best;
}
