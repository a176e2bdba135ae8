/**
 * Poisson regression of a cell x period panel with cell and period fixed effects and one
 * time-varying covariate:
 *
 *   y_it ~ Poisson(mu_it),   log mu_it = a_i + g_t + beta x_it
 *
 * the estimate of R's glm(y ~ x + factor(cell) + factor(period), family = poisson). Each cell is
 * compared with itself over time (periods with the factor against periods without), so anything
 * constant in a cell (residents, a market, reporting habits, unmeasured hot spots) cannot bias
 * beta; the period effects absorb what the whole city shares (seasons, night length). This is the
 * design of the Chicago outage studies and of conditional Poisson models (Hausman, Hall and
 * Griliches 1984).
 *
 * Fitting: the fixed effects are profiled out. Given beta, a_i and g_t are the two-way
 * raking (iterative proportional fitting) solutions of sum_t mu_it = Y_i. and sum_i mu_it = Y_.t;
 * beta takes Newton steps on the profile score sum (y - mu) x with the within-cell information
 * sum_i Y_i. Var_{p_i}(x), p_it proportional to exp(g_t + beta x_it). Cells with no events carry
 * no information and are left out. The reported standard error inverts the full information of
 * (beta, g_2..g_P) given the cell totals (the conditional multinomial likelihood, whose beta and
 * information equal the unconditional Poisson ones), so it equals R's summary.glm value. The standard error is the model-based one, multiplied by
 * sqrt(Pearson dispersion) when that exceeds 1 (quasi-Poisson), since counts within a cell are
 * usually overdispersed.
 */
import { twoSidedP, waldRatioInterval } from './normal';
import { logGamma } from './special';
import { inverse, Matrix } from 'ml-matrix';

const { exp, log, abs, sqrt, max, min } = Math;

export interface PanelInput {
  /** y per row, row = cell * periods + period */
  y: ArrayLike<number>;
  /** the covariate per row */
  x: ArrayLike<number>;
  cells: number;
  periods: number;
}

export interface FixedEffectsPoissonFit {
  estimate: number;
  /** model-based SE x sqrt(max(1, dispersion)) */
  standardError: number;
  modelStandardError: number;
  z: number;
  p: number;
  relativeRisk: number;
  relativeRiskLow: number;
  relativeRiskHigh: number;
  /** Pearson chi-square / (rows - cells - periods - 1) over informative cells */
  dispersion: number;
  logLikelihood: number;
  /** the same model without the covariate */
  nullLogLikelihood: number;
  /** cells with at least one event */
  informativeCells: number;
  rows: number;
  iterations: number;
  converged: boolean;
}

/** Two-way raking of mu_it = a_i g_t exp(beta x_it) to the row and column totals. */
function rake(y: ArrayLike<number>, ex: Float64Array, keep: Int32Array, P: number, rowTotals: Float64Array, colTotals: Float64Array, g: Float64Array, a: Float64Array): void {
  for (let sweep = 0; sweep < 500; sweep++) {
    for (let k = 0; k < keep.length; k++) {
      const base = keep[k] * P;
      let s = 0;
      for (let t = 0; t < P; t++) s += g[t] * ex[base + t];
      a[k] = rowTotals[k] / s;
    }
    let change = 0;
    for (let t = 0; t < P; t++) {
      let s = 0;
      for (let k = 0; k < keep.length; k++) s += a[k] * ex[keep[k] * P + t];
      const next = s > 0 ? colTotals[t] / s : 0;
      change = max(change, abs(next - g[t]) / max(next, 1e-300));
      g[t] = next;
    }
    if (change < 1e-13) return;
  }
}

export function fitFixedEffectsPoisson(input: PanelInput, maxIterations = 100): FixedEffectsPoissonFit {
  const { y, x, cells, periods: P } = input;
  if (y.length !== cells * P || x.length !== cells * P) throw new RangeError(`a panel of ${cells} cells x ${P} periods needs ${cells * P} rows`);
  const keepList: number[] = [];
  for (let i = 0; i < cells; i++) {
    let s = 0;
    for (let t = 0; t < P; t++) s += y[i * P + t];
    if (s > 0) keepList.push(i);
  }
  const keep = Int32Array.from(keepList);
  const rowTotals = Float64Array.from(keep, (i) => {
    let s = 0;
    for (let t = 0; t < P; t++) s += y[i * P + t];
    return s;
  });
  const colTotals = new Float64Array(P);
  for (const i of keep) for (let t = 0; t < P; t++) colTotals[t] += y[i * P + t];
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const i of keep) {
    for (let t = 0; t < P; t++) {
      xMin = min(xMin, x[i * P + t]);
      xMax = max(xMax, x[i * P + t]);
    }
  }
  if (!(xMax > xMin)) throw new RangeError('the covariate does not vary within the cells that have events');

  const ex = new Float64Array(cells * P).fill(1);
  const g = Float64Array.from(colTotals, (v) => max(v, 1e-12));
  const a = new Float64Array(keep.length);
  const logLik = (): number => {
    let ll = 0;
    for (let k = 0; k < keep.length; k++) {
      const base = keep[k] * P;
      for (let t = 0; t < P; t++) {
        const mu = a[k] * g[t] * ex[base + t];
        const yy = y[base + t];
        if (mu > 0) ll += (yy > 0 ? yy * log(mu) : 0) - mu - logGamma(yy + 1);
      }
    }
    return ll;
  };
  rake(y, ex, keep, P, rowTotals, colTotals, g, a);
  const nullLogLikelihood = logLik();

  let beta = 0;
  let information = NaN;
  let iterations = 0;
  let converged = false;
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    for (const i of keep) for (let t = 0; t < P; t++) ex[i * P + t] = exp(beta * x[i * P + t]);
    rake(y, ex, keep, P, rowTotals, colTotals, g, a);
    let score = 0;
    information = 0;
    for (let k = 0; k < keep.length; k++) {
      const base = keep[k] * P;
      let total = 0;
      let mean = 0;
      let square = 0;
      for (let t = 0; t < P; t++) {
        const mu = a[k] * g[t] * ex[base + t];
        const xv = x[base + t];
        score += (y[base + t] - mu) * xv;
        total += mu;
        mean += mu * xv;
        square += mu * xv * xv;
      }
      // within-cell variance of x under p_it = mu_it / sum_t mu_it, times the cell's events
      mean /= total;
      information += rowTotals[k] * (square / total - mean * mean);
    }
    let step = score / information;
    if (abs(step) > 2) step = 2 * Math.sign(step);
    beta += step;
    if (abs(step) < 1e-10 * max(1, abs(beta))) {
      converged = true;
      break;
    }
  }
  for (const i of keep) for (let t = 0; t < P; t++) ex[i * P + t] = exp(beta * x[i * P + t]);
  rake(y, ex, keep, P, rowTotals, colTotals, g, a);
  let pearson = 0;
  for (let k = 0; k < keep.length; k++) {
    const base = keep[k] * P;
    for (let t = 0; t < P; t++) {
      const mu = a[k] * g[t] * ex[base + t];
      if (mu > 0) pearson += (y[base + t] - mu) ** 2 / mu;
    }
  }
  // information of (beta, g_2..g_P) per cell: sum mu z z' - (sum mu z)(sum mu z)' / Y_i, z_t = (x_t, e_t)
  const full = new Matrix(P, P);
  const sum = new Float64Array(P);
  for (let k = 0; k < keep.length; k++) {
    const base = keep[k] * P;
    sum.fill(0);
    let xx = 0;
    for (let t = 0; t < P; t++) {
      const mu = a[k] * g[t] * ex[base + t];
      const xv = x[base + t];
      sum[0] += mu * xv;
      xx += mu * xv * xv;
      if (t > 0) {
        sum[t] += mu;
        full.set(0, t, full.get(0, t) + mu * xv);
        full.set(t, t, full.get(t, t) + mu);
      }
    }
    full.set(0, 0, full.get(0, 0) + xx);
    const total = rowTotals[k];
    for (let u = 0; u < P; u++) for (let v = u; v < P; v++) full.set(u, v, full.get(u, v) - (sum[u] * sum[v]) / total);
  }
  for (let u = 0; u < P; u++) for (let v = 0; v < u; v++) full.set(u, v, full.get(v, u));
  information = 1 / inverse(full).get(0, 0);
  const rows = keep.length * P;
  const dispersion = pearson / max(1, rows - keep.length - P);
  const modelStandardError = sqrt(1 / information);
  const standardError = modelStandardError * sqrt(max(1, dispersion));
  const z = beta / standardError;
  const interval = waldRatioInterval(beta, standardError);
  return {
    estimate: beta,
    standardError,
    modelStandardError,
    z,
    p: twoSidedP(z),
    relativeRisk: exp(beta),
    relativeRiskLow: interval.low,
    relativeRiskHigh: interval.high,
    dispersion,
    logLikelihood: logLik(),
    nullLogLikelihood,
    informativeCells: keep.length,
    rows,
    iterations,
    converged,
  };
}
