/**
 * The one place that talks to h3-js. h3-js takes (lat, lng) while GeoJSON and PostGIS take
 * [lng, lat]; every caller passes [lng, lat] here and the swap happens only in this module.
 * Cells are stored in PostgreSQL as signed bigint; h3-js speaks hex strings.
 */
import { cellArea, cellToBoundary, cellToChildren, cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, getResolution, gridDisk, gridPathCells, isValidCell, latLngToCell, polygonToCells } from 'h3-js';
import type { PolygonGeometry, Position } from '../domain';

/**
 * h3-js functions that take no coordinates (cells, edges, resolutions only), passed through
 * unchanged: no swap to make, and hot loops (weights, reach, the incident columns) call them
 * without a wrapper in between.
 */
export { cellToChildren, edgeLength, getHexagonAreaAvg, gridDiskDistances, h3IndexToSplitLong, isValidCell, originToDirectedEdges, splitLongToH3Index } from 'h3-js';

export const MIN_ANALYSIS_RESOLUTION = 7;
export const MAX_ANALYSIS_RESOLUTION = 11;

/**
 * The resolutions at which every stored point keeps its own cell (latLngToCell of the point), so
 * that a count at any of them is the number of points inside the hexagon drawn on the map. H3
 * cells do not nest exactly: a child sticks out of its parent, and counting by a fine cell's
 * ancestor puts 6-7 % of points into a neighbouring hexagon. This list is the one place to change;
 * a new resolution also needs a migration that adds and fills its column (see migrations/).
 */
export const CELL_RESOLUTIONS: readonly number[] = Array.from({ length: MAX_ANALYSIS_RESOLUTION - MIN_ANALYSIS_RESOLUTION + 1 }, (_, i) => MIN_ANALYSIS_RESOLUTION + i);

/** Whether points keep their own cell at this resolution (see CELL_RESOLUTIONS). */
export function isStoredResolution(resolution: number): boolean {
  return Number.isInteger(resolution) && resolution >= MIN_ANALYSIS_RESOLUTION && resolution <= MAX_ANALYSIS_RESOLUTION;
}

const TWO_POW_64 = 1n << 64n;
const TWO_POW_63 = 1n << 63n;

/** H3 hex string to the signed 64-bit value PostgreSQL's bigint holds. */
export function cellToBigint(cell: string): bigint {
  const unsigned = BigInt('0x' + cell);
  return unsigned >= TWO_POW_63 ? unsigned - TWO_POW_64 : unsigned;
}

/** Signed bigint (as bigint or decimal string from pg) back to the H3 hex string. */
export function bigintToCell(value: bigint | string): string {
  let big = typeof value === 'bigint' ? value : BigInt(value);
  if (big < 0n) big += TWO_POW_64;
  return big.toString(16);
}

/** The signed 64-bit cell of a point at a resolution, as the decimal text PostgreSQL's bigint reads. */
export function pointCellBigint(position: Position, resolution: number): string {
  return cellToBigint(pointToCell(position, resolution)).toString();
}

export function pointToCell(position: Position, resolution: number): string {
  const [lng, lat] = position;
  return latLngToCell(lat, lng, resolution);
}

export function cellCentre(cell: string): Position {
  const [lat, lng] = cellToLatLng(cell);
  return [lng, lat];
}

/** Cell outline as a closed GeoJSON polygon ring in [lng, lat] order. */
export function cellPolygon(cell: string): PolygonGeometry {
  const ring = cellToBoundary(cell, true) as Position[];
  return { type: 'Polygon', coordinates: [ring] };
}

/**
 * The cells whose centre lies in a polygon (outer ring and holes, GeoJSON [lng, lat] rings): the
 * centre-containment rule of h3-js polygonToCells.
 */
export function polygonCells(polygon: Position[][], resolution: number): string[] {
  // third argument: the rings are GeoJSON [lng, lat]
  return polygonToCells(polygon, resolution, true);
}

export function parentCell(cell: string, resolution: number): string {
  return cellToParent(cell, resolution);
}

export function isCell(value: string): boolean {
  return /^[0-9a-f]{15,16}$/i.test(value) && isValidCell(value);
}

/** getResolution itself (no wrapper: the weights call it once per cell). */
export const cellResolution: (cell: string) => number = getResolution;

/**
 * Parent at a coarser resolution by bit arithmetic, the same expression SQL uses
 * (see src/db/h3sql.ts), so the two can be tested against each other and against h3-js.
 */
export function parentOfBigint(cell: bigint, resolution: number): bigint {
  const res = BigInt(resolution);
  const cleared = cell & ~(15n << 52n);
  return cleared | (res << 52n) | ((1n << (3n * (15n - res))) - 1n);
}

/** Cells with an `h3` id as a GeoJSON FeatureCollection of their outlines; other fields become properties. */
export function cellFeatureCollection<T extends { h3: string }>(cells: readonly T[]): { type: 'FeatureCollection'; features: { type: 'Feature'; geometry: PolygonGeometry; properties: Omit<T, 'boundary'> }[] } {
  return {
    type: 'FeatureCollection',
    features: cells.map((cell) => {
      // copy field by field so a lazy `boundary` getter is never evaluated
      const properties = Object.fromEntries(
        Object.keys(cell)
          .filter((key) => key !== 'boundary')
          .map((key) => [key, cell[key as keyof T]]),
      ) as Omit<T, 'boundary'>;
      return { type: 'Feature', geometry: cellPolygon(cell.h3), properties };
    }),
  };
}

/** Exact area of a cell in square kilometres (h3-js cellArea). */
export function cellAreaKm2(cell: string): number {
  return cellArea(cell, 'km2');
}

/** Average edge length of a cell at a resolution, metres (h3-js getHexagonEdgeLengthAvg). */
export function cellEdgeLengthMeters(resolution: number): number {
  return getHexagonEdgeLengthAvg(resolution, 'm');
}

/** Average distance between the centres of neighbouring cells at a resolution, metres (edge x sqrt 3). */
export function neighbourSpacingMeters(resolution: number): number {
  return getHexagonEdgeLengthAvg(resolution, 'm') * Math.sqrt(3);
}

/** The cells within grid distance k of a cell, the cell itself included. */
export function cellDisk(cell: string, k: number): string[] {
  return gridDisk(cell, k);
}

/** The cells of a polyline at `resolution`: each vertex's cell and the grid path between consecutive ones. */
export function lineCells(positions: readonly Position[], resolution: number): string[] {
  const cells = new Set<string>();
  let previous: string | null = null;
  for (const position of positions) {
    const cell = pointToCell(position, resolution);
    if (previous !== null && previous !== cell) {
      for (const step of gridPathCells(previous, cell)) cells.add(step);
    }
    cells.add(cell);
    previous = cell;
  }
  return [...cells];
}

/** A cell expressed at another resolution: its parent when coarser, its children when finer. */
export function cellsAtResolution(cell: string, resolution: number): string[] {
  const own = getResolution(cell);
  if (own === resolution) return [cell];
  return own > resolution ? [cellToParent(cell, resolution)] : cellToChildren(cell, resolution);
}

/** Every cell within grid distance k of any of `cells` (the cells themselves included). */
export function gridDiskOfCells(cells: Iterable<string>, k: number): Set<string> {
  const out = new Set<string>();
  for (const cell of cells) for (const near of gridDisk(cell, k)) out.add(near);
  return out;
}

/** An object whose every property is computed on first read, then kept. */
export function lazyObject<T extends object>(builders: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  for (const key of Object.keys(builders) as (keyof T & string)[]) {
    let built: { value: T[typeof key] } | null = null;
    Object.defineProperty(out, key, { enumerable: true, get: () => (built ??= { value: builders[key]() }).value });
  }
  return out;
}

/**
 * Parallel arrays of the chosen fields of cell records, each built on first read: a GraphQL
 * answer builds only the arrays a client selected.
 */
export function lazyColumns<T extends object, K extends keyof T & string>(cells: readonly T[], keys: readonly K[]): { [P in K]: T[P][] } {
  const builders = {} as { [P in K]: () => T[P][] };
  for (const key of keys) builders[key] = () => cells.map((c) => c[key]);
  return lazyObject(builders);
}
