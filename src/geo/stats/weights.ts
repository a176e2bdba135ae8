/**
 * Sparse spatial weights in compressed-sparse-row (CSR) form.
 *
 * Row i lists the cells j with w_ij > 0 in `neighbours[offsets[i] .. offsets[i+1])` and their
 * weights at the same positions in `weights`. One flat Int32Array and one flat Float64Array
 * instead of an array per row: for 45,000 H3 cells with k = 1 (7 entries a row, self included)
 * that is 315,000 entries in two allocations, read front to back by every statistic, so the
 * inner loops stay in cache and allocate nothing. A structure is immutable by convention and
 * can be reused across statistics, time steps and variables of the same study area.
 *
 * `selfIncluded` records whether every row holds the cell itself (w_ii > 0), as spdep's
 * `include.self()` does for Gi*; Local Moran's I needs it false (spdep refuses self-neighbours).
 */
export interface SpatialWeights {
  /** number of cells in the study area */
  readonly n: number;
  /** length n + 1; row i occupies [offsets[i], offsets[i + 1]) */
  readonly offsets: Int32Array;
  /** column index j of each non-zero weight, ascending within a row */
  readonly neighbours: Int32Array;
  /** w_ij, parallel to `neighbours` */
  readonly weights: Float64Array;
  /** true when every row contains i itself */
  readonly selfIncluded: boolean;
}

/** One row of a weights matrix as plain lists, for building and for tests. */
export interface WeightsRow {
  neighbours: readonly number[];
  weights?: readonly number[];
}

/**
 * Builds CSR weights from per-row lists (missing `weights` means binary 1s). Rows are sorted by
 * neighbour index so results do not depend on the order the caller found neighbours in; a
 * duplicate neighbour, an index out of range or a non-positive weight is an error because it
 * would silently change W_i and S1_i.
 */
export function weightsFromRows(rows: readonly WeightsRow[]): SpatialWeights {
  const n = rows.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + rows[i].neighbours.length;
  const neighbours = new Int32Array(offsets[n]);
  const weights = new Float64Array(offsets[n]);
  let selfIncluded = n > 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const order = row.neighbours.map((_, k) => k).sort((a, b) => row.neighbours[a] - row.neighbours[b]);
    let hasSelf = false;
    let previous = -1;
    let at = offsets[i];
    for (const k of order) {
      const j = row.neighbours[k];
      const w = row.weights === undefined ? 1 : row.weights[k];
      if (!Number.isInteger(j) || j < 0 || j >= n) throw new RangeError(`row ${i}: neighbour ${j} is not in 0..${n - 1}`);
      if (j === previous) throw new RangeError(`row ${i}: neighbour ${j} listed twice`);
      if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`row ${i}: weight ${w} for neighbour ${j} must be finite and > 0`);
      if (j === i) hasSelf = true;
      neighbours[at] = j;
      weights[at] = w;
      at++;
      previous = j;
    }
    if (!hasSelf) selfIncluded = false;
  }
  return { n, offsets, neighbours, weights, selfIncluded };
}

/** Number of entries in row i (neighbours, counting i itself when present). */
export function cardinality(w: SpatialWeights, i: number): number {
  return w.offsets[i + 1] - w.offsets[i];
}

/** W_i = sum_j w_ij for every row. */
export function rowSums(w: SpatialWeights): Float64Array {
  const out = new Float64Array(w.n);
  for (let i = 0; i < w.n; i++) {
    let s = 0;
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) s += w.weights[e];
    out[i] = s;
  }
  return out;
}

/** S1_i = sum_j w_ij^2 for every row. */
export function rowSquareSums(w: SpatialWeights): Float64Array {
  const out = new Float64Array(w.n);
  for (let i = 0; i < w.n; i++) {
    let s = 0;
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) s += w.weights[e] * w.weights[e];
    out[i] = s;
  }
  return out;
}

/** Spatial lag sum_j w_ij x_j for every row, written into `out` (allocated when omitted). */
export function spatialLag(w: SpatialWeights, x: ArrayLike<number>, out: Float64Array = new Float64Array(w.n)): Float64Array {
  const { offsets, neighbours, weights } = w;
  for (let i = 0; i < w.n; i++) {
    let s = 0;
    for (let e = offsets[i]; e < offsets[i + 1]; e++) s += weights[e] * x[neighbours[e]];
    out[i] = s;
  }
  return out;
}

/**
 * The same weights without the diagonal (w_ii dropped). Local Moran's I is defined on
 * neighbours other than the cell itself, so the Gi* weights from the H3 builder can be reused.
 */
export function withoutSelf(w: SpatialWeights): SpatialWeights {
  const offsets = new Int32Array(w.n + 1);
  let nnz = 0;
  for (let i = 0; i < w.n; i++) {
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) if (w.neighbours[e] !== i) nnz++;
    offsets[i + 1] = nnz;
  }
  const neighbours = new Int32Array(nnz);
  const weights = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < w.n; i++) {
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) {
      if (w.neighbours[e] === i) continue;
      neighbours[at] = w.neighbours[e];
      weights[at] = w.weights[e];
      at++;
    }
  }
  return { n: w.n, offsets, neighbours, weights, selfIncluded: false };
}

/**
 * Row-standardised weights (spdep style "W"): each row divided by its sum, so the spatial lag is
 * the neighbourhood mean. A row with no entries stays empty (spdep's zero.policy = TRUE).
 */
export function rowStandardised(w: SpatialWeights): SpatialWeights {
  const weights = new Float64Array(w.weights.length);
  for (let i = 0; i < w.n; i++) {
    let s = 0;
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) s += w.weights[e];
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) weights[e] = w.weights[e] / s;
  }
  return { n: w.n, offsets: w.offsets, neighbours: w.neighbours, weights, selfIncluded: w.selfIncluded };
}

/** Indices of cells whose row holds no cell other than itself (isolated within the study area). */
export function cellsWithoutNeighbours(w: SpatialWeights): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.n; i++) {
    let others = 0;
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) if (w.neighbours[e] !== i) others++;
    if (others === 0) out.push(i);
  }
  return out;
}
