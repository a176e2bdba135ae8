/** Small pure geometry helpers shared by imports and analyses. */
import type { BBox, Geometry, Position } from '../domain';

/** Mean Earth radius (IUGG), metres: the sphere of haversine and of turf's `distance`. */
export const MEAN_EARTH_RADIUS_METERS = 6_371_008.8;

const DEG = Math.PI / 180;

/** Metres spanned by one degree of latitude and by one degree of longitude at a latitude. */
export interface MetresPerDegree {
  readonly lat: number;
  readonly lng: number;
}

/**
 * How the length of a degree is modelled; each caller's results depend on its choice, so the
 * three are kept apart by name:
 * - 'sphere': the sphere of the mean Earth radius (111,195 m per degree of latitude), so plane
 *   distances agree with `haversineDistanceMeters` (street snapping, coverage);
 * - 'wgs84': the WGS84 ellipsoid to the cos(2 lat) term (111,099 m per degree of latitude at
 *   Almaty), the demo generator's local projection;
 * - 'searchMargin': 111,000 m per degree of latitude, less than the true length at Almaty's
 *   latitude on either model, so a box grown by d metres with it reaches at least d metres.
 */
export type DegreeModel = 'sphere' | 'wgs84' | 'searchMargin';

/** Metres per degree of latitude and of longitude at `latitude` (degrees); the one conversion between metres and degrees. */
export function metresPerDegree(latitude: number, model: DegreeModel = 'sphere'): MetresPerDegree {
  switch (model) {
    case 'sphere': {
      const perLat = MEAN_EARTH_RADIUS_METERS * DEG;
      return { lat: perLat, lng: perLat * Math.cos(latitude * DEG) };
    }
    case 'wgs84':
      return { lat: 111_132.954 - 559.822 * Math.cos(2 * latitude * DEG), lng: 111_412.84 * Math.cos(latitude * DEG) };
    case 'searchMargin':
      return { lat: 111_000, lng: 111_000 * Math.cos(latitude * DEG) };
  }
}

/** The box grown by `meters` on every side (degrees of longitude shrink with latitude; 'searchMargin' degrees, so never short). */
export function growEnvelope(envelope: BBox, meters: number): BBox {
  const [minLng, minLat, maxLng, maxLat] = envelope;
  const perDegree = metresPerDegree((minLat + maxLat) / 2, 'searchMargin');
  const dLat = meters / perDegree.lat;
  const dLng = meters / perDegree.lng;
  return [minLng - dLng, minLat - dLat, maxLng + dLng, maxLat + dLat];
}

/**
 * One position that stands for a geometry when it must sit in one H3 cell: the point itself,
 * the middle vertex of a line (on the street, unlike a centroid of a bent line), or the
 * average of a polygon's outer ring.
 */
export function representativePosition(geometry: Geometry): Position {
  switch (geometry.type) {
    case 'Point':
      return geometry.coordinates;
    case 'LineString':
      return geometry.coordinates[Math.floor(geometry.coordinates.length / 2)];
    case 'MultiLineString': {
      const longest = geometry.coordinates.reduce((a, b) => (b.length > a.length ? b : a));
      return longest[Math.floor(longest.length / 2)];
    }
    case 'Polygon':
      return ringAverage(geometry.coordinates[0]);
    case 'MultiPolygon':
      return ringAverage(geometry.coordinates[0][0]);
  }
}

function ringAverage(ring: Position[]): Position {
  // the closing position repeats the first; leave it out so it does not count twice
  const open = ring.slice(0, -1);
  const lng = open.reduce((sum, p) => sum + p[0], 0) / open.length;
  const lat = open.reduce((sum, p) => sum + p[1], 0) / open.length;
  return [lng, lat];
}

function wktPositions(positions: Position[]): string {
  return positions.map(([lng, lat]) => `${lng} ${lat}`).join(', ');
}

function wktRings(rings: Position[][]): string {
  return rings.map((ring) => `(${wktPositions(ring)})`).join(', ');
}

/** Well-Known Text of a GeoJSON geometry, [lng, lat] as x y (what QGIS and PostGIS read from CSV). */
export function geometryToWkt(geometry: Geometry): string {
  switch (geometry.type) {
    case 'Point':
      return `POINT (${geometry.coordinates[0]} ${geometry.coordinates[1]})`;
    case 'LineString':
      return `LINESTRING (${wktPositions(geometry.coordinates)})`;
    case 'MultiLineString':
      return `MULTILINESTRING (${wktRings(geometry.coordinates)})`;
    case 'Polygon':
      return `POLYGON (${wktRings(geometry.coordinates)})`;
    case 'MultiPolygon':
      return `MULTIPOLYGON (${geometry.coordinates.map((polygon) => `(${wktRings(polygon)})`).join(', ')})`;
  }
}

/**
 * The geometry with every coordinate rounded to `decimals` places (7 decimals is about 1 cm,
 * the precision RFC 7946 section 11.2 suggests), and the lng/lat box it spans grown to take it in.
 */
export function roundedGeometry<G extends { type: string; coordinates: unknown }>(geometry: G, decimals: number, box?: BBox): G {
  const scale = 10 ** decimals;
  const round = (value: unknown): unknown => {
    if (!Array.isArray(value)) return value;
    if (typeof value[0] === 'number') {
      const position = value.map((v: number) => Math.round(v * scale) / scale);
      if (box) {
        const [lng, lat] = position;
        if (lng < box[0]) box[0] = lng;
        if (lat < box[1]) box[1] = lat;
        if (lng > box[2]) box[2] = lng;
        if (lat > box[3]) box[3] = lat;
      }
      return position;
    }
    return value.map(round);
  };
  return { ...geometry, coordinates: round(geometry.coordinates) };
}
