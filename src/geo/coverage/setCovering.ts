/**
 * Location set covering (Toregas, Swain, ReVelle and Bergman 1971): the fewest candidate
 * sites such that every target (e.g. every significant hotspot cell not yet within reach of a
 * post) is within reach of at least one of them.
 *
 *   minimise  sum_c x_c   s.t.  sum_{c covers t} x_c >= 1 for every coverable target t,  x binary
 *
 * Targets no candidate reaches are reported and left out: no number of sites covers them.
 *
 * - Greedy (open the site covering the most uncovered targets) uses at most H(d) times the
 *   optimum, H(d) = 1 + 1/2 + ... + 1/d <= 1 + ln d, d the largest number of targets one
 *   site covers (Johnson 1974; Lovasz 1975; Chvatal 1979).
 * - Lower bounds without an LP solver: (a) ceil(targets / d); (b) a set of targets no two of
 *   which share a candidate needs one site each; (c) ceil(greedy size / H(d)). The best of
 *   them is reported; greedy is proven optimal when it meets it.
 * - Exact: depth-first branch and bound. Branch on the uncovered target with the fewest
 *   allowed candidates, trying each of them (earlier ones excluded in later branches, so each
 *   set is met once); prune with ceil(uncovered / largest allowed gain).
 */
import { type CandidateCoverage, IncrementalCoverage, buildInverseCoverage, flagsFromIndices, normalizeCoverageLists } from './coverageIndex';

export interface SetCoveringInput {
  /** Number of demand items the indices in `candidateCoverage` refer to. */
  readonly demandCount: number;
  /** Demand indices that must be covered (e.g. significant hotspot cells). */
  readonly targets: ArrayLike<number>;
  /** For each candidate site, the demand indices within its reach (non-targets are ignored). */
  readonly candidateCoverage: CandidateCoverage;
  /** Demand indices already within reach of existing posts: targets among them need nothing. */
  readonly coveredByExistingPosts?: ArrayLike<number>;
}

export interface SetCoveringOptions {
  /** `auto` (default): exact search when greedy does not meet the lower bound; `greedy`: greedy only; `exact`: search regardless. */
  readonly method?: 'auto' | 'greedy' | 'exact';
  /** Default 200 000 search nodes. */
  readonly nodeBudget?: number;
  /** Default 2 000 ms. */
  readonly timeBudgetMs?: number;
  readonly clock?: () => number;
}

export interface CoveringSite {
  readonly candidate: number;
  /** Targets this site covers that earlier sites did not. */
  readonly newlyCoveredTargets: number;
}

export interface SetCoveringResult {
  readonly method: 'exact' | 'greedy';
  /** True when no smaller set of sites covers every coverable target. */
  readonly optimal: boolean;
  /** Chosen sites, largest new coverage first. */
  readonly sites: CoveringSite[];
  /** No solution covering all coverable targets has fewer sites. */
  readonly lowerBound: number;
  /** A priori greedy factor H(d) (number of sites <= H(d) * optimum). */
  readonly greedyFactor: number;
  readonly greedySiteCount: number;
  /** Targets (distinct, after removing those already covered) that the sites must cover. */
  readonly targetCount: number;
  /** Distinct targets already covered by existing posts. */
  readonly alreadyCoveredTargets: number[];
  /** Targets no candidate reaches: reported, not covered by any answer. */
  readonly uncoverableTargets: number[];
  readonly search: {
    readonly outcome: 'notAttempted' | 'proven' | 'nodeBudgetExceeded' | 'timeBudgetExceeded';
    readonly nodes: number;
    readonly elapsedMs: number;
  };
}

function harmonic(d: number): number {
  let h = 0;
  for (let i = 1; i <= d; i++) h += 1 / i;
  return h;
}

/**
 * Targets relabelled 0..T-1 (only those a candidate reaches and no existing post covers),
 * candidate lists restricted to them; weights all 1 so gains are counts, exact in floating point.
 */
interface TargetInstance {
  readonly lists: Int32Array[];
  readonly targetCount: number;
  readonly alreadyCovered: number[];
  readonly uncoverable: number[];
  readonly maxCover: number;
}

function prepare(input: SetCoveringInput): TargetInstance {
  const { demandCount } = input;
  if (!Number.isInteger(demandCount) || demandCount < 0) throw new RangeError(`demandCount must be an integer >= 0`);
  const lists = normalizeCoverageLists(demandCount, input.candidateCoverage);
  const existing = flagsFromIndices(demandCount, input.coveredByExistingPosts, 'coveredByExistingPosts');
  const isTarget = flagsFromIndices(demandCount, input.targets, 'targets');
  const reached = new Uint8Array(demandCount);
  for (const list of lists) for (let i = 0; i < list.length; i++) reached[list[i]] = 1;
  const label = new Int32Array(demandCount).fill(-1);
  const alreadyCovered: number[] = [];
  const uncoverable: number[] = [];
  let targetCount = 0;
  for (let j = 0; j < demandCount; j++) {
    if (!isTarget[j]) continue;
    if (existing[j]) alreadyCovered.push(j);
    else if (!reached[j]) uncoverable.push(j);
    else label[j] = targetCount++;
  }
  let maxCover = 0;
  const relabelled = lists.map((list) => {
    let n = 0;
    for (let i = 0; i < list.length; i++) if (label[list[i]] >= 0) n++;
    const out = new Int32Array(n);
    n = 0;
    for (let i = 0; i < list.length; i++) if (label[list[i]] >= 0) out[n++] = label[list[i]];
    maxCover = Math.max(maxCover, out.length);
    return out;
  });
  return { lists: relabelled, targetCount, alreadyCovered, uncoverable, maxCover };
}

function newState(instance: TargetInstance): IncrementalCoverage {
  const weights = new Float64Array(instance.targetCount).fill(1);
  return new IncrementalCoverage(weights, instance.lists, buildInverseCoverage(instance.targetCount, instance.lists), new Uint8Array(instance.targetCount));
}

function greedyCover(instance: TargetInstance): number[] {
  const state = newState(instance);
  const chosen: number[] = [];
  let uncovered = instance.targetCount;
  while (uncovered > 0) {
    let best = -1;
    for (let c = 0; c < state.gains.length; c++) if (best < 0 || state.gains[c] > state.gains[best]) best = c;
    uncovered -= state.add(best);
    chosen.push(best);
  }
  return chosen;
}

/** Greedily picks targets no two of which share a candidate: each needs its own site. */
function disjointTargetsBound(instance: TargetInstance): number {
  const inverse = buildInverseCoverage(instance.targetCount, instance.lists);
  const order = Array.from({ length: instance.targetCount }, (_, t) => t);
  const degree = (t: number): number => inverse.offsets[t + 1] - inverse.offsets[t];
  order.sort((a, b) => degree(a) - degree(b) || a - b); // rarely covered targets first: they block fewest others
  const blocked = new Uint8Array(instance.targetCount);
  const candidateUsed = new Uint8Array(instance.lists.length);
  let picked = 0;
  for (const t of order) {
    if (blocked[t]) continue;
    picked++;
    for (let k = inverse.offsets[t]; k < inverse.offsets[t + 1]; k++) {
      const c = inverse.candidates[k];
      if (candidateUsed[c]) continue;
      candidateUsed[c] = 1;
      const list = instance.lists[c];
      for (let i = 0; i < list.length; i++) blocked[list[i]] = 1;
    }
  }
  return picked;
}

function orderCover(instance: TargetInstance, chosen: readonly number[]): CoveringSite[] {
  const state = newState(instance);
  const remaining = new Set(chosen);
  const sites: CoveringSite[] = [];
  while (remaining.size > 0) {
    let best = -1;
    for (const c of remaining) {
      if (best < 0 || state.gains[c] > state.gains[best] || (state.gains[c] === state.gains[best] && c < best)) best = c;
    }
    remaining.delete(best);
    const gained = state.add(best);
    if (gained > 0) sites.push({ candidate: best, newlyCoveredTargets: gained });
  }
  return sites;
}

/** Finds the fewest sites covering every coverable target; see the module comment. */
export function solveSetCovering(input: SetCoveringInput, options: SetCoveringOptions = {}): SetCoveringResult {
  const instance = prepare(input);
  const clock = options.clock ?? Date.now;
  const greedy = greedyCover(instance);
  const greedyFactor = harmonic(instance.maxCover);
  const lowerBound =
    instance.targetCount === 0
      ? 0
      : Math.max(
          Math.ceil(instance.targetCount / instance.maxCover),
          disjointTargetsBound(instance),
          // 1e-9: keep ceil from rounding up an exact multiple computed in floating point
          Math.ceil(greedy.length / greedyFactor - 1e-9),
        );

  let best = greedy;
  let method: SetCoveringResult['method'] = 'greedy';
  let optimal = greedy.length <= lowerBound;
  let search: SetCoveringResult['search'] = { outcome: 'notAttempted', nodes: 0, elapsedMs: 0 };
  const methodChoice = options.method ?? 'auto';

  if (methodChoice === 'exact' || (methodChoice === 'auto' && !optimal)) {
    const nodeBudget = options.nodeBudget ?? 200_000;
    const timeBudgetMs = options.timeBudgetMs ?? 2_000;
    const state = newState(instance);
    const inverse = buildInverseCoverage(instance.targetCount, instance.lists);
    const excluded = new Uint8Array(instance.lists.length);
    // allowedCount[t]: candidates reaching t that are not excluded; 0 on an uncovered target = dead end.
    const allowedCount = new Int32Array(instance.targetCount);
    for (let t = 0; t < instance.targetCount; t++) allowedCount[t] = inverse.offsets[t + 1] - inverse.offsets[t];
    const setExcluded = (c: number, value: 0 | 1): void => {
      excluded[c] = value;
      const list = instance.lists[c];
      for (let i = 0; i < list.length; i++) allowedCount[list[i]] += value ? -1 : 1;
    };
    const chosen: number[] = [];
    let uncovered = instance.targetCount;
    let nodes = 0;
    let stop: 'nodeBudgetExceeded' | 'timeBudgetExceeded' | undefined;
    const started = clock();

    const visit = (): void => {
      nodes++;
      if (nodes > nodeBudget) stop = 'nodeBudgetExceeded';
      else if ((nodes & 1023) === 0 && clock() - started > timeBudgetMs) stop = 'timeBudgetExceeded';
      if (stop !== undefined) return;
      if (uncovered === 0) {
        if (chosen.length < best.length) best = chosen.slice();
        return;
      }
      const budget = best.length - 1 - chosen.length; // sites we may still add to beat the incumbent
      if (budget <= 0) return;
      let largestGain = 0;
      for (let c = 0; c < state.gains.length; c++) if (!excluded[c] && state.gains[c] > largestGain) largestGain = state.gains[c];
      if (largestGain === 0 || Math.ceil(uncovered / largestGain) > budget) return;
      let branchTarget = -1;
      for (let t = 0; t < instance.targetCount; t++) {
        if (state.coverCount[t] !== 0) continue;
        if (allowedCount[t] === 0) return; // nobody left to cover t
        if (branchTarget < 0 || allowedCount[t] < allowedCount[branchTarget]) branchTarget = t;
      }
      const branchCandidates: number[] = [];
      for (let k = inverse.offsets[branchTarget]; k < inverse.offsets[branchTarget + 1]; k++) {
        const c = inverse.candidates[k];
        if (!excluded[c]) branchCandidates.push(c);
      }
      branchCandidates.sort((a, b) => state.gains[b] - state.gains[a] || a - b);
      const excludedHere: number[] = [];
      const uncoveredHere = uncovered;
      for (const c of branchCandidates) {
        uncovered -= state.add(c);
        chosen.push(c);
        visit();
        chosen.pop();
        state.remove(c, true); // unit weights: adding back is exact
        uncovered = uncoveredHere;
        if (stop !== undefined) break;
        setExcluded(c, 1);
        excludedHere.push(c);
      }
      for (const c of excludedHere) setExcluded(c, 0);
    };
    visit();
    search = { outcome: stop ?? 'proven', nodes, elapsedMs: clock() - started };
    if (stop === undefined) {
      method = 'exact';
      optimal = true;
    } else if (best !== greedy) {
      method = 'exact';
    }
  }

  return {
    method,
    optimal,
    sites: orderCover(instance, best),
    lowerBound: optimal ? best.length : lowerBound,
    greedyFactor,
    greedySiteCount: greedy.length,
    targetCount: instance.targetCount,
    alreadyCoveredTargets: instance.alreadyCovered,
    uncoverableTargets: instance.uncoverable,
    search,
  };
}

/**
 * The targets that need a site (relabelled 0..T-1: coverable, not yet covered) with each
 * candidate's list over them, and a chosen set put in greedy order: for other solvers of the
 * same model (src/geo/coverage/coverageMip.ts).
 */
export function preparedSetCovering(input: SetCoveringInput): { targetCount: number; lists: readonly Int32Array[]; order: (chosen: readonly number[]) => CoveringSite[] } {
  const instance = prepare(input);
  return { targetCount: instance.targetCount, lists: instance.lists, order: (chosen) => orderCover(instance, chosen) };
}
