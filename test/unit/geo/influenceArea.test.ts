import { cellToChildren, cellToParent, gridDistance, latLngToCell } from 'h3-js';
import { evaluationWindows, geometryCells, influenceArea, matchControls } from '../../../src/geo/influenceArea';

// Almaty: latitude and longitude differ a lot, so a swapped pair would land far away
const LAT = 43.24;
const LNG = 76.95;
const DAY = 86_400_000;

describe('influence area', () => {
  it('treats the cell of a point, rings it with its 6 neighbours and draws controls from rings 3 to 12', () => {
    const cell = latLngToCell(LAT, LNG, 9);
    const area = influenceArea({ geometries: [{ type: 'Point', coordinates: [LNG, LAT] }], cells: [], resolution: 9 });
    expect(area.treated).toEqual([cell]);
    expect(area.ring).toHaveLength(6);
    expect(area.ring.every((c) => gridDistance(c, cell) === 1)).toBe(true);
    // centred hexagonal numbers: 1 + 3k(k+1) cells within k rings, so 469 - 19 outside ring 2
    expect(area.pool).toHaveLength(469 - 19);
    expect(area.pool.every((c) => gridDistance(c, cell) >= 3 && gridDistance(c, cell) <= 12)).toBe(true);
  });

  it('follows a street segment through every cell it crosses, without gaps', () => {
    const line = {
      type: 'LineString' as const,
      coordinates: [
        [76.94, 43.24],
        [76.96, 43.24],
      ] as [number, number][],
    };
    const cells = geometryCells(line, 9);
    const start = latLngToCell(43.24, 76.94, 9);
    const end = latLngToCell(43.24, 76.96, 9);
    expect(cells).toContain(start);
    expect(cells).toContain(end);
    // 1.6 km at a 174 m mean edge (about 300 m across): a gapless path needs at least distance + 1 cells
    expect(cells.length).toBeGreaterThanOrEqual(gridDistance(start, end) + 1);
    const set = new Set(cells);
    for (const c of cells) if (c !== start) expect(cells.some((o) => o !== c && gridDistance(o, c) === 1 && set.has(o))).toBe(true);
  });

  it('takes a coarser youth-gap cell as its children and a finer one as its parent', () => {
    const coarse = latLngToCell(LAT, LNG, 8);
    const fine = latLngToCell(LAT, LNG, 10);
    expect(influenceArea({ geometries: [], cells: [coarse], resolution: 9 }).treated).toEqual([...cellToChildren(coarse, 9)].sort());
    expect(influenceArea({ geometries: [], cells: [fine], resolution: 9 }).treated).toEqual([cellToParent(fine, 9)]);
  });

  it('covers a polygon inside and along its outline', () => {
    const square = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [76.94, 43.23],
          [76.96, 43.23],
          [76.96, 43.25],
          [76.94, 43.25],
          [76.94, 43.23],
        ],
      ] as [number, number][][],
    };
    const cells = new Set(geometryCells(square, 9));
    expect(cells.has(latLngToCell(43.24, 76.95, 9))).toBe(true);
    expect(cells.has(latLngToCell(43.23, 76.94, 9))).toBe(true);
  });
});

describe('control matching', () => {
  it('picks the candidates closest to the treated mean before-count, ties by cell id', () => {
    const counts = new Map([
      ['a', 10],
      ['b', 12],
      ['c', 8],
      ['d', 30],
      ['e', 0],
    ]);
    expect(matchControls(['e', 'd', 'c', 'b', 'a'], counts, 10, 3)).toEqual(['a', 'b', 'c']);
    expect(matchControls(['x', 'e', 'y'], counts, 0, 2)).toEqual(['e', 'x']);
  });
});

describe('evaluation windows', () => {
  const fix = new Date('2026-06-01T00:00:00Z');
  it('gives equal windows of the asked length when the data cover them', () => {
    const w = evaluationWindows(fix, 90, new Date('2026-01-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'), new Date('2026-11-25T00:00:00Z'))!;
    expect(w.days).toBe(90);
    expect(w.beforeFrom.getTime()).toBe(fix.getTime() - 90 * DAY);
    expect(w.afterTo.getTime()).toBe(fix.getTime() + 90 * DAY);
    expect(w.afterIncomplete).toBe(false);
  });

  it('shortens both windows to the whole days the data cover after the fix, and says so', () => {
    const w = evaluationWindows(fix, 90, new Date('2026-01-01T00:00:00Z'), new Date('2026-07-01T12:00:00Z'), new Date('2026-11-25T00:00:00Z'))!;
    expect(w.days).toBe(30);
    expect(w.afterIncomplete).toBe(true);
    expect(w.beforeFrom.getTime()).toBe(fix.getTime() - 30 * DAY);
    // today caps the data too
    const today = evaluationWindows(fix, 90, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'), new Date('2026-06-11T00:00:00Z'))!;
    expect(today.days).toBe(10);
    expect(evaluationWindows(fix, 90, new Date('2026-05-31T12:00:00Z'), new Date('2026-11-01T00:00:00Z'), new Date('2026-11-25T00:00:00Z'))).toBeNull();
    expect(evaluationWindows(fix, 90, null, null, new Date())).toBeNull();
  });
});
