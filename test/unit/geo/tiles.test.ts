/**
 * Web Mercator tile arithmetic against PostGIS 3.3: the reference extents are
 * ST_Transform(ST_TileEnvelope(z, x, y), 4326) printed by PostGIS, an implementation independent
 * of ours; and WKT against the OGC Simple Features text forms.
 */
import { geometryToWkt } from '../../../src/geo/geometry';
import { boxesOverlap, tileBounds, tileProblem } from '../../../src/geo/tiles';

const POSTGIS_TILE_ENVELOPES: [number, number, number, [number, number, number, number]][] = [
  [0, 0, 0, [-180, -85.0511287798066, 180, 85.0511287798066]],
  [1, 1, 0, [0, 0, 180, 85.0511287798066]],
  [12, 2923, 1501, [76.90429687500001, 43.19716728250127, 76.9921875, 43.261206124799784]],
  [18, 187146, 96098, [77.00592041015625, 43.226193219295446, 77.00729370117188, 43.2271938672783]],
];

describe('tileBounds', () => {
  it.each(POSTGIS_TILE_ENVELOPES)('%i/%i/%i equals the PostGIS tile envelope', (z, x, y, expected) => {
    const bounds = tileBounds({ z, x, y });
    bounds.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
  });

  it('puts Almaty (43.24 N, 76.95 E) in its tile: latitude and longitude not swapped', () => {
    const [minLng, minLat, maxLng, maxLat] = tileBounds({ z: 12, x: 2923, y: 1501 });
    expect(76.95).toBeGreaterThan(minLng);
    expect(76.95).toBeLessThan(maxLng);
    expect(43.24).toBeGreaterThan(minLat);
    expect(43.24).toBeLessThan(maxLat);
  });
});

describe('tileProblem', () => {
  it('accepts tiles inside the zoom level and names what is wrong otherwise', () => {
    expect(tileProblem({ z: 12, x: 4095, y: 0 })).toBeNull();
    expect(tileProblem({ z: 12, x: 4096, y: 0 })).toMatch(/^x must be/);
    expect(tileProblem({ z: 2, x: 0, y: -1 })).toMatch(/^y must be/);
    expect(tileProblem({ z: 23, x: 0, y: 0 })).toMatch(/^zoom must be/);
    expect(tileProblem({ z: 1.5, x: 0, y: 0 })).toMatch(/^zoom must be/);
  });
});

describe('boxesOverlap', () => {
  it('counts touching boxes as overlapping and apart ones as not', () => {
    expect(boxesOverlap([0, 0, 1, 1], [1, 1, 2, 2])).toBe(true);
    expect(boxesOverlap([0, 0, 1, 1], [1.01, 0, 2, 1])).toBe(false);
    expect(boxesOverlap([0, 0, 10, 10], [2, 2, 3, 3])).toBe(true);
  });
});

describe('geometryToWkt', () => {
  it('writes x y as lng lat in the OGC text forms', () => {
    expect(geometryToWkt({ type: 'Point', coordinates: [76.95, 43.24] })).toBe('POINT (76.95 43.24)');
    expect(
      geometryToWkt({
        type: 'LineString',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toBe('LINESTRING (1 2, 3 4)');
    expect(
      geometryToWkt({
        type: 'MultiLineString',
        coordinates: [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
        ],
      }),
    ).toBe('MULTILINESTRING ((1 2, 3 4), (5 6, 7 8))');
    expect(
      geometryToWkt({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    ).toBe('POLYGON ((0 0, 1 0, 1 1, 0 0))');
    expect(
      geometryToWkt({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
          [
            [
              [5, 5],
              [6, 5],
              [6, 6],
              [5, 5],
            ],
          ],
        ],
      }),
    ).toBe('MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))');
  });
});
