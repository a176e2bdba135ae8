/**
 * Count regression with a log link and an exposure offset, fitted by iteratively reweighted
 * least squares (McCullagh and Nelder 1989, section 2.5), as R's glm() does:
 *
 *   Poisson            y_i ~ Poisson(mu_i),                 log mu_i = offset_i + x_i' beta
 *   negative binomial  y_i ~ NB(mu_i, theta), Var = mu + mu^2 / theta  (MASS::glm.nb, NB2)
 *
 * IRLS: working response z = eta - offset + (y - mu) / mu, weights w = mu (Poisson) or
 * mu / (1 + mu / theta) (NB); beta = (X'WX)^-1 X'Wz, until the deviance changes by less than
 * epsilon * (|deviance| + 0.1) (R's rule, with a tighter default epsilon).
 * theta is estimated as MASS::glm.nb does (Venables and Ripley 2002, section 7.4): a Poisson fit,
 * then alternately theta by maximum likelihood given mu (Newton steps on the score, the
 * starting value n / sum((y / mu - 1)^2) of MASS::theta.ml) and beta by IRLS given theta.
 *
 * Standard errors come from the inverse Fisher information (X'WX)^-1 with the dispersion fixed
 * at 1 (R's summary.glm for these families); theta's from the observed information as in
 * theta.ml. Wald z = beta / SE, two-sided normal p, 95 % interval exp(beta +- 1.959964 SE).
 * AIC = -2 logLik + 2 k and BIC = -2 logLik + log(n) k, k counting theta for NB (R's AIC/BIC).
 * Linear algebra: ml-matrix (Cholesky of X'WX).
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { twoSidedP, waldRatioInterval } from './normal';
import { logGamma, trigamma } from './special';

const { log, exp, abs, sqrt, min, max } = Math;

export type GlmFamily = 'poisson' | 'negative_binomial';

export { Z_975 } from './normal';

export interface GlmInput {
  /** counts, non-negative integers */
  y: ArrayLike<number>;
  /** covariates, one array per column (no intercept: it is added) */
  columns: readonly ArrayLike<number>[];
  /** names of the columns, for the answer */
  names?: readonly string[];
  /** log exposure per observation; 0 when omitted */
  offset?: ArrayLike<number>;
}

export interface GlmOptions {
  /** relative deviance change that ends IRLS (default 1e-10) */
  epsilon?: number;
  /** IRLS iterations per fit (default 100) */
  maxIterations?: number;
}

export interface GlmCoefficient {
  name: string;
  estimate: number;
  standardError: number;
  z: number;
  p: number;
  /** exp(estimate) */
  relativeRisk: number;
  relativeRiskLow: number;
  relativeRiskHigh: number;
}

export interface GlmFit {
  family: GlmFamily;
  /** the intercept first, then the columns in order */
  coefficients: GlmCoefficient[];
  /** fitted means mu_i (offset included) */
  fitted: Float64Array;
  /** linear predictor eta_i = offset_i + x_i' beta */
  linearPredictor: Float64Array;
  n: number;
  /** parameters counted by AIC and BIC (coefficients, and theta for NB) */
  parameterCount: number;
  logLikelihood: number;
  aic: number;
  bic: number;
  deviance: number;
  residualDegreesOfFreedom: number;
  /** Pearson chi-square / residual df: about 1 when the family's variance fits */
  pearsonDispersion: number;
  /** NB only */
  theta: number | null;
  thetaStandardError: number | null;
  iterations: number;
  converged: boolean;
}

interface Design {
  n: number;
  p: number;
  /** row-major n x p with the intercept in column 0 */
  x: Float64Array;
  y: Float64Array;
  offset: Float64Array;
  names: string[];
  /** distinct values of y with their multiplicities: special functions of y are evaluated once per value */
  yHistogram: CountHistogram;
}

/** Distinct counts and how often each occurs. Cell counts take few distinct values, so the gamma-function terms cost O(distinct) instead of O(n). */
export interface CountHistogram {
  values: Float64Array;
  multiplicities: Float64Array;
}

export function countHistogram(y: ArrayLike<number>): CountHistogram {
  const counts = new Map<number, number>();
  for (let i = 0; i < y.length; i++) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
  const values = Float64Array.from(counts.keys());
  return { values, multiplicities: Float64Array.from(values, (v) => counts.get(v)!) };
}

function toDesign(input: GlmInput): Design {
  const n = input.y.length;
  const p = input.columns.length + 1;
  const x = new Float64Array(n * p);
  const y = Float64Array.from(input.y);
  for (let i = 0; i < n; i++) {
    if (!(y[i] >= 0) || !Number.isFinite(y[i])) throw new RangeError(`y[${i}] = ${y[i]} is not a non-negative count`);
    x[i * p] = 1;
  }
  input.columns.forEach((column, j) => {
    if (column.length !== n) throw new RangeError(`column ${j} has ${column.length} values, expected ${n}`);
    for (let i = 0; i < n; i++) {
      const v = column[i];
      if (!Number.isFinite(v)) throw new RangeError(`column ${j}, row ${i} is not finite`);
      x[i * p + j + 1] = v;
    }
  });
  const offset = input.offset ? Float64Array.from(input.offset) : new Float64Array(n);
  if (offset.length !== n) throw new RangeError(`offset has ${offset.length} values, expected ${n}`);
  const names = ['(Intercept)', ...input.columns.map((_, j) => input.names?.[j] ?? `x${j + 1}`)];
  return { n, p, x, y, offset, names, yHistogram: countHistogram(y) };
}

/** y log(y / mu), 0 at y = 0. */
function yLogYOverMu(y: number, mu: number): number {
  return y > 0 ? y * log(y / mu) : 0;
}

function deviance(d: Design, mu: Float64Array, theta: number | null): number {
  let dev = 0;
  for (let i = 0; i < d.n; i++) {
    const y = d.y[i];
    if (theta === null) dev += 2 * (yLogYOverMu(y, mu[i]) - (y - mu[i]));
    else dev += 2 * (yLogYOverMu(y, mu[i]) - (y + theta) * log((y + theta) / (mu[i] + theta)));
  }
  return dev;
}

function logLikelihood(d: Design, mu: Float64Array, theta: number | null): number {
  const { values, multiplicities } = d.yHistogram;
  let ll = 0;
  for (let k = 0; k < values.length; k++) {
    const y = values[k];
    ll += multiplicities[k] * ((theta === null ? 0 : logGamma(theta + y)) - logGamma(y + 1));
  }
  if (theta === null) {
    for (let i = 0; i < d.n; i++) ll += (d.y[i] > 0 ? d.y[i] * log(mu[i]) : 0) - mu[i];
    return ll;
  }
  ll += d.n * (theta * log(theta) - logGamma(theta));
  for (let i = 0; i < d.n; i++) ll += (d.y[i] > 0 ? d.y[i] * log(mu[i]) : 0) - (theta + d.y[i]) * log(theta + mu[i]);
  return ll;
}

interface IrlsState {
  beta: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  /** (X'WX)^-1 at the solution */
  covariance: Matrix;
  deviance: number;
  iterations: number;
  converged: boolean;
}

/** IRLS for a log link at fixed theta (null: Poisson), starting from eta. */
function irls(d: Design, theta: number | null, startEta: Float64Array, options: Required<GlmOptions>): IrlsState {
  const { n, p, x, y, offset } = d;
  const eta = Float64Array.from(startEta);
  const mu = eta.map(exp);
  let devOld = deviance(d, mu, theta);
  let beta = new Float64Array(p);
  let covariance = Matrix.eye(p);
  let iterations = 0;
  let converged = false;
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  for (iterations = 1; iterations <= options.maxIterations; iterations++) {
    xtwx.fill(0);
    xtwz.fill(0);
    for (let i = 0; i < n; i++) {
      const m = mu[i];
      const w = theta === null ? m : m / (1 + m / theta);
      const z = eta[i] - offset[i] + (y[i] - m) / m;
      const row = i * p;
      for (let a = 0; a < p; a++) {
        const wxa = w * x[row + a];
        xtwz[a] += wxa * z;
        for (let b = 0; b <= a; b++) xtwx[a * p + b] += wxa * x[row + b];
      }
    }
    const information = new Matrix(p, p);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        information.set(a, b, xtwx[a * p + b]);
        information.set(b, a, xtwx[a * p + b]);
      }
    }
    if (xtwx.some((v) => !Number.isFinite(v))) throw new RangeError('the fit diverged (non-finite weights)');
    const cholesky = new CholeskyDecomposition(information);
    if (!cholesky.isPositiveDefinite()) throw new RangeError('the design matrix is rank deficient (a covariate is constant or collinear with others)');
    const solution = cholesky.solve(Matrix.columnVector(Array.from(xtwz)));
    beta = Float64Array.from(solution.getColumn(0));
    covariance = cholesky.solve(Matrix.eye(p));
    for (let i = 0; i < n; i++) {
      let s = offset[i];
      const row = i * p;
      for (let a = 0; a < p; a++) s += x[row + a] * beta[a];
      eta[i] = s;
      mu[i] = exp(s);
    }
    const dev = deviance(d, mu, theta);
    if (abs(dev - devOld) / (abs(dev) + 0.1) < options.epsilon) {
      converged = true;
      devOld = dev;
      break;
    }
    devOld = dev;
  }
  return { beta, eta, mu, covariance, deviance: devOld, iterations: min(iterations, options.maxIterations), converged };
}

/** MASS::theta.ml's stopping rule: .Machine$double.eps^0.25 on the Newton step. */
const THETA_STEP_EPSILON = 2 ** -13;

/**
 * Maximum-likelihood theta given mu, exactly as MASS::theta.ml: Newton steps on the score from
 * the method-of-moments start n / sum((y / mu - 1)^2), until a step is below 2^-13 (the step is
 * quadratic, so theta is then accurate to about 1e-8); the standard error is sqrt(1 / information)
 * at the start of that last step, as MASS reports it. Throws when theta runs off to infinity
 * (counts not overdispersed: the Poisson model is the right one).
 */
export function thetaMaximumLikelihood(
  y: ArrayLike<number>,
  mu: ArrayLike<number>,
  maxIterations = 100,
  histogram: CountHistogram = countHistogram(y),
  /** a start near the answer (the previous theta while alternating with IRLS); MASS's moment estimate when omitted */
  start?: number,
): { theta: number; standardError: number } {
  const n = y.length;
  const { values, multiplicities } = histogram;
  let theta = start ?? NaN;
  if (start === undefined) {
    let moments = 0;
    for (let i = 0; i < n; i++) moments += (y[i] / mu[i] - 1) ** 2;
    theta = n / moments;
  }
  // score and information of MASS::theta.ml, with the terms in y alone summed per distinct value
  const scoreAndInformation = (t: number): [number, number] => {
    let score = n * (log(t) + 1 - digammaOf(t));
    let information = n * (trigamma(t) - 1 / t);
    for (let k = 0; k < values.length; k++) {
      score += multiplicities[k] * digammaOf(t + values[k]);
      information -= multiplicities[k] * trigamma(t + values[k]);
    }
    for (let i = 0; i < n; i++) {
      const tm = mu[i] + t;
      const ratio = (y[i] + t) / tm;
      score -= log(tm) + ratio;
      information += 2 / tm - ratio / tm;
    }
    return [score, information];
  };
  let information = NaN;
  let step = 1;
  for (let it = 1; it < maxIterations && abs(step) > THETA_STEP_EPSILON; it++) {
    theta = abs(theta);
    let score: number;
    [score, information] = scoreAndInformation(theta);
    step = score / information;
    theta += step;
  }
  if (!(theta > 0) || !Number.isFinite(theta) || theta > 1e8 || !(information > 0)) {
    throw new RangeError('theta of the negative binomial does not converge: the counts are not overdispersed, use the Poisson model');
  }
  return { theta, standardError: sqrt(1 / information) };
}

/** psi(x) by recurrence to x >= 6 and the asymptotic series (A&S 6.3.18). */
export function digammaOf(x: number): number {
  let value = 0;
  let z = x;
  while (z < 6) {
    value -= 1 / z;
    z += 1;
  }
  const z2 = 1 / (z * z);
  value += log(z) - 0.5 / z - z2 * (1 / 12 - z2 * (1 / 120 - z2 * (1 / 252 - z2 * (1 / 240 - z2 / 132))));
  return value;
}

function summarise(d: Design, family: GlmFamily, state: IrlsState, theta: number | null, thetaSe: number | null, iterations: number, converged: boolean): GlmFit {
  const coefficients = d.names.map((name, j) => {
    const estimate = state.beta[j];
    const standardError = sqrt(state.covariance.get(j, j));
    const z = estimate / standardError;
    const interval = waldRatioInterval(estimate, standardError);
    return {
      name,
      estimate,
      standardError,
      z,
      p: twoSidedP(z),
      relativeRisk: exp(estimate),
      relativeRiskLow: interval.low,
      relativeRiskHigh: interval.high,
    };
  });
  let pearson = 0;
  for (let i = 0; i < d.n; i++) {
    const m = state.mu[i];
    const variance = theta === null ? m : m + (m * m) / theta;
    pearson += (d.y[i] - m) ** 2 / variance;
  }
  const ll = logLikelihood(d, state.mu, theta);
  const k = d.p + (theta === null ? 0 : 1);
  const residualDf = d.n - d.p;
  return {
    family,
    coefficients,
    fitted: state.mu,
    linearPredictor: state.eta,
    n: d.n,
    parameterCount: k,
    logLikelihood: ll,
    aic: -2 * ll + 2 * k,
    bic: -2 * ll + log(d.n) * k,
    deviance: state.deviance,
    residualDegreesOfFreedom: residualDf,
    pearsonDispersion: pearson / residualDf,
    theta,
    thetaStandardError: thetaSe,
    iterations,
    converged,
  };
}

function withDefaults(options: GlmOptions): Required<GlmOptions> {
  return { epsilon: options.epsilon ?? 1e-10, maxIterations: options.maxIterations ?? 100 };
}

/** offset + X beta */
function linearPredictor(d: Design, beta: ArrayLike<number>): Float64Array {
  const eta = Float64Array.from(d.offset);
  for (let i = 0; i < d.n; i++) for (let a = 0; a < d.p; a++) eta[i] += d.x[i * d.p + a] * beta[a];
  return eta;
}

/** R's mustart for Poisson: y + 0.1. */
function poissonStart(d: Design): Float64Array {
  return d.y.map((y) => log(y + 0.1));
}

/** Poisson regression with log link and offset, as glm(y ~ ..., family = poisson, offset = ...). */
export function fitPoisson(input: GlmInput, options: GlmOptions = {}): GlmFit {
  const d = toDesign(input);
  const opts = withDefaults(options);
  const state = irls(d, null, poissonStart(d), opts);
  return summarise(d, 'poisson', state, null, null, state.iterations, state.converged);
}

/** Starting values of a negative binomial fit (MASS::glm.nb's `start` and `init.theta`), e.g. the fit of a neighbouring data set. */
export interface GlmStart {
  /** intercept first, then the columns */
  coefficients: ArrayLike<number>;
  theta: number;
}

/**
 * Negative binomial (NB2) regression with log link and offset, theta by ML, as MASS::glm.nb.
 * With `start`, the alternation begins at those coefficients and theta instead of a Poisson fit
 * (the same optimum, reached in fewer iterations when the start is close).
 */
export function fitNegativeBinomial(input: GlmInput, options: GlmOptions = {}, start?: GlmStart): GlmFit {
  const d = toDesign(input);
  const opts = withDefaults(options);
  const warm = start !== undefined && start.coefficients.length === d.p && start.theta > 0 && Number.isFinite(start.theta);
  let state = warm ? irls(d, start.theta, linearPredictor(d, start.coefficients), opts) : irls(d, null, poissonStart(d), opts);
  let { theta, standardError } = thetaMaximumLikelihood(d.y, state.mu, 100, d.yHistogram, warm ? start.theta : undefined);
  let iterations = state.iterations;
  let converged = false;
  let llOld = logLikelihood(d, state.mu, theta);
  for (let outer = 0; outer < opts.maxIterations; outer++) {
    state = irls(d, theta, state.eta, opts);
    iterations += state.iterations;
    const previous = theta;
    ({ theta, standardError } = thetaMaximumLikelihood(d.y, state.mu, 100, d.yHistogram, theta));
    const ll = logLikelihood(d, state.mu, theta);
    const change = abs(llOld - ll) / max(1, abs(ll)) + abs(previous - theta) / max(1, theta);
    llOld = ll;
    if (change < opts.epsilon) {
      converged = state.converged;
      break;
    }
  }
  // the final coefficients at the final theta, and theta with its SE exactly as MASS::theta.ml reports them
  state = irls(d, theta, state.eta, opts);
  ({ theta, standardError } = thetaMaximumLikelihood(d.y, state.mu, 100, d.yHistogram));
  return summarise(d, 'negative_binomial', state, theta, standardError, iterations + state.iterations, converged && state.converged);
}

export function fitGlm(family: GlmFamily, input: GlmInput, options: GlmOptions = {}): GlmFit {
  return family === 'poisson' ? fitPoisson(input, options) : fitNegativeBinomial(input, options);
}

/** Pearson residuals (y - mu) / sqrt(Var(mu)) of a fit. */
export function pearsonResiduals(fit: GlmFit, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(fit.n);
  for (let i = 0; i < fit.n; i++) {
    const m = fit.fitted[i];
    const variance = fit.theta === null ? m : m + (m * m) / fit.theta;
    out[i] = (y[i] - m) / sqrt(variance);
  }
  return out;
}
