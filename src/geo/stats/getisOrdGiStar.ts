/**
 * Getis-Ord Gi* local statistic as a z-score (Ord and Getis, "Local spatial autocorrelation
 * statistics: distributional issues and an application", Geographical Analysis 27 (1995) 286-306),
 * as computed by Esri's Hot Spot Analysis and by R spdep `localG(x, listw)` when the neighbour
 * list carries the cell itself (`include.self()`):
 *
 *   z_i = (sum_j w_ij x_j - xbar * W_i) / (S * sqrt((n * S1_i - W_i^2) / (n - 1)))
 *
 *   xbar = (1/n) sum_j x_j,   S = sqrt((1/n) sum_j (x_j - xbar)^2)   (population SD),
 *   W_i = sum_j w_ij,          S1_i = sum_j w_ij^2,
 *
 * over the n cells of the study area (zero-count cells included) with w_ii > 0. For binary weights
 * S1_i = W_i; the general S1_i makes kernel weights valid too. The two-sided p-value is
 * 2 * (1 - Phi(|z|)).
 *
 * Bins follow Esri's Gi_Bin: +-3 for p < 0.01, +-2 for p < 0.05, +-1 for p < 0.10, sign of z.
 * `binFdr` applies Benjamini-Hochberg separately at each of those levels, as Esri's "Apply False
 * Discovery Rate (FDR) Correction" does: a cell is in the 99 % bin when its BH-adjusted p <= 0.01,
 * otherwise in the 95 % bin when <= 0.05, otherwise in the 90 % bin when <= 0.10.
 *
 * Optional conditional permutation inference (Anselin 1995; PySAL esda `G_Local(star=True)`;
 * spdep `localG_perm`): x_i stays at cell i, the values at its other neighbours are drawn without
 * replacement from the other n - 1 cells, `permutations` times, and
 * pseudo p = (min(#draws >= observed, #draws <= observed) + 1) / (permutations + 1),
 * a one-sided ("folded") probability in the direction of the observed deviation, as PySAL's p_sim
 * (see permutation.ts).
 */
import { benjaminiHochberg } from './fdr';
import { twoSidedP } from './normal';
import { conditionalPermutationP } from './permutation';
import { cellsWithoutNeighbours, type SpatialWeights } from './weights';
import type { StatWarning } from './warnings';

const { sqrt } = Math;
const { isFinite, isNaN } = Number;

export interface GiStarOptions {
  /** number of conditional permutations for pseudo p-values; 0 (default) skips them */
  permutations?: number;
  /** seed for the permutations (default 12345), so pseudo p-values are reproducible */
  seed?: number;
}

export interface GiStarResult {
  n: number;
  mean: number;
  /** population standard deviation S of the values over the study area */
  standardDeviation: number;
  /** Gi* z-score per cell; NaN where undefined (zero variance, degenerate neighbourhood) */
  z: Float64Array;
  /** two-sided normal p-value per cell; NaN where z is NaN */
  p: Float64Array;
  /** Benjamini-Hochberg adjusted p (R p.adjust "BH") over the cells with a defined p */
  pFdr: Float64Array;
  /** -3..3: sign of z times the confidence level reached (3: 99 %, 2: 95 %, 1: 90 %) */
  bin: Int8Array;
  /** as `bin`, with FDR control at each confidence level */
  binFdr: Int8Array;
  /** conditional permutation pseudo p per cell, or null when permutations = 0 */
  pseudoP: Float64Array | null;
  permutations: number;
  seed: number | null;
  warnings: StatWarning[];
}

export const CONFIDENCE_LEVELS = [
  { bin: 3, alpha: 0.01 },
  { bin: 2, alpha: 0.05 },
  { bin: 1, alpha: 0.1 },
] as const;

export const DEFAULT_SEED = 12345;

export function getisOrdGiStar(values: ArrayLike<number>, weights: SpatialWeights, options: GiStarOptions = {}): GiStarResult {
  const n = weights.n;
  if (values.length !== n) throw new RangeError(`${values.length} values for ${n} cells`);
  if (!weights.selfIncluded && n > 0) throw new RangeError('Gi* needs weights that include each cell itself (w_ii > 0)');
  const permutations = options.permutations ?? 0;
  if (!Number.isInteger(permutations) || permutations < 0) throw new RangeError(`permutations must be a non-negative integer, got ${permutations}`);

  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!isFinite(v)) throw new RangeError(`value at ${i} is ${v}; every cell of the study area needs a finite value`);
    sum += v;
  }
  const mean = n > 0 ? sum / n : NaN;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) * (values[i] - mean);
  const standardDeviation = n > 0 ? sqrt(squares / n) : NaN;

  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const localSum = new Float64Array(n);
  const { offsets, neighbours, weights: w } = weights;
  const undefinedCells: number[] = [];
  const zeroVariance = !(standardDeviation > 0);
  for (let i = 0; i < n; i++) {
    let lag = 0;
    let wi = 0;
    let s1 = 0;
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const wij = w[e];
      lag += wij * values[neighbours[e]];
      wi += wij;
      s1 += wij * wij;
    }
    localSum[i] = lag;
    const varianceFactor = (n * s1 - wi * wi) / (n - 1);
    if (zeroVariance || !(varianceFactor > 0)) {
      z[i] = NaN;
      p[i] = NaN;
      if (!zeroVariance) undefinedCells.push(i);
      continue;
    }
    const zi = (lag - mean * wi) / (standardDeviation * sqrt(varianceFactor));
    z[i] = zi;
    p[i] = twoSidedP(zi);
  }

  const warnings: StatWarning[] = [];
  if (n < 3) warnings.push({ code: 'TOO_FEW_CELLS', message: `Gi* on ${n} cells is not meaningful` });
  if (zeroVariance && n > 0) warnings.push({ code: 'ZERO_VARIANCE', message: 'all cells have the same value; Gi* z-scores are undefined' });
  if (undefinedCells.length > 0) {
    warnings.push({
      code: 'UNDEFINED_Z',
      message: `${undefinedCells.length} cell(s) have a zero variance term (n * S1_i = W_i^2); their z is undefined`,
      cells: undefinedCells,
    });
  }
  const isolated = cellsWithoutNeighbours(weights);
  if (isolated.length > 0) {
    warnings.push({
      code: 'NO_NEIGHBOURS',
      message: `${isolated.length} cell(s) have no neighbour in the study area; their Gi* reflects the cell alone`,
      cells: isolated,
    });
  }

  const pFdr = benjaminiHochberg(p);
  const seed = options.seed ?? DEFAULT_SEED;
  const pseudoP = permutations > 0 && !zeroVariance ? conditionalPermutationP(values, weights, localSum, null, z, permutations, seed) : null;

  return {
    n,
    mean,
    standardDeviation,
    z,
    p,
    pFdr,
    bin: confidenceBins(z, p),
    binFdr: confidenceBins(z, pFdr, true),
    pseudoP,
    permutations: pseudoP === null ? 0 : permutations,
    seed: pseudoP === null ? null : seed,
    warnings,
  };
}

/**
 * Esri-style bins from z and p. Raw p-values use p < alpha (Esri's critical z of 1.645/1.96/2.576);
 * BH-adjusted ones use p~ <= alpha, the inclusive step-up rule of Benjamini and Hochberg.
 */
export function confidenceBins(z: ArrayLike<number>, p: ArrayLike<number>, adjusted = false): Int8Array {
  const bins = new Int8Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const pi = p[i];
    if (isNaN(pi) || isNaN(z[i]) || z[i] === 0) continue;
    for (const level of CONFIDENCE_LEVELS) {
      if (adjusted ? pi <= level.alpha : pi < level.alpha) {
        bins[i] = z[i] > 0 ? level.bin : -level.bin;
        break;
      }
    }
  }
  return bins;
}
