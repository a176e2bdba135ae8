/**
 * Hotspot forecasts and their backtest (src/geo/forecast): the study area's history as counts
 * per step and cell, then one method's forecast of the next period (`forecastHotspots`) or every
 * method's rolling-origin scores (`forecastBacktest`).
 *
 * Analysts and admins: the incidents of the column store binned by the city's calendar day
 * (steps, src/analysis/cityDays.ts) into periods of a day, a week from Monday or a calendar month,
 * and for the negative binomial the risk model's environmental factors (forecastFactors.ts).
 * Below analyst (and for an analyst's count of sensitive categories) the history is the release lattice itself: resolution 8, whole ended
 * calendar months, all categories, each month's counts as released by the gate (suppressed ones
 * as threshold / 2, as every statistic below analyst), steps of a month. Forecasts, ranks and
 * scores are then functions of released numbers only.
 */
import { english, joined, text, withTexts, type Text } from '../i18n/texts';
import type { RequestContext } from '../context';
import { chargeCompute, UNITS } from '../compute/budget';
import { runComputeTask } from '../compute/pool';
import { incidentCountsInArea, incidentEventsInArea } from '../db/aggregates';
import { badInput } from '../errors';
import { cellAreaKm2, cellCentre, cellPolygon, neighbourSpacingMeters } from '../geo/h3';
import { FORECAST_METHODS, ForecastHistory, forecastPeriod, hotCells, periodCounts, tieOrder } from '../geo/forecast';
import type { ForecastArgs, ForecastBacktest, ForecastBacktestArgs, ForecastFrame, ForecastHotspotsArgs, HotspotForecast } from '../schema/forecast';
import type { AnalysisWarning } from '../schema/analysis';
import { planeOf } from './densitySurface';
import { argsForRelease, privacyNote, releaseCounts, ReleasePolicy } from './release';
import { resolveStudyArea } from './studyArea';
import { cityDay, cityDays, cityMidnight, DAY_MS } from './cityDays';
import { forecastFactors } from './forecastFactors';
import { forecastNoteText } from './forecastNotes';

const SHARES = [0.01, 0.02, 0.05];
const DEFAULT_HISTORY = { day: 120, week: 52, month: 24 };
const MAX_HISTORY = { day: 730, week: 156, month: 36 };

/**
 * Start of the period containing `t` in the calendar of `timeZone` (the city's for analysts, UTC
 * on the release lattice), and the start of the period `k` periods later: days and weeks (from
 * Monday) and months begin at local midnight.
 */
export function periodStart(t: Date, period: 'day' | 'week' | 'month', timeZone = 'UTC'): Date {
  const day = cityDay(t.getTime(), timeZone);
  const date = new Date(day * DAY_MS);
  if (period === 'month') return cityMidnight(day - date.getUTCDate() + 1, timeZone);
  if (period === 'week') return cityMidnight(day - ((date.getUTCDay() + 6) % 7), timeZone);
  return cityMidnight(day, timeZone);
}

export function addPeriods(t: Date, period: 'day' | 'week' | 'month', k: number, timeZone = 'UTC'): Date {
  const day = cityDay(t.getTime(), timeZone);
  if (period !== 'month') return cityMidnight(day + k * (period === 'week' ? 7 : 1), timeZone);
  const date = new Date(day * DAY_MS);
  return cityMidnight(Math.round(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + k, 1) / DAY_MS), timeZone);
}

interface GatheredHistory {
  history: ForecastHistory;
  /** complete periods in the history */
  periods: number;
  starts: Date[];
  frame: ForecastFrame;
  cells: string[];
  policy: ReleasePolicy;
  suppressedCells: number;
  warnings: AnalysisWarning[];
  /** the calendar of the periods: the city's time zone, UTC on the release lattice */
  zone: string;
}

async function gatherHistory(ctx: RequestContext, args: ForecastArgs, extraMethods: number): Promise<GatheredHistory> {
  if (!SHARES.includes(args.areaShare)) throw badInput('areaShare', `must be one of ${SHARES.join(', ')}, got ${args.areaShare}`);
  const released = argsForRelease(ctx, { area: args.area, resolution: args.resolution, categories: args.categories });
  const { policy } = released;
  const period = args.period ?? (policy.restricted ? 'month' : 'week');
  if (policy.restricted) {
    if (period !== 'month') throw badInput('period', 'below the analyst role forecasts are made on the release lattice: whole calendar months (MONTH)');
    if (args.asOf) throw badInput('asOf', 'below the analyst role the history ends with the last ended calendar month; leave asOf out');
  }
  const historyPeriods = args.historyPeriods ?? DEFAULT_HISTORY[period];
  if (!Number.isInteger(historyPeriods) || historyPeriods < 4 || historyPeriods > MAX_HISTORY[period]) throw badInput('historyPeriods', `must be an integer from 4 to ${MAX_HISTORY[period]} for ${period}s`);
  const area = await resolveStudyArea(ctx, released.args, policy.maxCells);
  const cells = area.cells;
  const n = cells.length;
  // the release lattice is in UTC calendar months; analysts' periods in the city's calendar
  const monthly = policy.restricted;
  const zone = monthly ? 'UTC' : ctx.config.timeZone;
  const end = periodStart(policy.restricted ? new Date() : (args.asOf ?? new Date()), period, zone);
  const starts = Array.from({ length: historyPeriods + 2 }, (_, k) => addPeriods(end, period, k - historyPeriods, zone));
  const from = starts[0];
  const fromDay = cityDay(from.getTime(), zone);
  const edges = starts.map((s, k) => (monthly ? k : cityDay(s.getTime(), zone) - fromDay));
  const steps = edges[historyPeriods];
  await chargeCompute(ctx, UNITS.forecastPerCellPeriod * n * (historyPeriods + steps) * (1 + extraMethods), `forecast: ${n} cells x ${steps} steps`);
  const counts = new Float64Array(steps * n);
  let incidentCount = 0;
  let suppressedCells = 0;
  if (monthly) {
    // the release lattice: each month's released counts, as hexagons gives them to the caller
    for (let k = 0; k < historyPeriods; k++) {
      const { total } = await incidentCountsInArea(ctx.knex, { cells, resolution: area.resolution, from: starts[k], to: starts[k + 1], categories: released.categories, detail: false });
      const release = releaseCounts(policy, total);
      counts.set(release.forStatistics, k * n);
      incidentCount += release.total;
      suppressedCells += release.suppressedCells;
    }
  } else {
    const events = await incidentEventsInArea(ctx.knex, { cells, resolution: area.resolution, from, to: end, categories: released.categories });
    const days = cityDays(events.time, zone);
    for (let i = 0; i < days.length; i++) counts[(days[i] - fromDay) * n + events.cell[i]]++;
    incidentCount = events.time.length;
  }
  const plane = planeOf(area.envelope);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  cells.forEach((cell, i) => {
    const [lng, lat] = cellCentre(cell);
    x[i] = (lng - plane.origin[0]) * plane.perDegree.lng;
    y[i] = (lat - plane.origin[1]) * plane.perDegree.lat;
  });
  const history: ForecastHistory = {
    cells: n,
    counts,
    edges,
    x,
    y,
    cellArea: Float64Array.from(cells, cellAreaKm2),
    kdeBandwidthMeters: 2 * neighbourSpacingMeters(area.resolution),
    phase: starts.map((s) => {
      const day = cityDay(s.getTime(), zone);
      return (day - Date.UTC(new Date(day * DAY_MS).getUTCFullYear(), 0, 1) / DAY_MS) / 365.25;
    }),
  };
  const warnings: AnalysisWarning[] = [];
  if (incidentCount < 10 * historyPeriods) warnings.push({ code: 'FEW_INCIDENTS', message: `${incidentCount} incidents over ${historyPeriods} periods: forecasts and scores of so few incidents vary a lot`, cells: [] });
  return {
    history,
    periods: historyPeriods,
    starts,
    cells,
    policy,
    suppressedCells,
    warnings,
    zone,
    frame: { area: english(area.description), resolution: area.resolution, cellCount: n, period, historyFrom: from, historyTo: end, historyPeriods, incidentCount, categories: released.categories },
  };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** `8 weeks`: a count of periods (plural forms by the catalogue). */
const periodSpan = (g: GatheredHistory): Text => text(`analysis.forecast.span.${g.frame.period}`, { count: g.periods });

export async function computeForecastHotspots(ctx: RequestContext, args: ForecastHotspotsArgs): Promise<HotspotForecast> {
  const g = await gatherHistory(ctx, args, 0);
  let factorNote: Text | null = null;
  if (args.method === 'negativeBinomial' && !g.policy.restricted) {
    const f = await forecastFactors(ctx, args, g.frame.resolution, g.cells, g.starts[g.periods]);
    g.history.factors = f.factors;
    factorNote = f.note;
  }
  const totals = periodCounts(g.history, g.periods);
  const forecast = forecastPeriod(g.history, totals, args.method, g.periods);
  const ties = tieOrder(g.history.cells, args.seed ?? 12345);
  const hot = new Set(hotCells(forecast.values, g.history.cellArea, args.areaShare, ties));
  const rankOfTie = new Int32Array(ties.length);
  ties.forEach((cell, k) => (rankOfTie[cell] = k));
  const order = Array.from(forecast.values.keys()).sort((a, b) => forecast.values[b] - forecast.values[a] || rankOfTie[a] - rankOfTie[b]);
  const rank = new Int32Array(order.length);
  order.forEach((cell, k) => (rank[cell] = k + 1));
  return withTexts<HotspotForecast>({
    method: text('analysis.forecast.method', {
      method: args.method,
      note: forecastNoteText(forecast.note),
      history: periodSpan(g),
      source: joined([g.policy.restricted ? text('analysis.forecast.source.released') : text('analysis.forecast.source.incidents', { zone: g.zone }), ...(factorNote ? [factorNote] : [])], '; '),
    }),
    frame: g.frame,
    forecastFrom: g.starts[g.periods],
    forecastTo: g.starts[g.periods + 1],
    areaShare: args.areaShare,
    cells: g.cells.map((h3, i) => ({
      h3,
      get boundary() {
        return cellPolygon(h3);
      },
      expected: forecast.values[i],
      rank: rank[i],
      hot: hot.has(i),
    })),
    warnings: g.warnings,
    privacy: privacyNote(g.policy, g.frame.resolution, g.suppressedCells),
  });
}

export async function computeForecastBacktest(ctx: RequestContext, args: ForecastBacktestArgs): Promise<ForecastBacktest> {
  if (!Number.isInteger(args.origins) || args.origins < 2 || args.origins > 52) throw badInput('origins', `must be an integer from 2 to 52, got ${args.origins}`);
  const g = await gatherHistory(ctx, args, FORECAST_METHODS.length);
  if (args.origins > g.periods - 4) throw badInput('origins', `at most historyPeriods - 4 (${g.periods - 4}): every origin needs earlier periods to learn from`);
  // the negative binomial's factors as the risk model saw the year before the first origin (no look-ahead)
  let factorNote: Text | '' = '';
  if (!g.policy.restricted) {
    const f = await forecastFactors(ctx, args, g.frame.resolution, g.cells, g.starts[Math.max(1, g.periods - args.origins)]);
    g.history.factors = f.factors;
    factorNote = text('analysis.forecast.factorsOfNegativeBinomial', { note: f.note });
  }
  // on the compute pool's worker thread (the same code on the same numbers as on this one)
  const units = UNITS.forecastPerCellPeriod * g.history.counts.length * FORECAST_METHODS.length;
  const result = await runComputeTask(
    'backtest',
    { history: g.history, periods: g.periods, options: { origins: args.origins, shares: SHARES, primaryShare: args.areaShare, methods: FORECAST_METHODS, seed: args.seed ?? 12345 } },
    units,
  );
  return withTexts<ForecastBacktest>({
    method: text('analysis.forecast.backtest', { origins: args.origins, history: periodSpan(g), share: args.areaShare * 100, factors: factorNote }),
    frame: g.frame,
    origins: result.originPeriods.map((p) => g.starts[p]),
    areaShare: args.areaShare,
    chosen: result.chosen,
    methods: result.methods.map((m) =>
      withTexts<ForecastBacktest['methods'][number]>({
        method: m.method,
        scores: m.scores.map((s) => ({ areaShare: s.share, pai: finite(s.pai), pei: finite(s.pei), rri: finite(s.rri), hitRate: finite(s.hitRate) })),
        paiByOrigin: m.perOrigin.map((s) => finite(s.pai)),
        pVersusLastPeriod: finite(m.pVersusLastPeriod),
        pVersusLastPeriodFdr: finite(m.pVersusLastPeriodFdr),
        note: forecastNoteText(m.note),
      }),
    ),
    warnings: g.warnings,
    privacy: privacyNote(g.policy, g.frame.resolution, g.suppressedCells),
  });
}
