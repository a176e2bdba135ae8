/**
 * The map page in headless Chromium against the demo city: it loads MapLibre from the server,
 * reads the layers from their TileJSON, renders hexagons and posts, fills the coverage panel,
 * and leaves a screenshot in test-output/map.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { issueToken } from '../../src/auth/tokens';
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TestServer, truncateLayers } from '../support/server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../test-output');
let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 5000 });
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
      // WebGL without a GPU
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

it('shows hexagons and posts with their reach, the coverage of the visible district, and saves a screenshot', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const failedRequests: string[] = [];
  page.on('requestfailed', (request) => {
    // MapLibre cancels the tiles of a view it leaves (a new district, window or token): not a failure
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') failedRequests.push(request.url());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
  });
  const origin = t.server.url.replace('/graphql', '');
  await page.goto(`${origin}/`);
  expect(await page.title()).toBe('Hotspots map');
  await page.waitForFunction(() => (window as unknown as { mapReady: boolean }).mapReady === true, undefined, { timeout: 120_000 });
  const state = await page.evaluate(() => (window as unknown as { mapState: { hotspots: number; posts: number; errors: string[] } }).mapState);
  expect(state.hotspots).toBeGreaterThan(10);
  expect(state.posts).toBeGreaterThan(3);
  expect(state.errors).toEqual([]);

  // every request went to this server: no CDN, no external base map
  const requested = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  for (const url of requested) expect(url.startsWith(origin)).toBe(true);

  // the district under the centre of the map gets its coverage numbers
  await page.waitForFunction(() => document.querySelectorAll('#coverage dd').length >= 3, undefined, { timeout: 60_000 });
  const coverage = await page.locator('#coverage dd').allTextContents();
  expect(coverage[0]).toMatch(/^\d+(\.\d)? %$/);
  expect(await page.locator('#coverage-district').textContent()).not.toBe('the visible district');
  // anonymous callers may not ask for fix priorities or coverage: the panel stays hidden and the
  // coverage numbers come from the public hexagons
  expect(await page.locator('#fix-panel').isHidden()).toBe(true);
  expect(await page.locator('#coverage').getAttribute('data-source')).toBe('hexagons');

  // with an analyst's token the page asks again: coverage from the coverage query, fix priorities listed
  const token = await issueToken(t.config.auth, { role: 'analyst', agency: null, subject: 'map-test', expiresIn: '10m' });
  await page.fill('#token', token);
  await page.dispatchEvent('#token', 'change');
  await page.waitForFunction(() => document.querySelector('#coverage')?.getAttribute('data-source') === 'coverage', undefined, { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('#fix-priorities li').length > 0, undefined, { timeout: 120_000 });
  expect(await page.locator('#fix-panel').isHidden()).toBe(false);

  // a district chosen in the selector redraws the hotspots over that district
  const districts = await page.locator('#district option').count();
  expect(districts).toBeGreaterThan(2);
  await page.selectOption('#district', { index: 1 });
  await page.waitForFunction(() => (window as unknown as { mapReady: boolean }).mapReady === true, undefined, { timeout: 120_000 });

  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'map.png') });
  expect(fs.statSync(path.join(OUTPUT, 'map.png')).size).toBeGreaterThan(10_000);
  // the only refused requests are the anonymous page's probes for queries it may not call (coverage, fixPriorities)
  expect(failedRequests.filter((r) => !r.endsWith('/graphql'))).toEqual([]);
}, 240_000);
