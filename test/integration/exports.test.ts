/**
 * GeoJSON and CSV exports over real HTTP against the demo city: they parse back, hold every
 * row across pages, carry what an analysis says about itself, quote CSV properly, refuse bad
 * input like GraphQL does, and keep incident points from anonymous callers.
 */
import { parse } from 'csv-parse/sync';
import http from 'node:http';
import zlib from 'node:zlib';
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TestServer, testUserHeaders, truncateLayers } from '../support/server';
import { tileOf } from '../support/tiles';

let t: TestServer;
let base: string;
let districtId: string;
const ANALYST = testUserHeaders({ id: 'analyst-1', role: 'analyst', agency: null });

interface FeatureCollection {
  type: string;
  metadata: Record<string, unknown>;
  bbox?: number[];
  features: { type: string; id?: string | number; geometry: { type: string; coordinates: unknown } | null; properties: Record<string, unknown> }[];
}

/** A raw GET (fetch always asks for and undoes compression): status, headers and body bytes as sent. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

function positionsOf(coordinates: unknown): number[][] {
  return Array.isArray(coordinates) && typeof coordinates[0] === 'number' ? [coordinates as number[]] : (coordinates as unknown[]).flatMap(positionsOf);
}

async function getJson(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: FeatureCollection; type: string | null }> {
  const res = await fetch(`${base}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as FeatureCollection, type: res.headers.get('content-type') };
}

async function getCsv(path: string, headers: Record<string, string> = {}): Promise<{ status: number; rows: Record<string, string>[] }> {
  const res = await fetch(`${base}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, rows: res.status === 200 ? (parse(text, { columns: true }) as Record<string, string>[]) : [] };
}

beforeAll(async () => {
  // a small page size makes every list export read several pages
  t = await startTestServer({ MAX_PAGE_SIZE: '40', DEFAULT_PAGE_SIZE: '10' }, { testUsers: true });
  base = t.server.url.replace('/graphql', '');
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 3000 });
  const areas = await t.gql<{ areas: { nodes: { id: string }[] } }>('{ areas(filter: { kind: DISTRICT }) { nodes { id } } }');
  districtId = areas.data!.areas.nodes[0].id;
});

afterAll(async () => {
  await t.stop();
});

describe('lists', () => {
  it('posts.geojson holds every post, across pages, as Point features with the fields of the posts query', async () => {
    const total = await t.gql<{ posts: { totalCount: number } }>('{ posts { totalCount } }');
    const { status, body, type } = await getJson('/export/posts.geojson');
    expect(status).toBe(200);
    expect(type).toContain('application/geo+json');
    expect(body.type).toBe('FeatureCollection');
    expect(body.features).toHaveLength(total.data!.posts.totalCount);
    expect(total.data!.posts.totalCount).toBeGreaterThan(40);
    expect(new Set(body.features.map((f) => f.properties.id)).size).toBe(body.features.length);
    for (const f of body.features) {
      expect(f.geometry!.type).toBe('Point');
      expect(Object.keys(f.properties)).toEqual(expect.arrayContaining(['id', 'kind', 'name', 'walkingRadiusM']));
    }
  });

  it('posts.csv has the same rows with the geometry as WKT, and filters as the query does', async () => {
    const modular = await t.gql<{ posts: { totalCount: number } }>('{ posts(filter: { kinds: [MODULAR_POST] }) { totalCount } }');
    const { status, rows } = await getCsv('/export/posts.csv?kinds=MODULAR_POST');
    expect(status).toBe(200);
    expect(rows).toHaveLength(modular.data!.posts.totalCount);
    for (const row of rows) {
      expect(row.kind).toBe('MODULAR_POST');
      expect(row.wkt).toMatch(/^POINT \(7\d\.\d+ 43\.\d+\)$/);
    }
  });

  it('quotes commas, quotes and line breaks in CSV and guards against spreadsheet formulas', async () => {
    const knex = t.server.db.knex;
    const [first, second] = await knex('posts').orderBy('id').limit(2).select('id');
    await knex('posts').where('id', first.id).update({ name: 'Post "Samal", north\nside' });
    await knex('posts').where('id', second.id).update({ name: '=HYPERLINK("x")' });
    const { rows } = await getCsv('/export/posts.csv');
    expect(rows.find((r) => r.id === String(first.id))!.name).toBe('Post "Samal", north\nside');
    expect(rows.find((r) => r.id === String(second.id))!.name).toBe(`'=HYPERLINK("x")`);
  });

  it('lighting outages filtered by status and district', async () => {
    const gql = await t.gql<{ lightingOutages: { totalCount: number } }>('query ($d: ID!) { lightingOutages(filter: { status: OPEN, area: { districtId: $d } }) { totalCount } }', { d: districtId });
    const { body } = await getJson(`/export/lightingOutages.geojson?status=OPEN&districtId=${districtId}`);
    expect(body.features).toHaveLength(gql.data!.lightingOutages.totalCount);
    expect(body.features.every((f) => f.properties.status === 'OPEN')).toBe(true);
  });

  it.each(['roadDefects', 'youthFacilities', 'population', 'areas'])('%s exports as GeoJSON and CSV with as many rows as the query counts', async (query) => {
    const gql = await t.gql<Record<string, { totalCount: number }>>(`{ ${query} { totalCount } }`);
    const { body } = await getJson(`/export/${query}.geojson`);
    const { rows } = await getCsv(`/export/${query}.csv`);
    expect(body.features).toHaveLength(gql.data![query].totalCount);
    expect(rows).toHaveLength(gql.data![query].totalCount);
    expect(body.features[0].geometry).not.toBeNull();
  });
});

describe('analyses', () => {
  it('hotspots.geojson: every cell as a polygon, with the method and study area of the answer', async () => {
    const gql = await t.gql<{ hotspots: { studyArea: { cellCount: number }; hotCellCount: number } }>(
      'query ($d: ID!) { hotspots(area: { districtId: $d }, resolution: 8, k: 2) { studyArea { cellCount } hotCellCount } }',
      { d: districtId },
    );
    const { status, body } = await getJson(`/export/hotspots.geojson?districtId=${districtId}&resolution=8&k=2`);
    expect(status).toBe(200);
    expect(body.features).toHaveLength(gql.data!.hotspots.studyArea.cellCount);
    expect(body.metadata.method).toMatch(/Getis-Ord Gi\*.*k=2/);
    expect((body.metadata.studyArea as { cellCount: number }).cellCount).toBe(gql.data!.hotspots.studyArea.cellCount);
    expect(body.metadata.hotCellCount).toBe(gql.data!.hotspots.hotCellCount);
    expect(body.features[0].geometry!.type).toBe('Polygon');
    expect(Object.keys(body.features[0].properties)).toEqual(expect.arrayContaining(['h3', 'count', 'z', 'p', 'pFdr', 'bin', 'binFdr']));
  });

  it('hexagons.csv and clusters.csv: one row per cell with WKT polygons', async () => {
    for (const query of ['hexagons', 'clusters']) {
      const { status, rows } = await getCsv(`/export/${query}.csv?districtId=${districtId}&resolution=8`);
      expect(status).toBe(200);
      expect(rows.length).toBeGreaterThan(10);
      expect(rows[0].wkt).toMatch(/^POLYGON \(\(/);
      expect(rows[0].h3).toMatch(/^[0-9a-f]{15}$/);
    }
  });

  it('bad arguments are refused as GraphQL refuses them', async () => {
    // as an analyst: below analyst the resolution is the release resolution whatever is asked
    const low = await getJson(`/export/hotspots.geojson?districtId=${districtId}&resolution=3`, ANALYST);
    expect(low.status).toBe(400);
    expect((low.body as unknown as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const badEnum = await getJson(`/export/hexagons.csv?districtId=${districtId}&categories=NOPE`);
    expect(badEnum.status).toBe(400);
    expect(JSON.stringify(badEnum.body)).not.toContain('$');
    const badBox = await getJson('/export/hexagons.geojson?bbox=1,2,x');
    expect(badBox.status).toBe(400);
    // errors name the URL parameter, never a GraphQL variable
    expect((badBox.body as unknown as { errors: { message: string }[] }).errors[0].message).not.toMatch(/Variable|\$area/);
    const unknown = await fetch(`${base}/export/secrets.csv`);
    expect(unknown.status).toBe(404);
    const misspelt = await getJson('/export/posts.geojson?district=1');
    expect(misspelt.status).toBe(400);
    expect((misspelt.body as unknown as { errors: { extensions: { argumentPath: string } }[] }).errors[0].extensions.argumentPath).toBe('district');
  });
});

describe('privacy and roles', () => {
  it('incident points are never exported to anonymous callers', async () => {
    expect((await fetch(`${base}/export/incidents.geojson`)).status).toBe(401);
    expect((await fetch(`${base}/export/incidents.csv`)).status).toBe(401);
    expect((await fetch(`${base}/export/incidents.csv`, { headers: testUserHeaders({ id: 'p', role: 'agency', agency: 'roads' }) })).status).toBe(403);
  });

  it('no export an anonymous caller may read holds incident points', async () => {
    const listing = (await (await fetch(`${base}/export/`)).json()) as { exports: { query: string; geojson: string }[] };
    for (const { query, geojson } of listing.exports) {
      const needsArea = ['hexagons', 'hotspots', 'clusters'].includes(query);
      const res = await fetch(needsArea ? `${geojson}?bbox=76.85,43.20,76.98,43.28&resolution=8` : query === 'postReach' ? `${geojson}?bbox=76.85,43.20,76.98,43.28&radius=400` : geojson);
      const forbidden = [
        'incidents',
        'emergingHotSpots',
        'riskSurface',
        'fixPriorities',
        'recommendations',
        'coverage',
        'suggestPostSites',
        'minimumPostSites',
        'riskFactors',
        'agencyStatistics',
        'recommendationsEvaluation',
        'nearRepeat',
      ];
      if (forbidden.includes(query)) {
        // exports of what an anonymous caller may not query at all
        expect([query, res.status]).toEqual([query, 401]);
        continue;
      }
      expect([query, res.status]).toEqual([query, 200]);
      const body = (await res.json()) as FeatureCollection;
      for (const f of body.features) {
        expect('occurredAt' in f.properties && f.geometry?.type === 'Point').toBe(false);
      }
    }
  });

  it('an analyst exports coverage: the uncovered hot spot cells as features, the coverage figures as metadata', async () => {
    const { status, body } = await getJson(`/export/coverage.geojson?districtId=${districtId}&method=STRAIGHT_LINE`, ANALYST);
    expect(status).toBe(200);
    expect(body.type).toBe('FeatureCollection');
    const metadata = (body as unknown as { metadata: Record<string, unknown> }).metadata;
    expect(metadata).toHaveProperty('reach.method', 'straightLine');
    expect(metadata).toHaveProperty('studyArea.cellCount');
    for (const f of body.features) expect(f.geometry?.type).toBe('Polygon');
    const csv = await getCsv(`/export/agencyStatistics.csv`, ANALYST);
    expect(csv.status).toBe(200);
  });

  it('exports the walking reach of posts, a query that answers a bare list, as service-area features', async () => {
    const { status, body } = await getJson('/export/postReach.geojson?bbox=76.85,43.20,76.98,43.28&radius=400&method=STRAIGHT_LINE');
    expect(status).toBe(200);
    expect(body.features.length).toBeGreaterThan(0);
    for (const f of body.features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry?.type);
      expect(f.properties).toHaveProperty('postId');
    }
    const csv = await getCsv('/export/postReach.csv?bbox=76.85,43.20,76.98,43.28&radius=400&method=STRAIGHT_LINE');
    expect(csv.rows).toHaveLength(body.features.length);
  });

  it('an analyst exports incidents with the filters of the incidents query', async () => {
    const gql = await t.gql<{ incidents: { totalCount: number } }>('{ incidents(filter: { categories: [THEFT], window: { from: "2026-06-01T00:00:00Z" } }) { totalCount } }', undefined, ANALYST);
    const { status, rows } = await getCsv('/export/incidents.csv?categories=THEFT&from=2026-06-01T00:00:00Z', ANALYST);
    expect(status).toBe(200);
    expect(rows).toHaveLength(gql.data!.incidents.totalCount);
    expect(rows.every((r) => r.category === 'THEFT' && r.occurredAt >= '2026-06-01')).toBe(true);
  });

  it('lists the exports at /export/', async () => {
    const res = await fetch(`${base}/export/`);
    const body = (await res.json()) as { exports: { query: string; geojson: string; csv: string }[] };
    expect(body.exports.map((e) => e.query)).toEqual(expect.arrayContaining(['incidents', 'posts', 'hexagons', 'hotspots', 'clusters']));
  });
});

describe('formats for GIS clients', () => {
  it('an analysis export without an area covers the city, as its tiles do', async () => {
    const noArea = await getJson('/export/hexagons.geojson?resolution=7');
    expect(noArea.status).toBe(200);
    expect(noArea.body.metadata.parameters).toEqual(expect.objectContaining({ area: { bbox: t.config.cityBounds } }));
    const city = await t.gql<{ hexagons: { cells: { h3: string }[] } }>('query ($b: [Float!]) { hexagons(area: { bbox: $b }, resolution: 7) { cells { h3 } } }', { b: t.config.cityBounds });
    expect(city.errors).toBeUndefined();
    expect(noArea.body.features.map((f) => f.id).sort()).toEqual(city.data!.hexagons.cells.map((c) => c.h3).sort());
  });

  it('GeoJSON: features have a top-level id, coordinates of at most 7 decimals, and the collection a bbox', async () => {
    const posts = await getJson('/export/posts.geojson');
    expect(posts.status).toBe(200);
    for (const f of posts.body.features) expect(f.id).toBe(f.properties.id);
    const cells = await getJson(`/export/hexagons.geojson?districtId=${districtId}&resolution=8`);
    for (const f of cells.body.features) expect(f.id).toBe(f.properties.h3);
    for (const body of [posts.body, cells.body]) {
      const all = body.features.flatMap((f) => positionsOf(f.geometry!.coordinates));
      for (const [lng, lat] of all) {
        expect(Math.abs(lng * 1e7 - Math.round(lng * 1e7))).toBeLessThan(1e-6);
        expect(Math.abs(lat * 1e7 - Math.round(lat * 1e7))).toBeLessThan(1e-6);
      }
      const lngs = all.map((p) => p[0]);
      const lats = all.map((p) => p[1]);
      expect(body.bbox).toEqual([Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)]);
    }
  });

  it('CSV: lng and lat beside the WKT of point layers, and a .csvt row of GDAL types', async () => {
    const { rows } = await getCsv('/export/posts.csv');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.wkt).toBe(`POINT (${row.lng} ${row.lat})`);
    const res = await fetch(`${base}/export/posts.csvt`);
    expect(res.status).toBe(200);
    const types = parse(await res.text())[0] as string[];
    const header = Object.keys(rows[0]);
    expect(types).toHaveLength(header.length);
    const typeOf = Object.fromEntries(header.map((h, i) => [h, types[i]]));
    expect(typeOf).toEqual(expect.objectContaining({ id: 'String', walkingRadiusM: 'Integer', lng: 'Real', lat: 'Real', wkt: 'WKT' }));
    // cells are polygons: no lng/lat
    const cells = await getCsv(`/export/hexagons.csv?districtId=${districtId}&resolution=8`);
    expect(Object.keys(cells.rows[0])).not.toContain('lat');
  });
});

describe('compression', () => {
  it('exports, tiles and GraphQL answers are gzipped when asked, and not otherwise', async () => {
    const exported = await rawGet('/export/posts.geojson', { 'accept-encoding': 'gzip' });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-encoding']).toBe('gzip');
    expect(exported.headers.vary).toMatch(/Accept-Encoding/i);
    const plain = await rawGet('/export/posts.geojson', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(zlib.gunzipSync(exported.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    expect(exported.body.length).toBeLessThan(plain.body.length / 2);
    // a paged export streams: chunked, no Content-Length
    expect(exported.headers['content-length']).toBeUndefined();

    const { x, y } = tileOf(76.9, 43.25, 10);
    const tilePath = `/tiles/areas/10/${x}/${y}.mvt`;
    const tile = await rawGet(tilePath, { 'accept-encoding': 'gzip' });
    expect(tile.status).toBe(200);
    expect(tile.headers['content-encoding']).toBe('gzip');
    const rawTile = await rawGet(tilePath, {});
    expect(rawTile.headers['content-encoding']).toBeUndefined();
    expect(zlib.gunzipSync(tile.body).equals(rawTile.body)).toBe(true);

    const graphql = await new Promise<{ encoding: string | undefined }>((resolve, reject) => {
      const req = http.request(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'] }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ areas(filter: { kind: DISTRICT }) { nodes { id name geometry } } }' }));
    });
    expect(graphql.encoding).toBe('gzip');
  });
});
