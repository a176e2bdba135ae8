/**
 * Forward selection by BIC (src/geo/stats/bicSelection.ts) on cases whose choice follows from
 * log-likelihoods worked out by hand.
 *
 * Eight cells in a balanced 2 x 2 design of two binary candidates A and B, two cells per
 * combination, no offset. Poisson maximum likelihood then has closed forms:
 * - intercept only: every mu is the mean count T / n;
 * - one binary column: mu is the mean count of the cell's group;
 * - A + B (no interaction): the fitted group totals are the independence fit of the 2 x 2 table
 *   of totals, F_ab = T_a. T_.b / T (it matches both margins and is log-additive, so it is the
 *   MLE), split evenly over the group's two cells.
 * logLik = sum_i (y_i log mu_i - mu_i - log y_i!), and BIC = -2 logLik + k log n with k the
 * number of coefficients (R's BIC for a Poisson glm).
 */
import { forwardSelectByBic, type SelectionCandidate } from '../../../../src/geo/stats/bicSelection';

const A = [0, 0, 0, 0, 1, 1, 1, 1];
const B = [0, 0, 1, 1, 0, 0, 1, 1];
const n = 8;
const logFactorial = (k: number): number => {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
};
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const bic = (logLik: number, k: number): number => -2 * logLik + k * Math.log(n);
const candidates: SelectionCandidate[] = [
  { name: 'A', column: A },
  { name: 'B', column: B },
];

describe('forwardSelectByBic', () => {
  it('adds the factor that lowers BIC most and stops when the next one would raise it', () => {
    // totals per (A, B) group: (0,0) 3, (0,1) 3, (1,0) 11, (1,1) 12; T = 29
    const y = [1, 2, 2, 1, 6, 5, 5, 7];
    const lf = sum(y.map(logFactorial)); // log(2!) * 2 + log(6!) + log(5!) * 2 + log(7!)
    const T = 29;
    const nullLogLik = T * Math.log(T / n) - T - lf;
    // A = 0: 6 events over 4 cells (mean 1.5); A = 1: 23 over 4 (5.75)
    const logLikA = 6 * Math.log(1.5) + 23 * Math.log(5.75) - T - lf;
    // B = 0: 14 over 4 (3.5); B = 1: 15 over 4 (3.75)
    const logLikB = 14 * Math.log(3.5) + 15 * Math.log(3.75) - T - lf;
    // A + B: F_ab = T_a. T_.b / T with T_0. = 6, T_1. = 23, T_.0 = 14, T_.1 = 15; per cell F_ab / 2
    const groups = [
      [3, (6 * 14) / T],
      [3, (6 * 15) / T],
      [11, (23 * 14) / T],
      [12, (23 * 15) / T],
    ];
    const logLikAB = sum(groups.map(([total, fitted]) => total * Math.log(fitted / 2))) - T - lf;
    // the hand numbers: BIC 37.5153 (null), 28.9615 (A), 39.5602 (B), 31.0064 (A + B)
    expect(bic(nullLogLik, 1)).toBeCloseTo(37.515273659414, 9);
    expect(bic(logLikA, 2)).toBeCloseTo(28.961489304355, 9);
    expect(bic(logLikB, 2)).toBeCloseTo(39.560225605539, 9);
    expect(bic(logLikAB, 3)).toBeCloseTo(31.00644125048, 9);

    const selection = forwardSelectByBic('poisson', y, undefined, candidates);
    expect(selection.nullBic).toBeCloseTo(bic(nullLogLik, 1), 7);
    // A first (28.96 < 39.56 and < 37.52); then A + B at 31.01 does not beat 28.96
    expect(selection.selected).toEqual(['A']);
    expect(selection.steps).toHaveLength(1);
    expect(selection.steps[0].added).toBe('A');
    expect(selection.steps[0].bic).toBeCloseTo(bic(logLikA, 2), 7);
    expect(selection.fit.logLikelihood).toBeCloseTo(logLikA, 7);
    expect(selection.fit.coefficients.map((c) => c.name)).toEqual(['(Intercept)', 'A']);
    // exp(beta_A) = 5.75 / 1.5
    expect(selection.fit.coefficients[1].relativeRisk).toBeCloseTo(5.75 / 1.5, 7);
    expect(selection.skipped).toEqual([]);
  });

  it('skips a candidate that cannot be fitted (a constant column is collinear with the intercept) and says why', () => {
    const y = [1, 2, 2, 1, 6, 5, 5, 7];
    const selection = forwardSelectByBic('poisson', y, undefined, [{ name: 'constant', column: new Array(8).fill(1) }, ...candidates]);
    expect(selection.selected).toEqual(['A']);
    expect(selection.skipped.map((s) => s.name)).toEqual(['constant']);
    expect(selection.skipped[0].reason).not.toBe('');
  });

  it('takes both factors, in order of BIC, when each pays for its log(n) penalty', () => {
    // totals per (A, B) group: (0,0) 1, (0,1) 7, (1,0) 11, (1,1) 30; T = 49
    const y = [1, 0, 3, 4, 5, 6, 14, 16];
    const lf = sum(y.map(logFactorial));
    const T = 49;
    const nullLogLik = T * Math.log(T / n) - T - lf;
    const logLikA = 8 * Math.log(8 / 4) + 41 * Math.log(41 / 4) - T - lf;
    const logLikB = 12 * Math.log(12 / 4) + 37 * Math.log(37 / 4) - T - lf;
    const groups = [
      [1, (8 * 12) / T],
      [7, (8 * 37) / T],
      [11, (41 * 12) / T],
      [30, (41 * 37) / T],
    ];
    const logLikAB = sum(groups.map(([total, fitted]) => total * Math.log(fitted / 2))) - T - lf;
    // BIC 66.8656 (null), 44.6310 (A), 55.5693 (B), 33.3348 (A + B)
    expect(bic(logLikA, 2)).toBeCloseTo(44.631031422853, 9);
    expect(bic(logLikB, 2)).toBeCloseTo(55.569320428899, 9);
    expect(bic(logLikAB, 3)).toBeCloseTo(33.334753353915, 9);

    const selection = forwardSelectByBic('poisson', y, undefined, candidates);
    expect(selection.nullBic).toBeCloseTo(bic(nullLogLik, 1), 7);
    expect(selection.selected).toEqual(['A', 'B']);
    expect(selection.steps.map((s) => s.added)).toEqual(['A', 'B']);
    expect(selection.steps[0].bic).toBeCloseTo(bic(logLikA, 2), 7);
    expect(selection.steps[1].bic).toBeCloseTo(bic(logLikAB, 3), 7);
    expect(selection.fit.logLikelihood).toBeCloseTo(logLikAB, 7);

    // maxTerms stops after the first
    const one = forwardSelectByBic('poisson', y, undefined, candidates, { maxTerms: 1 });
    expect(one.selected).toEqual(['A']);
    expect(one.fit.logLikelihood).toBeCloseTo(logLikA, 7);
  });

  it('keeps the offset in every model, which can change the order of the choice', () => {
    // the counts of the second case with exposure 2 in every A = 1 cell (offset log 2); the MLE
    // again matches the totals: exposures per group are 1, 1 (A = 0) and 2, 2 (A = 1)
    const y = [1, 0, 3, 4, 5, 6, 14, 16];
    const offset = A.map((a) => (a ? Math.log(2) : 0));
    const lf = sum(y.map(logFactorial));
    const T = 49;
    // intercept only: mu = e^b0 x exposure with e^b0 = 49 / 12 (12 exposure units)
    const nullLogLik = 8 * Math.log(49 / 12) + 41 * Math.log(49 / 6) - T - lf;
    // A: the group means of the counts, as without the offset (A absorbs it)
    const logLikA = 8 * Math.log(2) + 41 * Math.log(41 / 4) - T - lf;
    // B: per B group, T_.b over 6 exposure units, times each cell's exposure:
    // B = 0: 12 / 6 = 2 (A = 0) and 4 (A = 1); B = 1: 37 / 6 and 37 / 3
    const logLikB = 1 * Math.log(2) + 11 * Math.log(4) + 7 * Math.log(37 / 6) + 30 * Math.log(37 / 3) - T - lf;
    // BIC 49.7631 (null), 44.6310 (A), 38.4668 (B): with the exposure, B now comes first
    expect(bic(nullLogLik, 1)).toBeCloseTo(49.763110286522, 9);
    expect(bic(logLikA, 2)).toBeCloseTo(44.631031422853, 9);
    expect(bic(logLikB, 2)).toBeCloseTo(38.466832217584, 9);

    const selection = forwardSelectByBic('poisson', y, offset, candidates);
    expect(selection.nullBic).toBeCloseTo(bic(nullLogLik, 1), 7);
    expect(selection.selected).toEqual(['B', 'A']);
    expect(selection.steps[0].bic).toBeCloseTo(bic(logLikB, 2), 7);
    // A + B absorbs the offset too: the same fit as without it (BIC 33.3348)
    expect(selection.steps[1].bic).toBeCloseTo(33.334753353915, 7);
    // A alone: the rate ratio of A is (41 / 8) / (8 / 4) per unit of exposure
    const onlyA = forwardSelectByBic('poisson', y, offset, [candidates[0]]);
    expect(onlyA.fit.coefficients[1].relativeRisk).toBeCloseTo(41 / 8 / (8 / 4), 7);
  });
});
