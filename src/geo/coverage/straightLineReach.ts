/**
 * Walking reach of a post without a street network: a circle of radius r / f, where r is the
 * walking distance and f >= 1 the pedestrian detour factor (route directness: network
 * distance divided by straight-line distance). Used only when no street network is loaded;
 * answers built on it must say `distanceBasis: 'straightLine'` and give f.
 *
 * Why f = 1.3 by default: measured pedestrian route directness in urban street grids mostly
 * lies between about 1.2 and 1.4 (route directness as a connectivity measure: Dill 2004,
 * Stangl 2012; a perfect orthogonal grid averages 4/pi = 1.27 over all directions; road
 * circuity studies such as Ballou et al. 2002 and Levinson and El-Geneidy 2009 find about
 * 1.2-1.4). See docs/coverage.md for the references and the limits of the approximation.
 *
 * Distances are great-circle distances by the haversine formula on a sphere of the mean Earth
 * radius 6 371 008.8 m (IUGG), the same radius and formula as turf's `distance`, so the two
 * agree to rounding. Our own helper is used in the loops because it works on plain numbers
 * and allocates no GeoJSON features per cell.
 *
 * Posts are `{ lat, lng }` objects, so the order cannot be mixed up by position; h3 calls go
 * through ../h3 ([lng, lat]) and turf takes [lng, lat]. The tests use Almaty (43.24 N,
 * 76.95 E) so that a swap shows.
 */
import { MEAN_EARTH_RADIUS_METERS } from '../geometry';
import { cellCentre, cellResolution, edgeLength, gridDiskDistances, isCell, originToDirectedEdges, pointToCell } from '../h3';
import { circle } from '@turf/turf';
import type { Feature, Polygon } from 'geojson';

export { MEAN_EARTH_RADIUS_METERS };
export const DEFAULT_DETOUR_FACTOR = 1.3;

export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function haversineDistanceMeters(a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * MEAN_EARTH_RADIUS_METERS * Math.atan2(Math.sqrt(s), Math.sqrt(1 - s));
}

function checkLatLng(point: LatLng, what: string): void {
  if (!Number.isFinite(point.lat) || point.lat < -90 || point.lat > 90) {
    throw new RangeError(`${what}.lat = ${point.lat} is not a latitude in -90..90`);
  }
  if (!Number.isFinite(point.lng) || point.lng < -180 || point.lng > 180) {
    throw new RangeError(`${what}.lng = ${point.lng} is not a longitude in -180..180`);
  }
}

/** Straight-line radius r / f equivalent to walking `walkingRadiusMeters` along streets with detour factor f. */
export function effectiveStraightLineRadius(walkingRadiusMeters: number, detourFactor = DEFAULT_DETOUR_FACTOR): number {
  if (!Number.isFinite(walkingRadiusMeters) || walkingRadiusMeters < 0) {
    throw new RangeError(`walking radius must be finite and >= 0, got ${walkingRadiusMeters}`);
  }
  if (!Number.isFinite(detourFactor) || detourFactor < 1) {
    throw new RangeError(`detour factor must be >= 1 (a street route is never shorter than the straight line), got ${detourFactor}`);
  }
  return walkingRadiusMeters / detourFactor;
}

export interface StraightLineReach {
  readonly distanceBasis: 'straightLine';
  readonly walkingRadiusMeters: number;
  readonly detourFactor: number;
  readonly effectiveRadiusMeters: number;
  readonly resolution: number;
  /** Cells (H3 index strings) whose centres lie within the effective radius, nearest first. */
  readonly cells: string[];
  /** Straight-line distance from the post to each cell's centre, parallel to `cells`. */
  readonly distancesMeters: number[];
  /** The gridDisk radius (in cells) that was searched. */
  readonly gridDiskK: number;
}

/**
 * H3 cells at `resolution` whose centres lie within r / f of the post.
 *
 * Why the k: in a hexagonal grid of edge e, centres of ring k are at least k * 1.5 e from the
 * origin centre (the apothem of the ring), and the post may sit up to e from its cell's
 * centre, so k = ceil((R + e) / (1.5 e)) reaches every centre within R. H3 cells vary in size
 * across the globe, so e is the shortest edge of the post's own cell, and the outermost ring
 * is checked: if any of its centres is still within R, k grows by one and the disk is redone.
 */
export function straightLineReachCells(post: LatLng, walkingRadiusMeters: number, resolution: number, detourFactor = DEFAULT_DETOUR_FACTOR): StraightLineReach {
  checkLatLng(post, 'post');
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) {
    throw new RangeError(`H3 resolution must be an integer 0..15, got ${resolution}`);
  }
  const effectiveRadiusMeters = effectiveStraightLineRadius(walkingRadiusMeters, detourFactor);
  const origin = pointToCell([post.lng, post.lat], resolution);
  let shortestEdge = Infinity;
  for (const edge of originToDirectedEdges(origin)) shortestEdge = Math.min(shortestEdge, edgeLength(edge, 'm'));
  let k = Math.max(1, Math.ceil((effectiveRadiusMeters + shortestEdge) / (1.5 * shortestEdge)));

  for (;;) {
    const rings = gridDiskDistances(origin, k);
    const found: { cell: string; distance: number }[] = [];
    let outerRingReaches = false;
    rings.forEach((ring, ringIndex) => {
      for (const cell of ring) {
        const [lng, lat] = cellCentre(cell);
        const distance = haversineDistanceMeters(post, { lat, lng });
        if (distance > effectiveRadiusMeters) continue;
        found.push({ cell, distance });
        if (ringIndex === k) outerRingReaches = true;
      }
    });
    if (outerRingReaches) {
      k++;
      continue;
    }
    found.sort((a, b) => a.distance - b.distance || (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
    return {
      distanceBasis: 'straightLine',
      walkingRadiusMeters,
      detourFactor,
      effectiveRadiusMeters,
      resolution,
      cells: found.map((f) => f.cell),
      distancesMeters: found.map((f) => f.distance),
      gridDiskK: k,
    };
  }
}

/** Straight-line reach cells of a cell's centre (e.g. a candidate site given as an H3 cell). */
export function straightLineReachCellsOfCell(cell: string, walkingRadiusMeters: number, detourFactor = DEFAULT_DETOUR_FACTOR): StraightLineReach {
  if (!isCell(cell)) throw new RangeError(`not an H3 cell: ${cell}`);
  const [lng, lat] = cellCentre(cell);
  return straightLineReachCells({ lat, lng }, walkingRadiusMeters, cellResolution(cell), detourFactor);
}

export interface StraightLineReachProperties {
  readonly distanceBasis: 'straightLine';
  readonly walkingRadiusMeters: number;
  readonly detourFactor: number;
  readonly effectiveRadiusMeters: number;
}

/** GeoJSON polygon ([lng, lat] order) approximating the circle of radius r / f around the post. */
export function straightLineReachPolygon(post: LatLng, walkingRadiusMeters: number, detourFactor = DEFAULT_DETOUR_FACTOR, steps = 64): Feature<Polygon, StraightLineReachProperties> {
  checkLatLng(post, 'post');
  const effectiveRadiusMeters = effectiveStraightLineRadius(walkingRadiusMeters, detourFactor);
  return circle<StraightLineReachProperties>([post.lng, post.lat], effectiveRadiusMeters, {
    steps,
    units: 'meters',
    properties: { distanceBasis: 'straightLine', walkingRadiusMeters, detourFactor, effectiveRadiusMeters },
  });
}
