import { cellToParent, latLngToCell } from 'h3-js';
import { bigintToCell, cellCentre, cellPolygon, cellToBigint, parentOfBigint, pointToCell } from '../../../src/geo/h3';

// Almaty: latitude and longitude differ a lot, so a swapped pair lands in another country
const ALMATY: [number, number] = [76.95, 43.24];

describe('h3 helpers', () => {
  it('takes [lng, lat] and calls h3-js with (lat, lng)', () => {
    expect(pointToCell(ALMATY, 9)).toBe(latLngToCell(43.24, 76.95, 9));
    const [lng, lat] = cellCentre(pointToCell(ALMATY, 11));
    expect(lng).toBeCloseTo(76.95, 3);
    expect(lat).toBeCloseTo(43.24, 3);
  });

  it('round-trips cells through the signed bigint PostgreSQL stores', () => {
    const cell = pointToCell(ALMATY, 11);
    const stored = cellToBigint(cell);
    expect(stored > 0n).toBe(true);
    expect(bigintToCell(stored)).toBe(cell);
    expect(bigintToCell(stored.toString())).toBe(cell);
  });

  it('derives every coarser parent by the same bit arithmetic as SQL', () => {
    const cell = pointToCell(ALMATY, 11);
    for (let res = 0; res <= 11; res++) {
      expect(bigintToCell(parentOfBigint(cellToBigint(cell), res))).toBe(cellToParent(cell, res));
    }
  });

  it('gives closed GeoJSON cell outlines in [lng, lat] order', () => {
    const ring = cellPolygon(pointToCell(ALMATY, 9)).coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const [lng, lat] of ring) {
      expect(lng).toBeGreaterThan(76.9);
      expect(lat).toBeLessThan(43.3);
    }
  });
});
