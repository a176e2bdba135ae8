/**
 * The risk model and the fix ranking on a small synthetic city with known effects: counts are
 * drawn from Poisson(residents x rate x planted multipliers) with a seeded generator, so the
 * true relative risks are known without running the code under test.
 */
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { analyseRiskFactors, rankFixes, RiskCellInput, riskSurface, withheldNote } from '../../../../src/geo/risk';
import { createRandom } from '../../../../src/geo/stats';

const P = 8;
const PERIOD_DAYS = 90;
const SIDEWALK_RR = 1.5;
const LIGHTING_RR = 1.8;

function poisson(random: ReturnType<typeof createRandom>, mean: number): number {
  // Knuth's product of uniforms; means here stay below 60
  const limit = Math.exp(-mean);
  let k = 0;
  let product = random.nextFloat();
  while (product > limit) {
    k++;
    product *= random.nextFloat();
  }
  return k;
}

function city(seed: number): RiskCellInput[] {
  const random = createRandom(seed);
  const cells = gridDisk(latLngToCell(43.25, 76.95, 9), 12);
  return cells.map((h3, i) => {
    const residents = 300 + random.nextInt(2500);
    const sidewalk = random.nextFloat() < 0.25 ? 1 : 0;
    const pothole = random.nextFloat() < 0.25 ? 1 : 0;
    const outageNights = Array.from({ length: P }, () => (random.nextFloat() < 0.15 ? PERIOD_DAYS * (0.5 + random.nextFloat() / 2) : 0));
    const base = (residents / 1000) * 2 * (sidewalk ? SIDEWALK_RR : 1);
    const night = outageNights.map((d) => poisson(random, base * LIGHTING_RR ** (d / PERIOD_DAYS)));
    const day = outageNights.map(() => poisson(random, base));
    return {
      h3,
      incidents: night.map((n, t) => n + day[t]),
      dayIncidents: day,
      nightIncidents: night,
      outageNights,
      openDefectsByKind: { ...(sidewalk ? { missing_sidewalk: 1 } : {}), ...(pothole ? { pothole: 1 } : {}) },
      residents,
      areaKm2: 0.105,
      nearestYouthFacilityM: i % 2 === 0 ? 400 : 700,
    };
  });
}

const input = city(42);
const analysis = analyseRiskFactors(input, { periods: P, periodDays: PERIOD_DAYS, rings: 0, exposure: 'residents', family: 'poisson', timeOfDay: null, youthGapMeters: 1000 });
const row = (factor: string, op: string) => analysis.factors.find((f) => f.factor === factor && f.operationalisation === op)!;

it('recovers a planted static factor across cells and leaves an unplanted one out', () => {
  const sidewalk = row('road_defect:missing_sidewalk', 'proximity');
  expect(sidewalk.selected).toBe(true);
  expect(sidewalk.model!.relativeRiskLow).toBeLessThan(SIDEWALK_RR);
  expect(sidewalk.model!.relativeRiskHigh).toBeGreaterThan(SIDEWALK_RR);
  expect(row('road_defect:pothole', 'proximity').selected).toBe(false);
  expect(row('road_defect:pothole', 'density').selected).toBe(false);
  expect(analysis.model.response).toBe('all');
  // no gap cell at 1000 m: a constant proximity column is reported, not fitted
  expect(row('youth_facility_gap', 'proximity').note).toEqual({ kind: 'nothingExposed' });
});

it('recovers a planted lighting effect within cells over time against night incidents', () => {
  expect(analysis.lighting.response).toBe('night');
  expect(analysis.lighting.selected).toBe(true);
  expect(analysis.lighting.candidate).toBe('density');
  const fit = analysis.lighting.fit!;
  expect(fit.relativeRiskLow).toBeLessThan(LIGHTING_RR);
  expect(fit.relativeRiskHigh).toBeGreaterThan(LIGHTING_RR);
  expect(row('lighting_outages', 'density').response).toBe('night');
});

it('gives a surface whose relative risk is exp(beta) where the factor is and 1 elsewhere', () => {
  const surface = riskSurface(analysis);
  const beta = analysis.model.fit.coefficients[1].estimate;
  surface.forEach((cell, i) => {
    const exposed = input[i].openDefectsByKind.missing_sidewalk === 1;
    expect(cell.relativeRisk).toBeCloseTo(exposed ? Math.exp(beta) : 1, 12);
    expect(cell.observed).toBe(input[i].incidents.reduce((a, b) => a + b, 0));
  });
});

it('ranks fixes by weight x incidents near x (1 - 1/RR), and weights reorder them', () => {
  const busy = input.reduce((best, c, i) => (c.nightIncidents.reduce((a, b) => a + b) > input[best].nightIncidents.reduce((a, b) => a + b) ? i : best), 0);
  const quiet = input.reduce((best, c, i) => (c.nightIncidents.reduce((a, b) => a + b) < input[best].nightIncidents.reduce((a, b) => a + b) ? i : best), 0);
  const sidewalkCell = input.findIndex((c) => c.openDefectsByKind.missing_sidewalk === 1);
  const at = (i: number) => {
    const [lat, lng] = cellToLatLng(input[i].h3);
    return { cell: input[i].h3, lat, lng };
  };
  const items = [
    { kind: 'lighting_outage' as const, id: 'busy', defectKind: null, openSince: new Date('2026-01-01'), ...at(busy) },
    { kind: 'lighting_outage' as const, id: 'quiet', defectKind: null, openSince: null, ...at(quiet) },
    { kind: 'road_defect' as const, id: 'sidewalk', defectKind: 'missing_sidewalk', openSince: null, ...at(sidewalkCell) },
    { kind: 'road_defect' as const, id: 'pothole', defectKind: 'pothole', openSince: null, ...at(sidewalkCell) },
  ];
  const posts = [{ id: 'p1', ...at(busy), walkingRadiusM: 500 }];
  const options = { rings: 0, windowYears: (P * PERIOD_DAYS) / 365.25, end: new Date('2026-07-01'), detourFactor: 1.3, youthGapMeters: 1000 };
  const even = rankFixes(analysis, items, posts, { ...options, weights: { lighting: 1, roads: 1, youth: 1 } });
  const byId = new Map(even.map((r) => [r.item.id, r]));
  expect(even.findIndex((r) => r.item.id === 'busy')).toBeLessThan(even.findIndex((r) => r.item.id === 'quiet'));
  const busyFix = byId.get('busy')!;
  expect(busyFix.relativeRisk).toBeCloseTo(analysis.lighting.fit!.relativeRisk, 12);
  expect(busyFix.crimesNearPerYear).toBeCloseTo(input[busy].nightIncidents.reduce((a, b) => a + b) / options.windowYears, 9);
  expect(busyFix.score).toBeCloseTo(busyFix.crimesNearPerYear * (1 - 1 / busyFix.relativeRisk), 9);
  expect(busyFix.daysOpen).toBeCloseTo(181, 0);
  expect(busyFix.withinPostReach).toBe(true);
  expect(busyFix.nearestPostWalkingM).toBeCloseTo(0, 6);
  expect(byId.get('pothole')!.score).toBe(0);
  expect(byId.get('pothole')!.basis).toMatchObject({ kind: 'notSelected' });
  const roadsOnly = rankFixes(analysis, items, posts, { ...options, weights: { lighting: 0, roads: 1, youth: 1 } });
  expect(roadsOnly[0].item.id).toBe('sidewalk');
});

describe('imported factor layers', () => {
  // a layer planted with a known effect (x1.6) and one put down at random, drawn like the rest of the city
  const IMPORTED_RR = 1.6;
  function importedCity(seed: number): RiskCellInput[] {
    const random = createRandom(seed);
    return gridDisk(latLngToCell(43.25, 76.95, 9), 12).map((h3) => {
      const residents = 300 + random.nextInt(2500);
      const bar = random.nextFloat() < 0.2 ? 1 + random.nextInt(2) : 0;
      const bench = random.nextFloat() < 0.3 ? 1 : 0;
      const mean = (residents / 1000) * 2 * (bar > 0 ? IMPORTED_RR : 1);
      const counts = Array.from({ length: P }, () => poisson(random, mean / P));
      return {
        h3,
        incidents: counts,
        dayIncidents: counts,
        nightIncidents: counts.map(() => 0),
        outageNights: counts.map(() => 0),
        openDefectsByKind: {},
        residents,
        areaKm2: 0.105,
        nearestYouthFacilityM: 400,
        importedByFactor: { ...(bar > 0 ? { bars: bar } : {}), ...(bench ? { benches: 1 } : {}) },
      };
    });
  }
  const imported = analyseRiskFactors(importedCity(7), {
    periods: P,
    periodDays: PERIOD_DAYS,
    rings: 0,
    exposure: 'residents',
    family: 'poisson',
    timeOfDay: null,
    youthGapMeters: 1000,
    importedFactors: [
      { name: 'bars', label: 'Bars' },
      { name: 'benches', label: null },
    ],
  });
  const importedRow = (factor: string, op: string) => imported.factors.find((f) => f.factor === factor && f.operationalisation === op)!;

  it('offers each layer as imported:<name> in both operationalisations, labelled', () => {
    expect(imported.factors.filter((f) => f.kind === 'imported').map((f) => `${f.factor}|${f.operationalisation}`)).toEqual([
      'imported:bars|proximity',
      'imported:bars|density',
      'imported:benches|proximity',
      'imported:benches|density',
    ]);
    expect(importedRow('imported:bars', 'proximity').label).toBe('Bars (imported layer bars)');
    expect(importedRow('imported:benches', 'density').label).toBe('imported layer benches');
  });

  it('recovers the planted layer by proximity and leaves the random one out', () => {
    const bars = importedRow('imported:bars', 'proximity');
    expect(bars.candidate).toBe(true);
    expect(bars.selected).toBe(true);
    expect(bars.model!.relativeRiskLow).toBeLessThan(IMPORTED_RR);
    expect(bars.model!.relativeRiskHigh).toBeGreaterThan(IMPORTED_RR);
    expect(bars.model!.relativeRiskLow).toBeGreaterThan(1);
    expect(imported.factors.filter((f) => f.factor === 'imported:benches').some((f) => f.selected)).toBe(false);
    expect(imported.model.selectedTerms).toEqual(['imported:bars|proximity']);
  });

  it('gives the surface the planted relative risk in exposed cells', () => {
    const surface = riskSurface(imported);
    const cells = importedCity(7);
    const exposed = surface.filter((c, i) => (cells[i].importedByFactor?.bars ?? 0) > 0);
    const rr = importedRow('imported:bars', 'proximity').model!.relativeRisk;
    expect(exposed.every((c) => Math.abs(c.relativeRisk - rr) < 1e-12)).toBe(true);
  });
});

describe('withheldNote: factors too thin to release below analyst', () => {
  const y = Float64Array.from([3, 0, 2, 7, 1, 4, 0, 9]);
  it('withholds a factor with fewer exposed cells than the threshold', () => {
    // 4 exposed cells hold 3 + 0 + 2 + 7 = 12 incidents, the rest 14: enough incidents, too few cells
    expect(withheldNote(Float64Array.from([1, 1, 1, 1, 0, 0, 0, 0]), y, 5)).toEqual({ kind: 'withheld', minimum: 5 });
  });
  it('withholds a factor with fewer incidents than the threshold on either side', () => {
    // 5 exposed cells, 3 + 0 + 2 + 1 + 0 = 6 incidents; 3 unexposed cells with 7 + 4 + 9 = 20
    expect(withheldNote(Float64Array.from([1, 1, 1, 0, 1, 0, 1, 0]), y, 5)).toBeNull();
    // 7 exposed cells; the one unexposed cell holds 4 incidents
    expect(withheldNote(Float64Array.from([1, 1, 1, 1, 1, 0, 1, 1]), y, 5)).toEqual({ kind: 'withheld', minimum: 5 });
    // density columns count as exposed where they are not zero
    expect(withheldNote(Float64Array.from([0.5, 2, 1, 0, 3, 0, 1, 0]), y, 5)).toBeNull();
  });
  it('leaves the analyses of analysts alone: without minimumSupport no factor is withheld', () => {
    expect(withheldNote(Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0]), y, 1)).toBeNull();
  });
});
