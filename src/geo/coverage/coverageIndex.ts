/**
 * The sparse coverage relation shared by maximal covering and set covering: which demand items
 * each candidate site covers, its inverse (which candidates cover each demand item), and an
 * incremental record of marginal gains.
 *
 * Why incremental gains: when a demand item becomes covered, only the candidates that also
 * cover it lose weight. Updating those few candidates costs O(nonzeros) over a whole greedy
 * run, and leaves the exact marginal gain of every candidate available at every step, which
 * the submodular upper bound (sum of the p largest gains) needs. A lazy priority queue would
 * only keep stale gains (valid upper bounds, but looser ones).
 */

/** Which demand items each candidate site covers: `candidateCoverage[c]` lists demand indices. */
export type CandidateCoverage = readonly Int32Array[];

/** Compressed inverse relation: candidates covering demand j are `candidates[offsets[j] .. offsets[j+1])`. */
export interface InverseCoverage {
  readonly offsets: Int32Array;
  readonly candidates: Int32Array;
}

/**
 * Checks every demand index and returns lists without repeated indices (a repeat would count
 * a demand item twice in a gain). Lists that were already clean are returned as they are.
 */
export function normalizeCoverageLists(demandCount: number, candidateCoverage: CandidateCoverage): Int32Array[] {
  const stamp = new Int32Array(demandCount).fill(-1);
  const normalized: Int32Array[] = [];
  for (let c = 0; c < candidateCoverage.length; c++) {
    const list = candidateCoverage[c];
    if (!(list instanceof Int32Array)) {
      throw new TypeError(`candidateCoverage[${c}] must be an Int32Array of demand indices`);
    }
    let duplicates = 0;
    for (let i = 0; i < list.length; i++) {
      const j = list[i];
      if (j < 0 || j >= demandCount) {
        throw new RangeError(`candidateCoverage[${c}] holds demand index ${j}, outside 0..${demandCount - 1}`);
      }
      if (stamp[j] === c) duplicates++;
      stamp[j] = c;
    }
    if (duplicates === 0) {
      normalized.push(list);
      continue;
    }
    const unique = new Int32Array(list.length - duplicates);
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      const j = list[i];
      if (stamp[j] === c) {
        unique[n++] = j;
        stamp[j] = -2 - c; // taken for this candidate; a later repeat no longer matches
      }
    }
    normalized.push(unique);
  }
  return normalized;
}

export function buildInverseCoverage(demandCount: number, lists: readonly Int32Array[]): InverseCoverage {
  const offsets = new Int32Array(demandCount + 1);
  for (const list of lists) for (let i = 0; i < list.length; i++) offsets[list[i] + 1]++;
  for (let j = 0; j < demandCount; j++) offsets[j + 1] += offsets[j];
  const candidates = new Int32Array(offsets[demandCount]);
  const fill = offsets.slice(0, demandCount);
  for (let c = 0; c < lists.length; c++) {
    const list = lists[c];
    for (let i = 0; i < list.length; i++) candidates[fill[list[i]]++] = c;
  }
  return { offsets, candidates };
}

/**
 * Demand coverage counts plus the marginal gain of every candidate with respect to what is
 * covered now. Counts (not flags) so that removing a site is exact: an item stays covered
 * while another chosen site still reaches it.
 */
export class IncrementalCoverage {
  readonly coverCount: Int32Array;
  readonly gains: Float64Array;
  private readonly lists: readonly Int32Array[];
  private readonly inverse: InverseCoverage;
  private readonly weights: Float64Array;

  constructor(weights: Float64Array, lists: readonly Int32Array[], inverse: InverseCoverage, preCovered: Uint8Array) {
    this.weights = weights;
    this.lists = lists;
    this.inverse = inverse;
    this.coverCount = new Int32Array(weights.length);
    for (let j = 0; j < weights.length; j++) if (preCovered[j]) this.coverCount[j] = 1;
    this.gains = new Float64Array(lists.length);
    for (let c = 0; c < lists.length; c++) this.gains[c] = this.gainFromScratch(c);
  }

  /** Marginal gain of candidate c computed directly, without the incremental record. */
  gainFromScratch(c: number): number {
    const list = this.lists[c];
    let gain = 0;
    for (let i = 0; i < list.length; i++) if (this.coverCount[list[i]] === 0) gain += this.weights[list[i]];
    return gain;
  }

  /** Opens candidate c; returns the weight it newly covers. */
  add(c: number): number {
    const list = this.lists[c];
    const { offsets, candidates } = this.inverse;
    let gained = 0;
    for (let i = 0; i < list.length; i++) {
      const j = list[i];
      if (this.coverCount[j]++ !== 0) continue;
      const w = this.weights[j];
      gained += w;
      if (w === 0) continue;
      for (let k = offsets[j]; k < offsets[j + 1]; k++) this.gains[candidates[k]] -= w;
    }
    return gained;
  }

  /**
   * Closes candidate c, the exact reverse of `add`. Gains are restored by adding the same
   * weights back; with fractional weights the caller may prefer to restore a saved copy of
   * `gains` to avoid rounding drift.
   */
  remove(c: number, restoreGains: boolean): void {
    const list = this.lists[c];
    const { offsets, candidates } = this.inverse;
    for (let i = 0; i < list.length; i++) {
      const j = list[i];
      if (--this.coverCount[j] !== 0 || !restoreGains) continue;
      const w = this.weights[j];
      if (w === 0) continue;
      for (let k = offsets[j]; k < offsets[j + 1]; k++) this.gains[candidates[k]] += w;
    }
  }
}

/**
 * Sum of the `count` largest values among `values[c]` with `excluded[c]` unset, ignoring
 * values at or below `tolerance`. A min-heap of `count` entries keeps it O(n log count).
 */
export function sumOfLargest(values: Float64Array, count: number, excluded?: Uint8Array, tolerance = 0): number {
  if (count <= 0) return 0;
  const heap = new Float64Array(count);
  let size = 0;
  for (let c = 0; c < values.length; c++) {
    const v = values[c];
    if (v <= tolerance || (excluded !== undefined && excluded[c])) continue;
    if (size < count) {
      // sift up
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent] <= v) break;
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = v;
    } else if (v > heap[0]) {
      // replace the smallest and sift down
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && heap[right] < heap[left] ? right : left;
        if (heap[child] >= v) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = v;
    }
  }
  let sum = 0;
  for (let i = 0; i < size; i++) sum += heap[i];
  return sum;
}

/** Copies weights into a Float64Array after checking they are finite and not negative. */
export function checkedWeights(weights: ArrayLike<number>, what: string): Float64Array {
  const out = new Float64Array(weights.length);
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j];
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`${what}[${j}] = ${w}: weights must be finite and >= 0`);
    out[j] = w;
  }
  return out;
}

/** Flags from a list of demand indices (e.g. demand already covered by existing posts). */
export function flagsFromIndices(demandCount: number, indices: ArrayLike<number> | undefined, what: string): Uint8Array {
  const flags = new Uint8Array(demandCount);
  if (indices === undefined) return flags;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!Number.isInteger(j) || j < 0 || j >= demandCount) {
      throw new RangeError(`${what}[${i}] = ${j} is not a demand index in 0..${demandCount - 1}`);
    }
    flags[j] = 1;
  }
  return flags;
}
