/**
 * Vector tiles and TileJSON over real HTTP against the demo city: a decoded tile per layer,
 * properties as the TileJSON lists them, cells equal to the GraphQL answer, ETag revalidation,
 * bad input, roles and privacy (incident points are never tiles).
 */
import { seedDemoCity, storeRecords } from '../../src/cli/seed';
import { startTestServer, TestServer, testUserHeaders, truncateLayers } from '../support/server';

const ANALYST = testUserHeaders({ id: 'analyst-1', role: 'analyst', agency: null });
import { decode, featuresOf, MVT_POINT, MVT_POLYGON, tileOf } from '../support/tiles';

let t: TestServer;
let base: string;
let districtId: string;
let post: { lng: number; lat: number };

const LAYERS = ['hotspots', 'clusters', 'hexagons', 'posts', 'post_reach', 'lighting_outages', 'road_defects', 'youth_facilities', 'risk_features', 'areas', 'streets', 'density', 'near_repeat', 'forecast'];

interface TileJson {
  tilejson: string;
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: number[];
  vector_layers: { id: string; fields: Record<string, string>; description: string }[];
}

async function firstGeometryOf(list: string): Promise<[number, number]> {
  const res = await t.gql<Record<string, { nodes: { geometry: { type: string; coordinates: unknown } }[] }>>(`{ ${list}(first: 1) { nodes { geometry } } }`);
  expect(res.errors).toBeUndefined();
  const geometry = res.data![list].nodes[0].geometry;
  let c: unknown = geometry.coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return c as [number, number];
}

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  base = t.server.url.replace('/graphql', '');
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 4000 });
  await storeRecords(
    t.server.db.knex,
    'risk_features',
    [
      { source: 'test', externalId: 'bar-1', factor: 'bars', label: 'Bars', openedAt: null, closedAt: null, geometry: { type: 'Point', coordinates: [76.93, 43.25] } },
      {
        source: 'test',
        externalId: 'park-1',
        factor: 'parks',
        label: null,
        openedAt: new Date('2020-01-01T00:00:00Z'),
        closedAt: null,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [76.931, 43.251],
              [76.933, 43.251],
              [76.933, 43.252],
              [76.931, 43.251],
            ],
          ],
        },
      },
    ],
    t.config,
  );
  const posts = await t.gql<{ posts: { nodes: { geometry: { coordinates: [number, number] }; district: { id: string } }[] } }>(
    '{ posts(first: 1, filter: { kinds: [MODULAR_POST] }) { nodes { geometry district { id } } } }',
  );
  const [lng, lat] = posts.data!.posts.nodes[0].geometry.coordinates;
  post = { lng, lat };
  districtId = posts.data!.posts.nodes[0].district.id;
});

afterAll(async () => {
  await t.stop();
});

describe('TileJSON', () => {
  it.each(LAYERS)('describes %s as TileJSON 3.0.0 with a tile URL template, zooms, city bounds and fields', async (layer) => {
    // streets, the page's base map, take no parameters
    const query = layer === 'streets' ? '' : layer === 'areas' ? 'kind=DISTRICT' : ['hotspots', 'clusters', 'hexagons'].includes(layer) ? 'resolution=8' : 'bbox=76.8%2C43.1%2C77.1%2C43.4';
    // near_repeat mirrors an analyst-only query: anonymous callers get 401 (test/security/forecasting.test.ts)
    const res = await fetch(`${base}/tiles/${layer}.json?${query}`, layer === 'near_repeat' ? { headers: ANALYST } : {});
    expect(res.status).toBe(200);
    const doc = (await res.json()) as TileJson;
    expect(doc.tilejson).toBe('3.0.0');
    expect(doc.tiles).toEqual([`${base}/tiles/${layer}/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`]);
    expect(doc.bounds).toEqual(t.config.cityBounds);
    expect(doc.minzoom).toBeLessThanOrEqual(doc.maxzoom);
    expect(doc.vector_layers).toHaveLength(1);
    expect(doc.vector_layers[0].id).toBe(layer);
    expect(Object.keys(doc.vector_layers[0].fields).length).toBeGreaterThan(0);
    for (const description of Object.values(doc.vector_layers[0].fields)) expect(description.length).toBeGreaterThan(3);
  });

  it('lists every layer at /tiles/, and no incident layer', async () => {
    const res = await fetch(`${base}/tiles/`);
    const body = (await res.json()) as { layers: { name: string; tilejson: string }[] };
    expect(body.layers.map((l) => l.name).sort()).toEqual([...LAYERS].sort());
    const incidents = await fetch(`${base}/tiles/incidents.json`);
    expect(incidents.status).toBe(404);
    const tile = await fetch(`${base}/tiles/incidents/12/2925/1511.mvt`);
    expect(tile.status).toBe(404);
  });
});

describe('a decoded tile per layer, fetched through its TileJSON URL as MapLibre and QGIS do', () => {
  async function tileThroughTileJson(layer: string, query: string, at: [number, number], z: number) {
    const doc = (await (await fetch(`${base}/tiles/${layer}.json${query}`)).json()) as TileJson;
    const { x, y } = tileOf(at[0], at[1], z);
    const url = doc.tiles[0].replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const features = featuresOf(decode(await res.arrayBuffer()), layer);
    return { doc, features, z, x, y };
  }

  it.each([
    ['hotspots', MVT_POLYGON],
    ['clusters', MVT_POLYGON],
    ['hexagons', MVT_POLYGON],
    ['posts', MVT_POINT],
    ['post_reach', MVT_POLYGON],
    ['areas', MVT_POLYGON],
  ])('%s: features with the TileJSON fields', async (layer, type) => {
    const query = ['hotspots', 'clusters', 'hexagons'].includes(layer) ? `?districtId=${districtId}&resolution=8` : '';
    const { doc, features } = await tileThroughTileJson(layer, query, [post.lng, post.lat], 12);
    expect(features.length).toBeGreaterThan(0);
    const fields = Object.keys(doc.vector_layers[0].fields);
    for (const f of features) {
      expect(f.type).toBe(type);
      for (const key of Object.keys(f.properties)) expect(fields).toContain(key);
    }
  });

  it.each([
    ['lightingOutages', 'lighting_outages'],
    ['roadDefects', 'road_defects'],
    ['youthFacilities', 'youth_facilities'],
    ['riskFeatures', 'risk_features'],
  ])('%s: the tile around a stored feature holds it', async (list, layer) => {
    const at = await firstGeometryOf(list);
    const { doc, features } = await tileThroughTileJson(layer, '', at, 14);
    expect(features.length).toBeGreaterThan(0);
    const fields = Object.keys(doc.vector_layers[0].fields);
    for (const f of features) for (const key of Object.keys(f.properties)) expect(fields).toContain(key);
  });

  it('post reach says how it was made: a straight-line circle of radius walkingRadiusM / detourFactor', async () => {
    const { features } = await tileThroughTileJson('post_reach', '', [post.lng, post.lat], 13);
    const p = features[0].properties as Record<string, number | string>;
    expect(p.method).toBe('straightLine');
    expect(p.effectiveRadiusM as number).toBeCloseTo((p.walkingRadiusM as number) / (p.detourFactor as number), 6);
  });
});

describe('cells in a tile are the cells of the GraphQL answer', () => {
  it('hotspots: every feature is a cell of the hotspots query with its count, z and bins', async () => {
    const gql = await t.gql<{ hotspots: { cells: { h3: string; count: number; z: number | null; bin: number; binFdr: number }[] } }>(
      'query ($d: ID!) { hotspots(area: { districtId: $d }, resolution: 8, window: { from: "2026-01-01T00:00:00Z" }, categories: [THEFT, ROBBERY]) { cells { h3 count z bin binFdr } } }',
      { d: districtId },
      ANALYST,
    );
    expect(gql.errors).toBeUndefined();
    const byCell = new Map(gql.data!.hotspots.cells.map((c) => [c.h3, c]));
    const { x, y } = tileOf(post.lng, post.lat, 11);
    // as an analyst: the same true counts as the GraphQL answer above (below analyst both are released counts)
    const res = await fetch(`${base}/tiles/hotspots/11/${x}/${y}.mvt?districtId=${districtId}&resolution=8&from=2026-01-01T00:00:00Z&categories=THEFT,robbery`, { headers: ANALYST });
    const features = featuresOf(decode(await res.arrayBuffer()), 'hotspots');
    expect(features.length).toBeGreaterThan(0);
    for (const f of features) {
      const p = f.properties as { h3: string; count: number; z?: number; bin: number; binFdr: number };
      const cell = byCell.get(p.h3);
      expect(cell).toBeDefined();
      expect(p.count).toBe(cell!.count);
      expect(p.bin).toBe(cell!.bin);
      expect(p.binFdr).toBe(cell!.binFdr);
      if (cell!.z !== null) expect(p.z).toBeCloseTo(cell!.z, 6);
    }
  });

  it('a tile outside the study area is empty: 204 No Content, as Martin and pg_tileserv answer', async () => {
    const res = await fetch(`${base}/tiles/hexagons/12/0/0.mvt?districtId=${districtId}&resolution=8`);
    expect(res.status).toBe(204);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const posts = await fetch(`${base}/tiles/posts/12/0/0.mvt`);
    expect(posts.status).toBe(204);
  });
});

describe('feature ids and enum values', () => {
  it('a cell feature has the H3 index as its id', async () => {
    const { x, y } = tileOf(post.lng, post.lat, 12);
    const res = await fetch(`${base}/tiles/hexagons/12/${x}/${y}.mvt?districtId=${districtId}&resolution=8`);
    const features = featuresOf(decode(await res.arrayBuffer()), 'hexagons');
    expect(features.length).toBeGreaterThan(0);
    // H3 indexes pass 2^53: the decoder gives the nearest double, as Number(BigInt) does
    for (const f of features) expect(f.id).toBe(Number(BigInt(`0x${f.properties.h3 as string}`)));
  });

  it('a stored feature has its record id as its id and enum values spelt as GraphQL spells them', async () => {
    const { x, y } = tileOf(post.lng, post.lat, 12);
    const posts = featuresOf(decode(await (await fetch(`${base}/tiles/posts/12/${x}/${y}.mvt`)).arrayBuffer()), 'posts');
    expect(posts.length).toBeGreaterThan(0);
    for (const f of posts) {
      expect(f.id).toBe(Number(f.properties.id));
      expect(['MODULAR_POST', 'PRECINCT_OFFICE', 'POLICE_STATION']).toContain(f.properties.kind);
    }
    const reach = featuresOf(decode(await (await fetch(`${base}/tiles/post_reach/12/${x}/${y}.mvt`)).arrayBuffer()), 'post_reach');
    for (const f of reach) expect(f.id).toBe(Number(f.properties.postId));
    const areas = featuresOf(decode(await (await fetch(`${base}/tiles/areas/12/${x}/${y}.mvt?kind=DISTRICT`)).arrayBuffer()), 'areas');
    expect(areas.length).toBeGreaterThan(0);
    for (const f of areas) expect(f.properties.kind).toBe('DISTRICT');
  });
});

describe('caching', () => {
  it('answers If-None-Match with 304 and changes the ETag with the parameters and the data', async () => {
    const { x, y } = tileOf(post.lng, post.lat, 12);
    const url = `${base}/tiles/posts/12/${x}/${y}.mvt`;
    const first = await fetch(url);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toContain('max-age');
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const otherParams = await fetch(`${url}?kinds=POLICE_STATION`);
    expect(otherParams.headers.get('etag')).not.toBe(etag);
    const asAnalyst = await fetch(url, { headers: testUserHeaders({ id: 'a', role: 'analyst', agency: null }) });
    expect(asAnalyst.headers.get('etag')).not.toBe(etag);
    await t.server.db
      .knex('posts')
      .where('id', (await t.server.db.knex('posts').first('id')).id)
      .update({ name: 'renamed', updated_at: t.server.db.knex.fn.now() });
    const afterChange = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(afterChange.status).toBe(200);
    expect(afterChange.headers.get('etag')).not.toBe(etag);
  });
});

describe('cross-origin clients', () => {
  it('may read tiles and TileJSON from other origins, with the ETag exposed', async () => {
    const preflight = await fetch(`${base}/tiles/posts.json`, { method: 'OPTIONS', headers: { origin: 'https://kepler.gl', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const tile = await fetch(`${base}/tiles/posts/12/2923/1501.mvt`, { headers: { origin: 'https://kepler.gl' } });
    expect(tile.headers.get('access-control-allow-origin')).toBe('*');
    expect(tile.headers.get('access-control-expose-headers')).toContain('ETag');
  });
});

describe('bad requests', () => {
  it.each([
    ['/tiles/hotspots/12/99999/1.mvt', 'z/x/y'],
    ['/tiles/hotspots/12/2925/1511.mvt?resolution=3', 'resolution'],
    ['/tiles/hotspots/12/2925/1511.mvt?categories=NOPE', 'categories'],
    ['/tiles/hotspots/12/2925/1511.mvt?from=yesterday', 'from'],
    ['/tiles/posts/12/2925/1511.mvt?bbox=1,2,3', 'area.bbox'],
    ['/tiles/posts/12/2925/1511.mvt?districtId=999999', 'area.districtId'],
    ['/tiles/road_defects/12/2925/1511.mvt?status=BROKEN', 'status'],
    ['/tiles/hotspots/12/2925/1511.mvt?district=1', 'district'],
    ['/tiles/posts.json?resolution=8', 'resolution'],
  ])('%s is refused naming %s', async (path, argumentPath) => {
    // as an analyst: below analyst the resolution is the release resolution whatever is asked
    const res = await fetch(`${base}${path}`, { headers: ANALYST });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: { code: string; argumentPath: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].extensions.argumentPath).toBe(argumentPath);
  });
});
