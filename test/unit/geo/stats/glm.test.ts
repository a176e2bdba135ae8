/**
 * Count regressions, Spearman and residual Moran's I against R (glm, MASS::glm.nb, cor.test,
 * spdep::moran.test) on the committed fixtures of test/fixtures/glm (make-reference.R).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  digammaOf,
  fitFixedEffectsPoisson,
  fitNegativeBinomial,
  fitPoisson,
  forwardSelectByBic,
  globalMoran,
  GlmFit,
  logGamma,
  pearsonResiduals,
  rowStandardised,
  spearman,
  studentTTwoSidedP,
  trigamma,
  weightsFromRows,
} from '../../../../src/geo/stats';

const dir = path.resolve(__dirname, '../../../fixtures/glm');
type Raw = Record<string, unknown>;
/** R writes every number as a JSON text (17 significant digits); null stands for NA. */
function parsed(value: unknown): unknown {
  if (typeof value === 'string' && /^[-[\dn]/.test(value)) return JSON.parse(value);
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, parsed(v)]));
  return value;
}
const inputs = parsed(JSON.parse(fs.readFileSync(path.join(dir, 'inputs.json'), 'utf8'))) as Raw & {
  offset: number[];
  x1: number[];
  x2: number[];
  x3: number[];
  y_pois: number[];
  y_nb: number[];
  moranPairs: [number, number][];
};
interface RefFit {
  estimate: number[];
  standardError: number[];
  z: number[];
  p: number[];
  ciLow: number[];
  ciHigh: number[];
  logLik: number;
  aic: number;
  bic: number;
  deviance: number;
  dfResidual: number;
  pearsonDispersion: number;
  theta: number | null;
  thetaSe: number | null;
  fitted: number[];
  moran: { i: number; expected: number; variance: number; z: number; p: number };
}
interface RefCase {
  poisson: RefFit;
  negbin?: RefFit;
  spearman: Record<'x1' | 'x2' | 'x3', { rho: number; p: number }>;
}
const reference = parsed(JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'))) as {
  cases: Record<'y_pois' | 'y_nb', RefCase>;
  panel: { cells: number; periods: number; y: number[]; x: number[]; estimate: number; standardError: number; logLik: number; nullLogLik: number; dispersion: number };
  special: { x: number[]; lgamma: number[]; trigamma: number[]; digamma: number[]; t: number[]; df: number[]; twoSidedP: number[] };
};

const TOL = 1e-6;
/** |a - b| <= TOL * max(1, |b|): absolute near 0, relative for large numbers such as AIC. */
function expectClose(actual: number, expected: number, what: string): void {
  const tolerance = TOL * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${what}: got ${actual}, R gives ${expected}`);
}

const n = inputs.y_pois.length;
const rows = Array.from({ length: n }, () => [] as number[]);
for (const [i, j] of inputs.moranPairs) rows[i].push(j);
const weights = rowStandardised(weightsFromRows(rows.map((neighbours) => ({ neighbours }))));
const columns = [inputs.x1, inputs.x2, inputs.x3];
const names = ['x1', 'x2', 'x3'];

function compare(fit: GlmFit, ref: RefFit, y: number[], label: string): void {
  fit.coefficients.forEach((c, j) => {
    expectClose(c.estimate, ref.estimate[j], `${label} estimate ${c.name}`);
    expectClose(c.standardError, ref.standardError[j], `${label} SE ${c.name}`);
    expectClose(c.z, ref.z[j], `${label} z ${c.name}`);
    expectClose(c.p, ref.p[j], `${label} p ${c.name}`);
    expectClose(c.relativeRiskLow, ref.ciLow[j], `${label} CI low ${c.name}`);
    expectClose(c.relativeRiskHigh, ref.ciHigh[j], `${label} CI high ${c.name}`);
  });
  expectClose(fit.logLikelihood, ref.logLik, `${label} logLik`);
  expectClose(fit.aic, ref.aic, `${label} AIC`);
  expectClose(fit.bic, ref.bic, `${label} BIC`);
  expectClose(fit.deviance, ref.deviance, `${label} deviance`);
  expect(fit.residualDegreesOfFreedom).toBe(ref.dfResidual);
  expectClose(fit.pearsonDispersion, ref.pearsonDispersion, `${label} dispersion`);
  ref.fitted.forEach((m, i) => expectClose(fit.fitted[i], m, `${label} fitted ${i}`));
  if (ref.theta !== null) {
    expectClose(fit.theta!, ref.theta, `${label} theta`);
    expectClose(fit.thetaStandardError!, ref.thetaSe!, `${label} theta SE`);
  } else {
    expect(fit.theta).toBeNull();
  }
  const moran = globalMoran(pearsonResiduals(fit, y), weights);
  expectClose(moran.i, ref.moran.i, `${label} Moran I`);
  expectClose(moran.expected, ref.moran.expected, `${label} Moran E[I]`);
  expectClose(moran.variance, ref.moran.variance, `${label} Moran Var[I]`);
  expectClose(moran.z, ref.moran.z, `${label} Moran z`);
  expectClose(moran.p, ref.moran.p, `${label} Moran p`);
}

describe.each(['y_pois', 'y_nb'] as const)('%s', (name) => {
  const y = inputs[name];
  const ref = reference.cases[name];

  it('Poisson regression with offset equals glm(family = poisson, offset = ...)', () => {
    const fit = fitPoisson({ y, columns, names, offset: inputs.offset });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients.map((c) => c.name)).toEqual(['(Intercept)', 'x1', 'x2', 'x3']);
    compare(fit, ref.poisson, y, `${name} poisson`);
  });

  if (ref.negbin && 'estimate' in ref.negbin) {
    it('negative binomial regression equals MASS::glm.nb', () => {
      const fit = fitNegativeBinomial({ y, columns, names, offset: inputs.offset });
      expect(fit.converged).toBe(true);
      compare(fit, ref.negbin!, y, `${name} negbin`);
    });
  }

  it.each(['x1', 'x2', 'x3'] as const)('Spearman rho and p of %s equal cor.test(exact = FALSE)', (x) => {
    const result = spearman(inputs[x], y);
    expectClose(result.rho, ref.spearman[x].rho, `${name} rho ${x}`);
    expectClose(result.p, ref.spearman[x].p, `${name} p ${x}`);
  });
});

it('refuses a negative binomial fit of equidispersed counts (theta runs off to infinity), as glm.nb fails', () => {
  expect(() => fitNegativeBinomial({ y: inputs.y_pois, columns, names, offset: inputs.offset })).toThrow(/not overdispersed/);
});

it('overdispersed counts show a Pearson dispersion well above 1 under Poisson and near 1 under NB', () => {
  const poisson = fitPoisson({ y: inputs.y_nb, columns, names, offset: inputs.offset });
  const nb = fitNegativeBinomial({ y: inputs.y_nb, columns, names, offset: inputs.offset });
  expect(poisson.pearsonDispersion).toBeGreaterThan(1.5);
  expect(Math.abs(nb.pearsonDispersion - 1)).toBeLessThan(0.3);
  expect(nb.aic).toBeLessThan(poisson.aic);
});

it('special functions equal R lgamma, digamma, trigamma and pt', () => {
  const s = reference.special;
  s.x.forEach((x, i) => {
    expectClose(logGamma(x), s.lgamma[i], `lgamma(${x})`);
    expectClose(digammaOf(x), s.digamma[i], `digamma(${x})`);
    expectClose(trigamma(x), s.trigamma[i], `trigamma(${x})`);
  });
  s.t.forEach((t, i) => expectClose(studentTTwoSidedP(t, s.df[i]), s.twoSidedP[i], `pt(${t}, ${s.df[i]})`));
});

it('forward selection by BIC keeps the real covariates and leaves out noise', () => {
  const noise = inputs.x1.map((_, i) => ((i * 7919) % 101) / 101);
  const selection = forwardSelectByBic('poisson', inputs.y_pois, inputs.offset, [
    { name: 'x1', column: inputs.x1 },
    { name: 'x2', column: inputs.x2 },
    { name: 'x3', column: inputs.x3 },
    { name: 'noise', column: noise },
    { name: 'constant', column: inputs.x1.map(() => 1) },
  ]);
  expect([...selection.selected].sort()).toEqual(['x1', 'x2', 'x3']);
  expect(selection.fit.bic).toBeLessThan(selection.nullBic);
  expect(selection.skipped.map((s) => s.name)).toEqual(['constant']);
  expect(selection.steps.map((s) => s.bic)).toEqual([...selection.steps.map((s) => s.bic)].sort((a, b) => b - a));
});

it('refuses negative counts and mismatched columns', () => {
  expect(() => fitPoisson({ y: [1, -1, 2], columns: [] })).toThrow(RangeError);
  expect(() => fitPoisson({ y: [1, 2, 3], columns: [[1, 2]] })).toThrow(RangeError);
});

it('two-way fixed-effects Poisson equals glm(y ~ x + factor(cell) + factor(period), poisson)', () => {
  const panel = reference.panel;
  const fit = fitFixedEffectsPoisson({ y: panel.y, x: panel.x, cells: panel.cells, periods: panel.periods });
  expect(fit.converged).toBe(true);
  expectClose(fit.estimate, panel.estimate, 'panel estimate');
  expectClose(fit.modelStandardError, panel.standardError, 'panel SE');
  expectClose(fit.logLikelihood, panel.logLik, 'panel logLik');
  expectClose(fit.nullLogLikelihood, panel.nullLogLik, 'panel null logLik');
  expectClose(fit.dispersion, panel.dispersion, 'panel dispersion');
  const withEvents = Array.from({ length: panel.cells }, (_, i) => panel.y.slice(i * panel.periods, (i + 1) * panel.periods).some((v) => v > 0)).filter(Boolean).length;
  expect(fit.informativeCells).toBe(withEvents);
  expect(withEvents).toBeLessThanOrEqual(panel.cells - 3);
  expect(fit.standardError).toBe(fit.modelStandardError * Math.sqrt(Math.max(1, fit.dispersion)));
});
