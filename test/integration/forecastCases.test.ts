/**
 * Forecasts and near-repeat areas attached to working-group cases: FORECAST_CELL items made for
 * the caller's role (the release lattice below analyst), NEAR_REPEAT_AREA items for analysts and
 * admins only (refused to the working group, left out of what it reads, kept through its updates).
 */
import { getResolution } from 'h3-js';
import { upsertBatch } from '../../src/db/upsert';
import type { IncidentRecord, RequestUser } from '../../src/domain';
import { metresPerDegree } from '../../src/geo/geometry';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

let t: TestServer;
const BOX = [76.9, 43.22, 76.96, 43.26];
const MAY = { from: '2025-05-01T00:00:00Z', to: '2025-06-01T00:00:00Z' };
const WG: RequestUser = { id: 'wg', role: 'working_group', agency: null };
const ANALYST: RequestUser = { id: 'an', role: 'analyst', agency: null };
const per = metresPerDegree(43.24);

/** A grid of 80 incidents spread over May, and 12 planted near repeats: 3 incidents within 20 m on 3 consecutive days. */
function incidents(): IncidentRecord[] {
  const out: IncidentRecord[] = [];
  const add = (lng: number, lat: number, day: number, hour: number) =>
    out.push({
      source: 'fcase',
      externalId: `e${out.length}`,
      occurredAt: new Date(Date.UTC(2025, 4, day, hour)),
      category: 'theft',
      outdoor: null,
      description: null,
      geometry: { type: 'Point', coordinates: [lng, lat] },
    });
  for (let k = 0; k < 80; k++) add(76.903 + (k % 10) * 0.0058, 43.223 + Math.floor(k / 10) * 0.0048, 1 + ((k * 7) % 31), 9);
  for (let c = 0; c < 12; c++) {
    const lng = 76.906 + (c % 6) * 0.0087;
    const lat = 43.2255 + Math.floor(c / 6) * 0.017;
    const day = 2 + Math.round(c * 2.3);
    for (let j = 0; j < 3; j++) add(lng + (j * 10) / per.lng, lat + (j * 5) / per.lat, day + j, 14);
  }
  return out;
}

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ADMIN });
  await truncateLayers(t.server);
  await upsertBatch(t.server.db.knex, 'incidents', incidents(), 11);
});

afterAll(async () => {
  await t.stop();
});

interface Item {
  kind: string;
  cells: string[] | null;
  resolution: number | null;
  method: string | null;
  windowFrom: string | null;
  windowTo: string | null;
  values: number[] | null;
  note: string | null;
  geometry: { type: string };
}
interface Rec {
  id: string;
  geometry: { type: string };
  items: Item[];
  history: { changes: { field: string; to: string | null }[] }[];
}
const FIELDS = 'id geometry items { kind cells resolution method windowFrom windowTo values note geometry } history { changes { field to } }';
const CREATE = `mutation ($input: CreateRecommendationInput!) { createRecommendation(input: $input) { ${FIELDS} } }`;
const READ = `query ($id: ID!) { recommendation(id: $id) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateRecommendationInput!) { updateRecommendation(id: $id, input: $input) { ${FIELDS} } }`;
const WEEKLY = { area: { bbox: BOX }, resolution: 9, period: 'WEEK', asOf: '2025-06-04T00:00:00Z', historyPeriods: 8, method: 'SELF_EXCITING', areaShare: 0.05 };
const NEAR = { area: { bbox: BOX }, resolution: 9, window: MAY };

describe('forecasts and near-repeat areas in cases', () => {
  let caseId = '';

  it('a working group attaches a forecast made on the release lattice', async () => {
    const res = await t.gqlAs<{ createRecommendation: Rec }>(WG, CREATE, {
      input: { title: 'Evening patrols where the forecast is hot', agency: 'POLICE', items: [{ forecast: { area: { bbox: BOX }, period: 'MONTH', historyPeriods: 36, method: 'LONG_TERM_AVERAGE', areaShare: 0.05 } }] },
    });
    expect(res.errors).toBeUndefined();
    const [item] = res.data!.createRecommendation.items;
    expect(item.kind).toBe('FORECAST_CELL');
    expect(item.resolution).toBe(8);
    expect(item.cells!.length).toBeGreaterThan(0);
    expect(item.cells!.every((c) => getResolution(c) === 8)).toBe(true);
    expect(item.values).toHaveLength(item.cells!.length);
    expect(item.method).toBe('longTermAverage');
    expect(new Date(item.windowTo!).getTime()).toBeGreaterThan(new Date(item.windowFrom!).getTime());
    expect(item.note).toMatch(/release lattice/);
    expect(res.data!.createRecommendation.geometry.type).toMatch(/Polygon/);
  });

  it('refuses a weekly forecast and any near-repeat area to the working group', async () => {
    const weekly = await t.gqlAs(WG, CREATE, { input: { title: 'x', agency: 'POLICE', items: [{ forecast: WEEKLY }] } });
    expect(weekly.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const near = await t.gqlAs(WG, CREATE, { input: { title: 'x', agency: 'POLICE', geometry: { type: 'Point', coordinates: [76.93, 43.24] }, items: [{ nearRepeat: NEAR }] } });
    expect(near.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('an admin attaches a weekly forecast and a near-repeat area; the working group does not see the area', async () => {
    const res = await t.gqlAs<{ createRecommendation: Rec }>(TEST_ADMIN, CREATE, { input: { title: 'Follow up near repeats', agency: 'POLICE', items: [{ forecast: WEEKLY }, { nearRepeat: NEAR }] } });
    expect(res.errors).toBeUndefined();
    const rec = res.data!.createRecommendation;
    caseId = rec.id;
    const [forecast, near] = rec.items;
    expect(forecast).toMatchObject({ kind: 'FORECAST_CELL', method: 'selfExciting', resolution: 9, windowFrom: '2025-06-01T19:00:00.000Z', windowTo: '2025-06-08T19:00:00.000Z' });
    expect(near).toMatchObject({ kind: 'NEAR_REPEAT_AREA', method: 'knox', resolution: 9 });
    expect(near.cells!.length).toBeGreaterThan(0);
    expect(near.values!.every((v) => v >= 1)).toBe(true);
    expect(new Date(near.windowTo!).getTime()).toBeGreaterThan(new Date(near.windowFrom!).getTime());
    // the history names the item by method, window and number of cells, never the near-repeat cells
    const logged = JSON.stringify(rec.history);
    expect(near.cells!.some((c) => logged.includes(c))).toBe(false);

    const asAnalyst = await t.gqlAs<{ recommendation: Rec }>(ANALYST, READ, { id: caseId });
    expect(asAnalyst.data!.recommendation.items.map((i) => i.kind)).toEqual(['FORECAST_CELL', 'NEAR_REPEAT_AREA']);
    const asGroup = await t.gqlAs<{ recommendation: Rec }>(WG, READ, { id: caseId });
    expect(asGroup.errors).toBeUndefined();
    expect(asGroup.data!.recommendation.items.map((i) => i.kind)).toEqual(['FORECAST_CELL']);
  });

  it("keeps the near-repeat area through the working group's update of the items", async () => {
    const res = await t.gqlAs<{ updateRecommendation: Rec }>(WG, UPDATE, { id: caseId, input: { items: [{ forecast: { area: { bbox: BOX }, period: 'MONTH', historyPeriods: 36, areaShare: 0.05 } }] } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateRecommendation.items.map((i) => i.kind)).toEqual(['FORECAST_CELL']);
    const asAdmin = await t.gqlAs<{ recommendation: Rec }>(TEST_ADMIN, READ, { id: caseId });
    expect(asAdmin.data!.recommendation.items.map((i) => i.kind).sort()).toEqual(['FORECAST_CELL', 'NEAR_REPEAT_AREA']);
  });

  it('refuses cells that are not hot in the forecast', async () => {
    const res = await t.gqlAs(TEST_ADMIN, CREATE, { input: { title: 'x', agency: 'POLICE', items: [{ forecast: { ...WEEKLY, cells: ['8928308280fffff'] } }] } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'input.items[0].forecast.cells' });
  });
});
