/**
 * Spearman's rank correlation with ties (average ranks): Pearson's r of the ranks.
 * p-value: the t approximation t = r sqrt((n - 2) / (1 - r^2)) on n - 2 degrees of freedom,
 * two-sided; this is what R's cor.test(x, y, method = "spearman", exact = FALSE) reports.
 */
import { studentTTwoSidedP } from './special';

const { sqrt, abs } = Math;

/** Ranks 1..n, tied values sharing the mean of their ranks (R's rank(ties.method = "average")). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

export interface SpearmanResult {
  rho: number;
  /** two-sided, t approximation; NaN when either variable is constant or n < 3 */
  p: number;
  n: number;
}

/** `yRanks`: averageRanks(y) computed once when many x are correlated with the same y. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>, yRanks?: Float64Array): SpearmanResult {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x has ${n} values and y ${y.length}`);
  const rx = averageRanks(x);
  const ry = yRanks ?? averageRanks(y);
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = rx[i] - mean;
    const b = ry[i] - mean;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  const rho = sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NaN;
  if (!Number.isFinite(rho) || n < 3) return { rho, p: NaN, n };
  if (abs(rho) >= 1) return { rho, p: 0, n };
  const t = rho * sqrt((n - 2) / (1 - rho * rho));
  return { rho, p: studentTTwoSidedP(t, n - 2), n };
}
