/**
 * OGC API - Features (Part 1, Core, GeoJSON) over real HTTP against the demo city: the landing
 * page, conformance, the collections a role may read, items with bbox, datetime, limit and next
 * links, single features; and GDAL's OAPIF driver (the client inside QGIS) as the client:
 * `ogrinfo` lists the collections, `ogr2ogr` copies one to a GeoPackage that equals the GraphQL
 * answer.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TEST_ANALYST, TestServer, testUserHeaders, truncateLayers } from '../support/server';

let t: TestServer;
let base: string;
const ANALYST = testUserHeaders(TEST_ANALYST);
const ANALYST_HEADER = `x-test-user: ${ANALYST['x-test-user']}`;

interface Link {
  href: string;
  rel: string;
  type: string;
}
interface Items {
  type: string;
  numberMatched?: number;
  numberReturned: number;
  features: { id: string; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[];
  links: Link[];
}

async function get<T>(p: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; body: T }> {
  const res = await fetch(p.startsWith('http') ? p : `${base}${p}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as T };
}

/** GDAL as a child process; asynchronous, since the server it talks to runs in this process. */
async function gdal(tool: string, args: string[], header?: string, timeout = 60_000): Promise<string> {
  const { stdout } = await promisify(execFile)(tool, header ? ['--config', 'GDAL_HTTP_HEADERS', header, ...args] : args, { encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  base = t.server.url.replace('/graphql', '').replace('localhost', '127.0.0.1');
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 3000 });
});

afterAll(async () => {
  await t.stop();
});

describe('documents', () => {
  it('the landing page links the API definition, conformance and the collections', async () => {
    const { status, type, body } = await get<{ links: Link[] }>('/ogc');
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    const rels = Object.fromEntries(body.links.map((l) => [l.rel, l.href]));
    expect(rels).toEqual(expect.objectContaining({ self: `${base}/ogc`, conformance: `${base}/ogc/conformance`, data: `${base}/ogc/collections`, 'service-desc': `${base}/ogc/api` }));
    const conformance = await get<{ conformsTo: string[] }>('/ogc/conformance');
    expect(conformance.body.conformsTo).toEqual(expect.arrayContaining(['http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core', 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson']));
  });

  it('lists the collections a role may read: incidents for analysts only', async () => {
    const anonymous = await get<{ collections: { id: string; links: Link[] }[] }>('/ogc/collections');
    const ids = anonymous.body.collections.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['posts', 'areas', 'hexagons', 'hotspots', 'clusters']));
    expect(ids).not.toContain('incidents');
    const analyst = await get<{ collections: { id: string }[] }>('/ogc/collections', ANALYST);
    expect(analyst.body.collections.map((c) => c.id)).toContain('incidents');
    const posts = await get<{ id: string; links: Link[]; extent: { spatial: { bbox: number[][] } } }>('/ogc/collections/posts');
    expect(posts.body.links.find((l) => l.rel === 'items')).toEqual(expect.objectContaining({ href: `${base}/ogc/collections/posts/items`, type: 'application/geo+json' }));
    expect(posts.body.extent.spatial.bbox[0]).toEqual(t.config.cityBounds);
    expect((await get('/ogc/collections/incidents')).status).toBe(401);
    expect((await get('/ogc/collections/nope')).status).toBe(404);
  });
});

describe('items', () => {
  it('pages with limit and next links to every post, numberMatched as GraphQL counts', async () => {
    const gql = await t.gql<{ posts: { totalCount: number } }>('{ posts { totalCount } }');
    let url: string | undefined = `${base}/ogc/collections/posts/items?limit=7`;
    const seen: string[] = [];
    while (url) {
      const page: { status: number; type: string | null; body: Items } = await get<Items>(url);
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^application\/geo\+json/);
      expect(page.body.numberMatched).toBe(gql.data!.posts.totalCount);
      expect(page.body.numberReturned).toBe(page.body.features.length);
      expect(page.body.numberReturned).toBeLessThanOrEqual(7);
      seen.push(...page.body.features.map((f) => f.id));
      url = page.body.links.find((l) => l.rel === 'next')?.href;
    }
    expect(seen).toHaveLength(gql.data!.posts.totalCount);
    expect(new Set(seen).size).toBe(seen.length);
    const defaultLimit = await get<Items>('/ogc/collections/posts/items');
    expect(defaultLimit.body.numberReturned).toBe(10);
  });

  it('bbox and datetime filter as the query does, and one feature is at items/{featureId}', async () => {
    const box = '76.85,43.20,76.98,43.28';
    const gql = await t.gql<{ roadDefects: { totalCount: number; nodes: { id: string }[] } }>(
      'query ($b: [Float!]) { roadDefects(filter: { area: { bbox: $b }, window: { from: "2026-03-01T00:00:00Z" } }) { totalCount nodes { id } } }',
      { b: box.split(',').map(Number) },
    );
    expect(gql.errors).toBeUndefined();
    const page = await get<Items>(`/ogc/collections/roadDefects/items?bbox=${box}&datetime=2026-03-01T00:00:00Z/..&limit=1000`);
    expect(page.status).toBe(200);
    expect(page.body.numberMatched).toBe(gql.data!.roadDefects.totalCount);
    const id = page.body.features[0].id;
    const one = await get<{ type: string; id: string }>(`/ogc/collections/roadDefects/items/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(expect.objectContaining({ type: 'Feature', id }));
    expect((await get(`/ogc/collections/roadDefects/items/999999999`)).status).toBe(404);
    expect((await get(`/ogc/collections/roadDefects/items/not-an-id`)).status).toBe(404);
    // the last record of the list is read as one row, not by paging up to it; the request's filters still apply
    const last = page.body.features[page.body.features.length - 1];
    expect((await get<{ id: string; geometry: unknown }>(`/ogc/collections/roadDefects/items/${last.id}`)).body).toEqual(expect.objectContaining({ id: last.id, geometry: last.geometry }));
    expect((await get(`/ogc/collections/roadDefects/items/${last.id}?bbox=0,0,1,1`)).status).toBe(404);
    expect((await get(`/ogc/collections/roadDefects/items?datetime=yesterday`)).status).toBe(400);
    expect((await get(`/ogc/collections/roadDefects/items?bbox=1,2,3`)).status).toBe(400);
  });

  it('hotspots cells are items, ids are H3 cells, with the analysis parameters', async () => {
    const gql = await t.gql<{ hotspots: { cells: { h3: string; count: number }[] } }>('{ hotspots(area: { bbox: [76.85, 43.20, 76.98, 43.28] }, resolution: 8) { cells { h3 count } } }');
    expect(gql.errors).toBeUndefined();
    const page = await get<Items>('/ogc/collections/hotspots/items?bbox=76.85,43.20,76.98,43.28&resolution=8&limit=10000');
    expect(page.status).toBe(200);
    expect(page.body.numberMatched).toBe(gql.data!.hotspots.cells.length);
    const counts = new Map(gql.data!.hotspots.cells.map((c) => [c.h3, c.count]));
    for (const f of page.body.features) expect(f.properties.count).toBe(counts.get(f.id));
  });
});

describe('Part 2: coordinate reference systems', () => {
  const EPSG_3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';
  const EPSG_4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';

  it('declares the crs conformance class and the CRS of each collection', async () => {
    const conformance = await get<{ conformsTo: string[] }>('/ogc/conformance');
    expect(conformance.body.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs');
    const posts = await get<{ crs: string[]; storageCrs: string }>('/ogc/collections/posts');
    expect(posts.body.crs).toEqual(expect.arrayContaining(['http://www.opengis.net/def/crs/OGC/1.3/CRS84', EPSG_4326, EPSG_3857]));
    expect(posts.body.storageCrs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
  });

  it('crs and bbox-crs: EPSG:4326 in latitude, longitude order, EPSG:3857 in metres, said in Content-Crs; an unknown CRS is a 400', async () => {
    const crs84 = await fetch(`${base}/ogc/collections/posts/items?limit=20`);
    expect(crs84.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/OGC/1.3/CRS84>');
    const reference = ((await crs84.json()) as Items).features;
    const latLng = await fetch(`${base}/ogc/collections/posts/items?limit=20&crs=${encodeURIComponent(EPSG_4326)}`);
    expect(latLng.headers.get('content-crs')).toBe(`<${EPSG_4326}>`);
    const swapped = ((await latLng.json()) as Items).features;
    swapped.forEach((f, i) => expect(f.geometry.coordinates).toEqual([...(reference[i].geometry.coordinates as number[])].reverse()));
    const bad = await get<{ errors: { extensions: { argumentPath: string } }[] }>(`/ogc/collections/posts/items?crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/9999')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.argumentPath).toBe('crs');
    // a bbox in web mercator metres selects what the same box in degrees selects
    const box = [76.85, 43.2, 76.98, 43.28];
    const m = (lng: number, lat: number) => [(lng * Math.PI * 6378137) / 180, 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
    const mercatorBox = [...m(box[0], box[1]), ...m(box[2], box[3])].join(',');
    const inDegrees = await get<Items>(`/ogc/collections/posts/items?limit=1000&bbox=${box.join(',')}`);
    const inMetres = await get<Items>(`/ogc/collections/posts/items?limit=1000&bbox=${mercatorBox}&bbox-crs=${encodeURIComponent(EPSG_3857)}`);
    expect(inMetres.body.features.map((f) => f.id)).toEqual(inDegrees.body.features.map((f) => f.id));
    expect(inDegrees.body.features.length).toBeGreaterThan(0);
  });

  it('GDAL reads an EPSG:3857 answer back to the CRS84 positions within a centimetre', async () => {
    try {
      execFileSync('ogr2ogr', ['--version']);
    } catch {
      return;
    }
    const url = `${base}/ogc/collections/posts/items?limit=20&crs=${encodeURIComponent(EPSG_3857)}`;
    const back = JSON.parse(await gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', '-s_srs', 'EPSG:3857', '-t_srs', 'OGC:CRS84', '-lco', 'COORDINATE_PRECISION=9', url])) as Items;
    const reference = (await get<Items>('/ogc/collections/posts/items?limit=20')).body.features;
    expect(back.features).toHaveLength(reference.length);
    back.features.forEach((f, i) => {
      const [lng, lat] = f.geometry.coordinates as number[];
      const [rLng, rLat] = reference[i].geometry.coordinates as number[];
      // 1e-7 degree is about a centimetre here
      expect(Math.abs(lng - rLng)).toBeLessThan(2e-7);
      expect(Math.abs(lat - rLat)).toBeLessThan(2e-7);
    });
  });
});

describe('GDAL OAPIF driver as the client', () => {
  const hasGdal = (() => {
    try {
      execFileSync('ogrinfo', ['--version']);
      return true;
    } catch {
      return false;
    }
  })();
  const itGdal = hasGdal ? it : it.skip;

  // GDAL reads a first page of every collection to learn its fields: for the cell analyses that is
  // the analysis of the whole city, computed once (cold, it can take a minute on a busy machine)
  // and then kept for every later page and listing of the same caller and data
  itGdal(
    'ogrinfo lists the collections the role may read; a second listing reuses the computed cells',
    async () => {
      const publicList = await gdal('ogrinfo', ['-ro', '-so', `OAPIF:${base}/ogc`], undefined, 150_000);
      expect(publicList).toMatch(/posts/);
      expect(publicList).not.toMatch(/incidents/);
      const analystList = await gdal('ogrinfo', ['-ro', '-so', `OAPIF:${base}/ogc`], ANALYST_HEADER, 150_000);
      expect(analystList).toMatch(/incidents/);
      const started = Date.now();
      expect(await gdal('ogrinfo', ['-ro', '-so', `OAPIF:${base}/ogc`], ANALYST_HEADER)).toEqual(analystList);
      expect(Date.now() - started).toBeLessThan(20_000);
    },
    330_000,
  );

  itGdal('ogr2ogr copies a collection to a GeoPackage whose features equal the GraphQL answer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ogc-'));
    const gpkg = path.join(dir, 'posts.gpkg');
    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${base}/ogc`, 'posts']);
    const copied = JSON.parse(await gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', gpkg, 'posts'])) as { features: { properties: Record<string, unknown>; geometry: { coordinates: number[] } }[] };
    const gql = await t.gql<{ posts: { nodes: { id: string; kind: string; geometry: { coordinates: number[] } }[] } }>('{ posts(first: 1000) { nodes { id kind geometry } } }');
    const byId = new Map(gql.data!.posts.nodes.map((p) => [p.id, p]));
    expect(copied.features).toHaveLength(byId.size);
    for (const f of copied.features) {
      const post = byId.get(String(f.properties.id));
      expect(post).toBeDefined();
      expect(f.properties.kind).toBe(post!.kind);
      expect(f.geometry.coordinates[0]).toBeCloseTo(post!.geometry.coordinates[0], 6);
      expect(f.geometry.coordinates[1]).toBeCloseTo(post!.geometry.coordinates[1], 6);
    }
    // with bbox and datetime, as QGIS asks when panning a layer with a time filter
    const items = await gdal('ogrinfo', ['-ro', '-al', '-so', '-spat', '76.85', '43.20', '76.98', '43.28', `OAPIF:${base}/ogc`, 'roadDefects']);
    expect(items).toMatch(/Feature Count: \d+/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
