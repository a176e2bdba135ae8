/**
 * The hexagons query over real HTTP against the demo city in PostGIS. Expected values come from
 * the generated records and h3-js directly, not from the SQL the API uses.
 */
import { latLngToCell, polygonToCells } from 'h3-js';
import { generateDemoCity } from '../../seeds/almaty';
import { seedDemoCity } from '../../src/cli/seed';
import type { MultiPolygonGeometry } from '../../src/domain';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

const INCIDENTS = 5000;
let t: TestServer;
const city = generateDemoCity({ incidentCount: INCIDENTS });

interface Cell {
  h3: string;
  incidents: number;
  incidentsByCategory: { category: string; count: number }[];
  dayIncidents: number;
  nightIncidents: number;
  unknownTimeIncidents: number;
  outageNights: number;
  openRoadDefects: number;
  openRoadDefectsByKind: { kind: string; count: number }[];
  residents: number;
  youngResidents: number;
  nearestYouthFacilityM: number | null;
  withinPostReach: boolean;
}

interface HexagonAnswer {
  hexagons: {
    studyArea: { cellCount: number; incidentCount: number; resolution: number; k: number | null; weights: string | null };
    method: string;
    notes: string;
    cells: Cell[];
    featureCollection: { type: string; features: { type: string; properties: { h3: string } }[] };
  };
}

const HEXAGONS = `query ($area: AreaInput!, $resolution: Int) {
  hexagons(area: $area, resolution: $resolution) {
    studyArea { cellCount incidentCount resolution k weights }
    method notes
    cells {
      h3 incidents incidentsByCategory { category count } dayIncidents nightIncidents unknownTimeIncidents
      outageNights openRoadDefects openRoadDefectsByKind { kind count } residents youngResidents
      nearestYouthFacilityM withinPostReach
    }
    featureCollection
  }
}`;

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ADMIN });
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: INCIDENTS });
});

afterAll(async () => {
  await t.stop();
});

describe('hexagons of a district at resolution 9', () => {
  let answer: HexagonAnswer['hexagons'];
  let expectedCells: Set<string>;

  beforeAll(async () => {
    const areas = await t.gql<{ areas: { nodes: { id: string }[] } }>('{ areas(filter: { kind: DISTRICT }) { nodes { id } } }');
    const id = areas.data!.areas.nodes[0].id;
    const area = await t.gql<{ area: { geometry: MultiPolygonGeometry } }>('query ($id: ID!) { area(id: $id) { geometry } }', { id });
    expectedCells = new Set(area.data!.area.geometry.coordinates.flatMap((polygon) => polygonToCells(polygon, 9, true)));
    const res = await t.gql<HexagonAnswer>(HEXAGONS, { area: { districtId: id }, resolution: 9 });
    expect(res.errors).toBeUndefined();
    answer = res.data!.hexagons;
  });

  it('has every cell whose centre lies in the district, zero-count cells included', () => {
    expect(answer.studyArea.cellCount).toBe(expectedCells.size);
    expect(new Set(answer.cells.map((c) => c.h3))).toEqual(expectedCells);
    expect(answer.cells.some((c) => c.incidents === 0)).toBe(true);
    expect(answer.studyArea).toMatchObject({ resolution: 9, k: null, weights: null });
  });

  it('counts every generated incident whose own resolution-9 cell is in the district', () => {
    const expected = city.incidents.filter((i) => {
      const [lng, lat] = i.geometry.coordinates;
      // the cell the point lies in at the resolution asked (latLngToCell), never a finer cell's parent
      return expectedCells.has(latLngToCell(lat, lng, 9));
    }).length;
    const total = answer.cells.reduce((s, c) => s + c.incidents, 0);
    expect(expected).toBeGreaterThan(0);
    expect(total).toBe(expected);
    expect(answer.studyArea.incidentCount).toBe(expected);
  });

  it('splits each cell into day, night and unknown time, and by category', () => {
    for (const c of answer.cells) {
      expect(c.dayIncidents + c.nightIncidents + c.unknownTimeIncidents).toBe(c.incidents);
      expect(c.incidentsByCategory.reduce((s, x) => s + x.count, 0)).toBe(c.incidents);
      expect(c.openRoadDefectsByKind.reduce((s, x) => s + x.count, 0)).toBe(c.openRoadDefects);
      expect(c.outageNights).toBeGreaterThanOrEqual(0);
    }
    expect(answer.cells.some((c) => c.nightIncidents > 0)).toBe(true);
  });

  it('has the young residents of the generated population', () => {
    const expected = city.population.filter((p) => expectedCells.has(p.h3)).reduce((s, p) => s + p.youngResidents, 0);
    expect(expected).toBeGreaterThan(0);
    expect(answer.cells.reduce((s, c) => s + c.youngResidents, 0)).toBe(expected);
  });

  it('puts the cell of a post within reach, and gives facility distances', () => {
    const withPost = city.posts.map((p) => latLngToCell(p.geometry.coordinates[1], p.geometry.coordinates[0], 9)).filter((cell) => expectedCells.has(cell));
    expect(withPost.length).toBeGreaterThan(0);
    const byCell = new Map(answer.cells.map((c) => [c.h3, c]));
    for (const cell of withPost) expect(byCell.get(cell)!.withinPostReach).toBe(true);
    expect(answer.cells.some((c) => !c.withinPostReach)).toBe(true);
    expect(answer.cells.every((c) => c.nearestYouthFacilityM !== null && c.nearestYouthFacilityM >= 0)).toBe(true);
  });

  it('gives one feature per cell', () => {
    expect(answer.featureCollection.type).toBe('FeatureCollection');
    expect(answer.featureCollection.features.length).toBe(answer.cells.length);
    expect(new Set(answer.featureCollection.features.map((f) => f.properties.h3))).toEqual(expectedCells);
  });
});

it('resolution 12 is BAD_USER_INPUT', async () => {
  const res = await t.gql(HEXAGONS, { area: { bbox: [76.9, 43.2, 76.95, 43.25] }, resolution: 12 });
  expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'resolution' });
});

it.each([7, 11])('works at resolution %i with a window: outages, defects and residents come through', async (resolution) => {
  const box = [76.9, 43.22, 76.96, 43.26];
  const res = await t.gql<HexagonAnswer>(
    `query ($area: AreaInput!, $resolution: Int, $window: TimeWindowInput) {
      hexagons(area: $area, resolution: $resolution, window: $window) { studyArea { cellCount } cells { incidents outageNights openRoadDefects residents youngResidents } }
    }`,
    { area: { bbox: box }, resolution, window: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
  );
  expect(res.errors).toBeUndefined();
  const cells = res.data!.hexagons.cells;
  expect(cells.length).toBe(res.data!.hexagons.studyArea.cellCount);
  expect(cells.some((c) => c.outageNights > 0)).toBe(true);
  expect(cells.every((c) => c.outageNights <= 365 * 50)).toBe(true);
  expect(cells.some((c) => c.openRoadDefects > 0)).toBe(true);
  expect(cells.some((c) => c.residents > 0)).toBe(true);
  expect(cells.every((c) => c.youngResidents <= c.residents + 1)).toBe(true);
});
