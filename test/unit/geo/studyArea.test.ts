/**
 * Study areas (src/geo/studyArea.ts): every H3 cell whose centre lies in the area. The reference
 * is a brute force independent of polygon filling: every cell of a disk large enough to hold the
 * area, kept when its centre passes a plain point-in-rectangle (or point-in-ring) test.
 * Coordinates are GeoJSON [lng, lat] on the way in; h3-js takes (lat, lng): Almaty at 43.24 N,
 * 76.95 E tells the two orders apart.
 */
import { cellArea, cellToLatLng, getResolution, gridDisk, latLngToCell } from 'h3-js';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../../../src/domain';
import { bboxToPolygon, estimatedCellCount, studyAreaCells } from '../../../src/geo/studyArea';

const ALMATY: [number, number] = [76.95, 43.24]; // [lng, lat]
const BOX: BBox = [76.9, 43.2, 77.0, 43.28];

/** Cells at `res` near `centre` whose centre satisfies `inside(lng, lat)`, sorted. */
function bruteForce(res: number, rings: number, inside: (lng: number, lat: number) => boolean): string[] {
  const origin = latLngToCell(ALMATY[1], ALMATY[0], res);
  return gridDisk(origin, rings)
    .filter((cell) => {
      const [lat, lng] = cellToLatLng(cell);
      return inside(lng, lat);
    })
    .sort();
}

const inBox =
  ([minLng, minLat, maxLng, maxLat]: BBox) =>
  (lng: number, lat: number): boolean =>
    lng >= minLng && lng <= maxLng && lat >= minLat && lat <= maxLat;

describe('bboxToPolygon', () => {
  it('gives the closed ring of the box, counter-clockwise from the south-west corner', () => {
    expect(bboxToPolygon([1, 2, 3, 4])).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [1, 2],
          [3, 2],
          [3, 4],
          [1, 4],
          [1, 2],
        ],
      ],
    });
  });
});

describe('studyAreaCells', () => {
  it('holds exactly the cells whose centre lies in a box, sorted, at the resolution asked', () => {
    // res 8 cells have a mean edge of about 0.53 km; the box is about 8 x 9 km, so 12 rings of the
    // disk around Almaty reach well beyond it
    const cells = studyAreaCells(bboxToPolygon(BOX), 8);
    const expected = bruteForce(8, 12, inBox(BOX));
    expect(expected.length).toBeGreaterThan(50);
    expect(cells).toEqual(expected);
    expect(cells.every((cell) => getResolution(cell) === 8)).toBe(true);
    // the cell that holds Almaty's centre is there: longitude and latitude were not swapped
    expect(cells).toContain(latLngToCell(ALMATY[1], ALMATY[0], 8));
  });

  it('leaves out the cells whose centre lies in a hole', () => {
    const hole: BBox = [76.93, 43.22, 76.97, 43.26];
    const outer = bboxToPolygon(BOX).coordinates[0];
    // the hole's ring runs clockwise, as GeoJSON asks of inner rings
    const inner = [...bboxToPolygon(hole).coordinates[0]].reverse();
    const polygon: PolygonGeometry = { type: 'Polygon', coordinates: [outer, inner] };
    const cells = studyAreaCells(polygon, 8);
    const inRing = inBox(BOX);
    const inHole = inBox(hole);
    expect(cells).toEqual(bruteForce(8, 12, (lng, lat) => inRing(lng, lat) && !inHole(lng, lat)));
    expect(cells).not.toContain(latLngToCell(ALMATY[1], ALMATY[0], 8));
  });

  it('joins the parts of a multipolygon once each', () => {
    const west: BBox = [76.9, 43.2, 76.95, 43.28];
    const east: BBox = [76.94, 43.2, 77.0, 43.28]; // overlaps the west part
    const multi: MultiPolygonGeometry = {
      type: 'MultiPolygon',
      coordinates: [bboxToPolygon(west).coordinates, bboxToPolygon(east).coordinates],
    };
    const cells = studyAreaCells(multi, 8);
    expect(new Set(cells).size).toBe(cells.length);
    const inWest = inBox(west);
    const inEast = inBox(east);
    expect(cells).toEqual(bruteForce(8, 12, (lng, lat) => inWest(lng, lat) || inEast(lng, lat)));
  });

  it('finds nothing where the swapped coordinates would point (lat 76.95, lng 43.24 is in the Arctic)', () => {
    const swapped: BBox = [43.2, 76.9, 43.28, 77.0];
    const cells = studyAreaCells(bboxToPolygon(swapped), 8);
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      const [lat] = cellToLatLng(cell);
      expect(lat).toBeGreaterThan(76.8);
    }
    expect(cells).not.toContain(latLngToCell(ALMATY[1], ALMATY[0], 8));
  });
});

describe('estimatedCellCount', () => {
  it('divides the geodesic area by the mean hexagon area of the resolution', () => {
    // area of a longitude-latitude box on the sphere of radius R = 6371008.8 m (turf's):
    // R^2 (lng2 - lng1) (sin lat2 - sin lat1), the angles in radians
    const R = 6371008.8;
    const rad = Math.PI / 180;
    const [minLng, minLat, maxLng, maxLat] = BOX;
    const area = R * R * (maxLng - minLng) * rad * (Math.sin(maxLat * rad) - Math.sin(minLat * rad));
    // H3's table of mean hexagon areas: 0.7373276 km^2 at resolution 8, 0.1053325 km^2 at 9
    expect(estimatedCellCount(bboxToPolygon(BOX), 8)).toBeCloseTo(area / 737327.598, 0);
    expect(estimatedCellCount(bboxToPolygon(BOX), 9) / (area / 105332.513)).toBeCloseTo(1, 4);
    // only an estimate: cells near Almaty are about a fifth larger than H3's mean (0.88 km^2 at
    // resolution 8), so it counts high there, on the safe side for a limit on the cells of a study
    const actual = studyAreaCells(bboxToPolygon(BOX), 8).length;
    const localCellArea = cellArea(latLngToCell(ALMATY[1], ALMATY[0], 8), 'm2');
    expect(localCellArea / 737327.598).toBeCloseTo(1.19, 2);
    expect(Math.abs(area / localCellArea - actual) / actual).toBeLessThan(0.05);
    expect(estimatedCellCount(bboxToPolygon(BOX), 8)).toBeGreaterThan(actual);
  });
});
