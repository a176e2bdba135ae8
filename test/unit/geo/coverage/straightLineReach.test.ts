import { distance, point } from '@turf/turf';
import { cellArea, cellToLatLng, getPentagons, gridDisk, latLngToCell } from 'h3-js';
import {
  DEFAULT_DETOUR_FACTOR,
  effectiveStraightLineRadius,
  haversineDistanceMeters,
  straightLineReachCells,
  straightLineReachCellsOfCell,
  straightLineReachPolygon,
} from '../../../../src/geo/coverage/straightLineReach';

/** Almaty: latitude and longitude differ by 33 degrees, so a swapped pair lands far away. */
const ALMATY = { lat: 43.24, lng: 76.95 };

const turfMeters = (a: { lat: number; lng: number }, b: { lat: number; lng: number }): number => distance(point([a.lng, a.lat]), point([b.lng, b.lat]), { units: 'meters' });

describe('effective straight-line radius', () => {
  it('divides the walking radius by the detour factor (default 1.3)', () => {
    expect(DEFAULT_DETOUR_FACTOR).toBe(1.3);
    expect(effectiveStraightLineRadius(650)).toBeCloseTo(500, 9);
    expect(effectiveStraightLineRadius(500, 1)).toBe(500);
    expect(effectiveStraightLineRadius(700, 1.4)).toBeCloseTo(500, 9);
  });

  it('rejects a detour factor below 1 and a negative radius', () => {
    expect(() => effectiveStraightLineRadius(500, 0.9)).toThrow(RangeError);
    expect(() => effectiveStraightLineRadius(-1)).toThrow(RangeError);
    expect(() => effectiveStraightLineRadius(500, Number.NaN)).toThrow(RangeError);
  });
});

describe('haversine helper', () => {
  it('agrees with turf distance (same formula, mean radius 6371008.8 m)', () => {
    const targets = [
      { lat: 43.25, lng: 76.95 },
      { lat: 43.24, lng: 76.96 },
      { lat: 43.3, lng: 77.1 },
      { lat: 51.17, lng: 71.45 }, // Astana, ~970 km
    ];
    for (const t of targets) {
      const ours = haversineDistanceMeters(ALMATY, t);
      expect(Math.abs(ours - turfMeters(ALMATY, t))).toBeLessThan(1e-6 * Math.max(1, ours));
    }
    // One hundredth of a degree of latitude is 6371008.8 * pi / 18000 m, wherever you are.
    expect(haversineDistanceMeters(ALMATY, { lat: 43.25, lng: 76.95 })).toBeCloseTo((6371008.8 * Math.PI) / 18000, 6);
  });
});

describe('straight-line reach cells', () => {
  it.each([9, 10, 11])('in Almaty at resolution %i: exactly the cells whose centres lie within r / f (turf)', (resolution) => {
    const reach = straightLineReachCells(ALMATY, 650, resolution, 1.3);
    const radius = 500;
    expect(reach.effectiveRadiusMeters).toBeCloseTo(radius, 9);
    expect(reach.distanceBasis).toBe('straightLine');
    expect(reach.detourFactor).toBe(1.3);
    // Every returned cell is within the radius by turf's distance.
    reach.cells.forEach((cell, i) => {
      const [lat, lng] = cellToLatLng(cell);
      const d = turfMeters(ALMATY, { lat, lng });
      expect(d).toBeLessThanOrEqual(radius + 1e-6);
      expect(reach.distancesMeters[i]).toBeCloseTo(d, 6);
    });
    // Nothing is missed: search a much larger disk by brute force.
    const origin = latLngToCell(ALMATY.lat, ALMATY.lng, resolution);
    const expected = gridDisk(origin, reach.gridDiskK + 4).filter((cell) => {
      const [lat, lng] = cellToLatLng(cell);
      return turfMeters(ALMATY, { lat, lng }) <= radius;
    });
    expect([...reach.cells].sort()).toEqual(expected.sort());
    // The post's own cell comes first (nearest), and the distances never decrease.
    expect(reach.cells[0]).toBe(origin);
    for (let i = 1; i < reach.distancesMeters.length; i++) {
      expect(reach.distancesMeters[i]).toBeGreaterThanOrEqual(reach.distancesMeters[i - 1]);
    }
  });

  it('holds about as many cells as fit in the circle', () => {
    // Local cell size, not the global mean: H3 cells near Almaty are ~19 % larger than average.
    const reach = straightLineReachCells(ALMATY, 650, 11);
    const localCellArea = cellArea(reach.cells[0], 'm2');
    const expected = (Math.PI * 500 ** 2) / localCellArea;
    expect(Math.abs(reach.cells.length - expected) / expected).toBeLessThan(0.05);
  });

  it('catches swapped coordinates: the reach is around 43.24 N 76.95 E, not 76.95 N 43.24 E', () => {
    const reach = straightLineReachCells(ALMATY, 650, 10);
    const [lat, lng] = cellToLatLng(reach.cells[0]);
    expect(lat).toBeCloseTo(43.24, 2);
    expect(lng).toBeCloseTo(76.95, 2);
    const swapped = straightLineReachCells({ lat: ALMATY.lng, lng: ALMATY.lat }, 650, 10);
    expect(swapped.cells.some((c) => reach.cells.includes(c))).toBe(false);
  });

  it('is complete next to a pentagon, where the grid is distorted', () => {
    const pentagon = getPentagons(10)[3];
    const [lat, lng] = cellToLatLng(pentagon);
    const post = { lat: lat + 0.001, lng: lng + 0.001 };
    const reach = straightLineReachCells(post, 650, 10);
    const expected = gridDisk(pentagon, reach.gridDiskK + 4).filter((cell) => {
      const [clat, clng] = cellToLatLng(cell);
      return turfMeters(post, { lat: clat, lng: clng }) <= 500;
    });
    expect([...reach.cells].sort()).toEqual(expected.sort());
  });

  it('from a candidate given as a cell, uses the cell centre and resolution', () => {
    const cell = latLngToCell(ALMATY.lat, ALMATY.lng, 10);
    const [lat, lng] = cellToLatLng(cell);
    expect(straightLineReachCellsOfCell(cell, 650).cells).toEqual(straightLineReachCells({ lat, lng }, 650, 10).cells);
    expect(() => straightLineReachCellsOfCell('not-a-cell', 650)).toThrow(RangeError);
  });

  it('rejects latitudes and longitudes out of range and bad resolutions', () => {
    expect(() => straightLineReachCells({ lat: 95, lng: 10 }, 500, 9)).toThrow(RangeError);
    expect(() => straightLineReachCells({ lat: 10, lng: 190 }, 500, 9)).toThrow(RangeError);
    expect(() => straightLineReachCells(ALMATY, 500, 16)).toThrow(RangeError);
  });
});

describe('straight-line reach polygon', () => {
  it('is a closed ring in [lng, lat] order at distance r / f from the post', () => {
    const polygon = straightLineReachPolygon(ALMATY, 650, 1.3, 32);
    expect(polygon.geometry.type).toBe('Polygon');
    const ring = polygon.geometry.coordinates[0];
    expect(ring).toHaveLength(33);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const [lng, lat] of ring) {
      expect(lng).toBeGreaterThan(76.9);
      expect(lat).toBeLessThan(43.3);
      expect(turfMeters(ALMATY, { lat, lng })).toBeCloseTo(500, 3);
    }
    expect(polygon.properties).toEqual({
      distanceBasis: 'straightLine',
      walkingRadiusMeters: 650,
      detourFactor: 1.3,
      effectiveRadiusMeters: 500,
    });
  });
});
