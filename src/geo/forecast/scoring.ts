/**
 * Scores of a hotspot forecast, as the NIJ Real-Time Crime Forecasting Challenge (2017) scored
 * them, and a rolling-origin backtest.
 *
 * The forecast's hot cells are the highest-ranked cells whose total area stays within a share s
 * of the study area (1, 2 or 5 %); ties of the forecast are broken in a seeded random order, so
 * no method gains from the cells' order. With n the incidents of the period in the hot cells,
 * N in the whole area, a / A the area share of the hot cells, f / F the forecast's share:
 *
 *   PAI = (n / N) / (a / A)           Predictive Accuracy Index (Chainey, Tompson and Uhlig 2008)
 *   PEI = PAI / PAI*                   Predictive Efficiency Index (NIJ 2017): PAI* is the
 *                                      PAI of the best possible choice of cells of the same area
 *                                      (the cells with the most incidents of the period)
 *   RRI = (n / N) / (f / F)            Recapture Rate Index (Levine 2008): the hot cells' share of the
 *                                      incidents over their share of the forecast
 *
 * A period without incidents has no score (NaN). The backtest forecasts each of the last
 * `origins` periods from the periods before it (rolling origin; Tashman 2000) and averages the
 * scores over the origins. Whether a method beats the last period's counts is tested by an exact
 * sign-flip permutation test of the mean paired difference of PAI (two-sided), Benjamini-Hochberg
 * adjusted over the methods compared.
 */
import { benjaminiHochberg } from '../stats/fdr';
import { createRandom } from '../stats/random';

export interface ForecastScore {
  pai: number;
  pei: number;
  rri: number;
  /** n / N */
  hitRate: number;
  /** a / A */
  areaShare: number;
  hotCells: number;
}

/** A seeded random permutation of 0..n-1 (the tie-break order). */
export function tieOrder(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const random = createRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const k = random.nextInt(i + 1);
    const t = order[i];
    order[i] = order[k];
    order[k] = t;
  }
  return order;
}

/** The cells chosen as hot: by value (descending), ties in `ties` order, while their area stays within share × total area. */
export function hotCells(values: ArrayLike<number>, cellArea: ArrayLike<number>, share: number, ties: Int32Array): number[] {
  const rankOfTie = new Int32Array(values.length);
  ties.forEach((cell, k) => (rankOfTie[cell] = k));
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a] || rankOfTie[a] - rankOfTie[b]);
  let total = 0;
  for (let i = 0; i < cellArea.length; i++) total += cellArea[i];
  const budget = share * total;
  const out: number[] = [];
  let used = 0;
  for (const cell of order) {
    if (used + cellArea[cell] > budget * (1 + 1e-9)) break;
    used += cellArea[cell];
    out.push(cell);
  }
  return out;
}

export function scoreForecast(forecast: ArrayLike<number>, actual: ArrayLike<number>, cellArea: ArrayLike<number>, share: number, ties: Int32Array): ForecastScore {
  const hot = hotCells(forecast, cellArea, share, ties);
  let A = 0;
  let N = 0;
  let F = 0;
  for (let i = 0; i < actual.length; i++) {
    A += cellArea[i];
    N += actual[i];
    F += forecast[i];
  }
  let a = 0;
  let n = 0;
  let f = 0;
  for (const c of hot) {
    a += cellArea[c];
    n += actual[c];
    f += forecast[c];
  }
  const best = hotCells(actual, cellArea, share, ties);
  let nBest = 0;
  let aBest = 0;
  for (const c of best) {
    nBest += actual[c];
    aBest += cellArea[c];
  }
  const hitRate = N > 0 ? n / N : NaN;
  const areaShare = A > 0 ? a / A : NaN;
  const pai = areaShare > 0 ? hitRate / areaShare : NaN;
  const paiBest = N > 0 && aBest > 0 ? nBest / N / (aBest / A) : NaN;
  return { pai, pei: paiBest > 0 ? pai / paiBest : NaN, rri: F > 0 && f > 0 ? hitRate / (f / F) : NaN, hitRate, areaShare, hotCells: hot.length };
}

/** Mean of the finite values (NaN when none). */
export function finiteMean(values: readonly number[]): number {
  const ok = values.filter(Number.isFinite);
  return ok.length ? ok.reduce((s, v) => s + v, 0) / ok.length : NaN;
}

/**
 * Exact two-sided sign-flip test of the mean of paired differences (all 2^m sign patterns for
 * m <= 16 finite pairs, else `draws` seeded random patterns): p = share of patterns whose |mean|
 * is at least the observed |mean|.
 */
export function signFlipTest(differences: readonly number[], seed = 12345, draws = 9999): number {
  const d = differences.filter(Number.isFinite);
  const m = d.length;
  if (m === 0) return NaN;
  const observed = Math.abs(d.reduce((s, v) => s + v, 0));
  const tolerance = 1e-12 * Math.max(1, observed);
  let atLeast = 0;
  if (m <= 16) {
    const patterns = 1 << m;
    for (let mask = 0; mask < patterns; mask++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += mask & (1 << k) ? -d[k] : d[k];
      if (Math.abs(s) >= observed - tolerance) atLeast++;
    }
    return atLeast / patterns;
  }
  const random = createRandom(seed);
  for (let r = 0; r < draws; r++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += random.nextUint32() & 1 ? -d[k] : d[k];
    if (Math.abs(s) >= observed - tolerance) atLeast++;
  }
  return (atLeast + 1) / (draws + 1);
}

export { benjaminiHochberg };
