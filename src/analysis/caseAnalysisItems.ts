/**
 * Forecasts and near-repeat areas as items of a working-group case. The analysis is run for the
 * caller exactly as the query runs it (`forecastHotspots`: below the analyst role on the release
 * lattice; `nearRepeat`: analysts and admins only) before the write's transaction, and the item
 * keeps what it said then: the cells, the method, the window and per cell the expected count or
 * the number of recent incidents whose risk reaches it. A later forecast of the same area says
 * something else; the case keeps the one the group acted on.
 *
 * Near-repeat areas are built from exact positions and dates, so they are listed to analysts and
 * admins only: below analyst a case's items leave them out, a case's place is never derived from
 * them, and an update of the items below analyst keeps the ones it cannot see.
 */
import type { RequestContext } from '../context';
import type { ItemReference, RecommendationItemRow } from '../db/recommendations';
import type { AnalysisItemDetail, Geometry } from '../domain';
import { badInput, forbidden } from '../errors';
import { cellPolygon } from '../geo/h3';
import type { ForecastHotspotsArgs } from '../schema/forecast';
import type { NearRepeatArgs } from '../schema/nearRepeat';
import type { ForecastItemInput, NearRepeatItemInput, RecommendationItemInput } from '../schema/recommendations';
import { computeForecastHotspots } from './forecast';
import { computeNearRepeat } from './nearRepeat';
import { releasePolicy } from './release';

/** Hot cells of a forecast attached at once, at most. */
const MAX_CELLS = 500;

/** The near-repeat bands an item is computed with: the query's defaults. */
const NEAR_REPEAT_DEFAULTS = { distanceBandMeters: 100, distanceBands: 4, timeBandDays: 7, timeBands: 4, sameLocationMeters: 0, permutations: 999, alpha: 0.05, significance: 'fdr' as const };

function chooseCells(available: string[], asked: string[] | null | undefined, path: string, what: string): string[] {
  if (!asked || asked.length === 0) {
    if (available.length === 0) throw badInput(path, `the analysis found no ${what}; nothing to attach`);
    return available.slice(0, MAX_CELLS);
  }
  if (asked.length > MAX_CELLS) throw badInput(`${path}.cells`, `at most ${MAX_CELLS} cells`);
  const known = new Set(available);
  const cells = [...new Set(asked.map((c) => c.toLowerCase()))];
  const stray = cells.find((c) => !known.has(c));
  if (stray !== undefined) throw badInput(`${path}.cells`, `"${stray.slice(0, 20)}" is not among the ${what} of the analysis`);
  return cells;
}

async function forecastReference(ctx: RequestContext, input: ForecastItemInput, path: string): Promise<ItemReference> {
  const args: ForecastHotspotsArgs = {
    area: input.area,
    resolution: input.resolution,
    period: input.period,
    method: input.method as ForecastHotspotsArgs['method'],
    asOf: input.asOf,
    historyPeriods: input.historyPeriods,
    areaShare: input.areaShare,
  };
  const answer = await computeForecastHotspots(ctx, args);
  const hot = answer.cells.filter((c) => c.hot).sort((a, b) => a.rank - b.rank);
  const cells = chooseCells(
    hot.map((c) => c.h3),
    input.cells,
    path,
    'hot cells',
  );
  const byCell = new Map(answer.cells.map((c) => [c.h3, c]));
  const lattice = releasePolicy(ctx).restricted ? '; on the release lattice' : '';
  const detail: AnalysisItemDetail = {
    resolution: answer.frame.resolution,
    area: answer.frame.area,
    values: cells.map((c) => byCell.get(c)!.expected),
    note: `${input.method} forecast of ${answer.frame.period} ${answer.forecastFrom.toISOString().slice(0, 10)} from ${answer.frame.historyPeriods} ${answer.frame.period}s of ${answer.frame.area}, hot share ${input.areaShare}${lattice}`,
  };
  return { kind: 'forecast_cell', analysis: { cells, method: input.method, windowFrom: answer.forecastFrom, windowTo: answer.forecastTo, detail } };
}

async function nearRepeatReference(ctx: RequestContext, input: NearRepeatItemInput, path: string): Promise<ItemReference> {
  if (releasePolicy(ctx).restricted) throw forbidden('near-repeat areas are built from exact positions and dates of incidents: analysts and admins only');
  const args: NearRepeatArgs = { area: input.area, resolution: input.resolution, window: input.window, ...NEAR_REPEAT_DEFAULTS };
  const answer = await computeNearRepeat(ctx, args);
  const cells = chooseCells(
    answer.cells.map((c) => c.h3),
    input.cells,
    path,
    'risk cells',
  );
  const byCell = new Map(answer.cells.map((c) => [c.h3, c]));
  const until = cells.map((c) => byCell.get(c)!.until);
  const detail: AnalysisItemDetail = {
    resolution: answer.resolution,
    area: answer.area,
    values: cells.map((c) => byCell.get(c)!.sources),
    until: until.map((u) => u.toISOString()),
    note: `Knox test of ${answer.incidentCount} incidents, ${NEAR_REPEAT_DEFAULTS.permutations} permutations: risk radius ${answer.riskRadiusMeters ?? 0} m, ${answer.riskDays ?? 0} days`,
  };
  const windowTo = new Date(Math.max(...until.map((u) => u.getTime())));
  return { kind: 'near_repeat_area', analysis: { cells, method: 'knox', windowFrom: answer.asOf, windowTo, detail } };
}

/** An argument refused by the analysis, named from the mutation's input (input.items[i].forecast.area...). */
async function underPath<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const extensions = (error as { extensions?: { code?: unknown; argumentPath?: unknown; reason?: unknown } }).extensions;
    if (extensions?.code === 'BAD_USER_INPUT' && typeof extensions.argumentPath === 'string' && typeof extensions.reason === 'string' && !extensions.argumentPath.startsWith(path)) {
      throw badInput(`${path}.${extensions.argumentPath}`, extensions.reason);
    }
    throw error;
  }
}

/**
 * The forecast and near-repeat items of a write, computed before its transaction: item index →
 * reference. checkItems takes the rest.
 */
export async function analysisItemReferences(ctx: RequestContext, items: RecommendationItemInput[] | null | undefined, path: string): Promise<Map<number, ItemReference>> {
  const out = new Map<number, ItemReference>();
  for (const [i, item] of (items ?? []).entries()) {
    const forecast = item.forecast;
    const nearRepeat = item.nearRepeat;
    if (forecast) out.set(i, await underPath(`${path}[${i}].forecast`, () => forecastReference(ctx, forecast, `${path}[${i}].forecast`)));
    else if (nearRepeat) out.set(i, await underPath(`${path}[${i}].nearRepeat`, () => nearRepeatReference(ctx, nearRepeat, `${path}[${i}].nearRepeat`)));
  }
  return out;
}

/** Whether the caller may see near-repeat items (analysts and admins). */
export function seesNearRepeat(ctx: RequestContext): boolean {
  return !releasePolicy(ctx).restricted;
}

/** The outline of an item's cells. */
export function cellsOutline(cells: readonly string[]): Geometry {
  if (cells.length === 1) return cellPolygon(cells[0]);
  return { type: 'MultiPolygon', coordinates: cells.map((c) => cellPolygon(c).coordinates) };
}

/** The answer fields of a forecast or near-repeat item (null for the other kinds). */
export function analysisFields(row: RecommendationItemRow): { resolution: number | null; values: number[] | null; note: string | null } {
  return { resolution: row.detail?.resolution ?? null, values: row.detail?.values ?? null, note: row.detail?.note ?? null };
}
