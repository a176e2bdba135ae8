/**
 * Local Moran's I (Anselin, "Local indicators of spatial association - LISA", Geographical
 * Analysis 27 (1995) 93-115), matching R spdep 1.2 `localmoran(x, listw)` with its defaults
 * (conditional = TRUE, mlvar = TRUE, two-sided) on weights without self-neighbours, usually
 * row-standardised (style "W"):
 *
 *   z_j = x_j - xbar,   m2 = (1/n) sum_j z_j^2
 *   I_i = (z_i / m2) * sum_j w_ij z_j
 *
 * Moments under conditional randomisation (Sokal, Oden and Thomson, "Local spatial
 * autocorrelation in a biological model", Geographical Analysis 30 (1998) 331-354), as spdep
 * computes them since 1.2:
 *
 *   E[I_i]   = -z_i^2 W_i / ((n - 1) m2)
 *   Var[I_i] = (z_i / m2)^2 * n / (n - 2) * (W2_i - W_i^2 / (n - 1)) * (m2 - z_i^2 / (n - 1))
 *
 * with W_i = sum_j w_ij, W2_i = sum_j w_ij^2; Z_i = (I_i - E[I_i]) / sqrt(Var[I_i]) and the
 * two-sided normal p. Where Var[I_i] = 0 (a cell at the mean, or with no neighbours) Z and p are
 * NaN, as in R.
 *
 * Quadrants use spdep's "mean" scheme: x_i against xbar and the spatial lag (sum_j w_ij x_j)
 * against the mean of the lags; a value equal to the mean counts as Low (R's cut() is closed on
 * the right). HH and LL are clusters, HL and LH spatial outliers.
 *
 * Conditional permutation pseudo p-values as described in permutation.ts, on I_i itself.
 */
import { benjaminiHochberg } from './fdr';
import { DEFAULT_SEED } from './getisOrdGiStar';
import { twoSidedP } from './normal';
import { conditionalPermutationP } from './permutation';
import { cellsWithoutNeighbours, type SpatialWeights } from './weights';
import type { StatWarning } from './warnings';

const { sqrt } = Math;
const { isFinite } = Number;

export type LocalMoranQuadrant = 'HH' | 'LL' | 'HL' | 'LH';
/** A quadrant when significant, 'NS' otherwise. */
export type LocalMoranCluster = LocalMoranQuadrant | 'NS';

export interface LocalMoranOptions {
  /** conditional permutations for pseudo p-values; 0 (default) skips them */
  permutations?: number;
  seed?: number;
  /** significance level for `cluster` and `clusterFdr` (default 0.05) */
  alpha?: number;
}

export interface LocalMoranResult {
  n: number;
  /** I_i */
  ii: Float64Array;
  /** E[I_i] under conditional randomisation */
  expected: Float64Array;
  /** Var[I_i] under conditional randomisation */
  variance: Float64Array;
  /** (I_i - E[I_i]) / sqrt(Var[I_i]); NaN where Var = 0 */
  z: Float64Array;
  /** two-sided normal p of z (spdep "Pr(z != E(Ii))") */
  p: Float64Array;
  /** Benjamini-Hochberg adjusted p (of the pseudo p when permutations ran, else of p) */
  pFdr: Float64Array;
  pseudoP: Float64Array | null;
  quadrant: LocalMoranQuadrant[];
  /** quadrant where the p used for inference (pseudo p if available, else p) is <= alpha */
  cluster: LocalMoranCluster[];
  /** quadrant where the BH-adjusted p is <= alpha */
  clusterFdr: LocalMoranCluster[];
  alpha: number;
  permutations: number;
  seed: number | null;
  warnings: StatWarning[];
}

export function localMoran(values: ArrayLike<number>, weights: SpatialWeights, options: LocalMoranOptions = {}): LocalMoranResult {
  const n = weights.n;
  if (values.length !== n) throw new RangeError(`${values.length} values for ${n} cells`);
  if (weights.selfIncluded && n > 0) throw new RangeError("Local Moran's I needs weights without the cell itself; use withoutSelf()");
  const permutations = options.permutations ?? 0;
  if (!Number.isInteger(permutations) || permutations < 0) throw new RangeError(`permutations must be a non-negative integer, got ${permutations}`);
  const alpha = options.alpha ?? 0.05;

  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!isFinite(values[i])) throw new RangeError(`value at ${i} is ${values[i]}; every cell needs a finite value`);
    sum += values[i];
  }
  const mean = sum / n;
  const z = new Float64Array(n);
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    z[i] = values[i] - mean;
    m2 += z[i] * z[i];
  }
  m2 /= n;

  const ii = new Float64Array(n);
  const expected = new Float64Array(n);
  const variance = new Float64Array(n);
  const zScore = new Float64Array(n);
  const p = new Float64Array(n);
  const lagX = new Float64Array(n);
  const { offsets, neighbours, weights: w } = weights;
  for (let i = 0; i < n; i++) {
    let lagZ = 0;
    let lx = 0;
    let wi = 0;
    let w2 = 0;
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const wij = w[e];
      lagZ += wij * z[neighbours[e]];
      lx += wij * values[neighbours[e]];
      wi += wij;
      w2 += wij * wij;
    }
    lagX[i] = lx;
    const zi = z[i];
    ii[i] = (zi / m2) * lagZ;
    expected[i] = -(zi * zi * wi) / ((n - 1) * m2);
    variance[i] = (zi / m2) ** 2 * (n / (n - 2)) * (w2 - (wi * wi) / (n - 1)) * (m2 - (zi * zi) / (n - 1));
    const zs = variance[i] > 0 ? (ii[i] - expected[i]) / sqrt(variance[i]) : NaN;
    zScore[i] = zs;
    p[i] = twoSidedP(zs);
  }

  let lagMean = 0;
  for (let i = 0; i < n; i++) lagMean += lagX[i];
  lagMean /= n;
  const quadrant: LocalMoranQuadrant[] = new Array<LocalMoranQuadrant>(n);
  for (let i = 0; i < n; i++) {
    const high = values[i] > mean;
    const lagHigh = lagX[i] > lagMean;
    quadrant[i] = high ? (lagHigh ? 'HH' : 'HL') : lagHigh ? 'LH' : 'LL';
  }

  const warnings: StatWarning[] = [];
  const zeroVariance = !(m2 > 0);
  if (n < 3) warnings.push({ code: 'TOO_FEW_CELLS', message: `Local Moran's I on ${n} cells is not meaningful` });
  if (zeroVariance && n > 0) warnings.push({ code: 'ZERO_VARIANCE', message: "all cells have the same value; Local Moran's I is undefined" });
  const isolated = cellsWithoutNeighbours(weights);
  if (isolated.length > 0) {
    warnings.push({ code: 'NO_NEIGHBOURS', message: `${isolated.length} cell(s) have no neighbour; their I is 0 and z undefined`, cells: isolated });
  }

  const seed = options.seed ?? DEFAULT_SEED;
  let pseudoP: Float64Array | null = null;
  if (permutations > 0 && !zeroVariance) {
    const scale = new Float64Array(n);
    for (let i = 0; i < n; i++) scale[i] = z[i] / m2;
    const defined = new Float64Array(n); // every cell with neighbours can be permuted
    pseudoP = conditionalPermutationP(z, weights, ii, scale, defined, permutations, seed);
  }
  const inference = pseudoP ?? p;
  const pFdr = benjaminiHochberg(inference);
  const cluster: LocalMoranCluster[] = new Array<LocalMoranCluster>(n);
  const clusterFdr: LocalMoranCluster[] = new Array<LocalMoranCluster>(n);
  for (let i = 0; i < n; i++) {
    cluster[i] = inference[i] <= alpha ? quadrant[i] : 'NS';
    clusterFdr[i] = pFdr[i] <= alpha ? quadrant[i] : 'NS';
  }

  return {
    n,
    ii,
    expected,
    variance,
    z: zScore,
    p,
    pFdr,
    pseudoP,
    quadrant,
    cluster,
    clusterFdr,
    alpha,
    permutations: pseudoP === null ? 0 : permutations,
    seed: pseudoP === null ? null : seed,
    warnings,
  };
}
