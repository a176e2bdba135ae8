/**
 * densitySurface, nearRepeat, forecastHotspots and forecastBacktest through HTTP against PostGIS:
 * answers on a small known set of incidents, the release below analyst, tiles and exports. The
 * formulas are checked against R in test/unit/geo/stats.
 */
import { cellToLatLng } from 'h3-js';
import { upsertBatch } from '../../src/db/upsert';
import type { IncidentRecord } from '../../src/domain';
import { metresPerDegree } from '../../src/geo/geometry';
import { startTestServer, TEST_ANALYST, TestServer, testUserHeaders, truncateLayers } from '../support/server';

let t: TestServer;
const BOX = [76.9, 43.22, 76.96, 43.26];
const MAY = { from: '2025-05-01T00:00:00Z', to: '2025-06-01T00:00:00Z' };
const PUBLIC = { id: 'p', role: 'public' as const, agency: null };
const centre = [76.93, 43.24];

/** 60 incidents in May 2025 around a centre, in a fixed pattern (no randomness). */
const points: [number, number][] = Array.from({ length: 60 }, (_, i) => {
  const angle = i * 2.399963;
  const r = 0.0004 * Math.sqrt(i + 1);
  return [centre[0] + r * Math.cos(angle) * 1.37, centre[1] + r * Math.sin(angle)];
});

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
  await truncateLayers(t.server);
  const records: IncidentRecord[] = points.map((p, i) => ({
    source: 'fc',
    externalId: `d${i}`,
    occurredAt: new Date(Date.UTC(2025, 4, 1 + (i % 28), 10 + (i % 9))),
    category: 'theft',
    outdoor: null,
    description: null,
    geometry: { type: 'Point', coordinates: p },
  }));
  await upsertBatch(t.server.db.knex, 'incidents', records, 11);
});

afterAll(async () => {
  await t.stop();
});

interface DensityAnswer {
  densitySurface: {
    method: string;
    bandwidthMeters: number;
    bandwidthRule: string;
    pointCount: number;
    cells: { h3: string; perKm2: number }[];
    columns: { h3: string[]; perKm2: number[] };
    contours: { type: string; features: { geometry: { type: string }; properties: { level: number } }[] };
    privacy: { applied: boolean; resolution: number };
  };
}
const DENSITY = `query ($area: AreaInput!, $resolution: Int, $window: TimeWindowInput, $bandwidthMeters: Float, $kernel: DensityKernel) {
  densitySurface(area: $area, resolution: $resolution, window: $window, bandwidthMeters: $bandwidthMeters, kernel: $kernel) {
    method bandwidthMeters bandwidthRule pointCount cells { h3 perKm2 } columns { h3 perKm2 } contours privacy { applied resolution }
  }
}`;

describe('densitySurface', () => {
  it('gives the quartic density of the incidents at each cell centre (analyst)', async () => {
    const res = await t.gql<DensityAnswer>(DENSITY, { area: { bbox: BOX }, resolution: 9, window: MAY, bandwidthMeters: 400 });
    expect(res.errors).toBeUndefined();
    const d = res.data!.densitySurface;
    expect(d.pointCount).toBe(60);
    expect(d.bandwidthRule).toBe('fixed');
    expect(d.privacy.applied).toBe(false);
    // the densest cell, checked by a direct sum of the quartic kernel
    const top = d.cells.reduce((a, b) => (b.perKm2 > a.perKm2 ? b : a));
    const [lat, lng] = cellToLatLng(top.h3);
    const m = metresPerDegree(lat);
    let direct = 0;
    for (const [x, y] of points) {
      const d2 = ((x - lng) * m.lng) ** 2 + ((y - lat) * m.lat) ** 2;
      if (d2 < 400 ** 2) direct += (3 / Math.PI) * (1 - d2 / 400 ** 2) ** 2;
    }
    expect(top.perKm2 / ((direct / 400 ** 2) * 1e6)).toBeCloseTo(1, 3);
    expect(d.columns.perKm2).toEqual(d.cells.map((c) => c.perKm2));
    expect(d.contours.type).toBe('FeatureCollection');
    expect(d.contours.features.length).toBeGreaterThan(0);
    expect(d.contours.features[0].geometry.type).toBe('MultiPolygon');
  });

  it("uses Silverman's rule when no bandwidth is given, and the Gaussian kernel on request", async () => {
    const res = await t.gql<DensityAnswer>(DENSITY, { area: { bbox: BOX }, resolution: 9, window: MAY, kernel: 'GAUSSIAN' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.densitySurface.bandwidthRule).toBe('silverman');
    expect(res.data!.densitySurface.method).toMatch(/gaussian/);
  });

  it('below analyst smooths released resolution-8 cells of the release lattice', async () => {
    const res = await t.gqlAs<DensityAnswer>(PUBLIC, DENSITY, { area: { bbox: BOX }, resolution: 10, window: MAY, bandwidthMeters: 600 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.densitySurface.privacy).toEqual({ applied: true, resolution: 8 });
    expect(res.data!.densitySurface.method).toMatch(/released cell counts/);
    const refused = await t.gqlAs(PUBLIC, DENSITY, { area: { bbox: BOX }, window: { from: '2025-05-03T00:00:00Z', to: '2025-05-10T00:00:00Z' } });
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a bandwidth out of range', async () => {
    const res = await t.gql(DENSITY, { area: { bbox: BOX }, bandwidthMeters: 10 });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'bandwidthMeters' });
  });

  it('is served as tiles and exports', async () => {
    const base = t.server.url.replace(/\/graphql$/, '');
    const query = `bbox=${BOX.join(',')}&resolution=9&from=${MAY.from}&to=${MAY.to}&bandwidthMeters=400`;
    const tile = await fetch(`${base}/tiles/density/12/2923/1501.mvt?${query}`, { headers: testUserHeaders(TEST_ANALYST) });
    expect(tile.status).toBeLessThan(300);
    const exported = await fetch(`${base}/export/densitySurface.geojson?${query}`, { headers: testUserHeaders(TEST_ANALYST) });
    if (exported.status !== 200) throw new Error(await exported.text());
    const doc = (await exported.json()) as { features: unknown[] };
    expect(doc.features.length).toBeGreaterThan(0);
  });
});

interface NearRepeatAnswer {
  nearRepeat: {
    method: string;
    incidentCount: number;
    pairCount: number;
    bands: { sameLocation: boolean; observed: number; expected: number; p: number; pFdr: number | null; significant: boolean }[];
    riskPlaces: { h3: string; until: string }[];
    cells: { h3: string; sources: number }[];
  };
}
const NEAR_REPEAT = `query ($area: AreaInput!, $window: TimeWindowInput, $permutations: Int, $seed: Int) {
  nearRepeat(area: $area, window: $window, permutations: $permutations, seed: $seed) {
    method incidentCount pairCount bands { sameLocation observed expected p pFdr significant } riskPlaces { h3 until } cells { h3 sources }
  }
}`;

describe('nearRepeat', () => {
  it('gives the Knox table of every pair, reproducible for a seed (analyst)', async () => {
    const vars = { area: { bbox: BOX }, window: MAY, permutations: 99, seed: 3 };
    const res = await t.gql<NearRepeatAnswer>(NEAR_REPEAT, vars);
    expect(res.errors).toBeUndefined();
    const a = res.data!.nearRepeat;
    expect(a.incidentCount).toBe(60);
    expect(a.bands).toHaveLength(6 * 5);
    expect(a.bands.reduce((s, b) => s + b.observed, 0)).toBe(a.pairCount);
    expect(a.pairCount).toBe((60 * 59) / 2);
    expect(a.method).toMatch(/99 Monte Carlo permutations of the dates \(seed 3\)/);
    const again = await t.gql<NearRepeatAnswer>(NEAR_REPEAT, vars);
    expect(again.data).toEqual(res.data);
  });

  it('is for analysts only, also as tiles and exports', async () => {
    const res = await t.gqlAs(PUBLIC, NEAR_REPEAT, { area: { bbox: BOX }, permutations: 99 });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const wg = await t.gqlAs({ id: 'w', role: 'working_group', agency: null }, NEAR_REPEAT, { area: { bbox: BOX }, permutations: 99 });
    expect(wg.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const base = t.server.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/tiles/near_repeat/12/2923/1501.mvt?bbox=${BOX.join(',')}`)).status).toBe(401);
    const exported = await fetch(`${base}/export/nearRepeat.csv?bbox=${BOX.join(',')}&from=${MAY.from}&to=${MAY.to}&permutations=99`, { headers: testUserHeaders(TEST_ANALYST) });
    expect(exported.status).toBe(200);
  });
});

interface ForecastAnswer {
  forecastHotspots: {
    method: string;
    forecastFrom: string;
    frame: { incidentCount: number; historyPeriods: number };
    cells: { h3: string; expected: number; rank: number; hot: boolean }[];
    privacy: { applied: boolean };
  };
}
interface BacktestAnswer {
  forecastBacktest: { method: string; chosen: string; origins: string[]; methods: { method: string; scores: { areaShare: number; pai: number | null; pei: number | null }[]; pVersusLastPeriod: number | null }[] };
}
const FORECAST = `query ($area: AreaInput!, $period: ForecastPeriod, $asOf: DateTimeISO, $historyPeriods: Int, $method: ForecastMethod, $resolution: Int) {
  forecastHotspots(area: $area, period: $period, asOf: $asOf, historyPeriods: $historyPeriods, method: $method, resolution: $resolution) {
    method forecastFrom frame { incidentCount historyPeriods } cells { h3 expected rank hot } privacy { applied }
  }
}`;
const BACKTEST = `query ($area: AreaInput!, $asOf: DateTimeISO, $period: ForecastPeriod, $historyPeriods: Int, $origins: Int, $resolution: Int) {
  forecastBacktest(area: $area, asOf: $asOf, period: $period, historyPeriods: $historyPeriods, origins: $origins, resolution: $resolution) {
    method chosen origins methods { method scores { areaShare pai pei } pVersusLastPeriod }
  }
}`;

describe('forecasts', () => {
  it('forecasts the next week from the history, every method', async () => {
    for (const method of ['LAST_PERIOD', 'LONG_TERM_AVERAGE', 'RECENT_KDE', 'SELF_EXCITING', 'NEGATIVE_BINOMIAL']) {
      const res = await t.gql<ForecastAnswer>(FORECAST, { area: { bbox: BOX }, period: 'WEEK', asOf: '2025-06-04T00:00:00Z', historyPeriods: 8, method });
      expect(res.errors).toBeUndefined();
      const f = res.data!.forecastHotspots;
      // the week from Monday 2 June in Almaty (UTC+5)
      expect(f.forecastFrom).toBe('2025-06-01T19:00:00.000Z');
      expect(f.frame.incidentCount).toBe(60);
      expect(f.cells.filter((c) => c.rank === 1)).toHaveLength(1);
      expect(f.cells.some((c) => c.hot)).toBe(true);
    }
  });

  it("warns in the caller's language", async () => {
    const query = 'query ($area: AreaInput!) { forecastHotspots(area: $area, period: WEEK, asOf: "2025-06-04T00:00:00Z", historyPeriods: 8) { warnings { code message } } }';
    const res = await t.gql<{ forecastHotspots: { warnings: { code: string; message: string }[] } }>(query, { area: { bbox: BOX } }, { ...testUserHeaders(TEST_ANALYST), 'accept-language': 'ru' });
    expect(res.errors).toBeUndefined();
    const few = res.data!.forecastHotspots.warnings.find((w) => w.code === 'FEW_INCIDENTS');
    expect(few?.message).toMatch(/^Мало происшествий/);
  });

  it('backtests every method and names the one chosen', async () => {
    const res = await t.gql<BacktestAnswer>(BACKTEST, { area: { bbox: BOX }, period: 'WEEK', asOf: '2025-06-04T00:00:00Z', historyPeriods: 8, origins: 3 });
    expect(res.errors).toBeUndefined();
    const b = res.data!.forecastBacktest;
    expect(b.origins).toHaveLength(3);
    expect(b.methods.map((m) => m.method)).toEqual(['lastPeriod', 'longTermAverage', 'recentKde', 'selfExciting', 'negativeBinomial']);
    expect(b.methods.map((m) => m.method)).toContain(b.chosen);
    expect(b.methods[0].scores.map((s) => s.areaShare)).toEqual([0.01, 0.02, 0.05]);
    // the negative binomial takes the risk model's factors of the year before the first origin (here it finds none to take)
    expect(b.method).toMatch(/negative binomial: (no )?environmental factors/);
  });

  it('below analyst forecasts months of released counts at resolution 8 only', async () => {
    const weekly = await t.gqlAs(PUBLIC, FORECAST, { area: { bbox: BOX }, period: 'WEEK' });
    expect(weekly.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'period' });
    const res = await t.gqlAs<ForecastAnswer>(PUBLIC, FORECAST, { area: { bbox: BOX }, period: 'MONTH', historyPeriods: 36, resolution: 10 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.forecastHotspots.privacy.applied).toBe(true);
    expect(res.data!.forecastHotspots.method).toMatch(/released monthly cell counts/);
  });
});

describe("methods in the caller's language", () => {
  const CYRILLIC = /[А-Яа-яЁё]/;
  const KAZAKH = /[ӘәҒғҚқҢңӨөҰұҮүҺһІі]/;
  /** Three lower-case English words in a row: an English sentence left in a Russian or Kazakh answer. */
  const ENGLISH_SENTENCE = /\b[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\b/;
  /** Names left as they are written: fields, methods, time zones, authors with their years. */
  const words = (s: string) => s.replace(/[A-Za-z_]*[A-Z_][A-Za-z_]*|\([^)]*\d{4}\)/g, ' ');
  const QUERY = `query ($area: AreaInput!) {
    densitySurface(area: $area, resolution: 9, window: { from: "2025-05-01T00:00:00Z", to: "2025-06-01T00:00:00Z" }) { method }
    nearRepeat(area: $area, window: { from: "2025-05-01T00:00:00Z", to: "2025-06-01T00:00:00Z" }, permutations: 99, seed: 3) { method }
    forecastHotspots(area: $area, period: WEEK, asOf: "2025-06-04T00:00:00Z", historyPeriods: 8, method: NEGATIVE_BINOMIAL) { method }
    kde: forecastHotspots(area: $area, period: WEEK, asOf: "2025-06-04T00:00:00Z", historyPeriods: 8, method: RECENT_KDE) { method }
    selfExciting: forecastHotspots(area: $area, period: WEEK, asOf: "2025-06-04T00:00:00Z", historyPeriods: 8, method: SELF_EXCITING) { method }
    forecastBacktest(area: $area, period: WEEK, asOf: "2025-06-04T00:00:00Z", historyPeriods: 8, origins: 3) { method methods { method note } }
  }`;
  type Methods = {
    densitySurface: { method: string };
    nearRepeat: { method: string };
    forecastHotspots: { method: string };
    kde: { method: string };
    selfExciting: { method: string };
    forecastBacktest: { method: string; methods: { method: string; note: string }[] };
  };
  const texts = (d: Methods) => [d.densitySurface.method, d.nearRepeat.method, d.forecastHotspots.method, d.kde.method, d.selfExciting.method, d.forecastBacktest.method, ...d.forecastBacktest.methods.map((m) => m.note)];

  it('says densitySurface, nearRepeat, forecastHotspots and forecastBacktest in Russian and Kazakh, English as before', async () => {
    const ask = (lang: string) => t.gql<Methods>(QUERY, { area: { bbox: BOX } }, { ...testUserHeaders(TEST_ANALYST), 'accept-language': lang });
    const en = await ask('en');
    expect(en.errors).toBeUndefined();
    expect(en.data!.densitySurface.method).toMatch(/^kernel density \(Silverman 1986\), quartic kernel, search radius [0-9.]+ m \(Silverman's rule/);
    expect(en.data!.nearRepeat.method).toMatch(/99 Monte Carlo permutations of the dates \(seed 3\)/);
    expect(en.data!.forecastHotspots.method).toMatch(/^negativeBinomial: .*; from 8 weeks of incidents binned by calendar day in Asia\/Almaty; (no )?environmental factors/);
    expect(en.data!.kde.method).toMatch(/^recentKde: quartic kernel density, radius \d+ m, of the mean of the last 4 periods; from 8 weeks/);
    expect(en.data!.forecastBacktest.method).toMatch(/^rolling origin over the last 3 of 8 weeks: .*; negative binomial: (no )?environmental factors/);
    expect(en.data!.forecastBacktest.methods[0].note).toBe('the counts of the previous period');

    const [ru, kk] = await Promise.all([ask('ru-RU'), ask('kk')]);
    for (const [answer, script] of [
      [ru, CYRILLIC],
      [kk, KAZAKH],
    ] as const) {
      expect(answer.errors).toBeUndefined();
      for (const value of texts(answer.data!)) {
        expect([value, script.test(value)]).toEqual([value, true]);
        expect([value, ENGLISH_SENTENCE.test(words(value))]).toEqual([value, false]);
      }
    }
    expect(ru.data!.nearRepeat.method).toMatch(/^тест Knox/);
    expect(ru.data!.forecastHotspots.method).toMatch(/по данным за 8 недель/);
    expect(ru.data!.forecastBacktest.methods[0].note).toBe('числа предыдущего периода');
    // machine values stay as they are
    expect(ru.data!.forecastBacktest.methods.map((m) => m.method)).toEqual(en.data!.forecastBacktest.methods.map((m) => m.method));
  });
});
