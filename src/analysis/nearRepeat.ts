/**
 * Near-repeat analysis (src/geo/stats/knox.ts): the Knox test of the study area's incidents as
 * Ratcliffe's Near Repeat Calculator runs it, then the places now under elevated risk: every
 * incident of the last `riskDays` before `asOf`, with the radius and the window of the farthest
 * significant bands. Built from exact positions and dates, so analysts and admins only (the role
 * table), and sensitive categories are never analysed (they are never released as points).
 */
import { english, text, withTexts } from '../i18n/texts';
import type { RequestContext } from '../context';
import { chargeCompute, UNITS } from '../compute/budget';
import { runComputeTask } from '../compute/pool';
import { incidentEventsInArea } from '../db/aggregates';
import type { AreaIncidentEvents } from '../geo/incidentColumns';
import { INCIDENT_CATEGORIES } from '../domain';
import { badInput } from '../errors';
import { cellCentre, cellDisk, cellPolygon, neighbourSpacingMeters, pointToCell } from '../geo/h3';
import { KnoxBands, KnoxResult } from '../geo/stats';
import type { NearRepeatAnalysis, NearRepeatArgs, NearRepeatBand, NearRepeatCell, NearRepeatPlace } from '../schema/nearRepeat';
import { nonEmpty, toTimeWindow } from './inputs';
import { planeOf } from './densitySurface';
import { resolveStudyArea } from './studyArea';
import { cityDays, cityMidnight } from './cityDays';

const DAY_MS = 86_400_000;
const DEFAULT_YEAR_MS = 365 * DAY_MS;

function checkRange(value: number, min: number, max: number, path: string, integer: boolean): void {
  if (!(value >= min && value <= max) || (integer && !Number.isInteger(value))) throw badInput(path, `must be ${integer ? 'an integer ' : ''}from ${min} to ${max}, got ${value}`);
}

export function knoxBandsOf(args: NearRepeatArgs): KnoxBands {
  checkRange(args.distanceBandMeters, 10, 2000, 'distanceBandMeters', false);
  checkRange(args.distanceBands, 1, 20, 'distanceBands', true);
  checkRange(args.timeBandDays, 1, 90, 'timeBandDays', true);
  checkRange(args.timeBands, 1, 20, 'timeBands', true);
  checkRange(args.sameLocationMeters, 0, 50, 'sameLocationMeters', false);
  checkRange(args.permutations, 99, 9999, 'permutations', true);
  checkRange(args.alpha, 1e-6, 0.5, 'alpha', false);
  if (args.sameLocationMeters >= args.distanceBandMeters) throw badInput('sameLocationMeters', 'must be below distanceBandMeters');
  return { distanceBandMeters: args.distanceBandMeters, distanceBands: args.distanceBands, timeBandDays: args.timeBandDays, timeBands: args.timeBands, sameLocationMeters: args.sameLocationMeters };
}

/** The Knox table as answer rows, with each band's significance. */
export function knoxBandRows(result: KnoxResult, bands: KnoxBands, alpha: number, significance: 'fdr' | 'raw'): NearRepeatBand[] {
  const out: NearRepeatBand[] = [];
  for (let r = 0; r < result.rows; r++) {
    for (let c = 0; c < result.columns; c++) {
      const k = r * result.columns + c;
      const tested = r < result.rows - 1 && c < result.columns - 1;
      const p = significance === 'fdr' ? result.pFdr[k] : result.p[k];
      out.push({
        sameLocation: r === 0,
        distanceFromMeters: r === 0 ? 0 : r === 1 ? bands.sameLocationMeters : (r - 1) * bands.distanceBandMeters,
        distanceToMeters: r === 0 ? bands.sameLocationMeters : r === result.rows - 1 ? null : r * bands.distanceBandMeters,
        timeFromDays: c === 0 ? 0 : c * bands.timeBandDays + 1,
        timeToDays: c === result.columns - 1 ? null : (c + 1) * bands.timeBandDays,
        observed: result.observed[k],
        expected: result.expected[k],
        knoxRatio: Number.isFinite(result.ratio[k]) ? result.ratio[k] : null,
        p: result.p[k],
        pFdr: Number.isFinite(result.pFdr[k]) ? result.pFdr[k] : null,
        significant: tested && result.ratio[k] > 1 && p <= alpha,
      });
    }
  }
  return out;
}

/** Incidents that look like month-precision dates (midnight UTC on the 1st): their time bands mean nothing. */
function coarseShare(events: AreaIncidentEvents): number {
  let coarse = 0;
  for (const t of events.time) {
    const d = new Date(t);
    if (d.getUTCDate() === 1 && t % DAY_MS === 0) coarse++;
  }
  return events.time.length ? coarse / events.time.length : 0;
}

export async function computeNearRepeat(ctx: RequestContext, args: NearRepeatArgs): Promise<NearRepeatAnalysis> {
  const bands = knoxBandsOf(args);
  const window = toTimeWindow(args.window, 'window');
  const sensitive = new Set<string>(ctx.config.privacy.sensitiveCategories);
  const asked = nonEmpty(args.categories, 'categories');
  if (asked?.some((c) => sensitive.has(c))) throw badInput('categories', `sensitive categories (${[...sensitive].join(', ')}) are never analysed as points`);
  const categories = asked ?? INCIDENT_CATEGORIES.filter((c) => !sensitive.has(c));
  const area = await resolveStudyArea(ctx, args);
  let events = await incidentEventsInArea(ctx.knex, { cells: area.cells, resolution: area.resolution, from: window?.from ?? null, to: window?.to ?? null, categories });
  const n0 = events.time.length;
  const latest = n0 > 0 ? events.time[n0 - 1] : Date.now();
  let from = window?.from ?? null;
  if (!window?.from && !window?.to) {
    from = new Date(latest + 1 - DEFAULT_YEAR_MS);
    const start = events.time.findIndex((t) => t >= from!.getTime());
    events = { lng: events.lng.slice(start), lat: events.lat.slice(start), time: events.time.slice(start), cell: events.cell.slice(start) };
  }
  const to = window?.to ?? new Date(latest + 1);
  const n = events.time.length;
  if (n < 2) throw badInput('area', `holds ${n} incident(s) of the window; the Knox test needs pairs`);
  const plane = planeOf(area.envelope);
  const x = Float64Array.from(events.lng, (lng) => (lng - plane.origin[0]) * plane.perDegree.lng);
  const y = Float64Array.from(events.lat, (lat) => (lat - plane.origin[1]) * plane.perDegree.lat);
  // whole days apart by the city's calendar (an incident at 01:00 in Almaty is on that local day)
  const zone = ctx.config.timeZone;
  const localDays = cityDays(events.time, zone);
  const day = Float64Array.from(localDays);
  // close pairs expected: n²/2 x (share of the area's box within the largest band)
  const reach = bands.distanceBands * bands.distanceBandMeters;
  const boxM2 = Math.max(1, (x.length ? Math.max(...x) - Math.min(...x) : 1) * (y.length ? Math.max(...y) - Math.min(...y) : 1));
  const closeEstimate = Math.min((n * (n - 1)) / 2, Math.ceil(((n * n) / 2) * Math.min(1, (Math.PI * reach * reach) / boxM2)));
  const units = UNITS.knox(n, closeEstimate, args.permutations);
  await chargeCompute(ctx, units, `nearRepeat: ${n} incidents, about ${closeEstimate} close pairs x ${args.permutations + 1} tables`);
  const seed = args.seed ?? 12345;
  const result = await runComputeTask('knox', { points: { x, y, day }, bands, options: { permutations: args.permutations, seed } }, units);
  const rows = knoxBandRows(result, bands, args.alpha, args.significance);
  const significant = rows.filter((b) => b.significant);
  const riskRadius = significant.length ? Math.max(...significant.map((b) => b.distanceToMeters ?? 0)) : null;
  const riskDays = significant.length ? Math.max(...significant.map((b) => b.timeToDays ?? 0)) : null;
  const places: NearRepeatPlace[] = [];
  const cellMap = new Map<string, { sources: number; until: number }>();
  if (riskRadius !== null && riskDays !== null) {
    const radius = Math.max(riskRadius, 1);
    const since = to.getTime() - riskDays * DAY_MS;
    const k = Math.ceil(radius / neighbourSpacingMeters(area.resolution)) + 1;
    for (let i = 0; i < n; i++) {
      if (events.time[i] < since) continue;
      const position: [number, number] = [events.lng[i], events.lat[i]];
      // the risk window ends at the city's midnight after the last day of the farthest band
      const until = cityMidnight(localDays[i] + riskDays + 1, zone).getTime();
      const h3 = pointToCell(position, area.resolution);
      places.push({ h3, geometry: { type: 'Point', coordinates: position }, occurredAt: new Date(events.time[i]), radiusMeters: radius, until: new Date(until) });
      for (const cell of cellDisk(h3, k)) {
        const [lng, lat] = cellCentre(cell);
        const dx = (lng - position[0]) * plane.perDegree.lng;
        const dy = (lat - position[1]) * plane.perDegree.lat;
        if (dx * dx + dy * dy > radius * radius) continue;
        const entry = cellMap.get(cell) ?? { sources: 0, until: 0 };
        entry.sources++;
        entry.until = Math.max(entry.until, until);
        cellMap.set(cell, entry);
      }
    }
  }
  const cells: NearRepeatCell[] = [...cellMap].map(([h3, c]) => ({
    h3,
    get boundary() {
      return cellPolygon(h3);
    },
    sources: c.sources,
    until: new Date(c.until),
  }));
  const warnings = [];
  if (coarseShare(events) > 0.5) warnings.push({ code: 'DATES_TOO_COARSE', message: 'most incidents are dated to the month only (midnight on the 1st): time bands shorter than a month mean nothing', cells: [] });
  if (n < 30) warnings.push({ code: 'FEW_INCIDENTS', message: `only ${n} incidents: the Knox table has few pairs per band`, cells: [] });
  return withTexts<NearRepeatAnalysis>({
    method: text('analysis.nearRepeat.method', {
      sameLocation: bands.sameLocationMeters,
      distanceBands: bands.distanceBands,
      distanceBand: bands.distanceBandMeters,
      zone,
      timeBands: bands.timeBands,
      timeBand: bands.timeBandDays,
      permutations: args.permutations,
      // a seed is a name, not a quantity: no digit grouping
      seed: String(seed),
      p: text(args.significance === 'fdr' ? 'analysis.nearRepeat.pFdr' : 'analysis.nearRepeat.pRaw'),
      alpha: args.alpha,
      days: riskDays ?? 0,
      asOf: to.toISOString(),
      radius: riskRadius ?? 0,
    }),
    area: english(area.description),
    resolution: area.resolution,
    from,
    to,
    categories,
    incidentCount: n,
    pairCount: result.pairs,
    permutations: args.permutations,
    seed,
    bands: rows,
    riskRadiusMeters: riskRadius,
    riskDays,
    asOf: to,
    riskPlaces: places,
    cells,
    warnings,
  });
}
