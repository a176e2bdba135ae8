/**
 * Maximal covering location problem (MCLP; Church and ReVelle 1974): open p new sites among
 * the candidates so that the weight of demand within reach of at least one post (existing or
 * new) is as large as possible.
 *
 *   maximise  sum_j w_j y_j
 *   s.t.      y_j <= sum_{c covers j} x_c        (demand j counts only if some open site covers it)
 *             sum_c x_c = p,  x, y binary        (y_j = 1 fixed for demand already covered)
 *
 * Covered weight f(S) is monotone and submodular in the set S of new sites, so:
 * - greedy (open the site with the largest marginal gain, p times) reaches at least
 *   1 - (1 - 1/p)^p >= 1 - 1/e of the best possible gain (Nemhauser, Wolsey and Fisher 1978);
 * - for every greedy prefix S_k and any set T of p sites,
 *   f(T) <= f(S_k) + sum of the p largest marginal gains w.r.t. S_k,
 *   which gives an instance-specific upper bound, usually far tighter than the 1 - 1/e factor;
 * - the same bound, restricted to candidates not excluded in a branch, prunes a depth-first
 *   branch and bound that proves optimality on small and medium instances.
 */
import { type CandidateCoverage, IncrementalCoverage, type InverseCoverage, buildInverseCoverage, checkedWeights, flagsFromIndices, normalizeCoverageLists, sumOfLargest } from './coverageIndex';

export interface MaximalCoveringInput {
  /** Weight of each demand item (residents, incidents, ...), indexed by demand index. */
  readonly demandWeights: ArrayLike<number>;
  /** For each candidate site, the demand indices within its reach. Repeated indices are ignored. */
  readonly candidateCoverage: CandidateCoverage;
  /** Demand indices already within reach of existing (fixed) posts. */
  readonly coveredByExistingPosts?: ArrayLike<number>;
  /** p: how many new sites to open. */
  readonly newSiteCount: number;
}

export type MaximalCoveringMethodChoice = 'auto' | 'greedy' | 'exact';

export interface MaximalCoveringOptions {
  /**
   * `greedy`: greedy with its bound only. `exact`: always run the branch and bound (within the
   * budgets). `auto` (default): greedy, then the branch and bound when greedy is not already
   * proven optimal by its bound and at most `exactCandidateLimit` candidates have any gain.
   */
  readonly method?: MaximalCoveringMethodChoice;
  /** Default 400: above that, one search node (a scan over all candidates) gets too expensive. */
  readonly exactCandidateLimit?: number;
  /** Default 200 000 search nodes. */
  readonly nodeBudget?: number;
  /** Default 2 000 ms of search. */
  readonly timeBudgetMs?: number;
  /** Milliseconds clock for the time budget; injectable so tests are deterministic. */
  readonly clock?: () => number;
}

export interface SelectedSite {
  /** Index into `candidateCoverage`. */
  readonly candidate: number;
  /** Weight this site covers that no earlier site (or existing post) covers. */
  readonly marginalGain: number;
  /** Covered weight once this site and all before it are open. */
  readonly coveredAfter: number;
}

export type ExactSearchOutcome = 'notAttempted' | 'proven' | 'nodeBudgetExceeded' | 'timeBudgetExceeded';

export interface MaximalCoveringResult {
  /** Which algorithm produced `sites`: the exact search (proven or cut off by its budget) or greedy. */
  readonly method: 'exact' | 'greedy';
  /** True when no set of `requestedSiteCount` sites covers more (by search, or greedy meeting its bound). */
  readonly optimal: boolean;
  /** Sites in the order they add the most, each with its marginal gain. Sites that would add nothing are left out. */
  readonly sites: SelectedSite[];
  readonly requestedSiteCount: number;
  readonly totalDemand: number;
  /** Weight covered by existing posts alone. */
  readonly coveredBefore: number;
  /** Weight covered by existing posts and the chosen sites. */
  readonly coveredAfter: number;
  /** No choice of `requestedSiteCount` sites covers more than this (covered weight, existing posts included). */
  readonly upperBound: number;
  /** Weight no candidate and no existing post reaches: out of any solution's reach. */
  readonly uncoverableDemand: number;
  /** A priori greedy guarantee on the gain: 1 - (1 - 1/p)^p (>= 1 - 1/e). */
  readonly greedyGuarantee: number;
  /** (coveredAfter - coveredBefore) / (upperBound - coveredBefore): the guarantee proven for this instance (1 if nothing to gain). */
  readonly provenGainRatio: number;
  /** Covered weight the plain greedy solution reaches, for comparison. */
  readonly greedyCoveredAfter: number;
  readonly search: { readonly outcome: ExactSearchOutcome; readonly nodes: number; readonly elapsedMs: number };
}

/** The instance after validation, shared by greedy and the branch and bound. */
interface PreparedInstance {
  readonly weights: Float64Array;
  readonly lists: readonly Int32Array[];
  readonly inverse: InverseCoverage;
  readonly preCovered: Uint8Array;
  readonly p: number;
  readonly totalDemand: number;
  readonly coveredBefore: number;
  readonly maxCoverable: number;
  /** Gains below this count as zero: incremental float updates leave residues of ~1e-16 * total. */
  readonly tolerance: number;
}

function prepare(input: MaximalCoveringInput): PreparedInstance {
  const weights = checkedWeights(input.demandWeights, 'demandWeights');
  const p = input.newSiteCount;
  if (!Number.isInteger(p) || p < 0) throw new RangeError(`newSiteCount must be an integer >= 0, got ${p}`);
  const lists = normalizeCoverageLists(weights.length, input.candidateCoverage);
  const inverse = buildInverseCoverage(weights.length, lists);
  const preCovered = flagsFromIndices(weights.length, input.coveredByExistingPosts, 'coveredByExistingPosts');
  let totalDemand = 0;
  let coveredBefore = 0;
  let maxCoverable = 0;
  for (let j = 0; j < weights.length; j++) {
    totalDemand += weights[j];
    if (preCovered[j]) coveredBefore += weights[j];
    if (preCovered[j] || inverse.offsets[j + 1] > inverse.offsets[j]) maxCoverable += weights[j];
  }
  const tolerance = 1e-9 * Math.max(1, totalDemand);
  return { weights, lists, inverse, preCovered, p, totalDemand, coveredBefore, maxCoverable, tolerance };
}

function freshState(instance: PreparedInstance): IncrementalCoverage {
  return new IncrementalCoverage(instance.weights, instance.lists, instance.inverse, instance.preCovered);
}

function argMax(values: Float64Array, excluded?: Uint8Array): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let c = 0; c < values.length; c++) {
    if (values[c] > bestValue && (excluded === undefined || !excluded[c])) {
      bestValue = values[c];
      best = c;
    }
  }
  return best;
}

interface GreedyOutcome {
  readonly sites: SelectedSite[];
  readonly coveredAfter: number;
  readonly upperBound: number;
}

/** Greedy with exact incremental gains; ties go to the lowest candidate index. */
function runGreedy(instance: PreparedInstance): GreedyOutcome {
  const { p, tolerance } = instance;
  const state = freshState(instance);
  const sites: SelectedSite[] = [];
  let covered = instance.coveredBefore;
  let upperBound = instance.maxCoverable;
  for (let step = 0; step <= p; step++) {
    // Bound from the prefix S_step: f(T) <= f(S_step) + sum of the p largest gains w.r.t. S_step.
    upperBound = Math.min(upperBound, covered + sumOfLargest(state.gains, p, undefined, tolerance));
    if (step === p) break;
    const best = argMax(state.gains);
    if (best < 0 || state.gains[best] <= tolerance) break; // nothing left to gain
    const gained = state.add(best);
    covered += gained;
    sites.push({ candidate: best, marginalGain: gained, coveredAfter: covered });
  }
  return { sites, coveredAfter: covered, upperBound: Math.max(upperBound, covered) };
}

/** Orders a chosen set greedily (largest marginal gain first) and recomputes its gains exactly. */
function orderSites(instance: PreparedInstance, chosen: readonly number[]): SelectedSite[] {
  const state = freshState(instance);
  const remaining = new Set(chosen);
  const sites: SelectedSite[] = [];
  let covered = instance.coveredBefore;
  while (remaining.size > 0) {
    let best = -1;
    let bestGain = -Infinity;
    for (const c of remaining) {
      const gain = state.gainFromScratch(c);
      if (gain > bestGain || (gain === bestGain && c < best)) {
        bestGain = gain;
        best = c;
      }
    }
    remaining.delete(best);
    const gained = state.add(best);
    if (gained <= instance.tolerance) continue; // a site adding nothing is not worth reporting
    covered += gained;
    sites.push({ candidate: best, marginalGain: gained, coveredAfter: covered });
  }
  return sites;
}

interface SearchOutcome {
  readonly outcome: Exclude<ExactSearchOutcome, 'notAttempted'>;
  readonly bestValue: number;
  readonly bestSites: readonly number[];
  /**
   * When cut off: no solution beats this. Every subtree not yet finished hangs below a frame
   * on the recursion stack, and the bound computed at that frame covers it; finished subtrees
   * are covered by the incumbent. Infinity when the root had no bound yet.
   */
  readonly openBound: number;
  readonly nodes: number;
  readonly elapsedMs: number;
}

/**
 * Depth-first branch and bound. At each node: branch on the allowed candidate with the largest
 * marginal gain, first opening it, then excluding it. Prune when the covered weight so far plus
 * the `remaining` largest gains of allowed candidates cannot beat the incumbent. Exclusions at
 * one depth are a loop rather than recursion, so the stack never grows beyond p frames.
 */
function branchAndBound(instance: PreparedInstance, incumbentValue: number, incumbentSites: readonly number[], nodeBudget: number, timeBudgetMs: number, clock: () => number): SearchOutcome {
  const { p, tolerance } = instance;
  const state = freshState(instance);
  const candidateCount = instance.lists.length;
  const excluded = new Uint8Array(candidateCount);
  const chosen: number[] = [];
  // One saved copy of the gains per depth: restoring a copy is exact, where adding fractional
  // weights back would leave rounding residues that accumulate over many nodes.
  const savedGains: Float64Array[] = [];
  for (let d = 0; d <= p; d++) savedGains.push(new Float64Array(candidateCount));
  const started = clock();
  let bestValue = incumbentValue;
  let bestSites: readonly number[] = incumbentSites;
  let nodes = 0;
  let stop: SearchOutcome['outcome'] | undefined;
  // Latest node bound of the frame at each depth (see `openBound`); -Infinity for a frame not
  // on the stack or without a bound yet (its parent's bound covers it). The root starts at
  // Infinity: until it has a bound, nothing is known.
  const frameBounds = new Float64Array(p + 1).fill(-Infinity);
  frameBounds[0] = Infinity;

  const record = (value: number): void => {
    if (value > bestValue + tolerance) {
      bestValue = value;
      bestSites = chosen.slice();
    }
  };

  const visit = (value: number): void => {
    const depth = chosen.length;
    const excludedHere: number[] = [];
    for (;;) {
      nodes++;
      if (nodes > nodeBudget) stop = 'nodeBudgetExceeded';
      else if ((nodes & 1023) === 0 && clock() - started > timeBudgetMs) stop = 'timeBudgetExceeded';
      if (stop !== undefined) break;
      const remaining = p - chosen.length;
      if (remaining === 0) {
        record(value);
        break;
      }
      let positives = 0;
      for (let c = 0; c < candidateCount; c++) if (!excluded[c] && state.gains[c] > tolerance) positives++;
      if (positives === 0) {
        record(value);
        break;
      }
      const bound = value + sumOfLargest(state.gains, remaining, excluded, tolerance);
      frameBounds[chosen.length] = bound;
      if (bound <= bestValue + tolerance) break;
      const saved = savedGains[chosen.length];
      if (positives <= remaining) {
        // Room for every allowed useful candidate: opening all of them is best in this subtree.
        saved.set(state.gains);
        const opened: number[] = [];
        let total = value;
        for (let c = 0; c < candidateCount; c++) {
          if (excluded[c] || state.gains[c] <= tolerance) continue;
          total += state.add(c);
          opened.push(c);
          chosen.push(c);
        }
        record(total);
        for (let i = opened.length - 1; i >= 0; i--) {
          chosen.pop();
          state.remove(opened[i], false);
        }
        state.gains.set(saved);
        break;
      }
      const branch = argMax(state.gains, excluded);
      saved.set(state.gains);
      const gained = state.add(branch);
      chosen.push(branch);
      visit(value + gained);
      chosen.pop();
      state.remove(branch, false);
      state.gains.set(savedGains[chosen.length]);
      if (stop !== undefined) break;
      excluded[branch] = 1;
      excludedHere.push(branch);
    }
    for (const c of excludedHere) excluded[c] = 0;
    if (stop === undefined) frameBounds[depth] = -Infinity;
  };

  visit(instance.coveredBefore);
  let openBound = bestValue;
  if (stop !== undefined) for (const b of frameBounds) openBound = Math.max(openBound, b);
  return { outcome: stop ?? 'proven', bestValue, bestSites, openBound, nodes, elapsedMs: clock() - started };
}

function coveredWeightOf(sites: readonly SelectedSite[], coveredBefore: number): number {
  return sites.length === 0 ? coveredBefore : sites[sites.length - 1].coveredAfter;
}

/**
 * Chooses `newSiteCount` new sites maximising covered demand weight. See the module comment
 * for the methods and bounds; `method` in the result says which one produced the sites.
 */
export function solveMaximalCovering(input: MaximalCoveringInput, options: MaximalCoveringOptions = {}): MaximalCoveringResult {
  const instance = prepare(input);
  const methodChoice = options.method ?? 'auto';
  const clock = options.clock ?? Date.now;
  const { p, tolerance, coveredBefore } = instance;

  const greedy = runGreedy(instance);
  let sites = greedy.sites;
  let method: MaximalCoveringResult['method'] = 'greedy';
  let upperBound = greedy.upperBound;
  let optimal = greedy.coveredAfter >= upperBound - tolerance;
  let search: MaximalCoveringResult['search'] = { outcome: 'notAttempted', nodes: 0, elapsedMs: 0 };

  let usefulCandidates = 0;
  {
    const state = freshState(instance);
    for (let c = 0; c < state.gains.length; c++) if (state.gains[c] > tolerance) usefulCandidates++;
  }
  const exactCandidateLimit = options.exactCandidateLimit ?? 400;
  const runExact = methodChoice === 'exact' || (methodChoice === 'auto' && !optimal && usefulCandidates <= exactCandidateLimit);

  if (runExact) {
    const found = branchAndBound(
      instance,
      greedy.coveredAfter,
      greedy.sites.map((s) => s.candidate),
      options.nodeBudget ?? 200_000,
      options.timeBudgetMs ?? 2_000,
      clock,
    );
    search = { outcome: found.outcome, nodes: found.nodes, elapsedMs: found.elapsedMs };
    if (found.outcome === 'proven') {
      method = 'exact';
      optimal = true;
      sites = orderSites(instance, found.bestSites);
      upperBound = coveredWeightOf(sites, coveredBefore);
    } else {
      upperBound = Math.min(upperBound, found.openBound);
      if (found.bestValue > greedy.coveredAfter + tolerance) {
        // Cut off by its budget, but it did beat greedy: report the better sites.
        method = 'exact';
        sites = orderSites(instance, found.bestSites);
      }
      optimal = coveredWeightOf(sites, coveredBefore) >= upperBound - tolerance;
    }
  }

  const coveredAfter = coveredWeightOf(sites, coveredBefore);
  upperBound = Math.max(upperBound, coveredAfter);
  const possibleGain = upperBound - coveredBefore;
  return {
    method,
    optimal,
    sites,
    requestedSiteCount: p,
    totalDemand: instance.totalDemand,
    coveredBefore,
    coveredAfter,
    upperBound,
    uncoverableDemand: instance.totalDemand - instance.maxCoverable,
    greedyGuarantee: p === 0 ? 1 : 1 - Math.pow(1 - 1 / p, p),
    provenGainRatio: possibleGain <= tolerance ? 1 : (coveredAfter - coveredBefore) / possibleGain,
    greedyCoveredAfter: greedy.coveredAfter,
    search,
  };
}

/** Covered weight of a given set of sites (plus existing posts): evaluates any proposal, e.g. by brute force in tests. */
export function coveredWeight(input: Omit<MaximalCoveringInput, 'newSiteCount'>, siteIndices: ArrayLike<number>): number {
  const instance = prepare({ ...input, newSiteCount: 0 });
  const covered = instance.preCovered.slice();
  for (let i = 0; i < siteIndices.length; i++) {
    const c = siteIndices[i];
    if (!Number.isInteger(c) || c < 0 || c >= instance.lists.length) throw new RangeError(`no candidate ${c}`);
    const list = instance.lists[c];
    for (let k = 0; k < list.length; k++) covered[list[k]] = 1;
  }
  let total = 0;
  for (let j = 0; j < covered.length; j++) if (covered[j]) total += instance.weights[j];
  return total;
}

/**
 * The instance as the solvers see it (weights checked, repeated indices dropped, existing
 * coverage as flags), and a chosen set of sites put in greedy order with exact marginal gains:
 * what other solvers of the same model (src/geo/coverage/coverageMip.ts) need to report alike.
 */
export function preparedMaximalCovering(input: MaximalCoveringInput): { weights: Float64Array; lists: readonly Int32Array[]; preCovered: Uint8Array; order: (chosen: readonly number[]) => SelectedSite[] } {
  const instance = prepare(input);
  return { weights: instance.weights, lists: instance.lists, preCovered: instance.preCovered, order: (chosen) => orderSites(instance, chosen) };
}
