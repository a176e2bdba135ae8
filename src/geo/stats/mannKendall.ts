/**
 * Mann-Kendall trend test (Mann, "Nonparametric tests against trend", Econometrica 13 (1945)
 * 245-259; Kendall, "Rank Correlation Methods", 4th ed., Griffin, 1975; worked through in
 * Gilbert, "Statistical Methods for Environmental Pollution Monitoring", Van Nostrand Reinhold,
 * 1987, chapter 16):
 *
 *   S      = sum_{a < b} sign(x_b - x_a)
 *   Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18     (t_g: size of the g-th tie group)
 *   z      = (S - 1)/sqrt(Var S) if S > 0,  0 if S = 0,  (S + 1)/sqrt(Var S) if S < 0
 *   p      = 2 * (1 - Phi(|z|))                                   (two-sided)
 *   tau    = S / sqrt((n0 - n1) * n0),  n0 = n(n-1)/2,  n1 = sum_g t_g(t_g-1)/2   (tau-b against time)
 *
 * These are the values of R `cor.test(seq_along(x), x, method = "kendall", exact = FALSE,
 * continuity = TRUE)` and of `Kendall::MannKendall(x)` (whose "sl" is this p). Missing values
 * (NaN) are dropped; the order of the remaining values is the time order. When Var(S) = 0 (fewer
 * than two distinct values) the test is undefined and z, p, tau are NaN.
 */
import { twoSidedP } from './normal';

export interface MannKendallResult {
  /** number of non-missing observations used */
  n: number;
  s: number;
  varianceS: number;
  z: number;
  /** two-sided p */
  p: number;
  tau: number;
}

export function mannKendall(series: ArrayLike<number>): MannKendallResult {
  const x: number[] = [];
  for (let i = 0; i < series.length; i++) if (!Number.isNaN(series[i])) x.push(series[i]);
  const n = x.length;
  let s = 0;
  for (let a = 0; a < n - 1; a++) {
    const xa = x[a];
    for (let b = a + 1; b < n; b++) {
      const d = x[b] - xa;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  // Tie groups from the sorted values.
  const sorted = x.slice().sort((u, v) => u - v);
  let tieVariance = 0;
  let tiePairs = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && sorted[end] === sorted[start]) end++;
    const t = end - start;
    if (t > 1) {
      tieVariance += t * (t - 1) * (2 * t + 5);
      tiePairs += (t * (t - 1)) / 2;
    }
    start = end;
  }
  const varianceS = (n * (n - 1) * (2 * n + 5) - tieVariance) / 18;
  if (!(varianceS > 0)) return { n, s, varianceS, z: NaN, p: NaN, tau: NaN };
  const corrected = s > 0 ? s - 1 : s < 0 ? s + 1 : 0;
  const z = corrected / Math.sqrt(varianceS);
  const pairs = (n * (n - 1)) / 2;
  const tau = s / Math.sqrt((pairs - tiePairs) * pairs);
  return { n, s, varianceS, z, p: twoSidedP(z), tau };
}
