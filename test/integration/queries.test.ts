/**
 * Read queries of every layer over real HTTP against the demo city stored in PostGIS.
 * Expected values come from the generated records themselves (turf, plain filters), not from SQL
 * we wrote for the API.
 */
import { booleanPointInPolygon, distance } from '@turf/turf';
import { generateDemoCity } from '../../seeds/almaty';
import { seedDemoCity } from '../../src/cli/seed';
import type { MultiPolygonGeometry, PolygonGeometry } from '../../src/domain';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

const INCIDENTS = 4000;
let t: TestServer;
const city = generateDemoCity({ incidentCount: INCIDENTS });

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ADMIN });
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: INCIDENTS });
});

afterAll(async () => {
  await t.stop();
});

interface Connection<N> {
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  nodes: N[];
}

async function districtId(name: string): Promise<string> {
  const res = await t.gql<{ areas: Connection<{ id: string; name: string }> }>('{ areas(filter: { kind: DISTRICT }) { nodes { id name } } }');
  const found = res.data!.areas.nodes.find((a) => a.name === name);
  if (!found) throw new Error(`no district ${name}`);
  return found.id;
}

describe('posts', () => {
  it('has 39 modular posts, 5 of them in Alatau', async () => {
    const all = await t.gql<{ posts: Connection<unknown> }>('{ posts(filter: { kinds: [MODULAR_POST] }) { totalCount } }');
    expect(all.errors).toBeUndefined();
    expect(all.data!.posts.totalCount).toBe(39);
    const alatau = await districtId('Alatau');
    const inAlatau = await t.gql<{ posts: Connection<{ district: { name: string } }> }>(
      'query ($id: ID!) { posts(filter: { kinds: [MODULAR_POST], area: { districtId: $id } }) { totalCount nodes { district { name } } } }',
      { id: alatau },
    );
    expect(inAlatau.data!.posts.totalCount).toBe(5);
    expect(inAlatau.data!.posts.nodes.every((p) => p.district.name === 'Alatau')).toBe(true);
  });

  it('gives every post its district and precinct with a bounded number of SQL statements', async () => {
    let statements = 0;
    const count = () => statements++;
    t.server.db.knex.on('query', count);
    try {
      const res = await t.gql<{ posts: Connection<{ kind: string; district: { name: string } | null; precinct: { name: string; parent: { name: string } } | null }> }>(
        '{ posts(first: 200) { nodes { kind district { name } precinct { name parent { name } } } } }',
      );
      expect(res.errors).toBeUndefined();
      const nodes = res.data!.posts.nodes;
      expect(nodes.length).toBe(city.posts.length);
      expect(nodes.every((p) => p.district !== null && p.precinct !== null)).toBe(true);
      // page, district ids, precinct ids, areas, parent areas: not one query per post
      expect(statements).toBeLessThanOrEqual(8);
    } finally {
      t.server.db.knex.removeListener('query', count);
    }
  });
});

const SENSITIVE: string[] = ['domestic_conflict', 'sexual_offence'];

describe('incidents', () => {
  it('pages through everything with cursors, each record once', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: { data?: { incidents: Connection<{ id: string }> } } = await t.gql('query ($after: String) { incidents(first: 1000, after: $after) { totalCount pageInfo { endCursor hasNextPage } nodes { id } } }', {
        after,
      });
      const page: Connection<{ id: string }> = res.data!.incidents;
      page.nodes.forEach((n) => seen.add(n.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    // sensitive categories are never read as points, not even by admins
    const readable = city.incidents.filter((i) => !SENSITIVE.includes(i.category)).length;
    expect(seen.size).toBe(readable);
    expect(pages).toBe(Math.max(1, Math.ceil(readable / 1000)));
  });

  it('filters by window, categories and district as the records say', async () => {
    const from = new Date('2025-06-01T00:00:00Z');
    const to = new Date('2025-09-01T00:00:00Z');
    const zhetysu = city.areas.find((a) => a.kind === 'district' && a.name === 'Zhetysu')!;
    const expected = city.incidents.filter(
      (i) => i.occurredAt >= from && i.occurredAt < to && ['theft', 'robbery'].includes(i.category) && booleanPointInPolygon(i.geometry.coordinates, zhetysu.geometry as PolygonGeometry | MultiPolygonGeometry),
    ).length;
    expect(expected).toBeGreaterThan(0);
    const res = await t.gql<{ incidents: Connection<{ category: string; district: { name: string } }> }>(
      'query ($id: ID!, $from: DateTimeISO, $to: DateTimeISO) { incidents(first: 1000, filter: { area: { districtId: $id }, window: { from: $from, to: $to }, categories: [THEFT, ROBBERY] }) { totalCount nodes { category district { name } } } }',
      { id: await districtId('Zhetysu'), from: from.toISOString(), to: to.toISOString() },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.incidents.totalCount).toBe(expected);
    expect(res.data!.incidents.nodes.every((n) => ['THEFT', 'ROBBERY'].includes(n.category) && n.district.name === 'Zhetysu')).toBe(true);
  });

  it('filters by bbox and by GeoJSON polygon alike', async () => {
    const bbox = [76.88, 43.22, 76.95, 43.27];
    const expected = city.incidents.filter(
      ({
        category,
        geometry: {
          coordinates: [lng, lat],
        },
      }) => !SENSITIVE.includes(category) && lng >= bbox[0] && lng <= bbox[2] && lat >= bbox[1] && lat <= bbox[3],
    ).length;
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [bbox[0], bbox[1]],
          [bbox[2], bbox[1]],
          [bbox[2], bbox[3]],
          [bbox[0], bbox[3]],
          [bbox[0], bbox[1]],
        ],
      ],
    };
    const byBox = await t.gql<{ incidents: Connection<unknown> }>('query ($b: [Float!]) { incidents(filter: { area: { bbox: $b } }) { totalCount } }', { b: bbox });
    const byPolygon = await t.gql<{ incidents: Connection<unknown> }>('query ($p: GeoJSON) { incidents(filter: { area: { polygon: $p } }) { totalCount } }', { p: polygon });
    expect(byBox.data!.incidents.totalCount).toBe(expected);
    expect(byPolygon.data!.incidents.totalCount).toBe(expected);
  });

  it('gives the nearest post with its geodesic distance', async () => {
    const res = await t.gql<{ incidents: Connection<{ geometry: { coordinates: [number, number] }; nearestPost: { distanceM: number; post: { geometry: { coordinates: [number, number] } } } }> }>(
      '{ incidents(first: 20) { nodes { geometry nearestPost { distanceM post { geometry } } } } }',
    );
    for (const node of res.data!.incidents.nodes) {
      const nearestByTurf = Math.min(...city.posts.map((p) => distance(node.geometry.coordinates, p.geometry.coordinates, { units: 'meters' })));
      // turf uses a sphere, PostGIS the ellipsoid: they agree to a fraction of a percent
      expect(Math.abs(node.nearestPost.distanceM - nearestByTurf)).toBeLessThan(0.006 * nearestByTurf + 1);
    }
  });
});

describe('other layers', () => {
  it('lists outages, defects, facilities, population and areas with their filters', async () => {
    const res = await t.gql<Record<string, Connection<unknown>>>(`{
      openOutages: lightingOutages(filter: { status: OPEN }) { totalCount }
      outages: lightingOutages(first: 1) { totalCount nodes { lengthM status geometry district { name } } }
      defects: roadDefects(filter: { kinds: [MISSING_SIDEWALK, MISSING_CROSSWALK] }) { totalCount }
      facilities: youthFacilities(first: 1) { totalCount nodes { kind geometry district { name } } }
      population(first: 1) { totalCount nodes { h3 residents youngResidents boundary } }
      precincts: areas(filter: { kind: PRECINCT }) { totalCount nodes { parent { kind } } }
    }`);
    expect(res.errors).toBeUndefined();
    const d = res.data!;
    expect(d.openOutages.totalCount).toBe(city.lightingOutages.filter((o) => o.fixedAt === null).length);
    expect(d.outages.totalCount).toBe(city.lightingOutages.length);
    expect(d.defects.totalCount).toBe(city.roadDefects.filter((r) => r.kind === 'missing_sidewalk' || r.kind === 'missing_crosswalk').length);
    expect(d.facilities.totalCount).toBe(city.youthFacilities.length);
    expect(d.population.totalCount).toBe(city.population.length);
    expect(d.precincts.totalCount).toBe(city.areas.filter((a) => a.kind === 'precinct').length);
    expect((d.precincts.nodes as { parent: { kind: string } }[]).every((p) => p.parent.kind === 'DISTRICT')).toBe(true);
  });

  it('keeps OpenStreetMap attribution on the districts', async () => {
    const res = await t.gql<{ areas: Connection<{ attribution: string; areaKm2: number; name: string }> }>('{ areas(filter: { kind: DISTRICT }) { totalCount nodes { name attribution areaKm2 } } }');
    expect(res.data!.areas.totalCount).toBe(8);
    for (const a of res.data!.areas.nodes) expect(a.attribution).toContain('OpenStreetMap contributors');
    const alatau = res.data!.areas.nodes.find((a) => a.name === 'Alatau')!;
    // PROVENANCE.md: 104.3 km² by turf (spherical); PostGIS measures on the ellipsoid
    expect(alatau.areaKm2).toBeGreaterThan(103);
    expect(alatau.areaKm2).toBeLessThan(106);
  });
});

describe('bad input', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['inverted bbox', 'query ($b: [Float!]) { incidents(filter: { area: { bbox: $b } }) { totalCount } }', { b: [77, 43.3, 76.9, 43.2] }, 'filter.area.bbox'],
    ['two areas at once', 'query ($b: [Float!]) { incidents(filter: { area: { bbox: $b, districtId: "1" } }) { totalCount } }', { b: [76.9, 43.2, 77, 43.3] }, 'filter.area'],
    ['unknown district', '{ incidents(filter: { area: { districtId: "999999" } }) { totalCount } }', {}, 'filter.area.districtId'],
    [
      'open polygon ring',
      'query ($p: GeoJSON) { incidents(filter: { area: { polygon: $p } }) { totalCount } }',
      {
        p: {
          type: 'Polygon',
          coordinates: [
            [
              [76.9, 43.2],
              [77, 43.2],
              [77, 43.3],
              [76.9, 43.3],
            ],
          ],
        },
      },
      'filter.area.polygon',
    ],
    [
      'self-intersecting polygon',
      'query ($p: GeoJSON) { incidents(filter: { area: { polygon: $p } }) { totalCount } }',
      {
        p: {
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
      'filter.area.polygon',
    ],
    ['window ending before it starts', '{ incidents(filter: { window: { from: "2025-02-01T00:00:00Z", to: "2025-01-01T00:00:00Z" } }) { totalCount } }', {}, 'filter.window'],
    ['page too large', '{ incidents(first: 1001) { totalCount } }', {}, 'first'],
    ['forged cursor', '{ incidents(after: "bm9wZQ") { totalCount } }', {}, 'after'],
    ['empty category list', '{ incidents(filter: { categories: [] }) { totalCount } }', {}, 'filter.categories'],
  ];
  it.each(cases)('%s is BAD_USER_INPUT naming the argument', async (_name, query, variables, path) => {
    const res = await t.gql(query, variables);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.argumentPath).toBe(path);
  });
});
