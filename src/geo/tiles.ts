/**
 * Web Mercator tile arithmetic (the XYZ scheme of OSM, MapLibre and QGIS, y counted from the north),
 * so cells can be picked for a tile before PostGIS clips them with ST_TileEnvelope.
 */
import type { BBox } from '../domain';

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** Zoom levels a tile URL may ask for; deeper tiles are overzoomed by the clients. */
export const MAX_TILE_ZOOM = 22;

/** Why a z/x/y is not a tile, or null when it is one. */
export function tileProblem({ z, x, y }: TileAddress): string | null {
  if (!Number.isInteger(z) || z < 0 || z > MAX_TILE_ZOOM) return `zoom must be an integer from 0 to ${MAX_TILE_ZOOM}, got ${z}`;
  const n = 2 ** z;
  if (!Number.isInteger(x) || x < 0 || x >= n) return `x must be an integer from 0 to ${n - 1} at zoom ${z}, got ${x}`;
  if (!Number.isInteger(y) || y < 0 || y >= n) return `y must be an integer from 0 to ${n - 1} at zoom ${z}, got ${y}`;
  return null;
}

function tileLng(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

function tileLat(y: number, z: number): number {
  const n = Math.PI - (2 * Math.PI * y) / 2 ** z;
  return (180 / Math.PI) * Math.atan(Math.sinh(n));
}

/** The tile's extent as [minLng, minLat, maxLng, maxLat] (EPSG:4326). */
export function tileBounds({ z, x, y }: TileAddress): BBox {
  return [tileLng(x, z), tileLat(y + 1, z), tileLng(x + 1, z), tileLat(y, z)];
}

/** Whether two lng/lat boxes overlap (touching counts, so edge features are never lost). */
export function boxesOverlap(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** The box grown by a fraction of its size on every side (the tile buffer, so clipped outlines join seamlessly). */
export function growBox([minLng, minLat, maxLng, maxLat]: BBox, fraction: number): BBox {
  const dx = (maxLng - minLng) * fraction;
  const dy = (maxLat - minLat) * fraction;
  return [minLng - dx, minLat - dy, maxLng + dx, maxLat + dy];
}

/** Lng/lat box of a polygon ring set. */
export function ringsBounds(rings: readonly (readonly [number, number])[][]): BBox {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const ring of rings) {
    for (const [lng, lat] of ring) {
      if (lng < minLng) minLng = lng;
      if (lng > maxLng) maxLng = lng;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  return [minLng, minLat, maxLng, maxLat];
}
