/** Small pure geometry helpers shared by imports and analyses. */
import type { Geometry, Position } from '../domain';

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
