/**
 * Finding 3 of the privacy issue, tried again: single-cell counts from the risk models below
 * analyst. With one exposed cell a Poisson fit's standard error gives SE^2 = 1/Y1 + 1/Y0, so Y1,
 * that cell's 12-month count; free distances (youthGapMeters) let two gap sets differ by a cell.
 * Below analyst a factor with fewer than the threshold of exposed cells, or of incidents on
 * either side, gets no estimate, standard error or test; free distances are refused.
 */
import { cellToLatLng } from 'h3-js';
import { seedDemoCity, storeRecords } from '../../src/cli/seed';
import type { RiskFeatureRecord } from '../../src/domain';
import { startTestServer, TestServer, truncateLayers } from '../support/server';
import { ANALYST, errorOf, LIGHTING_AGENCY, WORKING_GROUP } from './support/releaseFixtures';

const now = new Date();
const END = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const START = new Date(Date.UTC(END.getUTCFullYear() - 1, END.getUTCMonth(), 1));
const WINDOW = { from: START.toISOString(), to: END.toISOString() };
let t: TestServer;

const FACTORS = `query ($window: TimeWindowInput, $gap: Float) {
  riskFactors(area: { city: true }, resolution: 9, window: $window, importedFactors: ["lonely_bar"], youthGapMeters: $gap) {
    factors { factor operationalisation exposedCells spearmanRho spearmanP candidate selected note univariate { coefficient standardError p } model { standardError } }
  }
}`;
interface Row {
  factor: string;
  operationalisation: string;
  exposedCells: number;
  spearmanRho: number | null;
  spearmanP: number | null;
  candidate: boolean;
  selected: boolean;
  note: string | null;
  univariate: { coefficient: number; standardError: number; p: number } | null;
  model: { standardError: number } | null;
}
type Answer = { riskFactors: { factors: Row[] } };

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  await t.server.db.knex.raw('TRUNCATE risk_features RESTART IDENTITY CASCADE');
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 4_000, start: START, end: END });
  // one bar, in the busiest resolution-9 cell: its count is what the attack is after
  const [busiest] = await t.server.db.knex
    .raw(`SELECT h3 FROM incidents WHERE occurred_at >= ? AND occurred_at < ? GROUP BY h3 ORDER BY count(*) DESC LIMIT 1`, [START, END])
    .then((r: { rows: { h3: string }[] }) => r.rows);
  const h3 = BigInt(busiest.h3).toString(16);
  const [lat, lng] = cellToLatLng(h3);
  const bar: RiskFeatureRecord = { source: 'test', externalId: 'lonely-1', factor: 'lonely_bar', label: 'One bar', openedAt: null, closedAt: null, geometry: { type: 'Point', coordinates: [lng, lat] } };
  await storeRecords(t.server.db.knex, 'risk_features', [bar], t.config);
}, 600_000);

afterAll(async () => {
  await t?.server.db.knex.raw('TRUNCATE risk_features RESTART IDENTITY CASCADE');
  await t?.stop();
});

describe('risk models below the analyst role', () => {
  it('refuses a free youth-gap distance, naming it', async () => {
    for (const user of [WORKING_GROUP, LIGHTING_AGENCY]) {
      const res = await t.gqlAs(user, FACTORS, { gap: 500 });
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'youthGapMeters' });
    }
  });

  it('gives no estimate, standard error or test for a factor of one exposed cell, nor for any factor under the threshold', async () => {
    const released = await t.gqlAs<Answer>(WORKING_GROUP, FACTORS, {});
    expect(released.errors).toBeUndefined();
    const analyst = await t.gqlAs<Answer>(ANALYST, FACTORS, { window: WINDOW });
    expect(analyst.errors).toBeUndefined();
    const lonely = released.data!.riskFactors.factors.filter((f) => f.factor === 'imported:lonely_bar');
    expect(lonely).toHaveLength(2);
    for (const row of lonely) {
      expect(row).toMatchObject({ exposedCells: 1, spearmanRho: null, spearmanP: null, univariate: null, model: null, candidate: false, selected: false });
      expect(row.note).toMatch(/withheld below the analyst role/);
    }
    // the analyst's fit of the same layer has the standard error the attack solves for Y1
    const analystLonely = analyst.data!.riskFactors.factors.find((f) => f.factor === 'imported:lonely_bar' && f.operationalisation === 'PROXIMITY')!;
    expect(analystLonely.univariate?.standardError).toBeGreaterThan(0);
    for (const row of released.data!.riskFactors.factors) {
      if (row.exposedCells < 5) expect(row).toMatchObject({ univariate: null, model: null, spearmanP: null });
    }
  });
});
