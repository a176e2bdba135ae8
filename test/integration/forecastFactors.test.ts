/**
 * The negative binomial forecast on the demo city takes the environmental factors the risk model
 * selects for the same area and resolution (lighting outages, road defects, youth-facility gaps),
 * and names them; the backtest fits them on the year before its first origin.
 */
import { seedDemoCity } from '../../src/cli/seed';
import { generateDemoCity } from '../../seeds/almaty';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

let t: TestServer;
const city = generateDemoCity({ incidentCount: 0 });
const CITY = { bbox: [76.7, 43.0, 77.25, 43.45] };

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 30_000 });
}, 600_000);

afterAll(async () => {
  await t?.stop();
});

it('the negative binomial names the risk model’s factors and a coefficient for each', async () => {
  const res = await t.gql<{ forecastHotspots: { method: string } }>(
    'query ($area: AreaInput!, $asOf: DateTimeISO) { forecastHotspots(area: $area, resolution: 8, period: MONTH, historyPeriods: 18, method: NEGATIVE_BINOMIAL, asOf: $asOf) { method } }',
    { area: CITY, asOf: city.meta.end.toISOString() },
  );
  expect(res.errors).toBeUndefined();
  const method = res.data!.forecastHotspots.method;
  const terms = /environmental factors selected by the risk model over the year before [0-9-]+: (.+)$/.exec(method);
  expect(terms).not.toBeNull();
  // each selected term is a covariate of the fit, with its coefficient
  for (const term of terms![1].split(', ')) expect(method).toContain(`${term} `);
}, 300_000);
