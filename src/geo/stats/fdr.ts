/**
 * Benjamini-Hochberg false discovery rate control (Benjamini and Hochberg, "Controlling the false
 * discovery rate: a practical and powerful approach to multiple testing", JRSS B 57 (1995) 289-300).
 *
 * With m finite p-values sorted ascending, p_(1) <= ... <= p_(m), the BH-adjusted value of the
 * k-th smallest is
 *
 *   p~_(k) = min_{l >= k} min(1, m * p_(l) / l)
 *
 * which is exactly R's p.adjust(p, "BH"); NaN entries stay NaN and do not count in m (R's
 * default n = sum(!is.na(p))). A test is rejected at FDR level alpha when p~ <= alpha, which is
 * the same set as the step-up rule "find the largest k with p_(k) <= k * alpha / m, reject all
 * p <= p_(k)" that Esri describes for Hot Spot Analysis; `fdrCriticalP` returns that p_(k).
 */

const { isNaN } = Number;

/** BH-adjusted p-values in the original order (R: p.adjust(p, "BH")). */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.length).fill(NaN);
  let m = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (isNaN(v)) continue;
    if (v < 0 || v > 1) throw new RangeError(`p-value ${v} at ${i} is outside [0, 1]`);
    m++;
  }
  if (m === 0) return out;
  // The adjusted value depends only on the p-value itself (tied p-values get the same adjusted
  // value), so sort the values natively, without an index comparator (an order of magnitude
  // faster for 45,000 cells), and find each p by binary search.
  const sorted = new Float64Array(m);
  for (let i = 0, at = 0; i < p.length; i++) if (!isNaN(p[i])) sorted[at++] = p[i];
  sorted.sort();
  const adjusted = new Float64Array(m);
  let running = 1;
  for (let k = m; k >= 1; k--) {
    const candidate = (m / k) * sorted[k - 1];
    if (candidate < running) running = candidate;
    adjusted[k - 1] = running;
  }
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (isNaN(v)) continue;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = adjusted[lo];
  }
  return out;
}

/**
 * The BH critical p-value at level alpha: the largest p_(k) with p_(k) <= k * alpha / m; the tests
 * with p <= that value are the discoveries. Returns -1 when no test passes, so that
 * "p <= critical" then rejects nothing.
 */
export function fdrCriticalP(p: ArrayLike<number>, alpha: number): number {
  const values: number[] = [];
  for (let i = 0; i < p.length; i++) if (!isNaN(p[i])) values.push(p[i]);
  values.sort((a, b) => a - b);
  const m = values.length;
  for (let k = m; k >= 1; k--) {
    if (values[k - 1] <= (k * alpha) / m) return values[k - 1];
  }
  return -1;
}
