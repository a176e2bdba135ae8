/**
 * Pooling the difference in differences of many fixes: the Mantel-Haenszel common ratio of rate
 * ratios over strata (one 2x2 table of counts per fix), with the Robins-Breslow-Greenland (1986)
 * variance of its log, as R's mantelhaen.test computes its estimate and interval.
 *
 * Each fix k is a table with a = treated before, b = treated after, c = control before,
 * d = control after; its ratio of rate ratios bc/(ad) is the table's odds ratio with
 * A = b, B = a, C = d, D = c. Then, with n = a + b + c + d,
 *
 *   RRR_MH = sum(A D / n) / sum(B C / n) = sum(R) / sum(S)
 *   Var(log RRR_MH) = sum(P R) / (2 sum(R)^2) + sum(P S + Q R) / (2 sum(R) sum(S)) + sum(Q S) / (2 sum(S)^2)
 *
 * with P = (A + D) / n and Q = (B + C) / n. Unlike adding up the counts of every fix, this keeps
 * each fix compared with its own controls over its own windows.
 */
import { DiDCounts, DiDNote, RatioOfRateRatiosEstimate, ratioOfRateRatiosEstimate } from './differenceInDifferences';

export interface PooledDiDResult extends RatioOfRateRatiosEstimate {
  /** tables that carried information (n > 0) */
  strata: number;
  totals: DiDCounts;
  conclusive: boolean;
  notes: DiDNote[];
}

export function mantelHaenszelRatioOfRateRatios(tables: readonly DiDCounts[], options: { confidence?: number; minCount?: number } = {}): PooledDiDResult {
  const confidence = options.confidence ?? 0.95;
  const minCount = options.minCount ?? 10;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
  let sumR = 0;
  let sumS = 0;
  let sumPR = 0;
  let sumPSQR = 0;
  let sumQS = 0;
  let strata = 0;
  const totals: DiDCounts = { treatedBefore: 0, treatedAfter: 0, controlBefore: 0, controlAfter: 0 };
  for (const t of tables) {
    const values = [t.treatedBefore, t.treatedAfter, t.controlBefore, t.controlAfter];
    if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new RangeError('counts must be finite and non-negative');
    totals.treatedBefore += t.treatedBefore;
    totals.treatedAfter += t.treatedAfter;
    totals.controlBefore += t.controlBefore;
    totals.controlAfter += t.controlAfter;
    const n = values[0] + values[1] + values[2] + values[3];
    if (n === 0) continue;
    strata++;
    const A = t.treatedAfter;
    const B = t.treatedBefore;
    const C = t.controlAfter;
    const D = t.controlBefore;
    const P = (A + D) / n;
    const Q = (B + C) / n;
    const R = (A * D) / n;
    const S = (B * C) / n;
    sumR += R;
    sumS += S;
    sumPR += P * R;
    sumPSQR += P * S + Q * R;
    sumQS += Q * S;
  }
  const notes: DiDNote[] = [];
  const logRatio = Math.log(sumR) - Math.log(sumS);
  const standardErrorLog = Math.sqrt(sumPR / (2 * sumR * sumR) + sumPSQR / (2 * sumR * sumS) + sumQS / (2 * sumS * sumS));
  let conclusive = true;
  if (!(sumR > 0 && sumS > 0)) {
    conclusive = false;
    notes.push({ kind: 'noPooledRatio' });
  }
  const smallest = Math.min(totals.treatedBefore, totals.treatedAfter, totals.controlBefore, totals.controlAfter);
  if (smallest < minCount) {
    conclusive = false;
    notes.push({ kind: 'fewPooledCounts', smallest, minimum: minCount });
  }
  return {
    ...ratioOfRateRatiosEstimate(logRatio, standardErrorLog, confidence),
    strata,
    totals,
    conclusive,
    notes,
  };
}
