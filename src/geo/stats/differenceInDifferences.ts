/**
 * Difference in differences on Poisson counts: the ratio of rate ratios
 *
 *   RRR = (b / a) / (d / c)
 *
 * with a = treated before, b = treated after, c = control before, d = control after, over
 * windows of equal length. log RRR is the interaction coefficient of the saturated Poisson
 * model `count ~ treated * after` (R: glm(..., family = poisson)), whose standard error is
 * sqrt(1/a + 1/b + 1/c + 1/d) (Woolf's formula for a 2x2 table of counts). A two-sided Wald
 * z test and a normal confidence interval on the log scale follow.
 *
 * When a count is zero the log is undefined: 0.5 is added to all four counts
 * (Haldane-Anscombe correction) and the answer says so.
 *
 * Too small to conclude: any count below 10 or the expected treated after-count under no
 * change (a * d / c) below 5. The estimate is still given, with that note, because hiding it
 * would be less honest than labelling it.
 */
import { normalCdf, twoSidedP, waldRatioInterval } from './normal';

export interface DiDCounts {
  treatedBefore: number;
  treatedAfter: number;
  controlBefore: number;
  controlAfter: number;
}

export interface DiDOptions {
  /** confidence level of the interval, default 0.95 */
  confidence?: number;
  /** smallest count of the 2x2 table that allows a conclusion, default 10 */
  minCount?: number;
  /** smallest expected treated after-count that allows a conclusion, default 5 */
  minExpected?: number;
}

/** A ratio of rate ratios with its log-scale standard error, interval and test: one fix or many pooled. */
export interface RatioOfRateRatiosEstimate {
  /** (b/a) / (d/c); below 1 means the treated cells fell relative to the controls */
  ratioOfRateRatios: number;
  /** 100 * (RRR - 1): the relative change of the treated cells beyond the controls' change */
  percentChange: number;
  logRatio: number;
  standardErrorLog: number;
  lower: number;
  upper: number;
  confidence: number;
  z: number;
  p: number;
}

/** The estimate, its interval at `confidence` and its two-sided test from the log ratio and its standard error. */
export function ratioOfRateRatiosEstimate(logRatio: number, standardErrorLog: number, confidence: number): RatioOfRateRatiosEstimate {
  const zCritical = normalQuantile(1 - (1 - confidence) / 2);
  const z = logRatio / standardErrorLog;
  const ratioOfRateRatios = Math.exp(logRatio);
  const interval = waldRatioInterval(logRatio, standardErrorLog, zCritical);
  return {
    ratioOfRateRatios,
    percentChange: 100 * (ratioOfRateRatios - 1),
    logRatio,
    standardErrorLog,
    lower: interval.low,
    upper: interval.high,
    confidence,
    z,
    p: twoSidedP(z),
  };
}

export interface DiDResult extends RatioOfRateRatiosEstimate {
  /** treated after-count expected if the treated cells had changed like the controls: a * d / c */
  expectedTreatedAfter: number;
  /** 0.5 was added to every count because one of them was zero */
  continuityCorrected: boolean;
  /** false when the counts are too small for any conclusion */
  conclusive: boolean;
  notes: DiDNote[];
}

/**
 * What an estimate's reader must know, as data: src/analysis puts it into words in the caller's
 * language (this module stays free of the catalogues). `minimum`: the count (or expected count)
 * below which no conclusion is drawn; `expected` rounded to 2 decimals.
 */
export type DiDNote =
  | { kind: 'continuityCorrected' }
  | { kind: 'fewCounts'; smallest: number; minimum: number }
  | { kind: 'fewExpected'; expected: number; minimum: number }
  | { kind: 'noPooledRatio' }
  | { kind: 'fewPooledCounts'; smallest: number; minimum: number };

/** Quantile of the standard normal by bisection on the upper tail (only used for the interval's z). */
export function normalQuantile(probability: number): number {
  if (!(probability > 0 && probability < 1)) throw new RangeError(`probability must lie in (0, 1), got ${probability}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < probability) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function differenceInDifferences(counts: DiDCounts, options: DiDOptions = {}): DiDResult {
  const confidence = options.confidence ?? 0.95;
  const minCount = options.minCount ?? 10;
  const minExpected = options.minExpected ?? 5;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
  const raw = [counts.treatedBefore, counts.treatedAfter, counts.controlBefore, counts.controlAfter];
  if (raw.some((v) => !Number.isFinite(v) || v < 0)) throw new RangeError('counts must be finite and non-negative');

  const notes: DiDNote[] = [];
  const continuityCorrected = raw.some((v) => v === 0);
  const [a, b, c, d] = continuityCorrected ? raw.map((v) => v + 0.5) : raw;
  if (continuityCorrected) notes.push({ kind: 'continuityCorrected' });

  const logRatio = Math.log(b) - Math.log(a) - (Math.log(d) - Math.log(c));
  const standardErrorLog = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  const expectedTreatedAfter = (a * d) / c;

  const smallest = Math.min(...raw);
  let conclusive = true;
  if (smallest < minCount) {
    conclusive = false;
    notes.push({ kind: 'fewCounts', smallest, minimum: minCount });
  }
  if (expectedTreatedAfter < minExpected) {
    conclusive = false;
    notes.push({ kind: 'fewExpected', expected: round(expectedTreatedAfter), minimum: minExpected });
  }
  return {
    ...ratioOfRateRatiosEstimate(logRatio, standardErrorLog, confidence),
    expectedTreatedAfter,
    continuityCorrected,
    conclusive,
    notes,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
