/**
 * Emerging hot spots through GraphQL against PostGIS. Three small study areas, each with the
 * same background every month and one planted pattern whose category is known by construction:
 * a persistent hot cell (the same excess every month), a new hot cell (an excess in the last
 * month only) and an intensifying hot cell (an excess growing every month). The classification
 * rules themselves are unit-tested in test/unit/geo/stats/emergingHotSpots.test.ts.
 */
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { upsertBatch } from '../../src/db/upsert';
import type { IncidentRecord } from '../../src/domain';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

let t: TestServer;

const RESOLUTION = 8;
const MONTHS = 12;
const AREAS = {
  persistent: [76.8, 43.2, 76.88, 43.26],
  new: [76.9, 43.2, 76.98, 43.26],
  intensifying: [77.0, 43.2, 77.08, 43.26],
} as const;
type Pattern = keyof typeof AREAS;
/** holds nothing but one incident with a month-only date */
const MONTH_ONLY_AREA = [76.8, 43.28, 76.9, 43.33];

/** the planted cell: the one at the middle of the area */
function plantedCell(pattern: Pattern): string {
  const [w, s, e, n] = AREAS[pattern];
  return latLngToCell((s + n) / 2, (w + e) / 2, RESOLUTION);
}

/** incidents each cell of the planted cell's neighbourhood (grid disk 1) gets in month m (0-based) */
function excess(pattern: Pattern, month: number): number {
  if (pattern === 'persistent') return 40;
  if (pattern === 'new') return month === MONTHS - 1 ? 60 : 0;
  return 20 + 5 * month;
}

/** mid-month, noon in Almaty */
const monthDate = (m: number) => new Date(Date.UTC(2025, m, 15, 7, 0, 0));

interface EmergingAnswer {
  emergingHotSpots: {
    method: string;
    studyArea: { cellCount: number; incidentCount: number; from: string; to: string };
    steps: { index: number; start: string; end: string; incidentCount: number; hotCellCount: number }[];
    cells: { h3: string; category: string; count: number; hotSteps: number; trendS: number | null; trendP: number | null; counts: number[]; states: number[] }[];
    categoryCounts: { category: string; count: number }[];
    warnings: { code: string; message: string }[];
    featureCollection: { features: { properties: { h3: string; category: string } }[] };
  };
}

const EMERGING = `query ($area: AreaInput!, $window: TimeWindowInput, $timeStep: TimeStepUnit, $alpha: Float) {
  emergingHotSpots(area: $area, resolution: ${RESOLUTION}, window: $window, timeStep: $timeStep, alpha: $alpha) {
    method
    studyArea { cellCount incidentCount from to }
    steps { index start end incidentCount hotCellCount }
    cells { h3 category count hotSteps trendS trendP counts states }
    categoryCounts { category count }
    warnings { code message }
    featureCollection
  }
}`;

const YEAR_2025 = { from: '2024-12-31T19:00:00Z', to: '2025-12-31T19:00:00Z' };

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
  await truncateLayers(t.server);
  let state = 7;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const records: IncidentRecord[] = [];
  for (const pattern of Object.keys(AREAS) as Pattern[]) {
    const [w, s, e, n] = AREAS[pattern];
    const background = Array.from({ length: 150 }, () => [w + next() * (e - w), s + next() * (n - s)] as [number, number]);
    const neighbourhood = gridDisk(plantedCell(pattern), 1).map((cell) => cellToLatLng(cell));
    for (let m = 0; m < MONTHS; m++) {
      background.forEach((coordinates, i) =>
        records.push({ source: 'test', externalId: `${pattern}-${m}-b${i}`, occurredAt: monthDate(m), category: 'theft', outdoor: null, description: null, geometry: { type: 'Point', coordinates } }),
      );
      neighbourhood.forEach(([lat, lng], c) => {
        for (let j = 0; j < excess(pattern, m); j++) {
          records.push({ source: 'test', externalId: `${pattern}-${m}-x${c}-${j}`, occurredAt: monthDate(m), category: 'robbery', outdoor: null, description: null, geometry: { type: 'Point', coordinates: [lng, lat] } });
        }
      });
    }
  }
  // police.uk-style month-only dates: usable for monthly steps, not for weekly ones
  records.push({
    source: 'test',
    externalId: 'month-only',
    occurredAt: new Date('2025-03-01T00:00:00+05:00'),
    timePrecision: 'month',
    category: 'theft',
    outdoor: null,
    description: null,
    geometry: { type: 'Point', coordinates: [76.85, 43.3] },
  });
  await upsertBatch(t.server.db.knex, 'incidents', records, 11);
});

afterAll(async () => {
  await t.stop();
});

async function analyse(pattern: Pattern | 'monthOnly', variables: Record<string, unknown> = {}) {
  const [w, s, e, n] = pattern === 'monthOnly' ? MONTH_ONLY_AREA : AREAS[pattern];
  const res = await t.gql<EmergingAnswer>(EMERGING, { area: { bbox: [w, s, e, n] }, window: YEAR_2025, ...variables });
  expect(res.errors).toBeUndefined();
  return res.data!.emergingHotSpots;
}

describe('emergingHotSpots', () => {
  it.each([
    ['persistent', 'PERSISTENT_HOT_SPOT'],
    ['new', 'NEW_HOT_SPOT'],
    ['intensifying', 'INTENSIFYING_HOT_SPOT'],
  ] as const)('classifies the planted %s cell as %s', async (pattern, category) => {
    const answer = await analyse(pattern);
    const cell = answer.cells.find((c) => c.h3 === plantedCell(pattern))!;
    expect(cell.category).toBe(category);
    expect(cell.counts).toHaveLength(MONTHS);
    expect(cell.states).toHaveLength(MONTHS);
    expect(cell.hotSteps).toBe(cell.states.filter((s) => s === 1).length);
    if (pattern === 'new') expect(cell.states.slice(0, MONTHS - 1).every((s) => s !== 1)).toBe(true);
    if (pattern === 'intensifying') expect(cell.trendS).toBe((MONTHS * (MONTHS - 1)) / 2);
    if (pattern === 'persistent') expect(cell.trendP).toBeNull();
  });

  it('describes twelve whole months in the city time zone, the study area and the method', async () => {
    const answer = await analyse('persistent');
    expect(answer.steps).toHaveLength(MONTHS);
    expect(answer.steps[0].start).toBe('2024-12-31T19:00:00.000Z');
    expect(answer.steps[11].end).toBe('2025-12-31T19:00:00.000Z');
    expect(answer.steps.reduce((sum, s) => sum + s.incidentCount, 0)).toBe(answer.studyArea.incidentCount);
    expect(answer.studyArea.cellCount).toBeGreaterThanOrEqual(30);
    expect(answer.method).toMatch(/Gi\*.*Mann-Kendall/);
    expect(answer.categoryCounts.reduce((sum, c) => sum + c.count, 0)).toBe(answer.studyArea.cellCount);
    expect(answer.featureCollection.features).toHaveLength(answer.studyArea.cellCount);
    expect(answer.warnings.map((w) => w.code)).not.toContain('SHORT_SERIES');
  });

  it('counts month-only dates in monthly steps and warns that weekly steps leave them out', async () => {
    const monthly = await analyse('persistent');
    const weekly = await analyse('monthOnly', { timeStep: 'WEEK', window: { from: '2025-02-23T19:00:00Z', to: '2025-04-27T19:00:00Z' } });
    expect(monthly.warnings.map((w) => w.code)).not.toContain('TIME_TOO_COARSE');
    expect(weekly.steps).toHaveLength(9);
    expect(weekly.warnings.find((w) => w.code === 'TIME_TOO_COARSE')?.message).toMatch(/^1 incidents/);
    expect(weekly.warnings.map((w) => w.code)).toContain('SHORT_SERIES');
  });

  it('without a window analyses every whole month of the stored incidents', async () => {
    const [w, s, e, n] = AREAS.new;
    const res = await t.gql<EmergingAnswer>(EMERGING, { area: { bbox: [w, s, e, n] } });
    expect(res.errors).toBeUndefined();
    // incidents run from mid-January to mid-December: the whole months between are February to November
    expect(res.data!.emergingHotSpots.steps).toHaveLength(10);
  });

  it.each([
    ['a window without a whole month', { window: { from: '2025-01-03T00:00:00Z', to: '2025-01-20T00:00:00Z' } }, 'window'],
    ['alpha 0', { alpha: 0 }, 'alpha'],
    ['a window that ends before it starts', { window: { from: '2025-05-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } }, 'window'],
  ])('%s is BAD_USER_INPUT naming the argument', async (_name, variables, path) => {
    const res = await t.gql(EMERGING, { area: { bbox: [...AREAS.new] }, window: YEAR_2025, ...variables });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: path });
  });
});
