/**
 * Reductions of covering instances before they go to an integer programming solver. Each keeps
 * the optimum value and maps any solution of the reduced instance back to one of the original
 * instance with the same value, so a bound on the reduced instance bounds the original.
 *
 * Maximal covering (open at most p new sites; opening fewer never helps when every weight is
 * non-negative, so `<= p` and `= p` have the same optimum):
 * 1. demand already covered by existing posts is a constant (it is covered whatever is opened);
 *    demand no candidate covers, or with weight 0, is a constant 0: both drop out;
 * 2. a candidate whose coverage is contained in another's is dominated: in any solution it can be
 *    swapped for the other (or dropped, when the other is open) without losing coverage; of
 *    candidates with identical coverage the lowest index stays;
 * 3. a candidate that cannot be part of any solution better than the incumbent (greedy's) goes:
 *    for any prefix S_k of the greedy sequence and any set T of p sites holding c,
 *      f(T) <= f(S_k) + D(c | S_k) + (sum of the p - 1 largest D(t | S_k), t != c)
 *    (submodularity, as in Nemhauser, Wolsey and Fisher 1978, with c forced in); when the
 *    smallest of these over k is below the incumbent, no optimal solution holds c. Greedy's own
 *    sites always stay (they reach the incumbent), so the reduced instance keeps its solution;
 * 4. demand items covered by exactly the same candidates merge into one, their weights summed.
 *
 * Set covering (fewest sites covering every target): targets already covered or coverable by no
 * candidate drop out (they are reported apart); dominated candidates go as above (unit costs); a
 * target whose candidate set contains another target's is implied by it and goes too; of targets
 * with identical candidate sets one stays.
 *
 * References: Church and ReVelle (1974); Toregas and ReVelle (1973), "Binary logic solutions to
 * a class of location problems", Geographical Analysis 5, 145-155 (the row and column
 * reductions of set covering); Church and Murray (2018), Location Covering Models, ch. 4-5.
 */
import { buildInverseCoverage, IncrementalCoverage, sumOfLargest, type InverseCoverage } from './coverageIndex';

/**
 * For a family of sets (each a sorted list of distinct element indices) with its inverse
 * (which sets hold each element), calls `visit(i, k)` for every live k != i that contains
 * every element of set i. Sets with `alive[k] = 0` are skipped on both sides.
 */
export function forEachSuperset(sets: readonly Int32Array[], inverse: InverseCoverage, alive: Uint8Array, visit: (subset: number, superset: number) => void): void {
  const stamp = new Int32Array(inverse.offsets.length - 1).fill(-1);
  for (let i = 0; i < sets.length; i++) {
    if (!alive[i]) continue;
    const set = sets[i];
    if (set.length === 0) continue;
    let rarest = set[0];
    for (let e = 0; e < set.length; e++) {
      stamp[set[e]] = i;
      if (inverse.offsets[set[e] + 1] - inverse.offsets[set[e]] < inverse.offsets[rarest + 1] - inverse.offsets[rarest]) rarest = set[e];
    }
    // every superset of set i holds its rarest element
    for (let q = inverse.offsets[rarest]; q < inverse.offsets[rarest + 1]; q++) {
      const k = inverse.candidates[q];
      if (k === i || !alive[k] || sets[k].length < set.length) continue;
      const other = sets[k];
      let shared = 0;
      for (let e = 0; e < other.length; e++) if (stamp[other[e]] === i) shared++;
      if (shared === set.length) visit(i, k);
    }
  }
}

/**
 * For each candidate c, the bound of reduction 3: the smallest over the prefixes S_k of the
 * greedy `sequence` of f(S_k) + D(c | S_k) + (sum of the p - 1 largest other gains).
 */
export function greedyCandidateBounds(weights: Float64Array, lists: readonly Int32Array[], preCovered: Uint8Array, sequence: readonly number[], p: number): Float64Array {
  const state = new IncrementalCoverage(weights, lists, buildInverseCoverage(weights.length, lists), preCovered);
  const bound = new Float64Array(lists.length).fill(Infinity);
  let covered = 0;
  for (let j = 0; j < weights.length; j++) if (preCovered[j]) covered += weights[j];
  const gains = new Float64Array(lists.length);
  for (let k = 0; ; k++) {
    for (let c = 0; c < gains.length; c++) gains[c] = Math.max(0, state.gains[c]);
    const topP = sumOfLargest(gains, p);
    const topBelow = sumOfLargest(gains, p - 1);
    const pth = topP - topBelow; // the p-th largest gain
    for (let c = 0; c < gains.length; c++) {
      const g = gains[c];
      const u = covered + g + (g >= pth ? topP - g : topBelow);
      if (u < bound[c]) bound[c] = u;
    }
    if (k === sequence.length) break;
    covered += state.add(sequence[k]);
  }
  return bound;
}

/** Restricts each list to the elements with `label[e] >= 0`, renumbered by it. */
function restrict(lists: readonly Int32Array[], label: Int32Array): Int32Array[] {
  return lists.map((list) => {
    let n = 0;
    for (let q = 0; q < list.length; q++) if (label[list[q]] >= 0) n++;
    const out = new Int32Array(n);
    n = 0;
    for (let q = 0; q < list.length; q++) if (label[list[q]] >= 0) out[n++] = label[list[q]];
    return out.sort();
  });
}

/**
 * Marks candidates dominated by another candidate (coverage contained in it; identical coverage:
 * the higher index is the dominated one) and returns, for each, a live candidate that covers at
 * least as much (itself when not dominated).
 */
function removeDominatedCandidates(lists: readonly Int32Array[], elementCount: number, alive: Uint8Array): Int32Array {
  const dominator = Int32Array.from(lists.keys());
  const inverse = buildInverseCoverage(elementCount, lists);
  const dominated = new Uint8Array(lists.length);
  forEachSuperset(lists, inverse, alive, (a, b) => {
    if (dominated[a]) return;
    if (lists[b].length > lists[a].length || b < a) {
      dominated[a] = 1;
      dominator[a] = b;
    }
  });
  for (let c = 0; c < lists.length; c++) if (dominated[c]) alive[c] = 0;
  // chains end at a live candidate: containment is transitive and the order (size, -index) is strict
  for (let c = 0; c < lists.length; c++) {
    if (!dominated[c]) continue;
    let d = dominator[c];
    while (dominated[d]) d = dominator[d];
    dominator[c] = d;
  }
  return dominator;
}

export interface ReducedMaximalCovering {
  /** Weight of each reduced demand item (merged items summed). */
  readonly weights: Float64Array;
  /** For each reduced demand item, the reduced candidates covering it (sorted). */
  readonly demandCandidates: Int32Array[];
  /** Original index of each reduced candidate. */
  readonly candidateOriginal: Int32Array;
  /** For each original candidate, the reduced candidate that covers at least as much (-1: it covers nothing useful). */
  readonly candidateReduced: Int32Array;
  /** Weight covered whatever is opened (existing posts). */
  readonly constant: number;
  /** Reduced sizes, and the sizes they came from (for the answer's description). */
  readonly stats: { readonly demandBefore: number; readonly demandAfter: number; readonly candidatesBefore: number; readonly candidatesAfter: number; readonly nonzeros: number };
}

/**
 * Reductions 1-4 of the module comment for maximal covering; `excluded[c]` set by reduction 3
 * (candidates no better solution than the incumbent holds), or undefined to skip it.
 */
export function reduceMaximalCovering(weights: Float64Array, lists: readonly Int32Array[], preCovered: Uint8Array, excluded?: Uint8Array): ReducedMaximalCovering {
  const demandCount = weights.length;
  const reached = new Uint8Array(demandCount);
  lists.forEach((list, c) => {
    if (!excluded?.[c]) for (let q = 0; q < list.length; q++) reached[list[q]] = 1;
  });
  let constant = 0;
  const label = new Int32Array(demandCount).fill(-1);
  let active = 0;
  for (let j = 0; j < demandCount; j++) {
    if (preCovered[j]) constant += weights[j];
    else if (reached[j] && weights[j] > 0) label[j] = active++;
  }
  const restricted = restrict(lists, label);
  const alive = Uint8Array.from(restricted, (l, c) => (l.length > 0 && !excluded?.[c] ? 1 : 0));
  const dominator = removeDominatedCandidates(restricted, active, alive);
  const candidateOriginal: number[] = [];
  const newIndex = new Int32Array(lists.length).fill(-1);
  for (let c = 0; c < lists.length; c++) if (alive[c]) newIndex[c] = candidateOriginal.push(c) - 1;
  const candidateReduced = Int32Array.from(dominator, (d, c) => (restricted[c].length === 0 || excluded?.[c] ? -1 : newIndex[d]));

  // demand columns over the live candidates, then identical columns merged
  const activeWeights = new Float64Array(active);
  for (let j = 0; j < demandCount; j++) if (label[j] >= 0) activeWeights[label[j]] = weights[j];
  const liveLists = candidateOriginal.map((c) => restricted[c]);
  const columns = buildInverseCoverage(active, liveLists);
  const merged = new Map<string, number>();
  const mergedWeights: number[] = [];
  const demandCandidates: Int32Array[] = [];
  for (let j = 0; j < active; j++) {
    const column = columns.candidates.subarray(columns.offsets[j], columns.offsets[j + 1]);
    const key = column.join(',');
    const k = merged.get(key);
    if (k === undefined) {
      merged.set(key, mergedWeights.length);
      mergedWeights.push(activeWeights[j]);
      demandCandidates.push(Int32Array.from(column));
    } else mergedWeights[k] += activeWeights[j];
  }
  return {
    weights: Float64Array.from(mergedWeights),
    demandCandidates,
    candidateOriginal: Int32Array.from(candidateOriginal),
    candidateReduced,
    constant,
    stats: {
      demandBefore: demandCount,
      demandAfter: demandCandidates.length,
      candidatesBefore: lists.length,
      candidatesAfter: candidateOriginal.length,
      nonzeros: demandCandidates.reduce((n, c) => n + c.length, 0),
    },
  };
}

export interface ReducedSetCovering {
  /** For each reduced target, the reduced candidates covering it (sorted). */
  readonly targetCandidates: Int32Array[];
  readonly candidateOriginal: Int32Array;
  readonly candidateReduced: Int32Array;
  readonly stats: { readonly targetsBefore: number; readonly targetsAfter: number; readonly candidatesBefore: number; readonly candidatesAfter: number; readonly nonzeros: number };
}

/**
 * Reductions for set covering, on targets relabelled 0..T-1 that every need covering and are
 * each covered by at least one candidate (`lists[c]`: the targets candidate c covers).
 */
export function reduceSetCovering(targetCount: number, lists: readonly Int32Array[]): ReducedSetCovering {
  const sorted = lists.map((l) => Int32Array.from(l).sort());
  const alive = Uint8Array.from(sorted, (l) => (l.length > 0 ? 1 : 0));
  const dominator = removeDominatedCandidates(sorted, targetCount, alive);
  const candidateOriginal: number[] = [];
  const newIndex = new Int32Array(lists.length).fill(-1);
  for (let c = 0; c < lists.length; c++) if (alive[c]) newIndex[c] = candidateOriginal.push(c) - 1;
  const candidateReduced = Int32Array.from(dominator, (d, c) => (sorted[c].length === 0 ? -1 : newIndex[d]));

  // rows: a target whose candidate set contains another target's is implied by it
  const liveLists = candidateOriginal.map((c) => sorted[c]);
  const columns = buildInverseCoverage(targetCount, liveLists);
  const rows = Array.from({ length: targetCount }, (_, t) => columns.candidates.slice(columns.offsets[t], columns.offsets[t + 1]));
  const rowInverse = buildInverseCoverage(candidateOriginal.length, rows);
  const keep = new Uint8Array(targetCount).fill(1);
  const implied = new Uint8Array(targetCount);
  forEachSuperset(rows, rowInverse, keep, (s, t) => {
    if (rows[t].length > rows[s].length || t > s) implied[t] = 1;
  });
  const targetCandidates = rows.filter((_, t) => !implied[t]);
  return {
    targetCandidates,
    candidateOriginal: Int32Array.from(candidateOriginal),
    candidateReduced,
    stats: {
      targetsBefore: targetCount,
      targetsAfter: targetCandidates.length,
      candidatesBefore: lists.length,
      candidatesAfter: candidateOriginal.length,
      nonzeros: targetCandidates.reduce((n, c) => n + c.length, 0),
    },
  };
}
