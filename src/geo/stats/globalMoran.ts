/**
 * Global Moran's I (Moran 1950; Cliff and Ord 1981) with its moments under randomisation, as
 * R's spdep::moran.test(x, listw, randomisation = TRUE, alternative = "greater"):
 *
 *   I    = n / S0 * sum_ij w_ij z_i z_j / sum_i z_i^2,   z = x - mean(x)
 *   E[I] = -1 / (n - 1)
 *   Var[I] = [n ((n^2 - 3n + 3) S1 - n S2 + 3 S0^2) - K ((n^2 - n) S1 - 2n S2 + 6 S0^2)]
 *            / ((n - 1)(n - 2)(n - 3) S0^2) - E[I]^2
 *   S0 = sum_ij w_ij, S1 = 1/2 sum_ij (w_ij + w_ji)^2, S2 = sum_i (w_i. + w_.i)^2,
 *   K = n sum z^4 / (sum z^2)^2 (kurtosis)
 *
 * The p-value is one-sided for positive autocorrelation (spdep's default): residual clustering is
 * what a regression of counts per cell usually misses.
 *
 * Observations with no neighbours (islands, zero.policy = TRUE) contribute nothing to the cross
 * products. spdep's default, `adjust.n = TRUE`, then takes n as the number of observations that
 * have neighbours in I, E[I] and Var[I] (the mean, the sum of squares and the kurtosis K still use
 * every observation); `adjustN: false` keeps n as all observations (`adjust.n = FALSE`). The two
 * agree when every observation has a neighbour.
 */
import { normalUpperTail } from './normal';
import type { SpatialWeights } from './weights';

export interface GlobalMoranResult {
  i: number;
  expected: number;
  variance: number;
  z: number;
  /** P(Z >= z): positive autocorrelation */
  p: number;
}

export interface GlobalMoranOptions {
  /** spdep's adjust.n: n counts only observations with neighbours (default true, as spdep) */
  adjustN?: boolean;
}

export function globalMoran(x: ArrayLike<number>, w: SpatialWeights, options: GlobalMoranOptions = {}): GlobalMoranResult {
  const all = w.n;
  if (x.length !== all) throw new RangeError(`x has ${x.length} values, the weights ${all} rows`);
  let mean = 0;
  for (let i = 0; i < all; i++) mean += x[i];
  mean /= all;
  const z = new Float64Array(all);
  let m2 = 0;
  let m4 = 0;
  let islands = 0;
  for (let i = 0; i < all; i++) {
    z[i] = x[i] - mean;
    m2 += z[i] * z[i];
    m4 += z[i] ** 4;
    if (w.offsets[i + 1] === w.offsets[i]) islands++;
  }
  const n = options.adjustN === false ? all : all - islands;
  let s0 = 0;
  let cross = 0;
  const rowSum = new Float64Array(all);
  const colSum = new Float64Array(all);
  // w_ji looked up through a map of row i's entries
  const entry = new Map<number, number>();
  const key = (i: number, j: number): number => i * all + j;
  for (let i = 0; i < all; i++) {
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) {
      const j = w.neighbours[e];
      const v = w.weights[e];
      s0 += v;
      cross += v * z[i] * z[j];
      rowSum[i] += v;
      colSum[j] += v;
      entry.set(key(i, j), v);
    }
  }
  let s1 = 0;
  for (let i = 0; i < all; i++) {
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) {
      const j = w.neighbours[e];
      const sum = w.weights[e] + (entry.get(key(j, i)) ?? 0);
      s1 += sum * sum;
    }
  }
  // pairs present only as w_ji (asymmetric weights) add their square too
  for (let i = 0; i < all; i++) {
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) {
      const j = w.neighbours[e];
      if (!entry.has(key(j, i))) s1 += w.weights[e] * w.weights[e];
    }
  }
  s1 /= 2;
  let s2 = 0;
  for (let i = 0; i < all; i++) s2 += (rowSum[i] + colSum[i]) ** 2;
  const moranI = (n / s0) * (cross / m2);
  const expected = -1 / (n - 1);
  const kurtosis = (all * m4) / (m2 * m2);
  const variance = (n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) - kurtosis * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - expected * expected;
  const zScore = (moranI - expected) / Math.sqrt(variance);
  return { i: moranI, expected, variance, z: zScore, p: normalUpperTail(zScore) };
}
