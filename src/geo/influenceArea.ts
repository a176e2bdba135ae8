/**
 * Where a fix can be expected to act, and where to compare it: the treated cells of the items,
 * the ring around them (a displacement check, as the Chicago street-light outage studies
 * looked at neighbouring segments), and control cells that are comparable but far enough not
 * to catch displaced crime. Pure: the database supplies geometries and counts.
 */
import type { Geometry } from '../domain';
import { cellsAtResolution, gridDiskOfCells, lineCells, pointToCell } from './h3';
import { studyAreaCells } from './studyArea';

/** Default resolution of the influence area: resolution-9 cells have a mean edge of about 174 m. */
export const DEFAULT_INFLUENCE_RESOLUTION = 9;
/** Rings around the treated cells from which controls are drawn (about 3 km at resolution 9). */
export const CONTROL_POOL_RINGS = 12;
/** Controls keep this grid distance from treated cells, so the displacement ring is never a control. */
export const CONTROL_EXCLUSION_RINGS = 2;

/** The cells a geometry touches: its point's cell, every cell along its lines, or a polygon's inside and outline cells. */
export function geometryCells(geometry: Geometry, resolution: number): string[] {
  switch (geometry.type) {
    case 'Point':
      return [pointToCell(geometry.coordinates, resolution)];
    case 'LineString':
      return lineCells(geometry.coordinates, resolution);
    case 'MultiLineString':
      return geometry.coordinates.flatMap((line) => lineCells(line, resolution));
    case 'Polygon':
    case 'MultiPolygon': {
      const rings = geometry.type === 'Polygon' ? [geometry.coordinates[0]] : geometry.coordinates.map((polygon) => polygon[0]);
      return [...new Set([...studyAreaCells(geometry, resolution), ...rings.flatMap((ring) => lineCells(ring, resolution))])];
    }
  }
}

export interface InfluenceInput {
  /** geometries of the outages and defects */
  geometries: readonly Geometry[];
  /** H3 cells (any resolution) of youth-facility gaps */
  cells: readonly string[];
  resolution: number;
}

export interface InfluenceArea {
  treated: string[];
  /** cells at grid distance 1 from the treated cells */
  ring: string[];
  /** candidate controls: within CONTROL_POOL_RINGS, at least CONTROL_EXCLUSION_RINGS + 1 away */
  pool: string[];
}

export function influenceArea(input: InfluenceInput, poolRings = CONTROL_POOL_RINGS, exclusionRings = CONTROL_EXCLUSION_RINGS): InfluenceArea {
  const treated = new Set<string>();
  for (const geometry of input.geometries) for (const cell of geometryCells(geometry, input.resolution)) treated.add(cell);
  for (const given of input.cells) for (const cell of cellsAtResolution(given, input.resolution)) treated.add(cell);
  const firstRing = gridDiskOfCells(treated, 1);
  const excluded = gridDiskOfCells(treated, exclusionRings);
  const outer = gridDiskOfCells(treated, poolRings);
  return {
    treated: [...treated].sort(),
    ring: [...firstRing].filter((c) => !treated.has(c)).sort(),
    pool: [...outer].filter((c) => !excluded.has(c)).sort(),
  };
}

/**
 * Controls matched on the before-period: the `count` candidates whose before-count per cell
 * is closest to the treated cells' mean before-count per cell, ties broken by cell id so the
 * choice is reproducible. Candidates missing from `beforeCounts` count zero.
 */
export function matchControls(candidates: readonly string[], beforeCounts: ReadonlyMap<string, number>, treatedMeanBefore: number, count: number): string[] {
  return [...candidates]
    .map((cell) => ({ cell, distance: Math.abs((beforeCounts.get(cell) ?? 0) - treatedMeanBefore) }))
    .sort((x, y) => x.distance - y.distance || (x.cell < y.cell ? -1 : x.cell > y.cell ? 1 : 0))
    .slice(0, count)
    .map((x) => x.cell);
}

export interface EvaluationWindows {
  beforeFrom: Date;
  /** the fix: end of the before-window, start of the after-window */
  fixedAt: Date;
  afterTo: Date;
  days: number;
  /** the after-window is shorter than asked because the data (or today) end earlier */
  afterIncomplete: boolean;
  /** the before-window is shorter than asked because the data start later */
  beforeIncomplete: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Before and after windows of equal length around the fix: `days` each, both shortened to the
 * same length when the data (first and last stored incident, and now) do not cover them.
 * Null when no whole day lies on either side.
 */
export function evaluationWindows(fixedAt: Date, days: number, dataFrom: Date | null, dataTo: Date | null, now: Date): EvaluationWindows | null {
  if (!dataFrom || !dataTo) return null;
  const lastData = Math.min(dataTo.getTime(), now.getTime());
  const afterDays = (lastData - fixedAt.getTime()) / DAY_MS;
  const beforeDays = (fixedAt.getTime() - dataFrom.getTime()) / DAY_MS;
  const usable = Math.floor(Math.min(days, afterDays, beforeDays));
  if (usable < 1) return null;
  return {
    beforeFrom: new Date(fixedAt.getTime() - usable * DAY_MS),
    fixedAt,
    afterTo: new Date(fixedAt.getTime() + usable * DAY_MS),
    days: usable,
    afterIncomplete: afterDays < days,
    beforeIncomplete: beforeDays < days,
  };
}
