/**
 * Every example operation in docs/queries runs against the demo city without errors and answers
 * data, and every tile and export URL written in docs/dashboards.md answers 200.
 */
import fs from 'node:fs';
import path from 'node:path';
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

const QUERIES = path.resolve(__dirname, '../../docs/queries');
const DASHBOARDS_DOC = path.resolve(__dirname, '../../docs/dashboards.md');
const examples = fs
  .readdirSync(QUERIES)
  .filter((f) => f.endsWith('.graphql'))
  .sort();
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ADMIN });
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 8000 });
});

afterAll(async () => {
  await t.stop();
});

/** Whether an answer holds something: a non-empty list or a non-zero count somewhere. */
function holdsData(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.values(value).some(holdsData);
  return typeof value === 'number' && value > 0;
}

it('has examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(10);
});

it.each(examples)('docs/queries/%s runs without errors and answers data', async (file) => {
  const query = fs.readFileSync(path.join(QUERIES, file), 'utf8');
  const variablesFile = path.join(QUERIES, file.replace(/\.graphql$/, '.variables.json'));
  const variables = fs.existsSync(variablesFile) ? (JSON.parse(fs.readFileSync(variablesFile, 'utf8')) as Record<string, unknown>) : undefined;
  const res = await t.gql(query, variables);
  expect(res.errors).toBeUndefined();
  for (const [field, answer] of Object.entries(res.data!)) {
    expect([field, answer]).not.toEqual([field, null]);
    expect([field, holdsData(answer)]).toEqual([field, true]);
  }
});

it('every tile, TileJSON and export URL in docs/dashboards.md answers 200', async () => {
  const doc = fs.readFileSync(DASHBOARDS_DOC, 'utf8');
  const urls = [...new Set([...doc.matchAll(/http:\/\/localhost:4000(\/(?:tiles|export)\/[^\s)`'"<>]*)/g)].map((m) => m[1]))];
  expect(urls.length).toBeGreaterThan(5);
  const base = t.server.url.replace('/graphql', '');
  for (const url of urls) {
    if (url.includes('{z}')) continue;
    const res = await fetch(base + url);
    expect([url, res.status]).toEqual([url, 200]);
  }
});
