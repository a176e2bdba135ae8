/**
 * Hotspots through GraphQL against PostGIS: the demo city's planted hot areas must come out as
 * significant at 99 % after FDR; a uniformly random city must give (close to) none. The
 * statistics themselves are checked against R spdep in test/unit/geo/stats.
 */
import { latLngToCell, polygonToCells } from 'h3-js';
import { generateDemoCity } from '../../seeds/almaty';
import { seedDemoCity } from '../../src/cli/seed';
import { upsertBatch } from '../../src/db/upsert';
import type { IncidentRecord } from '../../src/domain';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

let t: TestServer;
const CITY_BBOX = [76.74, 43.03, 77.17, 43.41];

interface HotspotAnswer {
  hotspots: {
    method: string;
    hotCellCount: number;
    coldCellCount: number;
    studyArea: { cellCount: number; incidentCount: number; resolution: number; k: number; weights: string };
    warnings: { code: string; cells: string[] }[];
    cells: { h3: string; count: number; z: number; binFdr: number; pFdr: number; pseudoP: number | null }[];
  };
}

const HOTSPOTS = `query ($area: AreaInput!, $resolution: Int, $k: Int, $permutations: Int, $seed: Int) {
  hotspots(area: $area, resolution: $resolution, k: $k, permutations: $permutations, seed: $seed) {
    method hotCellCount coldCellCount
    studyArea { cellCount incidentCount resolution k weights }
    warnings { code cells }
    cells { h3 count z binFdr pFdr pseudoP }
  }
}`;

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ADMIN });
});

afterAll(async () => {
  await t.stop();
});

describe('on the demo city', () => {
  const city = generateDemoCity();
  beforeAll(async () => {
    await truncateLayers(t.server);
    await seedDemoCity(t.server.db.knex, t.config);
  });

  it('finds every planted hot area as a 99 % hot spot after FDR', async () => {
    const res = await t.gql<HotspotAnswer>(HOTSPOTS, { area: { bbox: CITY_BBOX }, resolution: 9 });
    expect(res.errors).toBeUndefined();
    const byCell = new Map(res.data!.hotspots.cells.map((c) => [c.h3, c]));
    for (const hot of city.planted.hotAreas) {
      const [lng, lat] = hot.center;
      const cell = byCell.get(latLngToCell(lat, lng, 9));
      expect({ area: hot.name, binFdr: cell?.binFdr }).toEqual({ area: hot.name, binFdr: 3 });
    }
    // every cell whose centre is in the box is in the study area, zero-count cells included
    const [w, s, e, n] = CITY_BBOX;
    const expectedCells = polygonToCells(
      [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
      9,
      true,
    ).length;
    expect(res.data!.hotspots.studyArea.cellCount).toBe(expectedCells);
    expect(res.data!.hotspots.cells.filter((c) => c.count === 0).length).toBeGreaterThan(0);
    expect(res.data!.hotspots.method).toMatch(/Getis-Ord Gi\*/);
  });

  it('gives reproducible permutation p-values for a seed', async () => {
    const ask = (seed: number) => t.gql<HotspotAnswer>(HOTSPOTS, { area: { districtId: '1' }, resolution: 9, permutations: 99, seed });
    const [a, b, c] = await Promise.all([ask(7), ask(7), ask(8)]);
    const pseudo = (r: typeof a) => r.data!.hotspots.cells.map((cell) => cell.pseudoP);
    expect(pseudo(a)).toEqual(pseudo(b));
    expect(pseudo(a)).not.toEqual(pseudo(c));
    expect(pseudo(a).every((p) => p !== null && p >= 0.01 && p <= 1)).toBe(true);
  });

  it("gives Local Moran's I clusters with FDR", async () => {
    const res = await t.gql<{ clusters: { studyArea: { cellCount: number }; cells: { quadrant: string; cluster: string; clusterFdr: string }[] } }>(
      'query ($a: AreaInput!) { clusters(area: $a, resolution: 9) { studyArea { cellCount } cells { quadrant cluster clusterFdr } } }',
      { a: { bbox: CITY_BBOX } },
    );
    expect(res.errors).toBeUndefined();
    const cells = res.data!.clusters.cells;
    expect(cells.some((c) => c.clusterFdr === 'HH')).toBe(true);
    expect(cells.every((c) => ['HH', 'LL', 'HL', 'LH'].includes(c.quadrant))).toBe(true);
    // FDR only removes significance, never adds it
    expect(cells.filter((c) => c.clusterFdr !== 'NS').length).toBeLessThanOrEqual(cells.filter((c) => c.cluster !== 'NS').length);
  });
});

describe('on a uniformly random city', () => {
  beforeAll(async () => {
    await truncateLayers(t.server);
    // a fixed linear congruential sequence: uniform points, no structure to find
    let state = 42;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const records: IncidentRecord[] = Array.from({ length: 30000 }, (_, i) => ({
      source: 'uniform',
      externalId: `u${i}`,
      occurredAt: new Date('2025-05-01T12:00:00Z'),
      category: 'theft',
      outdoor: null,
      description: null,
      geometry: { type: 'Point', coordinates: [76.8 + next() * 0.2, 43.2 + next() * 0.1] },
    }));
    await upsertBatch(t.server.db.knex, 'incidents', records, 11);
  });

  it('finds (close to) no hot or cold spots after FDR', async () => {
    const res = await t.gql<HotspotAnswer>(HOTSPOTS, { area: { bbox: [76.81, 43.21, 76.99, 43.29] }, resolution: 9 });
    expect(res.errors).toBeUndefined();
    const { hotCellCount, coldCellCount, studyArea } = res.data!.hotspots;
    expect(studyArea.cellCount).toBeGreaterThan(500);
    expect(hotCellCount + coldCellCount).toBeLessThanOrEqual(Math.ceil(0.005 * studyArea.cellCount));
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['resolution 3', { area: { bbox: CITY_BBOX }, resolution: 3 }, 'resolution'],
    ['k 0', { area: { bbox: CITY_BBOX }, k: 0 }, 'k'],
    ['an empty polygon', { area: { polygon: { type: 'Polygon', coordinates: [] } } }, 'area.polygon'],
    [
      'a self-intersecting polygon',
      {
        area: {
          polygon: {
            type: 'Polygon',
            coordinates: [
              [
                [76.9, 43.2],
                [77, 43.3],
                [77, 43.2],
                [76.9, 43.3],
                [76.9, 43.2],
              ],
            ],
          },
        },
      },
      'area.polygon',
    ],
    ['more than 200,000 cells', { area: { bbox: CITY_BBOX }, resolution: 11 }, 'area'],
    ['negative permutations', { area: { bbox: CITY_BBOX }, permutations: -1 }, 'permutations'],
  ];
  it.each(cases)('%s is BAD_USER_INPUT naming the argument', async (_name, variables, path) => {
    const res = await t.gql(HOTSPOTS, variables);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: path });
  });

  it('a window that ends before it starts is BAD_USER_INPUT', async () => {
    const res = await t.gql('{ hotspots(area: { bbox: [76.8, 43.2, 77, 43.3] }, window: { from: "2025-02-01T00:00:00Z", to: "2025-01-01T00:00:00Z" }) { hotCellCount } }');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'window' });
  });
});
