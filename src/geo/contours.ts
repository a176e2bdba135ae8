/**
 * Contour polygons (isolines closed into areas) of a surface sampled on a regular grid of
 * longitude and latitude, by marching squares (d3-contour, Bostock; Lorensen and Cline 1987):
 * each threshold gives one MultiPolygon holding the area where the surface is at or above it.
 * Grid corners are sample positions; d3-contour's pixel coordinates are mapped back to degrees.
 */
import { contours } from 'd3-contour';
import type { Position } from '../domain';

export interface SampledGrid {
  /** longitude and latitude of sample (0, 0) */
  originLng: number;
  originLat: number;
  /** spacing in degrees */
  stepLng: number;
  stepLat: number;
  columns: number;
  rows: number;
  /** row-major values, row 0 at originLat */
  values: ArrayLike<number>;
}

export interface ContourFeature {
  type: 'Feature';
  geometry: { type: 'MultiPolygon'; coordinates: Position[][][] };
  properties: { level: number; label: string };
}

/** One feature per threshold (ascending), the area at or above it; empty levels are left out. */
export function contourPolygons(grid: SampledGrid, thresholds: readonly { level: number; label: string }[]): ContourFeature[] {
  if (grid.columns < 2 || grid.rows < 2) return [];
  const generator = contours()
    .size([grid.columns, grid.rows])
    .thresholds(thresholds.map((t) => t.level));
  // d3-contour puts sample (i, j) at the centre of pixel (i, j): pixel coordinate x is sample x - 0.5
  const toDegrees = ([x, y]: number[]): Position => [grid.originLng + (x - 0.5) * grid.stepLng, grid.originLat + (y - 0.5) * grid.stepLat];
  const out: ContourFeature[] = [];
  const found = generator(Array.from(grid.values));
  found.forEach((multi, k) => {
    if (multi.coordinates.length === 0) return;
    out.push({
      type: 'Feature',
      geometry: { type: 'MultiPolygon', coordinates: multi.coordinates.map((polygon) => polygon.map((ring) => ring.map(toDegrees))) },
      properties: { level: thresholds[k].level, label: thresholds[k].label },
    });
  });
  return out;
}
