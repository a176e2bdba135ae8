/**
 * Forecasting: a 12-week rolling-origin backtest of every method over a district at resolution 9
 * (target under 5 s at 1,000,000 incidents), and the Knox test with 999 permutations over the
 * 10,000 most recent incidents of a box (target under 5 s).
 */
import type { BenchCase } from '../types';

const BACKTEST = `query Backtest($area: AreaInput!, $asOf: DateTimeISO) {
  forecastBacktest(area: $area, resolution: 9, period: WEEK, historyPeriods: 52, origins: 12, asOf: $asOf) {
    chosen frame { cellCount incidentCount } methods { method scores { areaShare pai pei rri } }
  }
}`;

const NEAR_REPEAT = `query NearRepeat($area: AreaInput!, $window: TimeWindowInput) {
  nearRepeat(area: $area, window: $window, permutations: 999) { incidentCount pairCount riskRadiusMeters riskDays bands { observed expected p } }
}`;

export const cases: BenchCase[] = [
  {
    name: 'forecasting: forecastBacktest, district, res 9, 52 weeks, 12 origins, all methods',
    target: { p50Ms: 5000 },
    query: BACKTEST,
    variables: (ctx) => ({ area: { districtId: ctx.districtIds[0] }, asOf: ctx.year.to }),
    iterations: 3,
  },
  {
    name: 'forecasting: nearRepeat, 999 permutations, about 10,000 incidents',
    target: { p50Ms: 5000 },
    query: NEAR_REPEAT,
    // the city over the window that holds about 10,000 of the bench's incidents (scaled from a year)
    variables: (ctx) => {
      const to = new Date(ctx.year.to);
      const days = Math.max(7, Math.round((365 * 10_000) / Math.max(10_000, ctx.incidentsInYear ?? 1_000_000)));
      return { area: { city: true }, window: { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: ctx.year.to } };
    },
    iterations: 3,
  },
];
