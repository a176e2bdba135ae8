/**
 * Hotspot forecasts on a grid of cells: each method gives every cell's expected count in a
 * period from the counts of the steps before it.
 *
 *   lastPeriod        the counts of the previous period (the baseline of "last month")
 *   longTermAverage   the mean count per period over all earlier periods of the history
 *   recentKde         quartic kernel density (src/geo/stats/kernelDensity.ts) of the last 4
 *                     periods' incidents at the cell centres, times the cell area, divided by 4
 *   selfExciting      background plus near-repeat triggering, fitted by EM (selfExciting.ts)
 *   negativeBinomial  NB2 regression (src/geo/stats/glm.ts, as MASS::glm.nb) over the cell-periods of
 *                     the last 12 periods: log μ = β0 + β1 log(1 + y_{t−1}) + β2 log(1 + ȳ_{t−3..t−1})
 *                     + β3 log(1 + ȳ_{all before t}) + β4 sin(2π s) + β5 cos(2π s) + log(period length),
 *                     s the period's start as a fraction of the year (season); falls back to Poisson,
 *                     then to the long-term average, when it cannot be fitted (stated in the note)
 *
 * History: counts per step (a day, or a month on the release lattice) and cell, and the period
 * edges as step indices. Period p covers steps [edges[p], edges[p + 1]).
 */
import { fitNegativeBinomial, fitPoisson, GlmFit, GlmStart } from '../stats/glm';
import { kernelDensity } from '../stats/kernelDensity';
import { eventsBefore, EventSteps, eventSteps, fitSelfExcitingEvents, selfExcitingForecast, SelfExcitingFit } from './selfExciting';

export const FORECAST_METHODS = ['lastPeriod', 'longTermAverage', 'recentKde', 'selfExciting', 'negativeBinomial'] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

export interface ForecastHistory {
  cells: number;
  /** steps × cells, step-major */
  counts: Float64Array;
  /** step index of each period's start, and the end of the last period (length periods + 1); may run past the counts (the future) */
  edges: number[];
  /** cell centres, metres on a plane */
  x: Float64Array;
  y: Float64Array;
  /** km² per cell */
  cellArea: Float64Array;
  /** bandwidth of recentKde, metres */
  kdeBandwidthMeters: number;
  /** season of each period: its start as a fraction of the year (0..1) */
  phase: number[];
  /** static environmental factors per cell for the negative binomial (the risk model's selected terms) */
  factors?: { name: string; values: Float64Array }[];
}

/** The built-in terms of the negative binomial, in the order of its columns after the intercept. */
export const NB_TERMS = ['last', 'recentMean', 'allMean', 'sinSeason', 'cosSeason'] as const;
export type NbTerm = 'intercept' | (typeof NB_TERMS)[number];

/**
 * What a method fitted (parameters, fall-backs), as data: src/analysis puts it into words in the
 * caller's language (this module stays free of the catalogues, and runs on worker threads).
 */
export type ForecastNote =
  | { kind: 'lastPeriod' }
  | { kind: 'longTermAverage'; periods: number }
  | { kind: 'recentKde'; radiusMeters: number; periods: number }
  | { kind: 'selfExciting'; steps: number; theta: number; omega: number; branchingRatio: number; meanDelaySteps: number; iterations: number; converged: boolean }
  | {
      kind: 'regression';
      /** poisson: the negative binomial fit failed */
      family: 'negativeBinomial' | 'poisson';
      periods: number;
      cells: number;
      /** a built-in term, or an environmental factor (term null) by its name */
      coefficients: { term: NbTerm | null; name: string; estimate: number }[];
      theta: number | null;
      iterations: number;
    }
  | { kind: 'longTermAverageInstead' }
  | { kind: 'noOrigin' };

export interface CellForecast {
  values: Float64Array;
  note: ForecastNote;
}

const RECENT_PERIODS = 4;
const NB_PERIODS = 12;

/** Counts per period and cell (periods × cells) over the periods whose steps are all in the history. */
export function periodCounts(history: ForecastHistory, periods: number): Float64Array {
  const { cells, counts } = history;
  const out = new Float64Array(periods * cells);
  for (let p = 0; p < periods; p++) {
    for (let d = history.edges[p]; d < history.edges[p + 1]; d++) {
      const base = d * cells;
      for (let n = 0; n < cells; n++) out[p * cells + n] += counts[base + n];
    }
  }
  return out;
}

function meanOfPeriods(totals: Float64Array, cells: number, from: number, to: number): Float64Array {
  const out = new Float64Array(cells);
  const k = to - from;
  if (k <= 0) return out;
  for (let p = from; p < to; p++) for (let n = 0; n < cells; n++) out[n] += totals[p * cells + n] / k;
  return out;
}

function recentKde(history: ForecastHistory, totals: Float64Array, p: number): CellForecast {
  const k = Math.min(RECENT_PERIODS, p);
  const weights = meanOfPeriods(totals, history.cells, p - k, p);
  const density = kernelDensity({ x: history.x, y: history.y, weight: weights }, history, history.kdeBandwidthMeters, 'quartic');
  const values = density.map((d, n) => d * 1e6 * history.cellArea[n]);
  return { values, note: { kind: 'recentKde', radiusMeters: history.kdeBandwidthMeters, periods: k } };
}

/** Per cell-period q: the NB's lag features from the period totals (prefix sums: O(periods × cells) for all). */
function lagFeatures(totals: Float64Array, cells: number, periods: number): { last: Float64Array; recent: Float64Array; all: Float64Array } {
  const last = new Float64Array(periods * cells);
  const recent = new Float64Array(periods * cells);
  const all = new Float64Array(periods * cells);
  const running = new Float64Array(cells);
  for (let q = 1; q < periods; q++) {
    for (let n = 0; n < cells; n++) {
      const i = q * cells + n;
      const previous = totals[(q - 1) * cells + n];
      running[n] += previous;
      last[i] = Math.log1p(previous);
      all[i] = Math.log1p(running[n] / q);
      if (q >= 3) recent[i] = Math.log1p((totals[(q - 3) * cells + n] + totals[(q - 2) * cells + n] + previous) / 3);
    }
  }
  return { last, recent, all };
}

function negativeBinomial(history: ForecastHistory, totals: Float64Array, p: number, state: ForecastState): CellForecast | null {
  const { cells } = history;
  const first = Math.max(3, p - NB_PERIODS);
  if (p - first < 2) return null;
  const lengths = history.edges.slice(1).map((e, q) => e - history.edges[q]);
  const meanLength = lengths.slice(0, p + 1).reduce((a, b) => a + b, 0) / (p + 1);
  const periods = Math.floor(totals.length / cells);
  if (!state.lags || state.lags.periods !== periods) state.lags = { periods, ...lagFeatures(totals, cells, periods) };
  const lags = state.lags;
  // features of period p need the totals of the periods before it only
  const featureLags = p < periods ? lags : { periods: p + 1, ...lagFeatures(totals.subarray(0, p * cells), cells, p + 1) };
  // a factor constant over the cells is the intercept again (and would make the design singular)
  const factors = (history.factors ?? []).filter((f) => f.values.some((v) => v !== f.values[0]));
  const width = 5 + factors.length;
  const features = (q: number, n: number, out: Float64Array): void => {
    const source = q < periods ? lags : featureLags;
    const i = q * cells + n;
    out[0] = source.last[i];
    out[1] = source.recent[i];
    out[2] = source.all[i];
    out[3] = Math.sin(2 * Math.PI * history.phase[q]);
    out[4] = Math.cos(2 * Math.PI * history.phase[q]);
    for (let f = 0; f < factors.length; f++) out[5 + f] = factors[f].values[n];
  };
  const rows = (p - first) * cells;
  const columns = Array.from({ length: width }, () => new Float64Array(rows));
  const y = new Float64Array(rows);
  const offset = new Float64Array(rows);
  const f = new Float64Array(width);
  let i = 0;
  for (let q = first; q < p; q++) {
    for (let n = 0; n < cells; n++, i++) {
      features(q, n, f);
      for (let c = 0; c < width; c++) columns[c][i] = f[c];
      y[i] = totals[q * cells + n];
      offset[i] = Math.log(lengths[q] / meanLength);
    }
  }
  const names = [...NB_TERMS, ...factors.map((x) => x.name)];
  let fit: GlmFit | null;
  let family: 'negativeBinomial' | 'poisson' = 'negativeBinomial';
  try {
    // warm start from the previous origin's fit (the same optimum, fewer iterations)
    fit = fitNegativeBinomial({ y, columns, names, offset }, { maxIterations: 50, epsilon: 1e-8 }, state.negativeBinomial);
  } catch {
    fit = null;
  }
  if (!fit || !fit.converged || !fit.coefficients.every((c) => Number.isFinite(c.estimate))) {
    family = 'poisson';
    state.negativeBinomial = undefined;
    try {
      fit = fitPoisson({ y, columns, names, offset }, { maxIterations: 50, epsilon: 1e-8 });
    } catch {
      return null;
    }
    if (!fit.coefficients.every((c) => Number.isFinite(c.estimate))) return null;
  } else {
    state.negativeBinomial = { coefficients: fit.coefficients.map((c) => c.estimate), theta: fit.theta! };
  }
  const beta = fit.coefficients.map((c) => c.estimate);
  const values = new Float64Array(cells);
  const lengthOffset = Math.log(lengths[p] / meanLength);
  for (let n = 0; n < cells; n++) {
    features(p, n, f);
    let eta = beta[0] + lengthOffset;
    for (let c = 0; c < width; c++) eta += beta[c + 1] * f[c];
    values[n] = Math.exp(eta);
  }
  // the intercept first, then the built-in terms, then the factors (the order of the columns)
  const coefficients = fit.coefficients.map((c, j) => ({ term: j === 0 ? ('intercept' as const) : j <= NB_TERMS.length ? NB_TERMS[j - 1] : null, name: c.name, estimate: c.estimate }));
  return { values, note: { kind: 'regression', family, periods: p - first, cells, coefficients, theta: fit.theta, iterations: fit.iterations } };
}

/** State carried between the origins of a backtest (warm starts). */
export interface ForecastState {
  selfExciting?: SelfExcitingFit;
  /** the history's cell-steps with events, listed once for every origin */
  events?: EventSteps;
  /** the negative binomial fit of the previous origin (a warm start) */
  negativeBinomial?: GlmStart;
  /** lag features of the negative binomial, per period and cell */
  lags?: { periods: number; last: Float64Array; recent: Float64Array; all: Float64Array };
}

/**
 * The forecast of period `p` by `method` from the steps before edges[p]; `totals` are
 * periodCounts over at least p periods.
 */
export function forecastPeriod(history: ForecastHistory, totals: Float64Array, method: ForecastMethod, p: number, state: ForecastState = {}): CellForecast {
  const { cells } = history;
  if (p < 1) throw new RangeError('a forecast needs at least one earlier period');
  switch (method) {
    case 'lastPeriod':
      return { values: totals.slice((p - 1) * cells, p * cells), note: { kind: 'lastPeriod' } };
    case 'longTermAverage':
      return { values: meanOfPeriods(totals, cells, 0, p), note: { kind: 'longTermAverage', periods: p } };
    case 'recentKde':
      return recentKde(history, totals, p);
    case 'selfExciting': {
      const steps = history.edges[p];
      const start = state.selfExciting ? { theta: Math.max(0.01, state.selfExciting.theta), omega: state.selfExciting.omega } : undefined;
      state.events ??= eventSteps(history.counts, cells, Math.floor(history.counts.length / cells));
      const fit = fitSelfExcitingEvents(eventsBefore(state.events, steps), cells, steps, { start });
      state.selfExciting = fit;
      const values = selfExcitingForecast(fit, history.counts, cells, steps, history.edges[p + 1] - steps);
      return {
        values,
        note: {
          kind: 'selfExciting',
          steps,
          theta: fit.theta,
          omega: fit.omega,
          branchingRatio: fit.branchingRatio,
          meanDelaySteps: 1 / (1 - Math.exp(-fit.omega)),
          iterations: fit.iterations,
          converged: fit.converged,
        },
      };
    }
    case 'negativeBinomial': {
      const nb = negativeBinomial(history, totals, p, state);
      if (nb) return nb;
      const fallback = meanOfPeriods(totals, cells, 0, p);
      return { values: fallback, note: { kind: 'longTermAverageInstead' } };
    }
  }
}
