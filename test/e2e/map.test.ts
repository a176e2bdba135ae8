/**
 * The map page in headless Chromium against the demo city, as the working group would open it in
 * Russian and in Kazakh: MapLibre, i18next and the catalogues from the server, the public view of
 * the last month with data (named), no English word of the catalogues on the page, coverage of
 * the visible district; with an analyst's token the fix priorities, one of which is clicked and
 * flown to; the density layer switched on (in Kazakh). Screenshots of both languages go to docs/ (docs/map.md shows them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { issueToken } from '../../src/auth/tokens';
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TestServer, truncateLayers } from '../support/server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// the screenshots of docs/map.md: written there with UPDATE_SCREENSHOTS=1, else beside the test run (a run leaves git clean)
const DOCS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../docs') : fs.mkdtempSync(path.join(os.tmpdir(), 'map-screenshots-'));
const LOCALES = path.resolve(__dirname, '../../locales');
let t: TestServer;
let browser: Browser;
let origin: string;

type Catalogue = { [key: string]: string | Catalogue };
function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const catalogue = (lang: string) => flatten(JSON.parse(fs.readFileSync(path.join(LOCALES, `${lang}.json`), 'utf8')) as Catalogue);

/** English words of the catalogues a page in `lang` must not show: fragments between placeholders, where the two catalogues differ. */
function englishFragments(lang: string): string[] {
  const en = catalogue('en');
  const other = catalogue(lang);
  const fragments = new Set<string>();
  for (const [key, value] of en) {
    // language names are endonyms in every catalogue (the switcher shows "English")
    if (key.startsWith('enum.Language.') || other.get(key) === value) continue;
    for (const part of value.split(/\{\{[^}]+\}\}/)) {
      const words = part.trim().replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, '');
      if (/[A-Za-z]{4,}/.test(words)) fragments.add(words);
    }
  }
  return [...fragments];
}

/** What a reader sees: text, titles, placeholders and labels; data (district and street names) left out. */
async function visibleWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('.district-label, .place, script, #token').forEach((el) => el.remove());
    const attributes = [...document.querySelectorAll('[title], [placeholder], [aria-label]')].map((el) => ['title', 'placeholder', 'aria-label'].map((a) => el.getAttribute(a) ?? '').join(' '));
    return [document.title, clone.innerText, ...attributes].join('\n');
  });
}

beforeAll(async () => {
  t = await startTestServer();
  origin = t.server.url.replace('/graphql', '');
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 20_000 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-gl=angle',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function openPage(locale: string) {
  const context = await browser.newContext({ locale, viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const failedRequests: string[] = [];
  page.on('requestfailed', (request) => {
    // MapLibre cancels the tiles of a view it leaves (a new district, window or token): not a failure
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') failedRequests.push(request.url());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { mapReady: boolean }).mapReady === true, undefined, { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('#coverage dd').length >= 3 && document.querySelector('#significance-note')?.textContent !== '', undefined, { timeout: 60_000 });
  return { page, context, failedRequests };
}

/** The public view: one whole month, the last with data, named in the page's language, and cells with counts on the map. */
async function checkPublicView(page: Page, lang: string) {
  const month = await t.gql<{ lastMonthWithData: { label: string; month: string } }>('{ lastMonthWithData { label month } }', {}, { 'accept-language': lang });
  const { label: name, month: monthId } = month.data!.lastMonthWithData;
  expect(await page.locator('#window-note').getAttribute('data-month')).toBe(monthId);
  expect(await page.locator('#window-note').textContent()).toContain(name);
  const counted = await page.evaluate(() => {
    const map = (window as unknown as { hotspotsMap: { queryRenderedFeatures: (o: unknown) => { properties: { count?: number } }[] } }).hotspotsMap;
    return map.queryRenderedFeatures({ layers: ['hotspots-fill'] }).filter((f) => Number(f.properties.count) > 0).length;
  });
  expect(counted).toBeGreaterThan(0);
}

async function checkNoEnglish(page: Page, lang: string) {
  const words = await visibleWords(page);
  // whole words, case as written: "Open" in the name OpenStreetMap is not the word Open
  const found = englishFragments(lang).filter((fragment) => new RegExp(`(^|[^A-Za-z])${fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`).test(words));
  expect(found).toEqual([]);
}

it('in Russian: the public view of the last month with data, no English, fix priorities that fly to their place', async () => {
  const { page, context, failedRequests } = await openPage('ru-RU');
  expect(await page.title()).toBe('Карта очагов правонарушений');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
  const state = await page.evaluate(() => (window as unknown as { mapState: { hotspots: number; posts: number; errors: string[] } }).mapState);
  expect(state.hotspots).toBeGreaterThan(10);
  expect(state.posts).toBeGreaterThan(3);
  expect(state.errors).toEqual([]);
  // every request went to this server: no CDN, no external base map
  const requested = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  for (const url of requested) expect(url.startsWith(origin)).toBe(true);
  // the base map: the project's own streets (tiles are fetched by MapLibre's workers, so ask the map)
  const streets = await page.evaluate(() => (window as unknown as { hotspotsMap: { queryRenderedFeatures: (o: unknown) => unknown[] } }).hotspotsMap.queryRenderedFeatures({ layers: ['streets-line'] }).length);
  expect(streets).toBeGreaterThan(10);
  await checkPublicView(page, 'ru');
  expect(await page.locator('#coverage').getAttribute('data-source')).toBe('hexagons');
  expect(await page.locator('#fix-panel').isHidden()).toBe(true);
  await checkNoEnglish(page, 'ru');

  // an analyst's token: coverage from the coverage query and the fix priorities of the district
  const token = await issueToken(t.config.auth, { role: 'analyst', agency: null, subject: 'map-test', expiresIn: '10m' });
  await page.fill('#token', token);
  await page.dispatchEvent('#token', 'change');
  await page.waitForFunction(() => document.querySelector('#coverage')?.getAttribute('data-source') === 'coverage', undefined, { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('#fix-priorities li').length > 0 || document.querySelector('#fix-left-out')?.textContent !== '', undefined, {
    timeout: 120_000,
  });
  // a district with an open item associated with incidents in its model
  const auth = { authorization: `Bearer ${token}` };
  const areas = await t.gql<{ areas: { nodes: { id: string }[] } }>('{ areas(filter: { kind: DISTRICT }, first: 20) { nodes { id } } }');
  let districtId: string | null = null;
  for (const { id } of areas.data!.areas.nodes) {
    const fixes = await t.gql<{ fixPriorities: { items: { expectedPreventedPerYear: number }[] } }>(
      'query ($id: ID!) { fixPriorities(area: { districtId: $id }, first: 1) { items { expectedPreventedPerYear } } }',
      { id },
      auth,
    );
    if ((fixes.data?.fixPriorities.items[0]?.expectedPreventedPerYear ?? 0) > 0) {
      districtId = id;
      break;
    }
  }
  expect(districtId).not.toBeNull();
  await page.selectOption('#district', districtId!);
  await page.waitForFunction(() => document.querySelectorAll('#fix-priorities li').length > 0, undefined, { timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { mapReady: boolean }).mapReady === true, undefined, { timeout: 120_000 });
  // the district, its hot spots, its streets and its priorities in Russian: the picture of docs/map.md
  await checkNoEnglish(page, 'ru');
  await page.locator('#fix-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(DOCS, 'map-ru.png') });
  const first = page.locator('#fix-priorities li').first();
  const target = [Number(await first.getAttribute('data-lng')), Number(await first.getAttribute('data-lat'))];
  expect(await first.textContent()).toMatch(/Ожидаемый эффект: .+ \(95 % интервал/);
  await first.locator('a.fly').click();
  await page.waitForFunction(() => !(window as unknown as { hotspotsMap: { isMoving: () => boolean } }).hotspotsMap.isMoving(), undefined, { timeout: 30_000 });
  await page.waitForTimeout(500);
  const view = await page.evaluate(() => {
    const map = (window as unknown as { hotspotsMap: { getCenter: () => { lng: number; lat: number }; getZoom: () => number } }).hotspotsMap;
    return { centre: map.getCenter(), zoom: map.getZoom() };
  });
  expect(Math.abs(view.centre.lng - target[0])).toBeLessThan(1e-4);
  expect(Math.abs(view.centre.lat - target[1])).toBeLessThan(1e-4);
  expect(view.zoom).toBeCloseTo(16, 1);
  // the only refused requests are the anonymous page's probes for queries it may not call (coverage, fixPriorities)
  expect(failedRequests.filter((r) => !r.endsWith('/graphql'))).toEqual([]);
  await context.close();
}, 240_000);

it('in Kazakh: the same page in Kazakh words, the month named, no English', async () => {
  const { page, context } = await openPage('kk-KZ');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('kk');
  expect(await page.title()).toBe('Құқық бұзушылық ошақтарының картасы');
  await checkPublicView(page, 'kk');
  // the looking-ahead layers: near repeats are not offered without an analyst's token; density switched on shows cells and its legend
  expect(await page.locator('#near-repeat-toggle').isHidden()).toBe(true);
  await page.check('#show-density');
  await page.waitForFunction(() => (window as unknown as { mapState: { layers: { density: number } } }).mapState.layers.density > 0, undefined, { timeout: 60_000 });
  expect(await page.locator('#density-legend').isVisible()).toBe(true);
  await checkNoEnglish(page, 'kk');
  await page.screenshot({ path: path.join(DOCS, 'map-kk.png') });
  expect(fs.statSync(path.join(DOCS, 'map-kk.png')).size).toBeGreaterThan(10_000);
  await context.close();
}, 180_000);
