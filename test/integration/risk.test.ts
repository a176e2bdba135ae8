/**
 * riskFactors, riskSurface and fixPriorities over real HTTP against the demo city, whose planted
 * effects (seeds/README.md) are known: darkness near active outages (outdoor incidents at night
 * x2.5), missing sidewalks and crosswalks (road collisions and robberies x2.0), youth-facility
 * gaps (hooliganism, vandalism, drunkenness x1.8). Potholes, broken surfaces and signs carry no
 * planted effect. Expected directions come from the generator, not from the code under test.
 * Each distinct question fits dozens of regressions over the city (seconds in production, much
 * longer under jest on a shared machine), so the tests ask as few distinct questions as they can;
 * repeated ones come from the model cache.
 */
import { generateDemoCity } from '../../seeds/almaty';
import { HOT_AREAS } from '../../seeds/almaty/config';
import { seedDemoCity } from '../../src/cli/seed';
import { haversineDistanceMeters } from '../../src/geo/coverage/straightLineReach';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

const INCIDENTS = 40_000;
const city = generateDemoCity({ incidentCount: INCIDENTS });
const CITY = { bbox: [76.7, 43.0, 77.25, 43.45] };
/** Central Almaty, where missing sidewalks are common enough to test on a ninth of the cells. */
const CENTRE = { bbox: [76.8, 43.2, 76.98, 43.33] };
const WINDOW = { from: city.meta.start.toISOString(), to: city.meta.end.toISOString() };
const OUTDOOR = ['ROBBERY', 'ASSAULT', 'HOOLIGANISM', 'THEFT', 'VANDALISM', 'DRUNKENNESS', 'ANTI_SOCIAL_BEHAVIOUR', 'PUBLIC_ORDER'];
const FIT_TIMEOUT = 600_000;
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: INCIDENTS });
}, 600_000);

afterAll(async () => {
  await t?.stop();
});

interface Estimate {
  relativeRisk: number;
  relativeRiskLow: number;
  relativeRiskHigh: number;
  p: number;
  pFdr: number | null;
}
interface FactorRow {
  factor: string;
  operationalisation: string;
  response: string;
  exposedCells: number;
  spearmanRho: number | null;
  univariate: Estimate | null;
  model: Estimate | null;
  selected: boolean;
  candidate: boolean;
  note: string | null;
}
interface ModelSummary {
  response: string;
  family: string;
  selectedTerms: string[];
  cellCount: number;
  aic: number;
  bic: number;
  nullBic: number;
  pearsonDispersion: number;
  theta: number | null;
  residualMoran: { i: number; z: number; p: number; significant: boolean } | null;
}
interface LightingModel {
  response: string;
  periods: number;
  operationalisation: string | null;
  selected: boolean;
  estimate: Estimate | null;
  bicImprovement: number | null;
}
interface FactorAnswer {
  riskFactors: {
    method: string;
    caveat: string;
    proximityRings: number;
    modelCellCount: number;
    droppedCellCount: number;
    studyArea: { cellCount: number; incidentCount: number };
    model: ModelSummary;
    lightingModel: LightingModel;
    factors: FactorRow[];
    warnings: { code: string; message: string }[];
  };
}

const ESTIMATE = 'relativeRisk relativeRiskLow relativeRiskHigh p pFdr';
const MODEL = `response family selectedTerms cellCount aic bic nullBic pearsonDispersion theta residualMoran { i z p significant }`;
const LIGHTING = `response periods operationalisation selected bicImprovement estimate { ${ESTIMATE} }`;
const FACTORS = `query ($area: AreaInput!, $window: TimeWindowInput, $categories: [IncidentCategory!], $timeOfDay: TimeOfDay) {
  riskFactors(area: $area, resolution: 9, window: $window, categories: $categories, timeOfDay: $timeOfDay) {
    method caveat proximityRings modelCellCount droppedCellCount
    studyArea { cellCount incidentCount }
    model { ${MODEL} }
    lightingModel { ${LIGHTING} }
    factors { factor operationalisation response exposedCells spearmanRho candidate selected note univariate { ${ESTIMATE} } model { ${ESTIMATE} } }
    warnings { code message }
  }
}`;

function row(answer: FactorAnswer, factor: string, operationalisation?: string): FactorRow {
  const rows = answer.riskFactors.factors.filter((f) => f.factor === factor && (operationalisation ? f.operationalisation === operationalisation : f.candidate));
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function factors(variables: Record<string, unknown>): Promise<FactorAnswer> {
  const answer = await t.gql<FactorAnswer>(FACTORS, { area: CITY, window: WINDOW, ...variables });
  expect(answer.errors).toBeUndefined();
  return answer.data!;
}

describe('riskFactors finds what the demo city plants', () => {
  it(
    'lighting outages go with more outdoor incidents at night, within cells over time',
    async () => {
      const answer = await factors({ categories: OUTDOOR });
      const lighting = answer.riskFactors.lightingModel;
      expect(lighting.response).toBe('NIGHT');
      expect(lighting.periods).toBeGreaterThanOrEqual(8);
      expect(lighting.selected).toBe(true);
      expect(lighting.estimate!.relativeRisk).toBeGreaterThan(1);
      expect(lighting.estimate!.relativeRiskLow).toBeGreaterThan(1);
      const selected = row(answer, 'lighting_outages');
      expect(selected.selected).toBe(true);
      expect(selected.response).toBe('NIGHT');
      expect(selected.model!.relativeRisk).toBeCloseTo(lighting.estimate!.relativeRisk, 10);
    },
    FIT_TIMEOUT,
  );

  it(
    'missing sidewalks go with road collisions and robberies; potholes and broken surfaces do not',
    async () => {
      const answer = await factors({ area: CENTRE, categories: ['ROAD_COLLISION', 'ROBBERY'] });
      const sidewalk = row(answer, 'road_defect:missing_sidewalk');
      expect(sidewalk.selected).toBe(true);
      expect(sidewalk.model!.relativeRisk).toBeGreaterThan(1);
      expect(sidewalk.model!.relativeRiskLow).toBeGreaterThan(1);
      for (const factor of ['road_defect:pothole', 'road_defect:broken_surface']) {
        const unplanted = row(answer, factor);
        expect(unplanted.selected).toBe(false);
        expect(unplanted.univariate!.relativeRiskLow).toBeLessThan(1);
        expect(unplanted.univariate!.relativeRiskHigh).toBeGreaterThan(1);
      }
      expect(answer.riskFactors.model.selectedTerms).not.toContain('road_defect:pothole|proximity');
    },
    FIT_TIMEOUT,
  );

  it(
    'youth-facility gaps go with more incidents; the answer states method, models, significance and the caveat, and warns of residual autocorrelation',
    async () => {
      const answer = await factors({});
      const gap = row(answer, 'youth_facility_gap');
      expect(gap.selected).toBe(true);
      expect(gap.model!.relativeRisk).toBeGreaterThan(1);
      expect(gap.model!.relativeRiskLow).toBeGreaterThan(1);
      const r = answer.riskFactors;
      expect(r.caveat).toMatch(/associations/i);
      expect(r.caveat).toMatch(/not causes/i);
      expect(r.method).toMatch(/fixed effects/);
      expect(r.model.response).toBe('ALL');
      expect(r.lightingModel.response).toBe('NIGHT');
      expect(r.studyArea.incidentCount).toBe(INCIDENTS);
      expect(r.modelCellCount + r.droppedCellCount).toBe(r.studyArea.cellCount);
      expect(r.modelCellCount).toBe(city.population.length);
      expect(r.model.cellCount).toBe(r.modelCellCount);
      expect(['POISSON', 'NEGATIVE_BINOMIAL']).toContain(r.model.family);
      expect(r.model.bic).toBeLessThanOrEqual(r.model.nullBic);
      // the demo's cell noise (gamma, CV 0.35) makes counts overdispersed
      expect(r.model.family).toBe('NEGATIVE_BINOMIAL');
      expect(r.model.theta).toBeGreaterThan(0);
      for (const f of r.factors) {
        expect(f.response).toBe(f.factor === 'lighting_outages' ? 'NIGHT' : 'ALL');
        if (f.univariate) expect(f.univariate.pFdr!).toBeGreaterThanOrEqual(f.univariate.p);
        expect(f.selected ? f.model !== null : f.model === null).toBe(true);
      }
      expect(r.factors.filter((f) => f.candidate && f.factor !== 'lighting_outages').length).toBeGreaterThan(0);
      const moran = r.model.residualMoran!;
      expect(r.warnings.some((w) => w.code === 'RESIDUAL_SPATIAL_AUTOCORRELATION')).toBe(moran.significant);
      // planted hot areas the model does not know about leave clustered residuals
      expect(moran.significant).toBe(true);
      expect(r.warnings.some((w) => w.code === 'CELLS_WITHOUT_EXPOSURE')).toBe(true);
    },
    FIT_TIMEOUT,
  );
});

describe('riskSurface', () => {
  it(
    'gives every model cell its relative risk, expected and observed counts, also as GeoJSON',
    async () => {
      const answer = await t.gql<{
        riskSurface: {
          model: ModelSummary;
          cells: { h3: string; relativeRisk: number; expected: number; observed: number }[];
          featureCollection: { features: { properties: { h3: string; relativeRisk: number } }[] };
          caveat: string;
        };
      }>(
        `query ($area: AreaInput!, $window: TimeWindowInput) { riskSurface(area: $area, resolution: 9, window: $window) {
        model { ${MODEL} } cells { h3 relativeRisk expected observed } featureCollection caveat } }`,
        { area: CITY, window: WINDOW },
      );
      expect(answer.errors).toBeUndefined();
      const s = answer.data!.riskSurface;
      expect(s.cells).toHaveLength(s.model.cellCount);
      expect(s.featureCollection.features).toHaveLength(s.cells.length);
      expect(s.cells.every((c) => c.relativeRisk > 0 && c.expected > 0)).toBe(true);
      const observed = s.cells.reduce((a, c) => a + c.observed, 0);
      const expected = s.cells.reduce((a, c) => a + c.expected, 0);
      // an incident counts at the parent of its fine cell, which now and then is a cell without residents
      expect(observed).toBeLessThanOrEqual(INCIDENTS);
      expect(observed).toBeGreaterThan(INCIDENTS * 0.97);
      expect(Math.abs(expected / observed - 1)).toBeLessThan(0.05);
      // with the gap selected, gap cells carry its relative risk and others 1 (no other term selected: check via the distinct values)
      const distinct = new Set(s.cells.map((c) => c.relativeRisk.toFixed(9)));
      expect(distinct.size).toBeGreaterThan(1);
    },
    FIT_TIMEOUT,
  );
});

interface FixItem {
  rank: number;
  kind: string;
  id: string;
  roadDefectKind: string | null;
  agency: string;
  location: { type: string; coordinates: [number, number] };
  openSince: string | null;
  daysOpen: number | null;
  nearestPostId: string | null;
  nearestPostWalkingM: number | null;
  withinPostReach: boolean;
  expectedPreventedPerYear: number;
  score: number;
  scoreParts: { relativeRisk: number; crimesNearPerYear: number; preventableShare: number; weight: number; basis: string };
}
interface FixAnswer {
  fixPriorities: { totalCount: number; items: FixItem[]; pageInfo: { endCursor: string | null; hasNextPage: boolean }; distanceBasis: string; detourFactor: number; caveat: string; lightingModel: LightingModel };
}
const FIXES = `query ($area: AreaInput!, $window: TimeWindowInput, $weights: FixWeightsInput, $withinPostReach: Boolean, $agencies: [Agency!], $kinds: [FixKind!], $first: Int, $after: String, $proximityRings: Int, $proximityMeters: Float, $youthGapMeters: Float) {
  fixPriorities(area: $area, resolution: 9, window: $window, weights: $weights, withinPostReach: $withinPostReach, agencies: $agencies, kinds: $kinds, first: $first, after: $after,
                proximityRings: $proximityRings, proximityMeters: $proximityMeters, youthGapMeters: $youthGapMeters) {
    totalCount distanceBasis detourFactor caveat
    lightingModel { ${LIGHTING} }
    pageInfo { endCursor hasNextPage }
    items { rank kind id roadDefectKind agency location openSince daysOpen nearestPostId nearestPostWalkingM withinPostReach expectedPreventedPerYear score
      scoreParts { relativeRisk crimesNearPerYear preventableShare weight basis } }
  }
}`;

async function fixes(variables: Record<string, unknown>, server: TestServer = t): Promise<FixAnswer['fixPriorities']> {
  const answer = await server.gql<FixAnswer>(FIXES, { area: CITY, window: WINDOW, first: 1000, ...variables });
  expect(answer.errors).toBeUndefined();
  return answer.data!.fixPriorities;
}

const nearHotArea = (item: FixItem): boolean =>
  HOT_AREAS.some((h) => haversineDistanceMeters({ lng: h.center[0], lat: h.center[1] }, { lng: item.location.coordinates[0], lat: item.location.coordinates[1] }) <= h.radiusM + 1000);

describe('fixPriorities', () => {
  it(
    'ranks every open outage, open defect and gap cell by expected incidents prevented, the top near planted hot areas',
    async () => {
      const list = await fixes({});
      const count = async (kinds: string[]): Promise<number> => (await fixes({ first: 1, kinds })).totalCount;
      const openOutages = city.lightingOutages.filter((o) => o.fixedAt === null || o.fixedAt >= city.meta.end).length;
      const openDefects = city.roadDefects.filter((d) => d.fixedAt === null || d.fixedAt >= city.meta.end).length;
      const outages = await count(['LIGHTING_OUTAGE']);
      const defects = await count(['ROAD_DEFECT']);
      const gaps = await count(['YOUTH_FACILITY_GAP']);
      expect(outages).toBeLessThanOrEqual(openOutages);
      expect(outages).toBeGreaterThan(openOutages * 0.8);
      expect(defects).toBeLessThanOrEqual(openDefects);
      expect(defects).toBeGreaterThan(openDefects * 0.8);
      expect(gaps).toBeGreaterThan(0);
      expect(list.totalCount).toBe(outages + defects + gaps);
      expect(list.items).toHaveLength(Math.min(1000, list.totalCount));
      expect(list.distanceBasis).toBe('straightLine');
      list.items.forEach((item, i) => {
        expect(item.rank).toBe(i + 1);
        if (i > 0) expect(item.score).toBeLessThanOrEqual(list.items[i - 1].score);
        const p = item.scoreParts;
        expect(item.expectedPreventedPerYear).toBeCloseTo(p.crimesNearPerYear * p.preventableShare, 9);
        expect(item.score).toBeCloseTo(p.weight * item.expectedPreventedPerYear, 9);
        expect(p.preventableShare).toBeCloseTo(p.relativeRisk > 1 ? 1 - 1 / p.relativeRisk : 0, 12);
        expect(item.agency).toBe({ LIGHTING_OUTAGE: 'LIGHTING', ROAD_DEFECT: 'ROADS', YOUTH_FACILITY_GAP: 'SPORT_YOUTH' }[item.kind]);
        if (item.kind !== 'YOUTH_FACILITY_GAP') expect(item.daysOpen!).toBeGreaterThanOrEqual(0);
        expect(item.nearestPostWalkingM!).toBeGreaterThan(0);
      });
      const top = list.items.slice(0, 10);
      const topShare = top.filter(nearHotArea).length / top.length;
      const allShare = list.items.filter(nearHotArea).length / list.items.length;
      expect(topShare).toBeGreaterThanOrEqual(0.5);
      expect(topShare).toBeGreaterThan(2 * allShare);
      expect(list.lightingModel.selected).toBe(true);
    },
    FIT_TIMEOUT,
  );

  it(
    'changes the ranking when the weights change',
    async () => {
      const even = await fixes({ first: 30 });
      const lightingFirst = await fixes({ first: 30, weights: { lighting: 10, roads: 0, youth: 0 } });
      expect(lightingFirst.items[0].kind).toBe('LIGHTING_OUTAGE');
      expect(lightingFirst.items.filter((i) => i.score > 0).every((i) => i.kind === 'LIGHTING_OUTAGE')).toBe(true);
      expect(lightingFirst.items.map((i) => i.id)).not.toEqual(even.items.map((i) => i.id));
      const noYouth = await fixes({ first: 30, weights: { lighting: 1, roads: 1, youth: 0 } });
      expect(noYouth.items.filter((i) => i.score > 0).some((i) => i.kind === 'YOUTH_FACILITY_GAP')).toBe(false);
    },
    FIT_TIMEOUT,
  );

  it(
    'filters by post reach and agency and pages with a cursor',
    async () => {
      const all = await fixes({});
      const inReach = await fixes({ withinPostReach: true });
      const outOfReach = await fixes({ withinPostReach: false });
      expect(inReach.items.every((i) => i.withinPostReach)).toBe(true);
      expect(inReach.items.every((i) => i.nearestPostWalkingM! <= 500)).toBe(true);
      expect(outOfReach.items.every((i) => !i.withinPostReach)).toBe(true);
      expect(inReach.totalCount + outOfReach.totalCount).toBe(all.totalCount);
      expect(inReach.totalCount).toBeGreaterThan(0);
      // ranks are those of the whole ranking, so a filtered page keeps them in order
      expect(inReach.items.map((i) => i.rank)).toEqual([...inReach.items.map((i) => i.rank)].sort((a, b) => a - b));
      const roads = await fixes({ agencies: ['ROADS'] });
      expect(roads.items.every((i) => i.kind === 'ROAD_DEFECT')).toBe(true);
      const first = await fixes({ first: 5 });
      expect(first.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5]);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const next = await fixes({ first: 5, after: first.pageInfo.endCursor });
      expect(next.items.map((i) => i.rank)).toEqual([6, 7, 8, 9, 10]);
    },
    FIT_TIMEOUT,
  );

  it(
    'takes the responsible agency of each kind from FIX_AGENCIES',
    async () => {
      const other = await startTestServer({ FIX_AGENCIES: 'road_defect:missing_crosswalk=mobility,youth_facility_gap=health' }, { actAs: TEST_ANALYST });
      try {
        const list = await fixes({}, other);
        for (const item of list.items) {
          if (item.roadDefectKind === 'MISSING_CROSSWALK') expect(item.agency).toBe('MOBILITY');
          else if (item.kind === 'ROAD_DEFECT') expect(item.agency).toBe('ROADS');
          if (item.kind === 'YOUTH_FACILITY_GAP') expect(item.agency).toBe('HEALTH');
        }
        expect(list.items.some((i) => i.agency === 'MOBILITY')).toBe(true);
      } finally {
        await other.stop();
      }
    },
    FIT_TIMEOUT,
  );

  it('refuses bad input with BAD_USER_INPUT naming the argument', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ proximityRings: 5 }, 'proximityRings'],
      [{ proximityRings: 1, proximityMeters: 100 }, 'proximityRings'],
      [{ proximityMeters: 5000 }, 'proximityMeters'],
      [{ weights: { lighting: 1, roads: -1, youth: 1 } }, 'weights.roads'],
      [{ youthGapMeters: 10 }, 'youthGapMeters'],
      [{ agencies: [] }, 'agencies'],
      [{ first: 0 }, 'first'],
      [{ after: 'nonsense' }, 'after'],
      [{ window: { from: WINDOW.to, to: WINDOW.from } }, 'window'],
    ];
    for (const [variables, path] of cases) {
      const answer = await t.gql(FIXES, { area: CITY, window: WINDOW, ...variables });
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.extensions?.argumentPath).toBe(path);
    }
  });
});
