/**
 * The in-memory incident columns against an independent computation: each point's cell from
 * h3-js latLngToCell at the resolution asked, and counts from a plain loop over record objects.
 */
import { getResolution, h3IndexToSplitLong, latLngToCell, polygonToCells } from 'h3-js';
import { CELL_RESOLUTIONS } from '../../../src/geo/h3';
import { DAY, IncidentColumns, NIGHT, NO_AREA, UNKNOWN_TIME } from '../../../src/geo/incidentColumns';

interface Row {
  cell: string;
  time: number;
  category: string;
  night: boolean | null;
  lng: number;
  lat: number;
}

const CATEGORIES = ['theft', 'assault', 'drugs'];

function rows(count: number): Row[] {
  // a fixed pseudo-random sequence (LCG), so the test is reproducible
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => {
    const lat = 43.2 + next() * 0.1;
    const lng = 76.85 + next() * 0.15;
    const r = next();
    return { cell: latLngToCell(lat, lng, 11), time: Date.UTC(2025, 0, 1) + Math.floor(next() * 365 * 86_400_000), category: CATEGORIES[Math.floor(next() * 3)], night: r < 0.1 ? null : r < 0.55, lng, lat };
  });
}

/** the 52-bit key the database query builds: (upper half & 0xfffff) * 2^32 + lower half */
function keyOf(cell: string): number {
  const [lo, hi] = h3IndexToSplitLong(cell);
  return (hi & 0xfffff) * 2 ** 32 + (lo >>> 0);
}

function columnsOf(data: Row[]): IncidentColumns {
  return new IncidentColumns({
    cellKeys: CELL_RESOLUTIONS.map((r) => Float64Array.from(data, (d) => keyOf(latLngToCell(d.lat, d.lng, r)))),
    time: Float64Array.from(data, (d) => d.time),
    category: Uint16Array.from(data, (d) => CATEGORIES.indexOf(d.category)),
    night: Int8Array.from(data, (d) => (d.night === null ? UNKNOWN_TIME : d.night ? NIGHT : DAY)),
    lng: Float64Array.from(data, (d) => d.lng),
    lat: Float64Array.from(data, (d) => d.lat),
    district: new Int32Array(data.length).fill(NO_AREA),
    precinct: new Int32Array(data.length).fill(NO_AREA),
    categories: CATEGORIES,
  });
}

/** the point's own cell at a resolution, not its fine cell's ancestor */
function cellAt(d: Row, resolution: number): string {
  return latLngToCell(d.lat, d.lng, resolution);
}

const data = rows(20_000);
const columns = columnsOf(data);
const from = Date.UTC(2025, 2, 1);
const to = Date.UTC(2025, 8, 1);

describe.each([7, 8, 9, 10, 11])('at resolution %i', (resolution) => {
  const area = polygonToCells(
    [
      [
        [76.88, 43.22],
        [76.97, 43.22],
        [76.97, 43.28],
        [76.88, 43.28],
        [76.88, 43.22],
      ],
    ],
    resolution,
    true,
  ).sort();

  it('counts per area cell, by day, night, unknown time and category, equal a plain loop with h3-js latLngToCell', () => {
    const counts = columns.countInArea(columns.mapArea(area, resolution), { from, to, categories: null }, true);
    const index = new Map(area.map((c, i) => [c, i]));
    const total = new Float64Array(area.length);
    const night = new Float64Array(area.length);
    const day = new Float64Array(area.length);
    const unknown = new Float64Array(area.length);
    const byCategory = new Float64Array(area.length * CATEGORIES.length);
    for (const d of data) {
      if (d.time < from || d.time >= to) continue;
      const i = index.get(cellAt(d, resolution));
      if (i === undefined) continue;
      total[i]++;
      if (d.night === null) unknown[i]++;
      else if (d.night) night[i]++;
      else day[i]++;
      byCategory[i * CATEGORIES.length + counts.categories.indexOf(d.category)]++;
    }
    expect(total.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(Array.from(counts.total)).toEqual(Array.from(total));
    expect(Array.from(counts.night)).toEqual(Array.from(night));
    expect(Array.from(counts.day)).toEqual(Array.from(day));
    expect(Array.from(counts.unknownTime)).toEqual(Array.from(unknown));
    expect(Array.from(counts.byCategory!)).toEqual(Array.from(byCategory));
  });

  it('totals alone, with a category filter, equal the plain loop', () => {
    const counts = columns.countInArea(columns.mapArea(area, resolution), { from: null, to, categories: ['drugs', 'theft'] }, false);
    const index = new Map(area.map((c, i) => [c, i]));
    const total = new Float64Array(area.length);
    for (const d of data) {
      if (d.time >= to || d.category === 'assault') continue;
      const i = index.get(cellAt(d, resolution));
      if (i !== undefined) total[i]++;
    }
    expect(Array.from(counts.total)).toEqual(Array.from(total));
  });
});

it('groups by (own cell, category, night) inside a box exactly as the SQL GROUP BY would', () => {
  const envelope = [76.9, 43.23, 76.95, 43.27] as const;
  const groups = columns.groupInEnvelope(9, envelope, { from, to: null, categories: ['assault'] });
  const expected = new Map<string, number>();
  for (const d of data) {
    if (d.time < from || d.category !== 'assault') continue;
    if (d.lng < envelope[0] || d.lng > envelope[2] || d.lat < envelope[1] || d.lat > envelope[3]) continue;
    const key = `${cellAt(d, 9)}|${d.category}|${d.night}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const got = new Map(groups.map((g) => [`${g.cell}|${g.category}|${g.night}`, g.count]));
  expect(got.size).toBeGreaterThan(10);
  expect(got).toEqual(expected);
});

it('refuses resolutions at which points keep no cell', () => {
  expect(() => columns.mapArea([], 6)).toThrow(RangeError);
  expect(() => columns.mapArea([], 12)).toThrow(RangeError);
});

it('names each grouped cell by its hex at the resolution asked', () => {
  for (const r of CELL_RESOLUTIONS) {
    const groups = columns.groupInEnvelope(r, [76.85, 43.2, 77.0, 43.3], { from: null, to: null, categories: null });
    const cells = new Set(data.map((d) => cellAt(d, r)));
    for (const g of groups.slice(0, 200)) {
      expect(getResolution(g.cell)).toBe(r);
      expect(cells.has(g.cell)).toBe(true);
    }
  }
});
