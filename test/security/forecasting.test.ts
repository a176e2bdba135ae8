/**
 * Forecasts, backtests, density surfaces and near repeats below analyst: a cell's suppressed
 * count going from 2 to 3 to 4 changes no public or working-group answer (they are functions of
 * the released monthly table), while the analyst's answers change; near-repeat analysis, built
 * from exact positions and dates, is refused below analyst on every route.
 */
import { upsertBatch } from '../../src/db/upsert';
import type { IncidentRecord, RequestUser } from '../../src/domain';
import { startTestServer, TEST_ANALYST, TestServer, testUserHeaders, truncateLayers } from '../support/server';

let t: TestServer;
const BOX = [76.9, 43.22, 76.96, 43.26];
const PUBLIC: RequestUser = { id: 'p', role: 'public', agency: null };
const WORKING_GROUP: RequestUser = { id: 'w', role: 'working_group', agency: null };
const NOW = new Date();
const monthStart = (k: number) => new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() - k, 1));

function incident(id: string, lng: number, lat: number, at: Date): IncidentRecord {
  return { source: 'sec', externalId: id, occurredAt: at, category: 'theft', outdoor: null, description: null, geometry: { type: 'Point', coordinates: [lng, lat] } };
}

const QUERIES = {
  forecast: `{ forecastHotspots(area: { bbox: [${BOX}] }, period: MONTH, historyPeriods: 6, method: SELF_EXCITING) { method frame { incidentCount } cells { h3 expected rank hot } privacy { applied suppressedCells } } }`,
  backtest: `{ forecastBacktest(area: { bbox: [${BOX}] }, period: MONTH, historyPeriods: 6, origins: 2) { chosen methods { method scores { pai pei rri hitRate } paiByOrigin pVersusLastPeriod note } } }`,
  density: `{ densitySurface(area: { bbox: [${BOX}] }) { bandwidthMeters cells { h3 perKm2 } contours } }`,
};

async function answers(user: RequestUser): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(QUERIES)) {
    const res = await t.gqlAs(user, query);
    expect(res.errors).toBeUndefined();
    out[name] = res.data;
  }
  return out;
}

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  // busy cells in each of the last 5 ended months, and one cell with 2 incidents last month
  const records: IncidentRecord[] = [];
  for (let m = 1; m <= 5; m++) {
    for (let i = 0; i < 12; i++) records.push(incident(`b${m}-${i}`, 76.915 + (i % 3) * 0.012, 43.235 + (i % 2) * 0.01, new Date(monthStart(m).getTime() + (i + 1) * 3_600_000 * 20)));
  }
  records.push(incident('target-1', 76.95, 43.255, new Date(monthStart(1).getTime() + 86_400_000 * 3)));
  records.push(incident('target-2', 76.95, 43.255, new Date(monthStart(1).getTime() + 86_400_000 * 4)));
  await upsertBatch(t.server.db.knex, 'incidents', records, 11);
});

afterAll(async () => {
  await t.stop();
});

describe('forecasts below analyst', () => {
  it('do not change when a suppressed count goes from 2 to 3 to 4; the analyst answer does', async () => {
    const before = { public: await answers(PUBLIC), working: await answers(WORKING_GROUP) };
    const analystBefore = await t.gqlAs(TEST_ANALYST, QUERIES.forecast.replace('period: MONTH', 'period: MONTH, resolution: 8'));
    for (const k of [3, 4]) {
      await upsertBatch(t.server.db.knex, 'incidents', [incident(`target-${k}`, 76.95, 43.255, new Date(monthStart(1).getTime() + 86_400_000 * (k + 2)))], 11);
      expect(await answers(PUBLIC)).toEqual(before.public);
      expect(await answers(WORKING_GROUP)).toEqual(before.working);
    }
    const analystAfter = await t.gqlAs(TEST_ANALYST, QUERIES.forecast.replace('period: MONTH', 'period: MONTH, resolution: 8'));
    expect(analystAfter.data).not.toEqual(analystBefore.data);
  });

  it('refuse windows, weeks and categories off the lattice', async () => {
    for (const query of [
      `{ forecastHotspots(area: { bbox: [${BOX}] }, period: WEEK) { method } }`,
      `{ forecastHotspots(area: { bbox: [${BOX}] }, period: MONTH, asOf: "2026-01-15T00:00:00Z") { method } }`,
      `{ forecastBacktest(area: { bbox: [${BOX}] }, period: MONTH, categories: [THEFT]) { chosen } }`,
    ]) {
      const res = await t.gqlAs(WORKING_GROUP, query);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('near repeats (exact points and dates) are refused on GraphQL, tiles and exports', async () => {
    const query = `{ nearRepeat(area: { bbox: [${BOX}] }, permutations: 99) { riskPlaces { geometry } bands { observed } } }`;
    expect((await t.gqlAs(PUBLIC, query)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gqlAs(WORKING_GROUP, query)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const base = t.server.url.replace(/\/graphql$/, '');
    for (const user of [PUBLIC, WORKING_GROUP]) {
      expect((await fetch(`${base}/tiles/near_repeat/12/2923/1501.mvt?bbox=${BOX.join(',')}`, { headers: testUserHeaders(user) })).status).toBeGreaterThanOrEqual(401);
      expect((await fetch(`${base}/export/nearRepeat.geojson?bbox=${BOX.join(',')}`, { headers: testUserHeaders(user) })).status).toBeGreaterThanOrEqual(401);
    }
  });
});
