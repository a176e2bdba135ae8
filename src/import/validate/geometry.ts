/** Checks of a GeoJSON geometry from a user: type, coordinates within the bounds, closed and simple rings, size. */
import { kinks } from '@turf/turf';
import { BBox, Position } from '../../domain';

const MAX_VERTICES = 100000;

export function geometryProblem(geometry: unknown, allowed: readonly string[], bounds: BBox): string | null {
  const inBounds = ([lng, lat]: Position): boolean => lng >= bounds[0] && lng <= bounds[2] && lat >= bounds[1] && lat <= bounds[3];
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry)) return 'must be a GeoJSON geometry object';
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string' || !allowed.includes(type)) return `type must be ${allowed.join(' or ')}, got ${String(type)}`;
  let vertices = 0;
  const position = (p: unknown): string | null => {
    vertices++;
    if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((c) => typeof c === 'number' && Number.isFinite(c))) {
      return 'every position must be [lng, lat] numbers';
    }
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) return `position [${p[0]}, ${p[1]}] is not a longitude/latitude`;
    if (!inBounds([p[0], p[1]])) return `position [${p[0]}, ${p[1]}] is outside the city bounds ${bounds.join(',')} (lng/lat)`;
    return null;
  };
  const line = (l: unknown, minLength: number): string | null => {
    if (!Array.isArray(l) || l.length < minLength) return `a line needs at least ${minLength} positions`;
    for (const p of l) {
      const e = position(p);
      if (e) return e;
    }
    return null;
  };
  const ring = (r: unknown): string | null => {
    const e = line(r, 4);
    if (e) return e.replace('a line', 'a polygon ring');
    const positions = r as number[][];
    const first = positions[0];
    const last = positions[positions.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) return 'a polygon ring must be closed (first position equals last)';
    return null;
  };
  const polygon = (rings: unknown): string | null => {
    if (!Array.isArray(rings) || rings.length === 0) return 'a polygon needs at least one ring';
    for (const r of rings) {
      const e = ring(r);
      if (e) return e;
    }
    return null;
  };
  let problem: string | null;
  switch (type) {
    case 'Point':
      problem = position(coordinates);
      break;
    case 'LineString':
      problem = line(coordinates, 2);
      break;
    case 'MultiLineString':
      problem = Array.isArray(coordinates) && coordinates.length > 0 ? (coordinates.map((l) => line(l, 2)).find((e) => e) ?? null) : 'needs at least one line';
      break;
    case 'Polygon':
      problem = polygon(coordinates);
      break;
    case 'MultiPolygon':
      problem = Array.isArray(coordinates) && coordinates.length > 0 ? (coordinates.map(polygon).find((e) => e) ?? null) : 'needs at least one polygon';
      break;
    default:
      problem = `unsupported type ${type}`;
  }
  if (problem) return problem;
  if (vertices > MAX_VERTICES) return `has ${vertices} positions; at most ${MAX_VERTICES} are accepted`;
  if ((type === 'Polygon' || type === 'MultiPolygon') && kinks({ type, coordinates } as GeoJSON.Polygon).features.length > 0) {
    return 'polygon is self-intersecting';
  }
  return null;
}
