/**
 * Rolling-origin backtest of the forecast methods (see scoring.ts for the scores and the test):
 * for each of the last `origins` complete periods, every method forecasts it from the periods
 * before it, and is scored against what happened. The method chosen is the one with the highest
 * mean PAI at the primary share of the area (ties: the earlier, simpler method).
 */
import { CellForecast, ForecastHistory, ForecastMethod, ForecastNote, forecastPeriod, ForecastState, periodCounts } from './methods';
import { benjaminiHochberg, finiteMean, ForecastScore, scoreForecast, signFlipTest, tieOrder } from './scoring';

export interface BacktestOptions {
  origins: number;
  /** shares of the area, e.g. [0.01, 0.02, 0.05] */
  shares: readonly number[];
  /** the share the choice and the test use */
  primaryShare: number;
  methods: readonly ForecastMethod[];
  seed: number;
}

export interface ShareScore {
  share: number;
  pai: number;
  pei: number;
  rri: number;
  hitRate: number;
}

export interface MethodBacktest {
  method: ForecastMethod;
  /** mean over the origins, per share */
  scores: ShareScore[];
  /** at the primary share, per origin (oldest first) */
  perOrigin: ForecastScore[];
  /** sign-flip test of PAI against lastPeriod at the primary share (NaN for lastPeriod itself) */
  pVersusLastPeriod: number;
  pVersusLastPeriodFdr: number;
  /** the fit of the last origin */
  note: ForecastNote;
}

export interface BacktestResult {
  /** period index of each origin */
  originPeriods: number[];
  methods: MethodBacktest[];
  chosen: ForecastMethod;
}

/** `periods`: complete periods in the history (the last origin is periods - 1). */
export function backtestForecasts(history: ForecastHistory, periods: number, options: BacktestOptions): BacktestResult {
  const first = Math.max(1, periods - options.origins);
  const totals = periodCounts(history, periods);
  const originPeriods = Array.from({ length: periods - first }, (_, k) => first + k);
  const ties = tieOrder(history.cells, options.seed);
  const results: MethodBacktest[] = options.methods.map((method) => {
    const state: ForecastState = {};
    const byShare = options.shares.map(() => [] as ForecastScore[]);
    let last: CellForecast | null = null;
    for (const p of originPeriods) {
      last = forecastPeriod(history, totals, method, p, state);
      const actual = totals.subarray(p * history.cells, (p + 1) * history.cells);
      options.shares.forEach((share, s) => byShare[s].push(scoreForecast(last!.values, actual, history.cellArea, share, ties)));
    }
    const primary = options.shares.indexOf(options.primaryShare);
    return {
      method,
      scores: options.shares.map((share, s) => ({
        share,
        pai: finiteMean(byShare[s].map((x) => x.pai)),
        pei: finiteMean(byShare[s].map((x) => x.pei)),
        rri: finiteMean(byShare[s].map((x) => x.rri)),
        hitRate: finiteMean(byShare[s].map((x) => x.hitRate)),
      })),
      perOrigin: byShare[primary >= 0 ? primary : 0],
      pVersusLastPeriod: NaN,
      pVersusLastPeriodFdr: NaN,
      note: last?.note ?? { kind: 'noOrigin' },
    };
  });
  const baseline = results.find((r) => r.method === 'lastPeriod');
  if (baseline) {
    const compared = results.filter((r) => r !== baseline);
    const p = compared.map((r) =>
      signFlipTest(
        r.perOrigin.map((s, k) => s.pai - baseline.perOrigin[k].pai),
        options.seed,
      ),
    );
    const adjusted = benjaminiHochberg(p);
    compared.forEach((r, k) => {
      r.pVersusLastPeriod = p[k];
      r.pVersusLastPeriodFdr = adjusted[k];
    });
  }
  const primaryPai = (r: MethodBacktest) => r.scores.find((s) => s.share === options.primaryShare)?.pai ?? NaN;
  let chosen = results[0];
  for (const r of results) if (primaryPai(r) > primaryPai(chosen) || !Number.isFinite(primaryPai(chosen))) chosen = r;
  return { originPeriods, methods: results, chosen: chosen.method };
}
