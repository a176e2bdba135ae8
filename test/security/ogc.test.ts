/**
 * OGC API - Features answers under GraphQL's rules: a public caller can neither list nor read a
 * collection, nor a count, that GraphQL refuses it; cell counts it may read are the released
 * counts of GraphQL, not the true ones.
 */
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TEST_ANALYST, TestServer, testUserHeaders, truncateLayers } from '../support/server';

let t: TestServer;
let base: string;

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  base = t.server.url.replace('/graphql', '');
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 3000 });
});

afterAll(async () => {
  await t.stop();
});

it('a public caller gets no incident collection, item or count that GraphQL refuses it', async () => {
  const gql = await t.gql('{ incidents(first: 1) { totalCount } }');
  expect(gql.errors?.[0].extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  const list = (await (await fetch(`${base}/ogc/collections`)).json()) as { collections: { id: string }[] };
  expect(list.collections.map((c) => c.id)).not.toContain('incidents');
  for (const path of ['/ogc/collections/incidents', '/ogc/collections/incidents/items', '/ogc/collections/incidents/items/1', '/ogc/collections/incidents/items?limit=1']) {
    const res = await fetch(`${base}${path}`);
    expect([path, res.status]).toEqual([path, 401]);
    expect(await res.text()).not.toMatch(/numberMatched|"features"/);
  }
  // another role without the incidents query: 403, never the data
  const agency = await fetch(`${base}/ogc/collections/incidents/items`, { headers: testUserHeaders({ id: 'roads-1', role: 'agency', agency: 'roads' }) });
  expect(agency.status).toBe(403);
});

it('public cell counts are the released counts of GraphQL, never the analyst counts', async () => {
  const query = '{ hexagons(area: { bbox: [76.85, 43.20, 76.98, 43.28] }, resolution: 9) { cells { h3 incidents } } }';
  const publicGql = await t.gql<{ hexagons: { cells: { h3: string; incidents: number | null }[] } }>(query);
  const analystGql = await t.gqlAs<{ hexagons: { cells: { h3: string; incidents: number | null }[] } }>(TEST_ANALYST, query);
  expect(publicGql.errors).toBeUndefined();
  const items = (await (await fetch(`${base}/ogc/collections/hexagons/items?bbox=76.85,43.20,76.98,43.28&resolution=9&limit=10000`)).json()) as {
    numberMatched: number;
    features: { id: string; properties: { incidents: number | null } }[];
  };
  const released = new Map(publicGql.data!.hexagons.cells.map((c) => [c.h3, c.incidents]));
  expect(items.numberMatched).toBe(released.size);
  for (const f of items.features) expect(f.properties.incidents).toBe(released.get(f.id));
  // the gate changed something: the analyst's lattice or counts differ from what the public got
  const analyst = new Map(analystGql.data!.hexagons.cells.map((c) => [c.h3, c.incidents]));
  expect([...released].some(([h3, n]) => analyst.get(h3) !== n)).toBe(true);
});
