/**
 * Kernel density surface of incidents over a study area (src/geo/stats/kernelDensity.ts): the
 * density at each cell centre per km², the residents smoothed with the same kernel and their
 * ratio (incidents per 1,000 residents, a kernel rate), and contours of the surface.
 *
 * Analysts and admins: the incidents' own positions (those whose cell lies in the study area;
 * incidents outside it are not smoothed in, so densities at the edge are low: an edge effect).
 * Below analyst (and for an analyst's count of sensitive categories): the released cell counts
 * of the release gate (resolution 8, one ended month, suppressed counts taken as threshold / 2,
 * as every statistic below analyst), placed at the cell centres; the surface is then a function
 * of released numbers only.
 */
import type { RequestContext } from '../context';
import { chargeCompute, UNITS } from '../compute/budget';
import { incidentEventsInArea, populationByCell } from '../db/aggregates';
import { badInput } from '../errors';
import { contourPolygons } from '../geo/contours';
import { metresPerDegree } from '../geo/geometry';
import { cellCentre, cellPolygon, lazyObject } from '../geo/h3';
import { kernelDensity, meanAndSpread, silvermanBandwidth } from '../geo/stats';
import { fixed, text, withTexts } from '../i18n/texts';
import type { DensityCell, DensitySurface, DensitySurfaceArgs } from '../schema/densitySurface';
import { privacyNote } from './release';
import { countIncidents, CountedStudyArea, describeStudyArea, releaseOf } from './studyArea';

export const MIN_BANDWIDTH_M = 50;
export const MAX_BANDWIDTH_M = 5_000;
/** Fewer smoothed residents per km² than this give no per-resident rate (a ratio of near-zeros). */
const MIN_RESIDENTS_PER_KM2 = 100;
/** The contour grid has at most this many samples per side. */
const CONTOUR_GRID = 160;
const CONTOUR_PERCENTILES = [75, 90, 95, 99];

/** Points to smooth, in metres on a local plane about the study area's centre, with weights. */
export interface SmoothingPoints {
  x: Float64Array;
  y: Float64Array;
  weight: Float64Array;
  /** the plane: lng/lat of its origin and metres per degree */
  origin: [number, number];
  perDegree: { lng: number; lat: number };
}

/** A local equirectangular plane about the centre of a box (distances within a city to well under 0.1 %). */
export function planeOf(envelope: readonly [number, number, number, number]): Pick<SmoothingPoints, 'origin' | 'perDegree'> {
  const origin: [number, number] = [(envelope[0] + envelope[2]) / 2, (envelope[1] + envelope[3]) / 2];
  return { origin, perDegree: metresPerDegree(origin[1]) };
}

function cellCentresOnPlane(cells: readonly string[], plane: Pick<SmoothingPoints, 'origin' | 'perDegree'>): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(cells.length);
  const y = new Float64Array(cells.length);
  cells.forEach((cell, i) => {
    const [lng, lat] = cellCentre(cell);
    x[i] = (lng - plane.origin[0]) * plane.perDegree.lng;
    y[i] = (lat - plane.origin[1]) * plane.perDegree.lat;
  });
  return { x, y };
}

/** The points a caller's surface is made of: incidents for analysts, released cells below (see the header). */
async function pointsToSmooth(ctx: RequestContext, counted: CountedStudyArea): Promise<SmoothingPoints> {
  const plane = planeOf(counted.area.envelope);
  const { release, policy } = releaseOf(counted);
  if (policy.restricted) {
    const centres = cellCentresOnPlane(counted.area.cells, plane);
    return { ...centres, weight: Float64Array.from(release.forStatistics), ...plane };
  }
  const events = await incidentEventsInArea(ctx.knex, { cells: counted.area.cells, resolution: counted.area.resolution, from: counted.from, to: counted.to, categories: counted.categories });
  const x = new Float64Array(events.lng.length);
  const y = new Float64Array(events.lng.length);
  for (let i = 0; i < x.length; i++) {
    x[i] = (events.lng[i] - plane.origin[0]) * plane.perDegree.lng;
    y[i] = (events.lat[i] - plane.origin[1]) * plane.perDegree.lat;
  }
  return { x, y, weight: new Float64Array(x.length).fill(1), ...plane };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (rank - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

export async function computeDensitySurface(ctx: RequestContext, args: DensitySurfaceArgs): Promise<DensitySurface> {
  const asked = args.bandwidthMeters ?? null;
  if (asked !== null && !(asked >= MIN_BANDWIDTH_M && asked <= MAX_BANDWIDTH_M)) {
    throw badInput('bandwidthMeters', `must be from ${MIN_BANDWIDTH_M} to ${MAX_BANDWIDTH_M} metres, got ${asked}`);
  }
  const kernel = args.kernel ?? 'quartic';
  const counted = await countIncidents(ctx, args);
  const { cells } = counted.area;
  const points = await pointsToSmooth(ctx, counted);
  const rule = asked === null ? 'silverman' : 'fixed';
  const silverman = silvermanBandwidth(points);
  // no spread to measure (0 or 1 point, or all at one place): the edge of a resolution-8 cell
  const bandwidth = asked ?? (Number.isFinite(silverman) ? Math.min(MAX_BANDWIDTH_M, Math.max(MIN_BANDWIDTH_M, silverman)) : 460);
  const centres = cellCentresOnPlane(cells, points);
  const [minLng, minLat, maxLng, maxLat] = counted.area.envelope;
  const stepLng = Math.max((maxLng - minLng) / (CONTOUR_GRID - 1), bandwidth / 4 / points.perDegree.lng);
  const stepLat = Math.max((maxLat - minLat) / (CONTOUR_GRID - 1), bandwidth / 4 / points.perDegree.lat);
  const columns = Math.floor((maxLng - minLng) / stepLng) + 2;
  const rows = Math.floor((maxLat - minLat) / stepLat) + 2;
  const grid = { x: new Float64Array(columns * rows), y: new Float64Array(columns * rows) };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      grid.x[r * columns + c] = (minLng + c * stepLng - points.origin[0]) * points.perDegree.lng;
      grid.y[r * columns + c] = (minLat + r * stepLat - points.origin[1]) * points.perDegree.lat;
    }
  }
  // work: each evaluation visits the points within reach (at most all of them), twice with the residents
  const envelopeM2 = Math.max(1, (maxLng - minLng) * points.perDegree.lng * (maxLat - minLat) * points.perDegree.lat);
  const reach = (kernel === 'quartic' ? 1 : 8) * bandwidth;
  const inReach = Math.min(points.x.length, Math.ceil((points.x.length * 9 * reach * reach) / envelopeM2) + 1);
  await chargeCompute(ctx, UNITS.kernelDensity(2 * cells.length + grid.x.length, inReach), `densitySurface: ${cells.length + grid.x.length} positions x ${inReach} points in reach`);

  const perKm2 = kernelDensity(points, centres, bandwidth, kernel).map((d) => d * 1e6);
  const population = await populationByCell(ctx.knex, { resolution: counted.area.resolution, envelope: counted.area.envelope });
  const residentsOf = new Map(population.map((p) => [p.cell, p.residents]));
  const residents = Float64Array.from(cells, (c) => residentsOf.get(c) ?? 0);
  const residentsPerKm2 = kernelDensity({ x: centres.x, y: centres.y, weight: residents }, centres, bandwidth, kernel).map((d) => d * 1e6);
  const gridPerKm2 = kernelDensity(points, grid, bandwidth, kernel).map((d) => d * 1e6);
  const sorted = Float64Array.from(perKm2).sort();
  const levels = [...new Set(CONTOUR_PERCENTILES.map((p) => percentile(sorted, p)))].filter((v) => v > 0);
  const labels = new Map(CONTOUR_PERCENTILES.map((p) => [percentile(sorted, p), `top ${100 - p} % of cells (${p}th percentile)`]));
  const contours = contourPolygons(
    { originLng: minLng, originLat: minLat, stepLng, stepLat, columns, rows, values: gridPerKm2 },
    levels.map((level) => ({ level, label: labels.get(level) ?? '' })),
  );

  const rate = (i: number): number | null => (residentsPerKm2[i] >= MIN_RESIDENTS_PER_KM2 ? (perKm2[i] / residentsPerKm2[i]) * 1000 : null);
  let cellObjects: DensityCell[] | null = null;
  const { release, policy } = releaseOf(counted);
  const spread = meanAndSpread(counted.counts);
  const source = policy.restricted ? text('analysis.density.source.released', { suppressedAs: policy.threshold / 2 }) : text('analysis.density.source.incidents', { incidents: points.x.length });
  return withTexts<DensitySurface>({
    method: text('analysis.density.method', {
      kernel: text(`analysis.density.kernel.${kernel}`),
      bandwidthKind: text(kernel === 'quartic' ? 'analysis.density.searchRadius' : 'analysis.density.standardDeviation'),
      bandwidth: fixed(bandwidth, 1),
      rule: text(rule === 'silverman' ? 'analysis.density.rule.silverman' : 'analysis.density.rule.fixed'),
      source,
      columns,
      rows,
    }),
    kernel,
    bandwidthMeters: bandwidth,
    bandwidthRule: rule,
    pointCount: policy.restricted ? cells.length : points.x.length,
    studyArea: describeStudyArea(counted, spread.mean, spread.standardDeviation, null, null),
    get cells() {
      return (cellObjects ??= cells.map((h3, i) => ({
        h3,
        get boundary() {
          return cellPolygon(h3);
        },
        perKm2: perKm2[i],
        residentsPerKm2: residentsPerKm2[i],
        per1000Residents: rate(i),
      })));
    },
    columns: lazyObject({ h3: () => cells, perKm2: () => Array.from(perKm2), per1000Residents: () => Array.from(perKm2, (_, i) => rate(i)) }),
    contours: { type: 'FeatureCollection', features: contours },
    privacy: privacyNote(policy, counted.area.resolution, release.suppressedCells),
  });
}
