/**
 * Forecast scores by hand (PAI, PEI, RRI, the sign-flip test), the self-exciting model's EM on a
 * simulated grid Hawkes process with known parameters, and a backtest on it.
 */
import { backtestForecasts, eventsBefore, eventSteps, fitSelfExciting, fitSelfExcitingEvents, ForecastHistory, scoreForecast, selfExcitingForecast, signFlipTest, tieOrder } from '../../../../src/geo/forecast';
import { createRandom, fitNegativeBinomial } from '../../../../src/geo/stats';

function poisson(random: ReturnType<typeof createRandom>, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random.nextFloat();
  while (p > limit) {
    k++;
    p *= random.nextFloat();
  }
  return k;
}

/** Discrete-time grid Hawkes: counts ~ Poisson(mu_n + theta omega S_d). */
function simulate(cells: number, steps: number, mu: (n: number) => number, theta: number, omega: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const counts = new Float64Array(cells * steps);
  const decay = Math.exp(-omega);
  for (let n = 0; n < cells; n++) {
    let S = 0;
    let prev = 0;
    for (let d = 0; d < steps; d++) {
      if (d > 0) S = decay * (S + prev);
      prev = poisson(random, mu(n) + theta * omega * S);
      counts[d * cells + n] = prev;
    }
  }
  return counts;
}

describe('forecast scores', () => {
  it('PAI, PEI and RRI of a worked example', () => {
    // 10 equal cells; 2 % share -> no cell; 10 % -> one cell, 20 % -> two
    const forecast = [5, 4, 3, 0, 0, 0, 0, 0, 0, 0];
    const actual = [1, 0, 3, 2, 0, 0, 0, 0, 0, 0];
    const area = new Array(10).fill(1);
    const s = scoreForecast(forecast, actual, area, 0.2, tieOrder(10, 1));
    // hot cells 0 and 1: n = 1 of N = 6, area 2 of 10 -> PAI = (1/6)/(0.2); best: cells 2, 3 -> 5/6 / 0.2
    expect(s.hotCells).toBe(2);
    expect(s.pai).toBeCloseTo(1 / 6 / 0.2, 12);
    expect(s.pei).toBeCloseTo(1 / 5, 12);
    // forecast share of the hot cells 9 / 12
    expect(s.rri).toBeCloseTo(1 / 6 / (9 / 12), 12);
  });

  it('sign-flip test: exact p over all sign patterns', () => {
    // differences 1, 2, 3: |sum| = 6 reached by +++ and --- only: p = 2/8
    expect(signFlipTest([1, 2, 3])).toBeCloseTo(0.25, 12);
    expect(signFlipTest([1, -1])).toBe(1);
  });
});

describe('self-exciting point process on a grid', () => {
  it('recovers the branching ratio and decay of a simulated process by EM', () => {
    const cells = 400;
    const steps = 365;
    const counts = simulate(cells, steps, (n) => 0.004 + (n % 7) * 0.002, 0.4, 0.3, 11);
    const fit = fitSelfExciting(counts, cells, steps);
    expect(fit.converged).toBe(true);
    expect(fit.theta).toBeGreaterThan(0.3);
    expect(fit.theta).toBeLessThan(0.5);
    expect(fit.omega).toBeGreaterThan(0.18);
    expect(fit.omega).toBeLessThan(0.45);
    // the forecast of a quiet cell is its background rate times the horizon
    const quiet = new Float64Array(cells * 10);
    expect(selfExcitingForecast(fit, quiet, cells, 10, 7)[3]).toBeCloseTo(fit.mu[3] * 7, 12);
  });

  it('the EM on the cell-steps with events agrees with a step-by-step E-step', () => {
    const cells = 50;
    const steps = 200;
    const counts = simulate(cells, steps, (n) => 0.01 + (n % 5) * 0.01, 0.3, 0.4, 5);
    const fit = fitSelfExciting(counts, cells, steps, { maxIterations: 1 });
    // one EM iteration step by step over every cell-step (the recursions of the header)
    const theta = 0.2;
    const omega = 0.2;
    const decay = Math.exp(-omega);
    let triggered = 0;
    let lagSum = 0;
    const mu = new Float64Array(cells);
    for (let n = 0; n < cells; n++) {
      let total = 0;
      for (let d = 0; d < steps; d++) total += counts[d * cells + n];
      const m0 = (0.5 * total) / steps;
      let S = 0;
      let R = 0;
      let prev = 0;
      let background = 0;
      for (let d = 0; d < steps; d++) {
        if (d > 0) {
          R = decay * (R + S + prev);
          S = decay * (S + prev);
        }
        const c = counts[d * cells + n];
        prev = c;
        if (c === 0) continue;
        const lambda = m0 + theta * omega * S;
        background += (c * m0) / lambda;
        triggered += (c * theta * omega * S) / lambda;
        lagSum += (c * theta * omega * R) / lambda;
      }
      mu[n] = background / steps;
    }
    for (let n = 0; n < cells; n++) expect(fit.mu[n]).toBeCloseTo(mu[n], 12);
    expect(fit.omega).toBeCloseTo(Math.max(1e-3, -Math.log(1 - triggered / lagSum)), 10);
    // an earlier origin: the prefix of each cell's events is the history cut at that step
    const whole = eventSteps(counts, cells, steps);
    const early = fitSelfExcitingEvents(eventsBefore(whole, 120), cells, 120);
    const direct = fitSelfExciting(counts, cells, 120);
    expect(early.theta).toBeCloseTo(direct.theta, 12);
    expect(early.omega).toBeCloseTo(direct.omega, 12);
  });

  it('beats the last period on PAI in a backtest of a self-exciting city', () => {
    const cells = 900;
    const side = 30;
    const steps = 7 * 40;
    const counts = simulate(cells, steps, (n) => (n % 13 === 0 ? 0.03 : 0.003), 0.5, 0.25, 5);
    const x = Float64Array.from({ length: cells }, (_, n) => (n % side) * 300);
    const y = Float64Array.from({ length: cells }, (_, n) => Math.floor(n / side) * 300);
    const history: ForecastHistory = {
      cells,
      counts,
      edges: Array.from({ length: 41 }, (_, k) => 7 * k),
      x,
      y,
      cellArea: new Float64Array(cells).fill(0.1),
      kdeBandwidthMeters: 600,
      phase: Array.from({ length: 41 }, (_, k) => (7 * k) / 365.25),
    };
    const result = backtestForecasts(history, 40, { origins: 12, shares: [0.01, 0.02, 0.05], primaryShare: 0.02, methods: ['lastPeriod', 'longTermAverage', 'recentKde', 'selfExciting', 'negativeBinomial'], seed: 1 });
    const pai = (m: string) => result.methods.find((r) => r.method === m)!.scores.find((s) => s.share === 0.02)!.pai;
    expect(pai('selfExciting')).toBeGreaterThan(pai('lastPeriod'));
    expect(result.methods.find((r) => r.method === 'selfExciting')!.pVersusLastPeriod).toBeGreaterThan(0);
    expect(result.chosen).not.toBe('lastPeriod');
    expect(result.originPeriods).toHaveLength(12);
  });
});

describe('negative binomial warm start', () => {
  it('reaches the cold fit from a nearby start', () => {
    const random = createRandom(3);
    const n = 2000;
    const x = Float64Array.from({ length: n }, () => random.nextFloat());
    const y = Float64Array.from(x, (v) => {
      // gamma-Poisson mixture with shape 2: overdispersed counts
      const g = -Math.log(random.nextFloat() * random.nextFloat()) / 2;
      return poisson(random, g * Math.exp(0.5 + 1.2 * v));
    });
    const cold = fitNegativeBinomial({ y, columns: [x] }, { epsilon: 1e-10 });
    const warm = fitNegativeBinomial({ y, columns: [x] }, { epsilon: 1e-10 }, { coefficients: [0.4, 1.0], theta: 1.5 });
    expect(warm.coefficients[1].estimate).toBeCloseTo(cold.coefficients[1].estimate, 6);
    expect(warm.theta!).toBeCloseTo(cold.theta!, 5);
  });
});

describe('negative binomial forecast with environmental factors', () => {
  it('takes the factor columns as covariates and names them', () => {
    const cells = 300;
    const periods = 30;
    const random = createRandom(9);
    const factor = Float64Array.from({ length: cells }, () => random.nextFloat());
    const counts = new Float64Array(periods * cells);
    for (let p = 0; p < periods; p++) for (let n = 0; n < cells; n++) counts[p * cells + n] = poisson(random, Math.exp(-0.5 + 1.5 * factor[n]));
    const history: ForecastHistory = {
      cells,
      counts,
      edges: Array.from({ length: periods + 2 }, (_, k) => k),
      x: Float64Array.from({ length: cells }, (_, i) => (i % 20) * 300),
      y: Float64Array.from({ length: cells }, (_, i) => Math.floor(i / 20) * 300),
      cellArea: new Float64Array(cells).fill(0.1),
      kdeBandwidthMeters: 600,
      phase: Array.from({ length: periods + 2 }, (_, k) => (k / 52) % 1),
      factors: [
        { name: 'lighting|density', values: factor },
        { name: 'constant', values: new Float64Array(cells).fill(2) },
      ],
    };
    const result = backtestForecasts(history, periods, { origins: 4, shares: [0.01, 0.02, 0.05], primaryShare: 0.02, methods: ['negativeBinomial'], seed: 1 });
    const note = result.methods[0].note;
    if (note.kind !== 'regression') throw new Error(`expected a regression note, got ${note.kind}`);
    const coefficient = note.coefficients.find((c) => c.name === 'lighting|density')!;
    expect(coefficient.term).toBeNull();
    // the lags carry part of the factor's effect; the factor keeps a clearly positive coefficient
    expect(coefficient.estimate).toBeGreaterThan(0.3);
    expect(note.coefficients.map((c) => c.name)).not.toContain('constant');
  });
});
