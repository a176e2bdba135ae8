/**
 * Plane geometry for the generator: a local equirectangular projection around Almaty (error
 * well under 0.5 % across the city), ray-casting point-in-polygon with a bbox pre-test, and
 * point-to-line distances in metres. All positions are GeoJSON order [lng, lat].
 */
import type { Position } from '../../src/domain';
import { metresPerDegree } from '../../src/geo/geometry';

/** Reference latitude of the projection (centre of Almaty). */
export const REF_LAT = 43.25;
const PER_DEGREE = metresPerDegree(REF_LAT, 'wgs84');
export const M_PER_DEG_LAT = PER_DEGREE.lat;
export const M_PER_DEG_LNG = PER_DEGREE.lng;

/** Straight-line distance in metres between two [lng, lat] positions (local projection). */
export function distanceM(a: Position, b: Position): number {
  const dx = (a[0] - b[0]) * M_PER_DEG_LNG;
  const dy = (a[1] - b[1]) * M_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Distance in metres from point p to segment a-b. */
export function pointSegmentDistanceM(p: Position, a: Position, b: Position): number {
  const ax = (a[0] - p[0]) * M_PER_DEG_LNG;
  const ay = (a[1] - p[1]) * M_PER_DEG_LAT;
  const bx = (b[0] - p[0]) * M_PER_DEG_LNG;
  const by = (b[1] - p[1]) * M_PER_DEG_LAT;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const x = ax + t * dx;
  const y = ay + t * dy;
  return Math.sqrt(x * x + y * y);
}

/** Distance in metres from a point to a polyline (or to a single point when it has one vertex). */
export function pointLineDistanceM(p: Position, line: readonly Position[]): number {
  if (line.length === 1) return distanceM(p, line[0]);
  let best = Infinity;
  for (let i = 1; i < line.length; i++) {
    const d = pointSegmentDistanceM(p, line[i - 1], line[i]);
    if (d < best) best = d;
  }
  return best;
}

/** Move a position by metres east and north. */
export function offsetM(p: Position, eastM: number, northM: number): Position {
  return [p[0] + eastM / M_PER_DEG_LNG, p[1] + northM / M_PER_DEG_LAT];
}

export type BBox = [number, number, number, number];

/** A polygon (outer ring + holes) or multipolygon prepared for fast point-in-polygon tests. */
export class PreparedArea {
  readonly bbox: BBox;
  private readonly parts: { bbox: BBox; rings: Float64Array[] }[];

  constructor(polygons: Position[][][]) {
    this.parts = polygons.map((rings) => {
      const flat = rings.map((ring) => {
        const a = new Float64Array(ring.length * 2);
        ring.forEach((q, i) => {
          a[2 * i] = q[0];
          a[2 * i + 1] = q[1];
        });
        return a;
      });
      return { bbox: ringBBox(rings[0]), rings: flat };
    });
    const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const part of this.parts) {
      b[0] = Math.min(b[0], part.bbox[0]);
      b[1] = Math.min(b[1], part.bbox[1]);
      b[2] = Math.max(b[2], part.bbox[2]);
      b[3] = Math.max(b[3], part.bbox[3]);
    }
    this.bbox = b;
  }

  contains(lng: number, lat: number): boolean {
    const b = this.bbox;
    if (lng < b[0] || lng > b[2] || lat < b[1] || lat > b[3]) return false;
    for (const part of this.parts) {
      const pb = part.bbox;
      if (lng < pb[0] || lng > pb[2] || lat < pb[1] || lat > pb[3]) continue;
      let inside = false;
      for (const ring of part.rings) if (ringContains(ring, lng, lat)) inside = !inside;
      if (inside) return true;
    }
    return false;
  }

  /** Does any polygon edge pass through the given bbox (by the edges' own bboxes)? */
  edgesTouchBBox(q: BBox): boolean {
    for (const part of this.parts) {
      const pb = part.bbox;
      if (q[2] < pb[0] || q[0] > pb[2] || q[3] < pb[1] || q[1] > pb[3]) continue;
      for (const ring of part.rings) {
        for (let i = 2; i < ring.length; i += 2) {
          const x1 = ring[i - 2];
          const y1 = ring[i - 1];
          const x2 = ring[i];
          const y2 = ring[i + 1];
          if (Math.max(x1, x2) < q[0] || Math.min(x1, x2) > q[2]) continue;
          if (Math.max(y1, y2) < q[1] || Math.min(y1, y2) > q[3]) continue;
          return true;
        }
      }
    }
    return false;
  }
}

function ringBBox(ring: Position[]): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const q of ring) {
    if (q[0] < b[0]) b[0] = q[0];
    if (q[1] < b[1]) b[1] = q[1];
    if (q[0] > b[2]) b[2] = q[0];
    if (q[1] > b[3]) b[3] = q[1];
  }
  return b;
}

/** Even-odd ray casting over a flat [x0, y0, x1, y1, ...] ring. */
function ringContains(ring: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i];
    const yi = ring[2 * i + 1];
    const xj = ring[2 * j];
    const yj = ring[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * A uniform grid over [lng, lat] with buckets of about `cellM` metres, for "what is within d
 * metres of here" queries. Items are indexed by their bbox.
 */
export class GridIndex<T> {
  private readonly buckets = new Map<number, T[]>();
  private readonly dLng: number;
  private readonly dLat: number;

  constructor(cellM: number) {
    this.dLng = cellM / M_PER_DEG_LNG;
    this.dLat = cellM / M_PER_DEG_LAT;
  }

  private key(ix: number, iy: number): number {
    return (ix + 4096) * 8192 + (iy + 4096);
  }

  insert(item: T, bbox: BBox): void {
    const x0 = Math.floor(bbox[0] / this.dLng);
    const x1 = Math.floor(bbox[2] / this.dLng);
    const y0 = Math.floor(bbox[1] / this.dLat);
    const y1 = Math.floor(bbox[3] / this.dLat);
    for (let ix = x0; ix <= x1; ix++) {
      for (let iy = y0; iy <= y1; iy++) {
        const k = this.key(ix - Math.floor(76 / this.dLng), iy - Math.floor(43 / this.dLat));
        let list = this.buckets.get(k);
        if (!list) this.buckets.set(k, (list = []));
        list.push(item);
      }
    }
  }

  /** Items whose bbox buckets meet the bbox of radius `radiusM` around p (deduplicated). */
  near(p: Position, radiusM: number): T[] {
    const rLng = radiusM / M_PER_DEG_LNG;
    const rLat = radiusM / M_PER_DEG_LAT;
    const x0 = Math.floor((p[0] - rLng) / this.dLng);
    const x1 = Math.floor((p[0] + rLng) / this.dLng);
    const y0 = Math.floor((p[1] - rLat) / this.dLat);
    const y1 = Math.floor((p[1] + rLat) / this.dLat);
    const out = new Set<T>();
    for (let ix = x0; ix <= x1; ix++) {
      for (let iy = y0; iy <= y1; iy++) {
        const list = this.buckets.get(this.key(ix - Math.floor(76 / this.dLng), iy - Math.floor(43 / this.dLat)));
        if (list) for (const item of list) out.add(item);
      }
    }
    return [...out];
  }
}

/** The bbox of a list of positions, grown by `marginM` metres. */
export function positionsBBox(points: readonly Position[], marginM = 0): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const q of points) {
    if (q[0] < b[0]) b[0] = q[0];
    if (q[1] < b[1]) b[1] = q[1];
    if (q[0] > b[2]) b[2] = q[0];
    if (q[1] > b[3]) b[3] = q[1];
  }
  const mx = marginM / M_PER_DEG_LNG;
  const my = marginM / M_PER_DEG_LAT;
  return [b[0] - mx, b[1] - my, b[2] + mx, b[3] + my];
}
