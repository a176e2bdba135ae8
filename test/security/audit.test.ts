/**
 * Item 8 of the privacy issue: an audit of suppression as statistical offices make it (the idea of
 * tau-ARGUS's audit). For a random sequence of a few hundred allowed queries by one role
 * (districts, a precinct, the city, bboxes and polygons overlapping each other, parents of the
 * release cells, adjacent months, the default month, off-lattice windows and category filters
 * that must be refused, hotspots and clusters totals and means, a vector tile, GeoJSON and CSV
 * exports, and for the working group and an agency case evaluations single and pooled), every
 * released number becomes a linear equation over the true per-cell, per-category, per-time-of-day
 * counts of each month (test/security/support/suppressionAudit.ts), and HiGHS computes the least
 * and greatest value of every suppressed count and hidden breakdown part. None may be narrower
 * than primary suppression says anyway (threshold - 1 values), and no cell may be proven to hold
 * a sensitive category. The audit itself is first shown to catch leaks it is fed.
 */
import fc from 'fast-check';
import loadHighs from 'highs';
import { cellToBoundary, cellToLatLng, cellToParent } from 'h3-js';
import { suppressBreakdown } from '../../src/geo/privacy';
import { foldSensitiveCategories } from '../../src/analysis/release';
import type { RequestUser } from '../../src/domain';
import { startTestServer, TestServer } from '../support/server';
import { ALL_CATEGORIES, ANALYST, AreaArg, AuditQuery, CITY_CELLS, City, cellsPolygon, label, LIGHTING, PUBLIC, RunContext, runQuery, seedCity, truthDifferences, WindowChoice, WORKING_GROUP } from './support/auditCity';
import { AuditReport, CellRelease, Finding, LpSolver, SuppressionAudit } from './support/suppressionAudit';

const THRESHOLD = 5;
const SENSITIVE = ['domestic_conflict', 'sexual_offence'];
const JAN = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') };
const FEB = { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z') };
const [A, B, C] = CITY_CELLS;

let solver: LpSolver;

beforeAll(async () => {
  solver = await loadHighs();
});

const newAudit = () => new SuppressionAudit({ threshold: THRESHOLD, categories: ALL_CATEGORIES, sensitive: SENSITIVE });
const ofKind = (report: AuditReport, kind: Finding['kind']) => report.findings.filter((f) => f.kind === kind);
const findingsText = (report: AuditReport) => report.findings.map((f) => `${f.kind}: ${f.what}\n    from ${f.source}`);

describe('the audit catches the leaks it is fed (no server)', () => {
  it('pins a hidden category named in the list when total minus listed parts is 1', async () => {
    const audit = newAudit();
    audit.cell(
      {
        cell: A,
        ...JAN,
        total: 7,
        byCategory: [
          { category: 'THEFT', count: 6 },
          { category: 'ROBBERY', count: null },
        ],
      },
      'leaky hexagons',
    );
    const report = await audit.audit(solver);
    const robbery = ofKind(report, 'pinned').find((f) => f.what.startsWith('hidden robbery'));
    expect(robbery).toMatchObject({ min: 1, max: 1, values: 1 });
  });

  it('pins two hidden parts named as present when the hidden sum is 2 (the attack of finding 2)', async () => {
    const audit = newAudit();
    audit.cell(
      {
        cell: A,
        ...JAN,
        total: 12,
        byCategory: [
          { category: 'THEFT', count: 10 },
          { category: 'ROBBERY', count: null },
          { category: 'ASSAULT', count: null },
        ],
      },
      'leaky hexagons',
    );
    const pinned = ofKind(await audit.audit(solver), 'pinned');
    for (const name of ['robbery', 'assault']) expect(pinned.find((f) => f.what.startsWith(`hidden ${name}`))).toMatchObject({ min: 1, max: 1 });
  });

  it('proves a sensitive category present when one is named, or listed with a count', async () => {
    const named = newAudit();
    named.cell(
      {
        cell: A,
        ...JAN,
        total: 9,
        byCategory: [
          { category: 'THEFT', count: 6 },
          { category: 'SEXUAL_OFFENCE', count: null },
        ],
      },
      'names a sensitive category',
    );
    expect(ofKind(await named.audit(solver), 'sensitive').map((f) => f.what)).toEqual([expect.stringContaining(A)]);
    const counted = newAudit();
    counted.cell(
      {
        cell: B,
        ...FEB,
        total: 10,
        byCategory: [
          { category: 'THEFT', count: 5 },
          { category: 'DOMESTIC_CONFLICT', count: 5 },
        ],
      },
      'counts a sensitive category',
    );
    expect(ofKind(await counted.audit(solver), 'sensitive')[0]).toMatchObject({ min: 5 });
  });

  it('pins a suppressed cell from a total that sums true counts (differencing two answers)', async () => {
    const audit = newAudit();
    // the same month of cells A, B, C by two areas: {A, B} and {A, B, C}, totals of true counts
    audit.cell({ cell: A, ...JAN, total: 10 }, 'area 1');
    audit.cell({ cell: B, ...JAN, total: null }, 'area 1');
    audit.cell({ cell: C, ...JAN, total: null }, 'area 2');
    const term = (cell: string) => ({ cell, ...JAN, part: 'total' as const });
    audit.releasedSum([term(A), term(B)], 13, 'incidentCount', 'area 1');
    audit.releasedSum([term(A), term(B), term(C)], 14, 'incidentCount', 'area 2');
    const report = await audit.audit(solver);
    expect(report.trueReadings).toBe(2);
    const pinned = ofKind(report, 'pinned');
    expect(pinned.find((f) => f.what.includes(B))).toMatchObject({ min: 3, max: 3 });
    expect(pinned.find((f) => f.what.includes(C))).toMatchObject({ min: 1, max: 1 });
  });

  it('pins a hidden part that is hidden alone (no complementary suppression)', async () => {
    const audit = newAudit();
    // 6 by day and 0 of unknown time released, the night hidden alone: 7 - 6 - 0 = 1
    audit.cell({ cell: A, ...JAN, total: 7, time: [6, null, 0] }, 'leaky time breakdown');
    expect(ofKind(await audit.audit(solver), 'pinned')[0]).toMatchObject({ min: 1, max: 1 });
  });

  it('flags numbers that contradict one another, and numbers that contradict the truth', async () => {
    const audit = newAudit();
    audit.cell({ cell: A, ...JAN, total: 7 }, 'route 1');
    audit.cell({ cell: A, ...JAN, total: 8 }, 'route 2');
    expect(ofKind(await audit.audit(solver), 'inconsistent').length).toBeGreaterThan(0);
    const untrue = newAudit();
    untrue.cell({ cell: A, ...JAN, total: 7, byCategory: [{ category: 'THEFT', count: 7 }] }, 'route');
    const truth = Array.from({ length: 7 }, (_, i) => ({ cell: A, at: new Date(JAN.from.getTime() + i * 86_400_000), category: i < 6 ? 'theft' : 'robbery', time: 'day' as const }));
    // theft read as 7, the other categories as 0: 6 and 1 in truth
    expect(ofKind(await untrue.audit(solver, { truth }), 'untrue').map((f) => f.what)).toEqual(['the true count is 6, the reading says 7', 'the true count is 1, the reading says 0']);
  });

  it('finds nothing in releases made by the product rules from random true tables', async () => {
    const folded = foldSensitiveCategories(ALL_CATEGORIES, SENSITIVE);
    const cellArb = fc.record({
      byCategory: fc.array(fc.nat(9), { minLength: ALL_CATEGORIES.length, maxLength: ALL_CATEGORIES.length }).map((a) => a.map((v) => (v > 6 ? v - 6 : 0))),
      dayShare: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(cellArb, { minLength: 3, maxLength: 3 }), async (table) => {
        const audit = newAudit();
        table.forEach(({ byCategory, dayShare }, i) => {
          const total = byCategory.reduce((s, v) => s + v, 0);
          const day = Math.round(total * dayShare);
          const time = [day, total - day - Math.floor((total - day) / 3), Math.floor((total - day) / 3)];
          const parts = folded.parts.map((slot: number[]) => slot.reduce((s: number, k: number) => s + byCategory[k], 0));
          const timeShaped = suppressBreakdown(total, time, THRESHOLD);
          const partShaped = suppressBreakdown(total, parts, THRESHOLD);
          const release: CellRelease = {
            cell: CITY_CELLS[i],
            ...JAN,
            total: timeShaped.total,
            time: timeShaped.parts,
            byCategory: partShaped.parts.flatMap((p, j) => (p !== null && p > 0 ? [{ category: folded.names[j].toUpperCase(), count: p }] : [])),
          };
          audit.cell(release, `cell ${i}`);
        });
        const report = await audit.audit(solver);
        expect(findingsText(report)).toEqual([]);
      }),
      { numRuns: 15, seed: 20261203 },
    );
  });
});

// ------------------------------------------------------------------------------------------------

/** Queries per random sequence, before the tables an evaluation makes the attacker read. */
const SEQUENCE_LENGTH = Number(process.env.AUDIT_QUERIES ?? 200);
/** Random sequences per role (fast-check runs, seeded; a failure is reported as found, not shrunk). */
const RUNS = Number(process.env.AUDIT_RUNS ?? 2);

let t: TestServer;
let city: City;
const summary: string[] = [];

function arbitraries(user: RequestUser): fc.Arbitrary<AuditQuery> {
  const cellIndex = fc.integer({ min: 0, max: CITY_CELLS.length - 1 });
  const area: fc.Arbitrary<AreaArg> = fc.oneof(
    fc.constantFrom<AreaArg>({ districtId: city.districts[0] }, { districtId: city.districts[1] }, { precinctId: city.precinct }, { city: true }),
    // boxes between two cells' centres: overlapping each other and the districts
    fc.tuple(cellIndex, cellIndex).map(([i, j]): AreaArg => {
      const [[lat1, lng1], [lat2, lng2]] = [cellToLatLng(CITY_CELLS[i]), cellToLatLng(CITY_CELLS[j])];
      return { bbox: [Math.min(lng1, lng2) - 0.004, Math.min(lat1, lat2) - 0.003, Math.max(lng1, lng2) + 0.004, Math.max(lat1, lat2) + 0.003] };
    }),
    // any set of cells, as a polygon
    fc.subarray(CITY_CELLS, { minLength: 1, maxLength: 14 }).map((cells): AreaArg => ({ polygon: cellsPolygon(cells) })),
    // the resolution-7 parent of a cell, as a polygon: the release cells it holds
    cellIndex.map((i): AreaArg => ({ polygon: { type: 'Polygon', coordinates: [[...cellToBoundary(cellToParent(CITY_CELLS[i], 7), true)]] } })),
  );
  const month = city.months;
  const day = 86_400_000;
  const window: fc.Arbitrary<WindowChoice> = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<WindowChoice>(0, 1, 2, 'default') },
    // off the lattice: two months, half a month, a month astride two (all refused below analyst)
    {
      weight: 1,
      arbitrary: fc.constantFrom<WindowChoice>(
        { from: month[0].from.toISOString(), to: month[1].to.toISOString() },
        { from: month[1].from.toISOString(), to: new Date(month[1].from.getTime() + 15 * day).toISOString() },
        { from: new Date(month[1].from.getTime() + 15 * day).toISOString(), to: new Date(month[2].from.getTime() + 15 * day).toISOString() },
      ),
    },
  );
  const resolution = fc.integer({ min: 7, max: 11 });
  // a category filter (refused below analyst): the split that could be subtracted
  const categories = fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.subarray(['THEFT', 'ROBBERY', 'SEXUAL_OFFENCE', 'OTHER'], { minLength: 1 }) });
  const hexagons = fc.record({ route: fc.constant('hexagons' as const), area, window, resolution, categories });
  const statistic = fc.record({ route: fc.constantFrom('hotspots' as const, 'clusters' as const), area, window, resolution, categories, k: fc.integer({ min: 1, max: 2 }) });
  const tileArea = fc.constantFrom<AreaArg>({ districtId: city.districts[0] }, { districtId: city.districts[1] }, { precinctId: city.precinct }, { bbox: [...CITY_BOUNDS_GROWN] });
  const tile = fc.record({ route: fc.constant('tile' as const), area: tileArea, window, resolution, z: fc.constantFrom(11, 12, 13) });
  const exported = fc.record({
    route: fc.constant('export' as const),
    query: fc.constantFrom('hexagons' as const, 'hotspots' as const),
    format: fc.constantFrom('geojson' as const, 'csv' as const),
    area,
    window,
    resolution,
  });
  const readable = city.cases.map((c, i) => (c.readers.includes(user.role as 'working_group' | 'agency') ? i : -1)).filter((i) => i >= 0);
  const evaluationArgs = { resolution: fc.integer({ min: 8, max: 10 }), days: fc.constantFrom(7, 30, 45, 90, 365), timeOfDay: fc.constantFrom(null, 'ALL' as const, 'DAY' as const, 'NIGHT' as const) };
  const evaluation = fc.record({ route: fc.constant('evaluation' as const), caseIndex: fc.constantFrom(...(readable.length ? readable : [0])), ...evaluationArgs });
  const pooled = fc.record({ route: fc.constant('pooled' as const), ...evaluationArgs });
  return fc.oneof(
    { weight: 8, arbitrary: hexagons as fc.Arbitrary<AuditQuery> },
    { weight: 4, arbitrary: statistic as fc.Arbitrary<AuditQuery> },
    { weight: 1, arbitrary: tile as fc.Arbitrary<AuditQuery> },
    { weight: 1, arbitrary: exported as fc.Arbitrary<AuditQuery> },
    ...(readable.length > 0
      ? [
          { weight: 2, arbitrary: evaluation as fc.Arbitrary<AuditQuery> },
          { weight: 1, arbitrary: pooled as fc.Arbitrary<AuditQuery> },
        ]
      : []),
  );
}

const CITY_BOUNDS_GROWN = (() => {
  const points = CITY_CELLS.flatMap((c) => cellToBoundary(c, true));
  return [Math.min(...points.map((p) => p[0])) - 0.01, Math.min(...points.map((p) => p[1])) - 0.01, Math.max(...points.map((p) => p[0])) + 0.01, Math.max(...points.map((p) => p[1])) + 0.01];
})();

/** A query that fast-check prints in one short line (polygons as their number of cells) when a run fails. */
function printable(q: AuditQuery): AuditQuery {
  const copy = { ...q };
  Object.defineProperty(copy, fc.toStringMethod, { value: () => label(q), enumerable: false });
  return copy;
}

/** Every route once, then random queries. */
function sequence(user: RequestUser): fc.Arbitrary<AuditQuery[]> {
  const m = (window: WindowChoice, resolution = 8) => ({ window, resolution });
  const every: AuditQuery[] = [
    { route: 'hexagons', area: { city: true }, ...m(0) },
    { route: 'hexagons', area: { districtId: city.districts[0] }, ...m(1, 10) },
    { route: 'hotspots', area: { districtId: city.districts[1] }, ...m(2), k: 1 },
    { route: 'clusters', area: { precinctId: city.precinct }, ...m('default'), k: 1 },
    { route: 'tile', area: { districtId: city.districts[0] }, ...m(1), z: 12 },
    { route: 'export', query: 'hexagons', format: 'geojson', area: { city: true }, ...m(1) },
    { route: 'export', query: 'hotspots', format: 'csv', area: { districtId: city.districts[1] }, ...m(0) },
  ];
  if (user.role !== 'public') {
    const first = city.cases.findIndex((c) => c.readers.includes(user.role as 'working_group' | 'agency'));
    every.push({ route: 'evaluation', caseIndex: first, resolution: 10, days: 30, timeOfDay: null }, { route: 'pooled', resolution: 8, days: 30, timeOfDay: 'NIGHT' });
  }
  return fc.array(arbitraries(user), { minLength: SEQUENCE_LENGTH, maxLength: SEQUENCE_LENGTH }).map((random) => [...every, ...random].map(printable));
}

describe('suppression audit of random query sequences on a seeded city', () => {
  beforeAll(async () => {
    t = await startTestServer({ SUPPRESSION_THRESHOLD: String(THRESHOLD), SENSITIVE_CATEGORIES: SENSITIVE.join(',') }, { testUsers: true });
    city = await seedCity(t, 8);
    // the truth the audit checks its readings against is the product's own
    expect(await truthDifferences(t, city)).toEqual([]);
  });

  afterAll(async () => {
    await t?.stop();
    if (summary.length > 0) console.log(`suppression audit (${city.incidents} incidents, ${city.sensitiveIncidents} sensitive, ${CITY_CELLS.length} cells x ${city.months.length} months):\n${summary.join('\n')}`);
  });

  it("reads what the routes give: an analyst's true answers prove sensitive categories present", async () => {
    // analysts see true counts and name every category: the same reading must find that out
    const ctx: RunContext = { t, user: ANALYST, city, audit: newAudit(), answered: new Map(), refused: new Map(), reasons: new Map(), groups: new Map() };
    for (const month of [0, 1, 2]) expect(await runQuery(ctx, { route: 'hexagons', area: { city: true }, window: month, resolution: 8 })).toBe(true);
    const report = await ctx.audit.audit(solver, { truth: city.truth });
    expect(ofKind(report, 'sensitive').length).toBeGreaterThan(5);
    expect([...ofKind(report, 'untrue'), ...ofKind(report, 'inconsistent'), ...ofKind(report, 'unresolved')]).toEqual([]);
  });

  test.each([
    ['public', PUBLIC],
    ['working_group', WORKING_GROUP],
    ['agency (lighting)', LIGHTING],
  ])('%s: no suppressed count is pinned, no sensitive category is proven present', async (name, user) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(sequence(user), async (queries) => {
        run++;
        const started = Date.now();
        const ctx: RunContext = { t, user, city, audit: newAudit(), answered: new Map(), refused: new Map(), reasons: new Map(), groups: new Map() };
        for (const q of queries) await runQuery(ctx, q);
        const queried = Date.now();
        const report = await ctx.audit.audit(solver, { truth: city.truth });
        const suppressed = report.ranges.filter((r) => r.what.startsWith('suppressed count'));
        summary.push(
          `  ${name} run ${run}: ${[...ctx.answered.values()].reduce((s, n) => s + n, 0)} answered (${[...ctx.answered].map(([k, n]) => `${k} ${n}`).join(', ')}), ` +
            `${[...ctx.refused.values()].reduce((s, n) => s + n, 0)} refused (${[...ctx.reasons].map(([k, n]) => `${k} ${n}`).join(', ')}); ${report.variables} unknowns, ${report.constraints} constraints, ` +
            `${report.targets} suppressed counts and hidden parts (${suppressed.length} cell totals, narrowest ${Math.min(...report.ranges.map((r) => Math.floor(r.max) - Math.ceil(r.min) + 1))} values), ` +
            `${report.impliedSums} sums implied by released values, ${report.trueReadings} read as true sums; ${report.solves} LPs; ` +
            `queries ${queried - started} ms, audit ${Date.now() - queried} ms; findings ${report.findings.length}`,
        );
        expect(findingsText(report)).toEqual([]);
        // the audit audited something: suppressed cells, hidden parts, every route answered
        expect(suppressed.length).toBeGreaterThan(0);
        expect(report.ranges.length).toBeGreaterThan(suppressed.length);
        const routes = ['hexagons', 'hotspots', 'clusters', 'tile', 'export hexagons.geojson', 'export hotspots.csv', ...(user.role === 'public' ? [] : ['evaluation', 'pooled'])];
        expect(routes.filter((route) => !((ctx.answered.get(route) ?? 0) > 0))).toEqual([]);
      }),
      { numRuns: RUNS, seed: 20261203, endOnFailure: true },
    );
  });
});
