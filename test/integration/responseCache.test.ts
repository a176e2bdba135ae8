/**
 * The shared response cache through real HTTP and a real Redis (127.0.0.1:6379, or REDIS_URL):
 * a hit after a miss returns the same bytes, from this process or from another server sharing
 * Redis; an import of incidents invalidates an answer that read incidents and no posts-only
 * answer; roles and agencies never share entries; mutations, raw points and audited answers are
 * never stored; with Redis unreachable the server still answers (a warning logged).
 */
import { seedDemoCity } from '../../src/cli/seed';
import type { RequestUser } from '../../src/domain';
import { ANONYMOUS_USER } from '../../src/domain';
import { startTestServer, TEST_ANALYST, TestServer, testUserHeaders, truncateLayers } from '../support/server';

// every run its own key prefix: several engineers' test runs may share the machine's Redis
const PREFIX = `hotspots-test:${process.pid}:${Date.now().toString(36)}:`;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ENV = { REDIS_URL, RESPONSE_CACHE: 'on', RESPONSE_CACHE_PREFIX: PREFIX };

let t: TestServer;
const warnings: string[] = [];

beforeAll(async () => {
  t = await startTestServer(ENV, { testUsers: true, warn: (m) => warnings.push(m) });
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 2000 });
});

afterAll(async () => {
  await t.stop();
});

interface Answer {
  status: number;
  cache: string | null;
  body: string;
}

async function ask(url: string, user: RequestUser, query: string, variables: Record<string, unknown> = {}, language?: string): Promise<Answer> {
  const headers = { 'content-type': 'application/json', ...testUserHeaders(user), ...(language ? { 'accept-language': language } : {}) };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, cache: response.headers.get('x-response-cache'), body: await response.text() };
}

async function districtId(): Promise<string> {
  const row = (await t.server.db.knex('areas').where({ kind: 'district' }).orderBy('id').first('id')) as { id: string };
  return String(row.id);
}

const HEXAGONS = `query ($area: AreaInput!, $resolution: Int!) { hexagons(area: $area, resolution: $resolution) { studyArea { cellCount incidentCount } columns { h3 incidents } } }`;
const POSTS = `query ($area: PostFilter) { posts(filter: $area) { totalCount nodes { id name } } }`;
const AGENCY_A: RequestUser = { id: 'lights', role: 'agency', agency: 'lighting' };
const AGENCY_B: RequestUser = { id: 'roads', role: 'agency', agency: 'roads' };

it('answers a repeated query from the cache with the same bytes, here and on another server sharing Redis', async () => {
  const vars = { area: { districtId: await districtId() }, resolution: 9 };
  const first = await ask(t.server.url, TEST_ANALYST, HEXAGONS, vars);
  expect(first.status).toBe(200);
  expect(first.cache).toBe('miss');
  expect(JSON.parse(first.body).data.hexagons.studyArea.incidentCount).toBeGreaterThan(0);
  const second = await ask(t.server.url, TEST_ANALYST, HEXAGONS, vars);
  expect(second.cache).toBe('hit-local');
  expect(second.body).toBe(first.body);
  // the same operation spelled otherwise (spacing, a comment) and with the variables in another order
  const respelled = await ask(t.server.url, TEST_ANALYST, `# the map\n${HEXAGONS.replace(/ \{ /g, '{\n  ')}`, { resolution: 9, area: vars.area });
  expect(respelled.cache).toBe('hit-local');
  expect(respelled.body).toBe(first.body);

  const other = await startTestServer(ENV, { testUsers: true });
  try {
    const shared = await ask(other.server.url, TEST_ANALYST, HEXAGONS, vars);
    expect(shared.cache).toBe('hit-shared');
    expect(shared.body).toBe(first.body);
  } finally {
    await other.stop();
  }
  const stats = t.server.answerCache!.statistics();
  expect(stats.sharedReady).toBe(true);
  expect(stats.hitsLocal).toBeGreaterThanOrEqual(2);
  expect(stats.misses).toBeGreaterThanOrEqual(1);
});

it('an import of incidents invalidates answers that read incidents, not a posts-only answer', async () => {
  const area = { districtId: await districtId() };
  const hexVars = { area, resolution: 8 };
  const before = await ask(t.server.url, TEST_ANALYST, HEXAGONS, hexVars);
  const posts = await ask(t.server.url, TEST_ANALYST, POSTS, { area: { area } });
  expect(before.cache).toBe('miss');
  expect(posts.cache).toBe('miss');
  expect((await ask(t.server.url, TEST_ANALYST, HEXAGONS, hexVars)).cache).toBe('hit-local');

  const point = (await t.server.db.knex.raw(`SELECT ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas WHERE id = ?`, [area.districtId])).rows[0] as { lng: number; lat: number };
  const imported = await ask(t.server.url, TEST_ANALYST, 'mutation ($r: [IncidentInput!]!) { importIncidents(records: $r) { inserted rejected } }', {
    r: [{ externalId: 'cache-1', source: 'cache_test', occurredAt: '2025-03-14T21:30:00+05:00', category: 'THEFT', lat: point.lat, lng: point.lng, outdoor: true }],
  });
  expect(imported.cache).toBe('bypass');
  expect(JSON.parse(imported.body).data.importIncidents).toEqual({ inserted: 1, rejected: 0 });

  const after = await ask(t.server.url, TEST_ANALYST, HEXAGONS, hexVars);
  expect(after.cache).toBe('miss');
  const count = (body: string) => JSON.parse(body).data.hexagons.studyArea.incidentCount as number;
  expect(count(after.body)).toBe(count(before.body) + 1);
  const postsAgain = await ask(t.server.url, TEST_ANALYST, POSTS, { area: { area } });
  expect(postsAgain.cache).toBe('hit-local');
  expect(postsAgain.body).toBe(posts.body);
  expect(JSON.parse(posts.body).data.posts.totalCount).toBeGreaterThan(0);
});

it('never lets roles or agencies share an entry', async () => {
  const vars = { area: { districtId: await districtId() }, resolution: 8 };
  const query = `query ($area: AreaInput!, $resolution: Int!) { hexagons(area: $area, resolution: $resolution) { studyArea { cellCount } cells { h3 incidents suppressed } } }`;
  const analyst = await ask(t.server.url, TEST_ANALYST, query, vars);
  expect((await ask(t.server.url, TEST_ANALYST, query, vars)).cache).toBe('hit-local');
  for (const user of [ANONYMOUS_USER, { id: 'wg', role: 'working_group', agency: null } as RequestUser, AGENCY_A, AGENCY_B]) {
    const first = await ask(t.server.url, user, query, vars);
    expect([user.id, first.cache]).toEqual([user.id, 'miss']);
    expect((await ask(t.server.url, user, query, vars)).cache).toBe('hit-local');
  }
  // below analyst the release gate fixes the window and suppresses small counts: the answers differ, and stay apart
  const publicAnswer = await ask(t.server.url, ANONYMOUS_USER, query, vars);
  expect(publicAnswer.body).not.toBe(analyst.body);
  expect((await ask(t.server.url, TEST_ANALYST, query, vars)).body).toBe(analyst.body);
});

it('never lets languages share an entry: a Russian answer is not served to an English caller', async () => {
  const query = `query ($area: AreaInput!) { hotspots(area: $area, resolution: 8) { method } }`;
  const vars = { area: { districtId: await districtId() } };
  const english = await ask(t.server.url, TEST_ANALYST, query, vars, 'en');
  const russian = await ask(t.server.url, TEST_ANALYST, query, vars, 'ru');
  expect(russian.cache).toBe('miss');
  expect(JSON.parse(russian.body).data.hotspots.method).toMatch(/[А-Яа-я]/);
  expect((await ask(t.server.url, TEST_ANALYST, query, vars, 'en')).body).toBe(english.body);
  expect((await ask(t.server.url, TEST_ANALYST, query, vars, 'ru')).cache).toBe('hit-local');
});

it('never stores mutations, raw points, who the caller is, failed answers or audited sensitive counts', async () => {
  const knex = t.server.db.knex;
  for (const query of ['{ incidents(first: 2) { nodes { id } } }', '{ me { id role } }', '{ hexagons(area: { districtId: "nope" }, resolution: 8) { studyArea { cellCount } } }']) {
    const first = await ask(t.server.url, TEST_ANALYST, query);
    const second = await ask(t.server.url, TEST_ANALYST, query);
    expect([query, second.cache]).toEqual([query, first.cache === 'bypass' ? 'bypass' : 'miss']);
  }
  // an analyst's count of a sensitive category is written to the audit log every time
  const audited = async () => Number(((await knex('audit_log').count('* as n')) as { n: string }[])[0].n);
  const sensitive = `{ hexagons(area: { districtId: "${await districtId()}" }, resolution: 7, categories: [DOMESTIC_CONFLICT]) { studyArea { incidentCount } } }`;
  const before = await audited();
  expect((await ask(t.server.url, TEST_ANALYST, sensitive)).cache).toBe('miss');
  expect((await ask(t.server.url, TEST_ANALYST, sensitive)).cache).toBe('miss');
  expect(await audited()).toBe(before + 2);
});

it('answers exports and tiles from the cache too', async () => {
  const base = t.server.url.replace(/\/graphql$/, '');
  const exportOf = async () => {
    const response = await fetch(`${base}/export/posts.csv?districtId=${await districtId()}`);
    return { status: response.status, cache: response.headers.get('x-response-cache'), type: response.headers.get('content-type'), body: await response.text() };
  };
  const first = await exportOf();
  const second = await exportOf();
  expect(first).toMatchObject({ status: 200, cache: 'miss' });
  expect(second).toMatchObject({ status: 200, cache: 'hit-local', type: first.type });
  expect(second.body).toBe(first.body);

  const stats = () => t.server.answerCache!.statistics();
  const tile = async () => Buffer.from(await (await fetch(`${base}/tiles/posts/12/2900/1502.mvt`)).arrayBuffer());
  const hitsBefore = stats().hitsLocal;
  const tileFirst = await tile();
  const tileSecond = await tile();
  expect(tileSecond.equals(tileFirst)).toBe(true);
  expect(stats().hitsLocal).toBe(hitsBefore + 1);
});

it('answers OGC API items from the cache, with their CRS; never raw incidents; an import of posts makes the posts pages new', async () => {
  const base = t.server.url.replace(/\/graphql$/, '');
  const analyst = testUserHeaders(TEST_ANALYST);
  const items = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/ogc/collections/${path}`, { headers });
    return { status: response.status, cache: response.headers.get('x-response-cache'), crs: response.headers.get('content-crs'), type: response.headers.get('content-type'), body: await response.text() };
  };
  const page = 'posts/items?limit=5&crs=http://www.opengis.net/def/crs/EPSG/0/3857';
  const first = await items(page);
  const second = await items(page);
  expect(first).toMatchObject({ status: 200, cache: 'miss', crs: '<http://www.opengis.net/def/crs/EPSG/0/3857>' });
  expect(second).toMatchObject({ status: 200, cache: 'hit-local', crs: first.crs, type: first.type });
  expect(second.body).toBe(first.body);
  // the same parameters in another order are the same page
  expect((await items('posts/items?crs=http://www.opengis.net/def/crs/EPSG/0/3857&limit=5')).cache).toBe('hit-local');
  // raw points: every read is audited, so never cached
  expect((await items('incidents/items?limit=2', analyst)).cache).toBe('bypass');
  expect((await items('incidents/items?limit=2', analyst)).cache).toBe('bypass');
  // an analysis collection: the analyst's true counts are cached for analysts only; the public
  // asking the very same URL gets its own answer through the release gate, never the analyst's
  const hex = `hexagons/items?limit=500&resolution=8&districtId=${await districtId()}`;
  const analystPage = await items(hex, analyst);
  expect(analystPage.cache).toBe('miss');
  expect((await items(hex, analyst)).cache).toBe('hit-local');
  const publicPage = await items(hex);
  expect(publicPage).toMatchObject({ status: 200, cache: 'miss' });
  expect(publicPage.body).not.toBe(analystPage.body);
  // the analyst's page holds counts from 1 to 4; the public's none (the release gate's suppression)
  type Cell = { properties: { incidents: number | null; suppressed: boolean } };
  const small = (page: { body: string }) => (JSON.parse(page.body) as { features: Cell[] }).features.filter((f) => f.properties.incidents !== null && f.properties.incidents > 0 && f.properties.incidents < 5).length;
  expect(small(analystPage)).toBeGreaterThan(0);
  expect(small(publicPage)).toBe(0);
  expect((await items(hex)).body).toBe(publicPage.body);
  expect((await items(hex, analyst)).body).toBe(analystPage.body);
  // a write to posts (its trigger bumps the posts version): the page is asked under a new key and shows it
  await t.server.db.knex.raw("UPDATE posts SET name = name || ' (renamed)' WHERE id = (SELECT min(id) FROM posts)");
  const renamed = await items(page);
  expect(renamed.cache).toBe('miss');
  expect(renamed.body).toContain('(renamed)');
});

it('keeps answering with Redis unreachable, and says so once', async () => {
  const own: string[] = [];
  const away = await startTestServer({ ...ENV, REDIS_URL: 'redis://127.0.0.1:1', RESPONSE_CACHE_LOCAL_MB: '0' }, { testUsers: true, warn: (m) => own.push(m) });
  try {
    const vars = { area: { districtId: await districtId() }, resolution: 9 };
    const first = await ask(away.server.url, TEST_ANALYST, HEXAGONS, vars);
    const second = await ask(away.server.url, TEST_ANALYST, HEXAGONS, vars);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.cache).toBe('miss');
    expect(second.body).toBe(first.body);
    expect(JSON.parse(first.body).data.hexagons.studyArea.incidentCount).toBeGreaterThan(0);
    expect(own.filter((m) => /response cache: Redis at 127\.0\.0\.1:1 is unreachable/.test(m))).toHaveLength(1);
  } finally {
    await away.stop();
  }
  expect(warnings).toEqual([]);
});
