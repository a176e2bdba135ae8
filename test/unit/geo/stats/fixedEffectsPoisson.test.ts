/**
 * Cell and period fixed-effects Poisson (src/geo/stats/fixedEffectsPoisson.ts) against the
 * conditional Poisson model worked out by hand.
 *
 * With two periods, conditioning on each cell's total Y_i turns the model
 * log mu_it = a_i + g_t + beta x_it into a binomial one (Hausman, Hall and Griliches 1984):
 *
 *   y_i2 | Y_i ~ Binomial(Y_i, p_i),   logit p_i = (g_2 - g_1) + beta (x_i2 - x_i1),
 *
 * whose beta and information equal the unconditional Poisson ones. When every informative cell
 * has x_i2 - x_i1 = +1 or -1, the two groups have two free parameters, so the fit is saturated:
 * p+ and p- are the shares of events in period 2 within each group, and
 *
 *   beta = (logit p+ - logit p-) / 2,   Var(beta) = (1 / (N+ p+ q+) + 1 / (N- p- q-)) / 4
 *
 * (N = events of the group, q = 1 - p). The fitted means are mu_i2 = Y_i p, mu_i1 = Y_i q, so the
 * Pearson statistic is sum (y_i2 - Y_i p)^2 / (Y_i p q), on rows - cells - periods degrees of freedom.
 */
import { fitFixedEffectsPoisson } from '../../../../src/geo/stats/fixedEffectsPoisson';

const Z_975 = 1.959963984540054;

/** rows in the module's order: row = cell * periods + period */
function panel(cells: { x: [number, number]; y: [number, number] }[]) {
  return { y: cells.flatMap((c) => c.y), x: cells.flatMap((c) => c.x), cells: cells.length, periods: 2 };
}

describe('fitFixedEffectsPoisson', () => {
  it('equals the saturated conditional (binomial) fit of a two-period panel', () => {
    const fit = fitFixedEffectsPoisson(
      panel([
        // the factor appears in period 2: 11 of 16 events fall in period 2, p+ = 11/16
        { x: [0, 1], y: [2, 6] },
        { x: [0, 1], y: [3, 5] },
        // the factor goes away in period 2: 5 of 15 events fall in period 2, p- = 1/3
        { x: [1, 0], y: [4, 2] },
        { x: [1, 0], y: [6, 3] },
        // no events: no information, left out
        { x: [0, 1], y: [0, 0] },
      ]),
    );
    // beta = (log(11/5) - log(1/2)) / 2 = log(4.4) / 2
    const beta = Math.log(4.4) / 2;
    // Var = (1 / (16 * 11/16 * 5/16) + 1 / (15 * 1/3 * 2/3)) / 4 = (16/55 + 3/10) / 4
    const modelSe = Math.sqrt((16 / 55 + 3 / 10) / 4);
    // Pearson: the period-2 counts of the p- cells are exactly Y_i / 3 (0 each); the p+ cells are
    // 0.5 off their expected 5.5, each 0.25 / (8 * 11/16 * 5/16) = 8/55; 8 rows - 4 cells - 2 periods = 2 df
    const pearson = 16 / 55;
    const dispersion = pearson / 2;

    expect(fit.converged).toBe(true);
    expect(fit.informativeCells).toBe(4);
    expect(fit.rows).toBe(8);
    expect(fit.estimate).toBeCloseTo(beta, 9);
    expect(fit.modelStandardError).toBeCloseTo(modelSe, 9);
    expect(fit.dispersion).toBeCloseTo(dispersion, 9);
    // dispersion below 1: the model-based standard error stands
    expect(fit.standardError).toBeCloseTo(modelSe, 9);
    expect(fit.z).toBeCloseTo(beta / modelSe, 8);
    // 2 * (1 - Phi(1.9274004882)) = erfc(z / sqrt 2)
    expect(fit.p).toBeCloseTo(0.05392973883740478, 9);
    expect(fit.relativeRisk).toBeCloseTo(Math.sqrt(4.4), 9);
    expect(fit.relativeRiskLow).toBeCloseTo(Math.exp(beta - Z_975 * modelSe), 8);
    expect(fit.relativeRiskHigh).toBeCloseTo(Math.exp(beta + Z_975 * modelSe), 8);
    // sum over rows of y log mu - mu - log y!, with mu_i2 = Y_i p, mu_i1 = Y_i q (and, without
    // the covariate, mu_it = Y_i Y_.t / Y: 15 and 16 of 31 events per period)
    expect(fit.logLikelihood).toBeCloseTo(-12.782313135761, 8);
    expect(fit.nullLogLikelihood).toBeCloseTo(-14.768649385124, 8);
  });

  it('scales the standard error by sqrt(dispersion) when the counts are overdispersed', () => {
    const fit = fitFixedEffectsPoisson(
      panel([
        // p+ = 18/30 = 0.6
        { x: [0, 1], y: [0, 8] },
        { x: [0, 1], y: [5, 3] },
        { x: [0, 1], y: [7, 7] },
        // p- = 6/17
        { x: [1, 0], y: [4, 2] },
        { x: [1, 0], y: [6, 0] },
        { x: [1, 0], y: [1, 4] },
      ]),
    );
    // beta = (log(0.6/0.4) - log(6/11)) / 2 = log(2.75) / 2
    const beta = Math.log(2.75) / 2;
    const modelSe = Math.sqrt((1 / (30 * 0.6 * 0.4) + 1 / (17 * (6 / 17) * (11 / 17))) / 4);
    // (y_i2 - Y_i p)^2 / (Y_i p q) per cell: 10.24/1.92 + 3.24/1.92 + 1.96/3.36 + 4/396 + 1296/396 + 1444/330
    const pearson = 10.24 / 1.92 + 3.24 / 1.92 + 1.96 / 3.36 + 4 / 396 + 1296 / 396 + 1444 / 330;
    const dispersion = pearson / (12 - 6 - 2);
    expect(dispersion).toBeGreaterThan(1);

    expect(fit.estimate).toBeCloseTo(beta, 9);
    expect(fit.modelStandardError).toBeCloseTo(modelSe, 9);
    expect(fit.dispersion).toBeCloseTo(dispersion, 9);
    expect(fit.standardError).toBeCloseTo(modelSe * Math.sqrt(dispersion), 9);
    expect(fit.z).toBeCloseTo(0.822470904172199, 8);
    expect(fit.p).toBeCloseTo(0.4108089395910516, 8);
    expect(fit.logLikelihood).toBeCloseTo(-26.324084458837, 8);
    expect(fit.nullLogLikelihood).toBeCloseTo(-27.663790801406, 8);
  });

  it('refuses a covariate that does not vary within the cells with events, and a panel of the wrong size', () => {
    expect(() =>
      fitFixedEffectsPoisson(
        panel([
          { x: [1, 1], y: [2, 3] },
          { x: [0, 1], y: [0, 0] },
        ]),
      ),
    ).toThrow(RangeError);
    expect(() => fitFixedEffectsPoisson({ y: [1, 2, 3], x: [0, 1, 0], cells: 2, periods: 2 })).toThrow(RangeError);
  });
});
