/**
 * A self-exciting point process on a grid (Mohler et al. 2011; Mohler et al. 2015, the model of
 * their field trials): each cell n has its own Hawkes process
 *
 *   λ_n(t) = μ_n + Σ_{t_i < t, i in cell n} θ ω exp(−ω (t − t_i))
 *
 * a constant background rate μ_n and near-repeat triggering that decays at rate ω, shared by all
 * cells. Time is in whole steps (days for analysts, months on the release lattice) and the data
 * are counts per step, so the model is the discrete-time form: the counts of step d are Poisson
 * with mean
 *
 *   λ_n(d) = μ_n + θ ω S_n(d),   S_n(d) = Σ_{d' < d} c_n(d') e^{−ω (d − d')}
 *
 * (events of one step are triggered only by earlier steps). An event's expected direct offspring
 * (the branching ratio) is θ G(ω), G(ω) = ω e^{−ω} / (1 − e^{−ω}) (→ θ as ω → 0, the continuous
 * model), and the lag of a triggered event is geometric with mean 1 / (1 − e^{−ω}).
 *
 * Fitted by expectation-maximisation (Mohler 2015, appendix; Veen and Schoenberg 2008):
 *   E-step  each event's probability of being background μ_n / λ_n(d), and of being triggered by
 *           each earlier event of its cell θ ω e^{−ω Δ} / λ_n(d)
 *   M-step  μ_n = Σ_{events of n} background / T
 *           ω from the mean lag L of the triggered events: e^{−ω} = 1 − 1/L (geometric MLE)
 *           θ = Σ triggered / Σ_events Σ_{k=1}^{T−1−d_i} ω e^{−ωk}   (the offspring each event could
 *           have had before the end of the history)
 * The sums over earlier events run by recursion on the step counts c_d:
 *   S_d = e^{−ω}(S_{d−1} + c_{d−1}),   R_d = e^{−ω}(R_{d−1} + S_{d−1} + c_{d−1}) = Σ_{d'<d} c_{d'} (d − d') e^{−ω(d−d')},
 * so one iteration costs O(cells × steps). The expected count over the next H steps, without the
 * offspring of the forecast period's own events:
 *   E[N_n(T, T+H)] = μ_n H + θ ω S_T (1 − e^{−ωH}) / (1 − e^{−ω})
 */

const { exp, abs, max, min, log } = Math;

export interface SelfExcitingFit {
  /** per cell, events per step */
  mu: Float64Array;
  theta: number;
  /** per step */
  omega: number;
  /** expected direct offspring of an event, θ ω e^{−ω} / (1 − e^{−ω}) */
  branchingRatio: number;
  iterations: number;
  converged: boolean;
}

export interface SelfExcitingOptions {
  maxIterations?: number;
  /** relative change of θ and ω that ends the iterations (default 1e-5) */
  tolerance?: number;
  /** starting values (e.g. the fit of the previous origin of a backtest) */
  start?: { theta: number; omega: number };
}

/**
 * Fits the model to step counts `counts` (steps × cells, step-major) over steps [0, steps).
 * Cells without events get μ = 0.
 */
export function fitSelfExciting(counts: Float64Array, cells: number, steps: number, options: SelfExcitingOptions = {}): SelfExcitingFit {
  return fitSelfExcitingEvents(eventSteps(counts, cells, steps), cells, steps, options);
}

/**
 * The history as the EM reads it: per cell, its steps with events (sorted) and their counts,
 * cells with events only. A cell-step without events adds nothing to the E-step, and between two
 * steps with events S and R move by closed forms (Δ steps apart, e = e^{−ω}):
 *   S_k = e^Δ (S_{k−1} + c_{k−1}),   R_k = e^Δ (R_{k−1} + Δ (S_{k−1} + c_{k−1}))
 * so an iteration costs O(cell-steps with events), not O(cells × steps): the sufficient
 * statistics of the likelihood are the events, and a district at resolution 9 over a year of
 * days is mostly empty cell-steps.
 */
export interface EventSteps {
  /** cells with events, ascending */
  cell: Int32Array;
  /** per listed cell k: its events are entries offsets[k] .. offsets[k + 1] − 1 */
  offsets: Int32Array;
  step: Int32Array;
  count: Float64Array;
}

/** The steps with events of each cell over steps [0, steps) of a step-major count table. */
export function eventSteps(counts: Float64Array, cells: number, steps: number): EventSteps {
  const perCell = new Int32Array(cells);
  for (let d = 0; d < steps; d++) {
    const base = d * cells;
    for (let n = 0; n < cells; n++) if (counts[base + n] !== 0) perCell[n]++;
  }
  const listed: number[] = [];
  for (let n = 0; n < cells; n++) if (perCell[n] > 0) listed.push(n);
  const cell = Int32Array.from(listed);
  const offsets = new Int32Array(cell.length + 1);
  const slot = new Int32Array(cells).fill(-1);
  cell.forEach((n, k) => {
    offsets[k + 1] = offsets[k] + perCell[n];
    slot[n] = offsets[k];
  });
  const total = offsets[cell.length];
  const step = new Int32Array(total);
  const count = new Float64Array(total);
  for (let d = 0; d < steps; d++) {
    const base = d * cells;
    for (let n = 0; n < cells; n++) {
      const c = counts[base + n];
      if (c === 0) continue;
      step[slot[n]] = d;
      count[slot[n]++] = c;
    }
  }
  return { cell, offsets, step, count };
}

/** fitSelfExciting on the events of eventSteps (the same model and iterations). */
export function fitSelfExcitingEvents(events: EventSteps, cells: number, steps: number, options: SelfExcitingOptions = {}): SelfExcitingFit {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  let theta = options.start?.theta ?? 0.2;
  let omega = options.start?.omega ?? 0.2;
  const { cell, offsets, step, count } = events;
  const mu = new Float64Array(cells);
  let total = 0;
  // per step d: events at d, summed over the cells (for the truncated offspring sum)
  const perStep = new Float64Array(steps);
  for (let k = 0; k < cell.length; k++) {
    let s = 0;
    for (let e = offsets[k]; e < offsets[k + 1]; e++) {
      s += count[e];
      perStep[step[e]] += count[e];
    }
    mu[cell[k]] = (0.5 * s) / steps;
    total += s;
  }
  let iterations = 0;
  let converged = false;
  if (total === 0 || steps < 2) return { mu, theta: 0, omega, branchingRatio: 0, iterations, converged: true };
  // e^{−ωΔ} for every gap Δ between two steps, refilled when ω changes
  const decayOf = new Float64Array(steps + 1);
  for (; iterations < maxIterations;) {
    iterations++;
    const decay = exp(-omega);
    decayOf[0] = 1;
    for (let g = 1; g <= steps; g++) decayOf[g] = decayOf[g - 1] * decay;
    const tw = theta * omega;
    let triggered = 0;
    let triggeredLag = 0;
    for (let k = 0; k < cell.length; k++) {
      const n = cell[k];
      const m = mu[n];
      let S = 0;
      let R = 0;
      let background = 0;
      let prevStep = -1;
      let prev = 0;
      for (let e = offsets[k]; e < offsets[k + 1]; e++) {
        const d = step[e];
        if (prevStep >= 0) {
          const gap = d - prevStep;
          const f = decayOf[gap];
          R = f * (R + gap * (S + prev));
          S = f * (S + prev);
        }
        const c = count[e];
        prevStep = d;
        prev = c;
        const lambda = m + tw * S;
        if (lambda <= 0) continue;
        background += (c * m) / lambda;
        triggered += (c * tw * S) / lambda;
        triggeredLag += (c * tw * R) / lambda;
      }
      mu[n] = background / steps;
    }
    const meanLag = triggered > 0 ? triggeredLag / triggered : 0;
    const nextOmega = meanLag > 1 + 1e-9 ? min(20, max(1e-3, -log(1 - 1 / meanLag))) : 20;
    // offspring each event could have had before the end: Σ_{k=1}^{K} ω e^{−ωk} = ω e^{−ω} (1 − e^{−ωK}) / (1 − e^{−ω})
    const e = exp(-nextOmega);
    let exposure = 0;
    for (let d = 0; d < steps; d++) if (perStep[d] > 0) exposure += (perStep[d] * nextOmega * e * (1 - e ** (steps - 1 - d))) / (1 - e);
    const nextTheta = exposure > 0 ? min(0.99 / max(1e-9, (nextOmega * e) / (1 - e)), triggered / exposure) : 0;
    // converged when the branching ratio and the decay per step (e^{−ω}) settle: θ alone runs off as ω meets its cap
    const ratioOf = (t: number, w: number) => (t * w * exp(-w)) / (1 - exp(-w));
    const change = max(abs(ratioOf(nextTheta, nextOmega) - ratioOf(theta, omega)) / max(ratioOf(theta, omega), 1e-9), abs(exp(-nextOmega) - exp(-omega)));
    theta = nextTheta;
    omega = nextOmega;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  return { mu, theta, omega, branchingRatio: (theta * omega * exp(-omega)) / (1 - exp(-omega)), iterations, converged };
}

/** The events of `events` before step `steps` (an earlier origin of a backtest: a prefix of each cell's list). */
export function eventsBefore(events: EventSteps, steps: number): EventSteps {
  const keep: number[] = [];
  const ends: number[] = [];
  for (let k = 0; k < events.cell.length; k++) {
    let end = events.offsets[k];
    while (end < events.offsets[k + 1] && events.step[end] < steps) end++;
    if (end > events.offsets[k]) {
      keep.push(k);
      ends.push(end);
    }
  }
  const offsets = new Int32Array(keep.length + 1);
  keep.forEach((k, i) => (offsets[i + 1] = offsets[i] + ends[i] - events.offsets[k]));
  const step = new Int32Array(offsets[keep.length]);
  const count = new Float64Array(offsets[keep.length]);
  keep.forEach((k, i) => {
    step.set(events.step.subarray(events.offsets[k], ends[i]), offsets[i]);
    count.set(events.count.subarray(events.offsets[k], ends[i]), offsets[i]);
  });
  return { cell: Int32Array.from(keep, (k) => events.cell[k]), offsets, step, count };
}

/** Expected events of each cell over steps [steps, steps + horizon) given the counts of steps [0, steps). */
export function selfExcitingForecast(fit: SelfExcitingFit, counts: Float64Array, cells: number, steps: number, horizon: number): Float64Array {
  const out = new Float64Array(cells);
  const decay = exp(-fit.omega);
  const tail = (fit.omega * (1 - exp(-fit.omega * horizon))) / (1 - decay);
  for (let n = 0; n < cells; n++) {
    // S at step `steps`: every earlier step's events, decayed
    let S = 0;
    for (let d = 0; d < steps; d++) S = decay * (S + counts[d * cells + n]);
    // Σ_{h<H} θ ω S e^{−ωh}: the triggering of the earlier events over the horizon
    out[n] = fit.mu[n] * horizon + fit.theta * S * tail;
  }
  return out;
}
