/**
 * The risk models with imported factor layers, and their release below the analyst role, over
 * real HTTP against the demo city generated for the 12 calendar months before this month (so the
 * release window, which follows the clock, always holds its incidents).
 *
 * The imported layers are placed from the generator's plan, not from the code under test:
 * "entertainment" features sit inside the planted hot areas of markets, transit and nightlife
 * (incidents x2.5 to x3 there), "benches" at cells drawn with a fixed seed across the city.
 */
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { generateDemoCity } from '../../seeds/almaty';
import { HOT_AREAS } from '../../seeds/almaty/config';
import { seedDemoCity, storeRecords } from '../../src/cli/seed';
import type { RequestUser, RiskFeatureRecord } from '../../src/domain';
import { haversineDistanceMeters } from '../../src/geo/coverage/straightLineReach';
import { mulberry32 } from '../../src/geo/stats/random';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

const INCIDENTS = 20_000;
const now = new Date();
const END = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const START = new Date(Date.UTC(END.getUTCFullYear() - 1, END.getUTCMonth(), 1));
const WINDOW = { from: START.toISOString(), to: END.toISOString() };
const FIT_TIMEOUT = 600_000;

const WORKING_GROUP: RequestUser = { id: 'wg-release', role: 'working_group', agency: null };
const LIGHTING_AGENCY: RequestUser = { id: 'lighting-release', role: 'agency', agency: 'lighting' };

let t: TestServer;
let alatauId: string;

/** A fixed-seed generator (mulberry32), so the control layer is the same on every run. */
const random = mulberry32;

function feature(factor: string, id: string, [lat, lng]: number[], label: string): RiskFeatureRecord {
  return { source: 'test', externalId: `${factor}-${id}`, factor, label, openedAt: null, closedAt: null, geometry: { type: 'Point', coordinates: [lng, lat] } };
}

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  await t.server.db.knex.raw('TRUNCATE risk_features RESTART IDENTITY CASCADE');
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: INCIDENTS, start: START, end: END });
  const city = generateDemoCity({ incidentCount: 0, start: START, end: END });
  const entertainment = HOT_AREAS.filter((a) => a.kind !== 'growth_district').flatMap((area) =>
    gridDisk(latLngToCell(area.center[1], area.center[0], 9), 1).map((cell) => feature('entertainment', cell, cellToLatLng(cell), 'Bars, markets and transit')),
  );
  const draw = random(20261125);
  const populated = city.population.filter((p) => p.residents > 0);
  const benches = Array.from({ length: 80 }, (_, i) => feature('benches', String(i), cellToLatLng(populated[Math.floor(draw() * populated.length)].h3), 'Park benches'));
  await storeRecords(t.server.db.knex, 'risk_features', [...entertainment, ...benches], t.config);
  const areas = await t.server.db.knex('areas').where({ kind: 'district', name: 'Alatau' }).select('id');
  alatauId = String(areas[0].id);
}, 600_000);

afterAll(async () => {
  await t?.server.db.knex.raw('TRUNCATE risk_features RESTART IDENTITY CASCADE');
  await t?.stop();
});

interface Estimate {
  relativeRisk: number;
  relativeRiskLow: number;
  relativeRiskHigh: number;
}
interface FactorRow {
  factor: string;
  kind: string;
  label: string;
  operationalisation: string;
  exposedCells: number;
  candidate: boolean;
  selected: boolean;
  univariate: Estimate | null;
  model: Estimate | null;
}
interface Privacy {
  applied: boolean;
  resolution: number;
  threshold: number;
  rules: string;
  suppressedCells: number;
}
const ESTIMATE = 'relativeRisk relativeRiskLow relativeRiskHigh';
const FACTORS = `query ($area: AreaInput!, $window: TimeWindowInput, $imported: [String!], $resolution: Int) {
  riskFactors(area: $area, resolution: $resolution, window: $window, importedFactors: $imported) {
    method
    studyArea { resolution from to }
    model { selectedTerms }
    factors { factor kind label operationalisation exposedCells candidate selected univariate { ${ESTIMATE} } model { ${ESTIMATE} } }
    privacy { applied resolution threshold rules suppressedCells }
  }
}`;
interface FactorAnswer {
  riskFactors: { method: string; studyArea: { resolution: number; from: string; to: string }; model: { selectedTerms: string[] }; factors: FactorRow[]; privacy: Privacy };
}

const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;
const field = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.argumentPath;

describe('riskFactors with imported factor layers', () => {
  it(
    'relates every stored layer as imported:<name>, in both operationalisations; the planted one goes with more incidents, the control does not',
    async () => {
      const res = await t.gqlAs<FactorAnswer>(TEST_ANALYST, FACTORS, { area: { city: true }, window: WINDOW, resolution: 9 });
      expect(res.errors).toBeUndefined();
      const answer = res.data!.riskFactors;
      expect(answer.method).toContain('imported factor layers (benches, entertainment');
      const rows = answer.factors.filter((f) => f.kind === 'imported');
      expect(rows.map((r) => `${r.factor}|${r.operationalisation}`).sort()).toEqual(['imported:benches|DENSITY', 'imported:benches|PROXIMITY', 'imported:entertainment|DENSITY', 'imported:entertainment|PROXIMITY']);
      const entertainment = rows.find((r) => r.factor === 'imported:entertainment' && r.candidate)!;
      expect(entertainment.label).toContain('Bars, markets and transit');
      expect(entertainment.exposedCells).toBeGreaterThanOrEqual(20);
      expect(entertainment.univariate!.relativeRisk).toBeGreaterThan(1.5);
      expect(entertainment.univariate!.relativeRiskLow).toBeGreaterThan(1);
      expect(entertainment.selected).toBe(true);
      expect(answer.model.selectedTerms).toContain(`imported:entertainment|${entertainment.operationalisation.toLowerCase()}`);
      // benches were put down at random: whatever the data say of them, not a selected risk
      const benches = rows.find((r) => r.factor === 'imported:benches' && r.candidate)!;
      expect(benches.selected).toBe(false);
      expect(benches.univariate!.relativeRiskLow).toBeLessThan(1);
      expect(benches.univariate!.relativeRiskHigh).toBeGreaterThan(1);
      expect(answer.privacy.applied).toBe(false);
    },
    FIT_TIMEOUT,
  );

  it(
    'relates only the asked layers, none for [], and refuses an unknown one naming importedFactors',
    async () => {
      const only = await t.gqlAs<FactorAnswer>(TEST_ANALYST, FACTORS, { area: { districtId: alatauId }, window: WINDOW, resolution: 9, imported: ['benches'] });
      expect(only.errors).toBeUndefined();
      expect(new Set(only.data!.riskFactors.factors.filter((f) => f.kind === 'imported').map((f) => f.factor))).toEqual(new Set(['imported:benches']));
      const none = await t.gqlAs<FactorAnswer>(TEST_ANALYST, FACTORS, { area: { districtId: alatauId }, window: WINDOW, resolution: 9, imported: [] });
      expect(none.data!.riskFactors.factors.filter((f) => f.kind === 'imported')).toEqual([]);
      const unknown = await t.gqlAs(TEST_ANALYST, FACTORS, { area: { districtId: alatauId }, window: WINDOW, resolution: 9, imported: ['bars'] });
      expect(code(unknown)).toBe('BAD_USER_INPUT');
      expect(field(unknown)).toBe('importedFactors');
      expect(unknown.errors![0].message).toContain('benches, entertainment');
    },
    FIT_TIMEOUT,
  );

  it(
    'sees a new import at once: the cached model is keyed by the layer versions',
    async () => {
      const before = await t.gqlAs<FactorAnswer>(TEST_ANALYST, FACTORS, { area: { districtId: alatauId }, window: WINDOW, resolution: 9, imported: ['benches'] });
      const exposed = (a: FactorAnswer) => a.riskFactors.factors.find((f) => f.factor === 'imported:benches' && f.operationalisation === 'PROXIMITY')!.exposedCells;
      const alatau = HOT_AREAS.find((a) => a.district === 'Alatau' && a.kind === 'market')!;
      const cells = gridDisk(latLngToCell(alatau.center[1], alatau.center[0], 9), 2);
      await storeRecords(
        t.server.db.knex,
        'risk_features',
        cells.map((c) => feature('benches', `extra-${c}`, cellToLatLng(c), 'Park benches')),
        t.config,
      );
      try {
        const after = await t.gqlAs<FactorAnswer>(TEST_ANALYST, FACTORS, { area: { districtId: alatauId }, window: WINDOW, resolution: 9, imported: ['benches'] });
        expect(exposed(after.data!)).toBeGreaterThan(exposed(before.data!));
      } finally {
        await t.server.db.knex('risk_features').where('external_id', 'like', 'benches-extra-%').delete();
      }
    },
    FIT_TIMEOUT,
  );
});

describe('risk models below the analyst role: one release lattice', () => {
  it('refuses free areas, windows, categories and reach, naming the argument', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ area: { bbox: [76.8, 43.2, 76.9, 43.3] } }, 'area'],
      [{ area: { districtId: alatauId }, window: { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' } }, 'window'],
      [{ area: { districtId: alatauId }, categories: ['THEFT'] }, 'categories'],
      [{ area: { districtId: alatauId }, proximityRings: 1 }, 'proximityRings'],
    ];
    const query = `query ($area: AreaInput!, $window: TimeWindowInput, $categories: [IncidentCategory!], $proximityRings: Int) {
      fixPriorities(area: $area, window: $window, categories: $categories, proximityRings: $proximityRings) { totalCount } }`;
    for (const [variables, name] of cases) {
      const res = await t.gqlAs(WORKING_GROUP, query, variables);
      expect([name, code(res)]).toEqual([name, 'BAD_USER_INPUT']);
      expect(field(res)).toBe(name);
    }
    const publicCaller = await t.gql(`{ riskFactors(area: { city: true }) { method } }`);
    expect(code(publicCaller)).toBe('UNAUTHENTICATED');
  });

  it(
    'riskFactors: model-level figures of a whole district over the last 12 ended months at resolution 9',
    async () => {
      const res = await t.gqlAs<FactorAnswer>(WORKING_GROUP, FACTORS, { area: { districtId: alatauId }, resolution: 10 });
      expect(res.errors).toBeUndefined();
      const answer = res.data!.riskFactors;
      expect(answer.privacy).toMatchObject({ applied: true, resolution: 9 });
      expect(answer.privacy.rules).toContain('12 whole ended calendar months');
      expect(answer.studyArea).toMatchObject({ resolution: 9, from: START.toISOString(), to: END.toISOString() });
      // the same model as an analyst asking the same lattice, but for factors too thin to release
      const analyst = await t.gqlAs<FactorAnswer>(TEST_ANALYST, FACTORS, { area: { districtId: alatauId }, resolution: 9, window: WINDOW });
      const analystFactors = analyst.data!.riskFactors.factors;
      expect(answer.factors.map((f) => [f.factor, f.operationalisation, f.exposedCells])).toEqual(analystFactors.map((f) => [f.factor, f.operationalisation, f.exposedCells]));
      const withheld = answer.factors.filter((f, i) => f.univariate === null && analystFactors[i].univariate !== null);
      // broken crosswalks expose 3 cells: an estimate from them could reveal a small count
      expect(withheld.some((f) => f.factor === 'road_defect:broken_crosswalk')).toBe(true);
      for (const f of withheld) expect(f).toMatchObject({ candidate: false, selected: false, model: null });
      answer.factors.forEach((f, i) => {
        if (f.exposedCells < 5) expect(f.univariate).toBeNull();
        if (f.univariate !== null) expect(f.univariate).toEqual(analystFactors[i].univariate);
      });
      expect(answer.model.selectedTerms).toEqual(analyst.data!.riskFactors.model.selectedTerms);
    },
    FIT_TIMEOUT,
  );

  it(
    'riskSurface: relative risk and expected per cell, never the observed count',
    async () => {
      const query = `query ($area: AreaInput!, $window: TimeWindowInput) { riskSurface(area: $area, resolution: 9, window: $window) { cells { h3 relativeRisk expected observed } privacy { applied } } }`;
      type Surface = { riskSurface: { cells: { h3: string; relativeRisk: number; expected: number; observed: number | null }[]; privacy: { applied: boolean } } };
      const released = await t.gqlAs<Surface>(WORKING_GROUP, query, { area: { districtId: alatauId } });
      expect(released.errors).toBeUndefined();
      const analyst = await t.gqlAs<Surface>(TEST_ANALYST, query, { area: { districtId: alatauId }, window: WINDOW });
      const cells = released.data!.riskSurface.cells;
      expect(cells.length).toBeGreaterThan(100);
      expect(cells.every((c) => c.observed === null)).toBe(true);
      expect(released.data!.riskSurface.privacy.applied).toBe(true);
      expect(analyst.data!.riskSurface.cells.map(({ h3, relativeRisk, expected }) => ({ h3, relativeRisk, expected }))).toEqual(cells.map(({ h3, relativeRisk, expected }) => ({ h3, relativeRisk, expected })));
      expect(analyst.data!.riskSurface.cells.some((c) => (c.observed ?? 0) > 0)).toBe(true);
    },
    FIT_TIMEOUT,
  );

  const FIXES = `query ($area: AreaInput!, $window: TimeWindowInput, $first: Int) {
    fixPriorities(area: $area, resolution: 9, window: $window, first: $first) {
      totalCount
      items { rank id kind agency score expectedPreventedPerYear scoreParts { relativeRisk preventableShare weight crimesNearPerYear crimesNear { low high suppressed } } }
      privacy { applied rules suppressedCells threshold }
    }
  }`;
  interface FixItem {
    rank: number;
    id: string;
    kind: string;
    agency: string;
    score: number;
    expectedPreventedPerYear: number;
    scoreParts: { relativeRisk: number; preventableShare: number; weight: number; crimesNearPerYear: number; crimesNear: { low: number; high: number; suppressed: boolean } };
  }
  type Fixes = { fixPriorities: { totalCount: number; items: FixItem[]; privacy: Privacy } };

  it(
    'fixPriorities: incidents near each item as a band, and every score and rank from released numbers',
    async () => {
      const released = await t.gqlAs<Fixes>(WORKING_GROUP, FIXES, { area: { districtId: alatauId }, first: 1000 });
      expect(released.errors).toBeUndefined();
      const list = released.data!.fixPriorities;
      expect(list.privacy.applied).toBe(true);
      expect(list.totalCount).toBeGreaterThan(20);
      const years = (END.getTime() - START.getTime()) / (365.25 * 86_400_000);
      const edges = [0, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
      for (const item of list.items) {
        const band = item.scoreParts.crimesNear;
        if (band.suppressed) {
          expect(band).toEqual({ low: 0, high: 4, suppressed: true });
          expect(item.scoreParts.crimesNearPerYear).toBeCloseTo(2.5 / years, 10);
        } else {
          expect(edges).toContain(band.low);
          expect(band.high === 0 ? band.low === 0 : edges.includes(band.high + 1)).toBe(true);
          expect(item.scoreParts.crimesNearPerYear).toBeCloseTo(band.low / years, 10);
        }
        expect(item.expectedPreventedPerYear).toBeCloseTo(item.scoreParts.crimesNearPerYear * item.scoreParts.preventableShare, 10);
        expect(item.score).toBeCloseTo(item.scoreParts.weight * item.expectedPreventedPerYear, 10);
      }
      const scores = list.items.map((i) => i.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(list.items.some((i) => i.scoreParts.crimesNear.high > 0)).toBe(true);

      // the analyst's exact counts fall in the released bands
      const exact = await t.gqlAs<Fixes>(TEST_ANALYST, FIXES, { area: { districtId: alatauId }, window: WINDOW, first: 1000 });
      expect(exact.data!.fixPriorities.privacy.applied).toBe(false);
      const bandOf = new Map(list.items.map((i) => [`${i.kind}/${i.id}`, i.scoreParts.crimesNear]));
      for (const item of exact.data!.fixPriorities.items) {
        const n = item.scoreParts.crimesNear;
        expect(n.low).toBe(n.high);
        const band = bandOf.get(`${item.kind}/${item.id}`)!;
        expect(n.low).toBeGreaterThanOrEqual(band.suppressed ? 1 : band.low);
        expect(n.low).toBeLessThanOrEqual(band.high);
      }
    },
    FIT_TIMEOUT,
  );

  it(
    "fixPriorities: an agency sees its own agency's items only",
    async () => {
      const own = await t.gqlAs<Fixes>(LIGHTING_AGENCY, FIXES, { area: { districtId: alatauId }, first: 1000 });
      expect(own.errors).toBeUndefined();
      const all = await t.gqlAs<Fixes>(WORKING_GROUP, FIXES, { area: { districtId: alatauId }, first: 1000 });
      const lighting = all.data!.fixPriorities.items.filter((i) => i.agency === 'LIGHTING');
      expect(lighting.length).toBeGreaterThan(0);
      expect(own.data!.fixPriorities.items).toEqual(lighting);
      expect(own.data!.fixPriorities.totalCount).toBe(lighting.length);
    },
    FIT_TIMEOUT,
  );
});

describe('fixPriorities measures the walk to posts along the streets where a network covers the area', () => {
  it(
    'Alatau (with its street grid): network distances, never shorter than the straight line to the same post',
    async () => {
      const query = `query ($area: AreaInput!, $window: TimeWindowInput) {
      fixPriorities(area: $area, resolution: 9, window: $window, first: 1000) {
        distanceBasis
        items { id distanceBasis nearestPostId nearestPostWalkingM withinPostReach location }
        warnings { code message }
      }
      posts(first: 1000) { nodes { id walkingRadiusM geometry } }
    }`;
      type Answer = {
        fixPriorities: {
          distanceBasis: string;
          items: { id: string; distanceBasis: string; nearestPostId: string | null; nearestPostWalkingM: number | null; withinPostReach: boolean; location: { coordinates: [number, number] } }[];
          warnings: { code: string }[];
        };
        posts: { nodes: { id: string; walkingRadiusM: number; geometry: { coordinates: [number, number] } }[] };
      };
      const res = await t.gqlAs<Answer>(TEST_ANALYST, query, { area: { districtId: alatauId }, window: WINDOW });
      expect(res.errors).toBeUndefined();
      const { fixPriorities, posts } = res.data!;
      expect(fixPriorities.distanceBasis).toBe('network');
      const byNetwork = fixPriorities.items.filter((i) => i.distanceBasis === 'network');
      expect(byNetwork.length).toBeGreaterThan(fixPriorities.items.length / 2);
      if (byNetwork.length < fixPriorities.items.length) expect(fixPriorities.warnings.map((w) => w.code)).toContain('PARTLY_STRAIGHT_LINE');
      const postById = new Map(posts.nodes.map((p) => [p.id, p]));
      for (const item of byNetwork) {
        const post = postById.get(item.nearestPostId!)!;
        const [lng, lat] = item.location.coordinates;
        const straight = haversineDistanceMeters({ lng, lat }, { lng: post.geometry.coordinates[0], lat: post.geometry.coordinates[1] });
        expect(item.nearestPostWalkingM!).toBeGreaterThanOrEqual(straight - 1e-6);
      }
      expect(byNetwork.some((i) => i.withinPostReach)).toBe(true);
    },
    FIT_TIMEOUT,
  );
});
