/**
 * Walking-distance coverage and siting over real HTTP against PostGIS: a hand-made street grid
 * whose walking reach is known (and checked against pgRouting), straight-line coverage checked
 * against PostGIS's ST_DWithin on the geography, a siting instance with a known optimum, and
 * the demo city.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemoCity } from '../../src/cli/seed';
import { upsertBatch } from '../../src/db/upsert';
import type { IncidentRecord, PostRecord } from '../../src/domain';
import { importFile } from '../../src/import/run';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
});

afterAll(async () => {
  await t.stop();
});

// A 7 x 7 grid of streets 100 m apart in Almaty (latitude and longitude differ a lot, so a swap shows).
const ORIGIN = { lat: 43.24, lng: 76.95 };
const M_PER_DEG_LAT = 111_194.93;
const M_PER_DEG_LNG = M_PER_DEG_LAT * Math.cos(ORIGIN.lat * (Math.PI / 180));
const node = (i: number, j: number): [number, number] => [Math.round((ORIGIN.lng + (i * 100) / M_PER_DEG_LNG) * 1e7) / 1e7, Math.round((ORIGIN.lat + (j * 100) / M_PER_DEG_LAT) * 1e7) / 1e7];

function post(externalId: string, [lng, lat]: [number, number], walkingRadiusM = 500): PostRecord {
  return { source: 'test', externalId, kind: 'modular_post', name: externalId, walkingRadiusM, geometry: { type: 'Point', coordinates: [lng, lat] }, openedAt: null };
}

function incident(externalId: string, [lng, lat]: [number, number]): IncidentRecord {
  return { source: 'test', externalId, occurredAt: new Date('2026-01-10T12:00:00Z'), category: 'theft', outdoor: true, geometry: { type: 'Point', coordinates: [lng, lat] }, description: null };
}

async function store(posts: PostRecord[], incidents: IncidentRecord[]): Promise<void> {
  const knex = t.server.db.knex;
  if (posts.length) await upsertBatch(knex, 'posts', posts, t.config.fineResolution);
  if (incidents.length) await upsertBatch(knex, 'incidents', incidents, t.config.fineResolution);
}

const POST_REACH = `query ($postId: ID, $radius: Float, $method: ReachMethod, $accessDistance: Float) {
  postReach(postId: $postId, radius: $radius, method: $method, accessDistance: $accessDistance) {
    postId radiusM serviceArea reachedStreetM accessLegM reachedCellCount
    reach { method radiusM detourFactor accessDistanceM description }
  }
}`;

describe('a hand-made street grid', () => {
  let centrePostId: string;

  beforeAll(async () => {
    await truncateLayers(t.server);
    // whole grid lines, as OpenStreetMap ways come: the import must node them at every crossing
    const features = [];
    for (let k = 0; k < 7; k++) {
      features.push({ type: 'Feature', properties: { external_id: `ew-${k}`, source: 'test', name: `Street ${k}`, highway: 'residential' }, geometry: { type: 'LineString', coordinates: [node(0, k), node(6, k)] } });
      features.push({ type: 'Feature', properties: { external_id: `ns-${k}`, source: 'test', name: `Avenue ${k}`, highway: 'residential' }, geometry: { type: 'LineString', coordinates: [node(k, 0), node(k, 6)] } });
    }
    // a motorway across the grid is stored but not walked
    features.push({ type: 'Feature', properties: { external_id: 'm-1', source: 'test', highway: 'motorway' }, geometry: { type: 'LineString', coordinates: [node(0, 0.5), node(6, 6.5)] } });
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'streets-')), 'grid.geojson');
    await fs.writeFile(file, JSON.stringify({ type: 'FeatureCollection', features }));
    const summary = await importFile(t.server.db.knex, { layer: 'streets', file, bounds: t.config.cityBounds, timeZone: t.config.timeZone, batchSize: 100, fineResolution: 11 });
    expect(summary.inserted).toBe(15);
    expect(summary.rejected).toBe(0);
    await store([post('centre', node(3, 3), 250)], []);
    const { rows } = await t.server.db.knex.raw("SELECT id::text FROM posts WHERE external_id = 'centre'");
    centrePostId = rows[0].id;
  });

  it('nodes the imported lines at every crossing: 84 block sides of 100 m between 49 crossings', async () => {
    const { rows } = await t.server.db.knex.raw('SELECT count(*)::int AS n, min(cost) AS lo, max(cost) AS hi FROM street_edges');
    expect(rows[0].n).toBe(84);
    expect(rows[0].lo).toBeGreaterThan(99.5);
    expect(rows[0].hi).toBeLessThan(100.5);
    const vertices = await t.server.db.knex.raw('SELECT count(*)::int AS n FROM street_vertices');
    expect(vertices.rows[0].n).toBe(49);
  });

  it('walks 2600 m of street within 250 m of a post at a crossing (16 block sides and 20 half sides), the same crossings pgRouting reaches', async () => {
    const answer = await t.gql<{
      postReach: { reachedStreetM: number; accessLegM: number; serviceArea: { type: string }; reach: { method: string; radiusM: number; detourFactor: number | null; accessDistanceM: number } }[];
    }>(POST_REACH, {
      postId: centrePostId,
      radius: 250,
      method: 'NETWORK',
      accessDistance: 50,
    });
    expect(answer.errors).toBeUndefined();
    const [reach] = answer.data!.postReach;
    expect(reach.reach).toMatchObject({ method: 'network', radiusM: 250, detourFactor: null, accessDistanceM: 50 });
    expect(reach.accessLegM).toBeLessThan(0.5);
    expect(reach.reachedStreetM).toBeGreaterThan(2600 * 0.99);
    expect(reach.reachedStreetM).toBeLessThan(2600 * 1.01);
    expect(['Polygon', 'MultiPolygon']).toContain(reach.serviceArea.type);

    // pgRouting's driving distance from the crossing: the 13 crossings within 2 blocks
    const knex = t.server.db.knex;
    const start = await knex.raw('SELECT id FROM street_vertices ORDER BY geom <-> ST_SetSRID(ST_MakePoint(?, ?), 4326) LIMIT 1', node(3, 3));
    const dd = await knex.raw("SELECT node, agg_cost FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM street_edges', ?::bigint, 250)", [start.rows[0].id]);
    expect(dd.rows).toHaveLength(13);
    // the service area holds every reached crossing and not the crossings 3 blocks away
    const inside = await knex.raw(`SELECT count(*) FILTER (WHERE ST_Covers(ST_GeomFromGeoJSON(?), v.geom))::int AS reached FROM street_vertices v WHERE v.id IN (${dd.rows.map(() => '?').join(',')})`, [
      JSON.stringify(reach.serviceArea),
      ...dd.rows.map((r: { node: string }) => r.node),
    ]);
    expect(inside.rows[0].reached).toBe(13);
    const far = await knex.raw('SELECT ST_Covers(ST_GeomFromGeoJSON(?), ST_SetSRID(ST_MakePoint(?, ?), 4326)) AS covered', [JSON.stringify(reach.serviceArea), ...node(5, 4)]);
    expect(far.rows[0].covered).toBe(false);
  });

  it('the network reach of a mid-block post agrees with pgr_withPointsDD from the same street point', async () => {
    await store([post('mid', node(3.5, 3.2), 300)], []);
    const knex = t.server.db.knex;
    const edge = await knex.raw('SELECT id, ST_LineLocatePoint(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326)) AS fraction FROM street_edges ORDER BY geom <-> ST_SetSRID(ST_MakePoint(?, ?), 4326) LIMIT 1', [
      ...node(3.5, 3.2),
      ...node(3.5, 3.2),
    ]);
    const { id, fraction } = edge.rows[0];
    // budget: 300 m minus the 20 m access leg
    const dd = await knex.raw(
      `SELECT node, agg_cost FROM pgr_withPointsDD('SELECT id, source, target, cost, reverse_cost FROM street_edges', 'SELECT 1 AS pid, ${Number(id)} AS edge_id, ${Number(fraction)}::float8 AS fraction', -1, 280, directed => false) WHERE node > 0`,
    );
    // crossings within 280 m of the middle of a block side: 2 at 50 m, 6 at 150 m, 10 at 250 m
    expect(dd.rows).toHaveLength(18);
    const answer = await t.gql<{ postReach: { postId: string; reachedStreetM: number; accessLegM: number }[] }>(POST_REACH, {
      postId: (await knex.raw("SELECT id::text FROM posts WHERE external_id = 'mid'")).rows[0].id,
      method: 'NETWORK',
      accessDistance: 50,
    });
    expect(answer.errors).toBeUndefined();
    const [reach] = answer.data!.postReach;
    expect(reach.accessLegM).toBeCloseTo(20, 0);
    // street length within the budget from pgRouting's vertex distances: from each end of a side, what is left of the budget
    const distance = new Map((dd.rows as { node: string; agg_cost: number }[]).map((r) => [String(r.node), Number(r.agg_cost)]));
    const edges = await knex.raw('SELECT id::text, source::text, target::text, cost FROM street_edges');
    let expected = 0;
    for (const e of edges.rows as { id: string; source: string; target: string; cost: number }[]) {
      if (e.id === String(id)) {
        expected += e.cost;
        continue;
      }
      const left = (v: string) => Math.max(0, 280 - (distance.get(v) ?? Infinity));
      expected += Math.min(e.cost, left(e.source) + left(e.target));
    }
    expect(reach.reachedStreetM).toBeGreaterThan(expected * 0.995);
    expect(reach.reachedStreetM).toBeLessThan(expected * 1.005);
  });

  it('refuses a network method where no street is loaded, and a radius of 0 or above 5 km', async () => {
    const far = await t.gql(`{ coverage(area: { bbox: [77.1, 43.3, 77.12, 43.32] }, method: NETWORK) { postCount } }`);
    expect(far.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'method' });
    for (const radius of [0, 5001]) {
      const bad = await t.gql(`{ coverage(area: { bbox: [76.94, 43.23, 76.96, 43.25] }, radius: ${radius}) { postCount } }`);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'radius' });
    }
  });
});

describe('straight-line coverage against PostGIS', () => {
  beforeAll(async () => {
    await truncateLayers(t.server);
    // posts and incidents scattered around Almaty's centre from a fixed sequence
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const around = (spreadM: number): [number, number] => [ORIGIN.lng + ((random() - 0.5) * 2 * spreadM) / M_PER_DEG_LNG, ORIGIN.lat + ((random() - 0.5) * 2 * spreadM) / M_PER_DEG_LAT];
    const posts = Array.from({ length: 6 }, (_, k) => post(`p${k}`, around(1500), 390));
    const incidents = Array.from({ length: 3000 }, (_, k) => incident(`i${k}`, around(2000)));
    await store(posts, incidents);
  });

  it('counts an incident as covered exactly when its own point is within ST_DWithin(geography) of a post, overall and per post', async () => {
    const answer = await t.gql<{
      coverage: { reach: { method: string; detourFactor: number }; postCount: number; overall: { incidents: { total: number; covered: number } }; posts: { postId: string; incidents: number }[] };
    }>(
      `{ coverage(area: { bbox: [76.90, 43.20, 77.00, 43.28] }, method: STRAIGHT_LINE, detourFactor: 1.3, resolution: 11) {
          reach { method detourFactor } postCount overall { incidents { total covered } } posts { postId incidents } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const { coverage } = answer.data!;
    expect(coverage.reach).toEqual({ method: 'straightLine', detourFactor: 1.3 });
    expect(coverage.postCount).toBe(6);
    expect(coverage.overall.incidents.total).toBe(3000);
    // reference: PostGIS on the WGS84 ellipsoid (ST_DWithin's default for geography), from the incidents themselves
    const knex = t.server.db.knex;
    const direct = await knex.raw('SELECT count(*)::int AS covered FROM incidents i WHERE EXISTS (SELECT 1 FROM posts p WHERE ST_DWithin(p.geom::geography, i.geom::geography, 300))');
    expect(coverage.overall.incidents.covered).toBe(direct.rows[0].covered);
    expect(coverage.overall.incidents.covered).toBeGreaterThan(100);
    const perPost = await knex.raw('SELECT p.id::text AS post_id, count(i.id)::int AS n FROM posts p LEFT JOIN incidents i ON ST_DWithin(p.geom::geography, i.geom::geography, 300) GROUP BY p.id');
    const expected = Object.fromEntries((perPost.rows as { post_id: string; n: number }[]).map((r) => [r.post_id, r.n]));
    expect(Object.fromEntries(coverage.posts.map((p) => [p.postId, p.incidents]))).toEqual(expected);
  });

  it('answers an area with no post near it with an explicit empty reason', async () => {
    const answer = await t.gql<{ coverage: { postCount: number; emptyReason: string | null; overall: { incidents: { covered: number } } } }>(
      `{ coverage(area: { bbox: [77.15, 43.35, 77.2, 43.4] }, method: STRAIGHT_LINE) { postCount emptyReason overall { incidents { covered } } } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.coverage.postCount).toBe(0);
    expect(answer.data!.coverage.emptyReason).toMatch(/no post/);
  });
});

describe('siting with a known optimum', () => {
  // Four clusters on an east-west line, 800 m apart: C (4), A (5), B (5), D (4) incidents.
  // Candidates halfway between neighbours: L covers C and A (9), M covers A and B (10), R covers B and D (9).
  // Two sites: greedy takes M (10) then 4 more = 14; the optimum is L + R = 18.
  const at = (x: number): [number, number] => node(x / 100, 30);
  const candidates = [
    { lng: at(400)[0], lat: at(400)[1], label: 'L' },
    { lng: at(1200)[0], lat: at(1200)[1], label: 'M' },
    { lng: at(2000)[0], lat: at(2000)[1], label: 'R' },
  ];
  const SUGGEST = `query ($candidates: [CandidateSiteInput!], $solver: SitingSolver, $count: Int!, $timeLimitSeconds: Float) {
    suggestPostSites(area: { bbox: [76.94, 43.25, 77.0, 43.28] }, count: $count, demand: INCIDENTS, radius: 500, method: STRAIGHT_LINE, detourFactor: 1, candidates: $candidates, solver: $solver, timeLimitSeconds: $timeLimitSeconds) {
      solver optimal searchOutcome coveredBefore coveredAfter totalDemand upperBound lpBound gap greedyCoveredAfter greedyGuarantee provenGainRatio fallbackReason
      solverRun { solver status candidates demandItems timeLimitSeconds }
      sites { rank label marginalGain coveredAfter } reach { method radiusM detourFactor }
    }
  }`;
  type Suggestion = {
    solver: string;
    optimal: boolean;
    searchOutcome: string;
    coveredBefore: number;
    coveredAfter: number;
    totalDemand: number;
    upperBound: number;
    lpBound: number | null;
    gap: number;
    greedyCoveredAfter: number;
    greedyGuarantee: number;
    provenGainRatio: number;
    fallbackReason: string | null;
    solverRun: { solver: string; status: string; candidates: number; demandItems: number; timeLimitSeconds: number } | null;
    sites: { label: string; marginalGain: number }[];
  };

  beforeAll(async () => {
    await truncateLayers(t.server);
    const clusters: [number, number][] = [
      [0, 4],
      [800, 5],
      [1600, 5],
      [2400, 4],
    ];
    const incidents = clusters.flatMap(([x, n]) => Array.from({ length: n }, (_, k) => incident(`s${x}-${k}`, at(x))));
    await store([], incidents);
  });

  it('the integer program (HiGHS) proves the optimum 18 where greedy stops at 14; greedy keeps a bound of at least 18', async () => {
    for (const solver of ['MIP', 'EXACT', undefined]) {
      const answer = await t.gql<{ suggestPostSites: Suggestion }>(SUGGEST, { candidates, solver, count: 2, timeLimitSeconds: solver === 'MIP' ? 2 : undefined });
      expect(answer.errors).toBeUndefined();
      const e = answer.data!.suggestPostSites;
      expect(e).toMatchObject({ solver: 'mip', optimal: true, searchOutcome: 'proven', coveredBefore: 0, coveredAfter: 18, totalDemand: 18, upperBound: 18, gap: 0, greedyCoveredAfter: 14, fallbackReason: null });
      expect(e.lpBound).toBeGreaterThanOrEqual(18 - 1e-6);
      expect(e.solverRun).toMatchObject({ status: 'optimal', timeLimitSeconds: solver === 'MIP' ? 2 : 10 });
      expect(e.solverRun!.solver).toMatch(/^HiGHS \d+\.\d+/);
      expect(e.sites.map((s) => s.label).sort()).toEqual(['L', 'R']);
      expect(e.sites.map((s) => s.marginalGain)).toEqual([9, 9]);
    }

    const greedy = await t.gql<{ suggestPostSites: Suggestion }>(SUGGEST, { candidates, solver: 'GREEDY', count: 2 });
    const g = greedy.data!.suggestPostSites;
    expect(g).toMatchObject({ solver: 'greedy', optimal: false, coveredAfter: 14, greedyCoveredAfter: 14, lpBound: null, solverRun: null, searchOutcome: 'notAttempted' });
    expect(g.sites[0].label).toBe('M');
    expect(g.upperBound).toBeGreaterThanOrEqual(18);
    expect(g.gap).toBeCloseTo((g.upperBound - 14) / g.upperBound, 9);
    expect(g.provenGainRatio).toBeLessThanOrEqual(14 / 18 + 1e-9);
    expect(g.greedyGuarantee).toBeCloseTo(0.75, 9); // 1 - (1 - 1/2)^2
  });

  it('gives the solver what the compute budget affords: a shorter limit, then greedy with a warning', async () => {
    // an analyst budget of 100 million units: the siting charge is small, so about 2 s of solver time (50 million units a second) are left
    // the budget limits what is computed: this server computes every answer (no shared response cache)
    const small = await startTestServer({ COMPUTE_BUDGET_ANALYST: '100000000', RESPONSE_CACHE: 'off' }, { actAs: TEST_ANALYST });
    try {
      const one = await small.gql<{ suggestPostSites: Suggestion }>(SUGGEST, { candidates, count: 2 });
      expect(one.errors).toBeUndefined();
      expect(one.data!.suggestPostSites).toMatchObject({ solver: 'mip', optimal: true, coveredAfter: 18 });
      expect(one.data!.suggestPostSites.solverRun!.timeLimitSeconds).toBeGreaterThanOrEqual(1.8);
      expect(one.data!.suggestPostSites.solverRun!.timeLimitSeconds).toBeLessThan(2);

      const asked = await small.gql(SUGGEST, { candidates, count: 2, solver: 'MIP', timeLimitSeconds: 5 });
      expect(asked.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });

      // two aliases: the first takes the solver time the budget affords, the second is left greedy's answer and says why
      const pair = await small.gql<Record<'a' | 'b', Suggestion & { warnings: { code: string }[] }>>(
        `query ($candidates: [CandidateSiteInput!]) {
          a: suggestPostSites(area: { bbox: [76.94, 43.25, 77.0, 43.28] }, count: 2, demand: INCIDENTS, radius: 500, method: STRAIGHT_LINE, detourFactor: 1, candidates: $candidates) { solver coveredAfter fallbackReason warnings { code } }
          b: suggestPostSites(area: { bbox: [76.94, 43.25, 77.0, 43.28] }, count: 2, demand: INCIDENTS, radius: 500, method: STRAIGHT_LINE, detourFactor: 1, candidates: $candidates) { solver coveredAfter fallbackReason warnings { code } }
        }`,
        { candidates },
      );
      expect(pair.errors).toBeUndefined();
      const answers = [pair.data!.a, pair.data!.b].sort((x, y) => y.coveredAfter - x.coveredAfter);
      expect(answers[0]).toMatchObject({ solver: 'mip', coveredAfter: 18, fallbackReason: null });
      expect(answers[1]).toMatchObject({ solver: 'greedy', coveredAfter: 14 });
      expect(answers[1].fallbackReason).toMatch(/compute budget/);
      expect(answers[1].warnings.map((w) => w.code)).toContain('SOLVER_NOT_AFFORDED');
    } finally {
      await small.stop();
    }
  });

  it('refuses a solver time limit outside 0.1 to 60 s', async () => {
    const answer = await t.gql(SUGGEST, { candidates, count: 2, solver: 'MIP', timeLimitSeconds: 0 });
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'timeLimitSeconds' });
  });

  it('refuses more sites than candidates', async () => {
    const tooMany = await t.gql(SUGGEST, { candidates, count: 4 });
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'count' });
  });
});

describe('the demo city', () => {
  let alatauId: string;

  beforeAll(async () => {
    await truncateLayers(t.server);
    await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 20_000 });
    const { rows } = await t.server.db.knex.raw("SELECT id::text FROM areas WHERE kind = 'district' AND name = 'Alatau'");
    alatauId = rows[0].id;
  }, 240_000);

  it('reports coverage per district and per precinct over the city', async () => {
    const answer = await t.gql<{
      coverage: {
        reach: { method: string };
        districts: { name: string; coverage: { residents: { share: number | null }; incidents: { share: number | null; total: number } }; precinctOffices: number; residentsPerOffice: number | null }[];
        precincts: { parentId: string }[];
        overall: { incidents: { total: number } };
      };
    }>(
      `{ coverage(area: { bbox: [76.7, 43.0, 77.25, 43.45] }, method: STRAIGHT_LINE) {
          reach { method } overall { incidents { total } }
          districts { name precinctOffices residentsPerOffice coverage { residents { share } incidents { share total } } }
          precincts { parentId } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const c = answer.data!.coverage;
    expect(c.reach.method).toBe('straightLine');
    expect(c.districts).toHaveLength(8);
    for (const d of c.districts) {
      expect(d.coverage.residents.share).toBeGreaterThan(0);
      expect(d.coverage.residents.share).toBeLessThan(1);
      expect(d.precinctOffices).toBeGreaterThanOrEqual(3);
      expect(d.residentsPerOffice).toBeGreaterThan(0);
    }
    expect(c.districts.reduce((s, d) => s + d.coverage.incidents.total, 0)).toBeLessThanOrEqual(c.overall.incidents.total);
    expect(c.precincts.length).toBeGreaterThan(40);
  });

  it("lists Alatau's uncovered hot spots by both methods; the street network reaches less than the circles", async () => {
    const query = (method: string) =>
      t.gql<{ coverage: { reach: { method: string }; overall: { residents: { share: number } }; uncoveredHotspotCells: { h3: string; binFdr: number; districtId: string }[]; posts: { incidents: number }[] } }>(
        `{ coverage(area: { districtId: "${alatauId}" }, method: ${method}) { reach { method } overall { residents { share } } uncoveredHotspotCells { h3 binFdr districtId } posts { incidents } } }`,
      );
    const [straight, network] = await Promise.all([query('STRAIGHT_LINE'), query('AUTO')]);
    expect(straight.errors).toBeUndefined();
    expect(network.errors).toBeUndefined();
    expect(network.data!.coverage.reach.method).toBe('network');
    for (const answer of [straight, network]) {
      const cells = answer.data!.coverage.uncoveredHotspotCells;
      expect(cells.length).toBeGreaterThan(0);
      for (const cell of cells) {
        expect(cell.binFdr).toBeGreaterThanOrEqual(2);
        expect(cell.districtId).toBe(alatauId);
      }
    }
    expect(network.data!.coverage.overall.residents.share).toBeLessThan(straight.data!.coverage.overall.residents.share * 1.2);
  });

  it('five new sites in Alatau raise covered incidents, by both methods', async () => {
    for (const method of ['STRAIGHT_LINE', 'NETWORK']) {
      const answer = await t.gql<{
        suggestPostSites: {
          coveredBefore: number;
          coveredAfter: number;
          greedyCoveredAfter: number;
          lpBound: number | null;
          gap: number;
          optimal: boolean;
          sites: { marginalGain: number }[];
          upperBound: number;
          reach: { method: string };
        };
      }>(
        `{ suggestPostSites(area: { districtId: "${alatauId}" }, count: 5, demand: INCIDENTS, method: ${method}) {
            coveredBefore coveredAfter greedyCoveredAfter lpBound gap optimal upperBound reach { method } sites { marginalGain } } }`,
      );
      expect(answer.errors).toBeUndefined();
      const s = answer.data!.suggestPostSites;
      expect(s.sites).toHaveLength(5);
      expect(s.coveredAfter).toBeGreaterThan(s.coveredBefore);
      expect(s.coveredAfter - s.coveredBefore).toBeCloseTo(
        s.sites.reduce((sum, site) => sum + site.marginalGain, 0),
        6,
      );
      expect(s.upperBound).toBeGreaterThanOrEqual(s.coveredAfter);
      expect(s.coveredAfter).toBeGreaterThanOrEqual(s.greedyCoveredAfter);
      if (s.lpBound !== null) expect(s.lpBound).toBeGreaterThanOrEqual(s.upperBound - 1e-6);
      expect(s.gap).toBeCloseTo(s.optimal ? 0 : (s.upperBound - s.coveredAfter) / s.upperBound, 9);
    }
  });

  it("finds the fewest sites that bring Alatau's significant hot spots within reach, with a lower bound", async () => {
    const answer = await t.gql<{
      minimumPostSites: { count: number; lowerBound: number; lpBound: number | null; gap: number; greedyCount: number; targetCount: number; alreadyCovered: number; uncoverableCells: string[]; optimal: boolean };
    }>(`{ minimumPostSites(area: { districtId: "${alatauId}" }, method: STRAIGHT_LINE) { count lowerBound lpBound gap greedyCount targetCount alreadyCovered uncoverableCells optimal } }`);
    expect(answer.errors).toBeUndefined();
    const m = answer.data!.minimumPostSites;
    expect(m.targetCount).toBeGreaterThan(0);
    expect(m.count).toBeGreaterThanOrEqual(m.lowerBound);
    expect(m.count).toBeLessThanOrEqual(m.greedyCount);
    if (m.lpBound !== null) expect(m.lowerBound).toBeGreaterThanOrEqual(Math.ceil(m.lpBound - 1e-6));
    if (m.optimal) expect(m.gap).toBe(0);
    if (m.targetCount > m.alreadyCovered + m.uncoverableCells.length) expect(m.count).toBeGreaterThan(0);
  });
});
