/**
 * Summaries every analysis reports: the mean and the population standard deviation of a set of
 * values (divisor n, as the Gi* and Local Moran's I formulas use), and a finite number or null
 * for GraphQL (which has no NaN or Infinity).
 */

export interface MeanAndSpread {
  mean: number;
  /** population standard deviation: sqrt(sum (x - mean)^2 / n) */
  standardDeviation: number;
}

/** Two passes, as R's mean and sd do, so the spread of large equal counts is exactly 0. */
export function meanAndSpread(values: ArrayLike<number>): MeanAndSpread {
  const n = values.length;
  if (n === 0) return { mean: NaN, standardDeviation: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < n; i++) m2 += (values[i] - mean) ** 2;
  return { mean, standardDeviation: Math.sqrt(m2 / n) };
}

/** The number, or null when it is NaN or infinite. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
