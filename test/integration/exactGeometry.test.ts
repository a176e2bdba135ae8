/**
 * Every incident counted where it lies, checked against tools other than the ones the API uses:
 * h3-js latLngToCell for the stored cells (property test over random points), PostGIS
 * point-in-hexagon for the hexagon counts, PostGIS ST_Covers for districts and ST_DWithin on
 * geography for straight-line coverage; on the demo city and on real police.uk months.
 */
import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemoCity } from '../../src/cli/seed';
import { cellColumn } from '../../src/db/cells';
import { upsertBatch } from '../../src/db/upsert';
import type { BBox, IncidentRecord } from '../../src/domain';
import { bigintToCell, CELL_RESOLUTIONS, cellPolygon } from '../../src/geo/h3';
import { SENSITIVE_MAX_RESOLUTION } from '../../src/analysis/release';
import { importFile } from '../../src/import/run';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

let t: TestServer;
const POLICE_UK_DIR = path.resolve(__dirname, '../../../shared/data/police-uk-city-of-london');

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
});

afterAll(async () => {
  await t?.stop();
});

interface HexagonCells {
  hexagons: { studyArea: { incidentCount: number }; cells: { h3: string; incidents: number }[] };
}

/** Incidents inside each cell's hexagon by PostGIS (ST_Covers of the h3-js boundary), for a sample of cells. */
async function pointInHexagonCounts(cells: readonly string[], from: string, to: string, leftOut: readonly string[]): Promise<Map<string, number>> {
  const polygons = cells.map((c) => JSON.stringify(cellPolygon(c)));
  const { rows } = await t.server.db.knex.raw(
    `SELECT c.cell, (SELECT count(*)::int FROM incidents i
                      WHERE i.occurred_at >= ?::timestamptz AND i.occurred_at < ?::timestamptz AND i.category <> ALL(?::text[])
                        AND ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON(c.polygon), 4326), i.geom)) AS n
       FROM unnest(?::text[], ?::text[]) AS c(cell, polygon)`,
    [from, to, leftOut, cells, polygons],
  );
  return new Map((rows as { cell: string; n: number }[]).map((r) => [r.cell, r.n]));
}

/** Hexagon counts at every resolution equal point-in-hexagon counts on a sample of the cells. */
async function expectHexagonsEqualPointInPolygon(area: Record<string, unknown>, window: { from: string; to: string }): Promise<void> {
  for (const resolution of CELL_RESOLUTIONS) {
    const answer = await t.gql<HexagonCells>('query ($area: AreaInput!, $r: Int, $w: TimeWindowInput) { hexagons(area: $area, resolution: $r, window: $w) { studyArea { incidentCount } cells { h3 incidents } } }', {
      area,
      r: resolution,
      w: window,
    });
    expect(answer.errors).toBeUndefined();
    const cells = answer.data!.hexagons.cells;
    // every cell with incidents and as many empty ones, at most 120 of each
    const busy = cells.filter((c) => c.incidents > 0).slice(0, 120);
    const empty = cells.filter((c) => c.incidents === 0).slice(0, 120);
    expect(busy.length).toBeGreaterThan(0);
    const sample = [...busy, ...empty];
    // finer than the sensitive-category resolution, even an analyst's counts leave those categories out (docs/security.md)
    const leftOut = resolution > SENSITIVE_MAX_RESOLUTION ? t.config.privacy.sensitiveCategories : [];
    const reference = await pointInHexagonCounts(
      sample.map((c) => c.h3),
      window.from,
      window.to,
      leftOut,
    );
    const mismatches = sample.filter((c) => reference.get(c.h3) !== c.incidents).map((c) => `${c.h3}: API ${c.incidents}, PostGIS ${reference.get(c.h3)}`);
    expect({ resolution, mismatches }).toEqual({ resolution, mismatches: [] });
  }
}

describe('stored cells', () => {
  it('equal h3-js latLngToCell at every resolution for random points, through the real write path', async () => {
    const knex = t.server.db.knex;
    await truncateLayers(t.server);
    let serial = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.double({ min: -179.999, max: 179.999, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true })), { minLength: 1, maxLength: 60 }), async (points) => {
        const records: IncidentRecord[] = points.map(([lng, lat]) => ({
          source: 'property',
          externalId: `p${serial++}`,
          occurredAt: new Date('2026-01-01T00:00:00Z'),
          category: 'theft',
          outdoor: null,
          description: null,
          timePrecision: 'exact',
          geometry: { type: 'Point', coordinates: [lng, lat] },
        }));
        await upsertBatch(knex, 'incidents', records, 11);
        const stored = (await knex('incidents')
          .whereIn(
            'external_id',
            records.map((r) => r.externalId),
          )
          .select('external_id', ...CELL_RESOLUTIONS.map((r) => knex.raw(`${cellColumn(r)}::text AS r${r}`)))) as Record<string, string>[];
        const byId = new Map(stored.map((s) => [s.external_id, s]));
        for (const r of records) {
          const [lng, lat] = r.geometry.coordinates;
          for (const res of CELL_RESOLUTIONS) expect(bigintToCell(byId.get(r.externalId)![`r${res}`])).toBe(latLngToCell(lat, lng, res));
        }
      }),
      { numRuns: 12, seed: 20261203 },
    );
  });
});

describe('the demo city', () => {
  beforeAll(async () => {
    await truncateLayers(t.server);
    await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 6000 });
  });

  it('counts hexagons at resolutions 7 to 11 as PostGIS counts the incidents inside each hexagon', async () => {
    // the middle of the city: a few thousand cells even at resolution 11
    await expectHexagonsEqualPointInPolygon({ bbox: [76.91, 43.235, 76.95, 43.26] }, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
  });

  it('stores each incident in the district and precinct that cover its point (ST_Covers), and lists it there', async () => {
    const knex = t.server.db.knex;
    const { rows } = await knex.raw(`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE i.district_id IS DISTINCT FROM cover.district)::int AS district_mismatches,
             count(*) FILTER (WHERE i.precinct_id IS DISTINCT FROM cover.precinct)::int AS precinct_mismatches,
             count(*) FILTER (WHERE cover.district IS NULL)::int AS in_no_district
        FROM incidents i
        CROSS JOIN LATERAL (SELECT
          (SELECT min(a.id) FROM areas a WHERE a.kind = 'district' AND ST_Covers(a.geom, i.geom)) AS district,
          (SELECT min(a.id) FROM areas a WHERE a.kind = 'precinct' AND ST_Covers(a.geom, i.geom)) AS precinct) cover
       WHERE cover.district IS NOT NULL OR i.district_id IS NULL`);
    const r = rows[0] as { n: number; district_mismatches: number; precinct_mismatches: number; in_no_district: number };
    expect(r.n).toBeGreaterThan(5000);
    expect(r.district_mismatches).toBe(0);
    expect(r.precinct_mismatches).toBe(0);
    // the GraphQL field reads the same stored membership
    const listed = await t.gql<{ incidents: { nodes: { id: string; district: { id: string } | null }[] } }>('{ incidents(first: 50) { nodes { id district { id } } } }');
    expect(listed.errors).toBeUndefined();
    const nodes = listed.data!.incidents.nodes;
    expect(nodes.length).toBe(50);
    const stored = (await knex('incidents')
      .whereIn(
        'id',
        nodes.map((n) => n.id),
      )
      .select('id', 'district_id')) as { id: string; district_id: string | null }[];
    const byId = new Map(stored.map((s) => [String(s.id), s.district_id === null ? null : String(s.district_id)]));
    for (const n of nodes) expect(n.district?.id ?? null).toBe(byId.get(n.id));
  });

  it('recomputes the districts of stored incidents when the areas change, in the same transaction', async () => {
    const knex = t.server.db.knex;
    const [{ id: districtId }] = (await knex('areas').where({ kind: 'district' }).orderBy('id').limit(1).select('id')) as { id: string }[];
    const before = Number(((await knex('incidents').where({ district_id: districtId }).count('* as n')) as { n: string }[])[0].n);
    expect(before).toBeGreaterThan(0);
    // shrink the district to a tiny square far from the city, read inside the transaction, then undo
    const trx = await knex.transaction();
    const during = await (async () => {
      try {
        await trx('areas')
          .where({ id: districtId })
          .update({ geom: trx.raw('ST_Multi(ST_MakeEnvelope(0, 0, 0.001, 0.001, 4326))') });
        return Number(((await trx('incidents').where({ district_id: districtId }).count('* as n')) as { n: string }[])[0].n);
      } finally {
        await trx.rollback();
      }
    })();
    expect(during).toBe(0);
    expect(Number(((await knex('incidents').where({ district_id: districtId }).count('* as n')) as { n: string }[])[0].n)).toBe(before);
  });

  it('gives straight-line coverage per district equal to ST_DWithin on geography and ST_Covers, over the city lattice', async () => {
    const answer = await t.gql<{
      coverage: { districts: { areaId: string; coverage: { incidents: { total: number; covered: number } } }[] };
    }>('{ coverage(area: { city: true }, method: STRAIGHT_LINE, detourFactor: 1.3, radius: 400, resolution: 9) { districts { areaId coverage { incidents { total covered } } } } }');
    expect(answer.errors).toBeUndefined();
    const cells = (await t.gql<HexagonCells>('query { hexagons(area: { city: true }, resolution: 9) { studyArea { incidentCount } cells { h3 incidents } } }')).data!.hexagons.cells.map((c) => c.h3);
    const { rows } = await t.server.db.knex.raw(
      `SELECT i.district_id::text AS area_id, count(*)::int AS total,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM posts p WHERE ST_DWithin(p.geom::geography, i.geom::geography, 400 / 1.3)))::int AS covered
         FROM incidents i WHERE i.${cellColumn(9)} = ANY(?::bigint[]) AND i.district_id IS NOT NULL GROUP BY 1`,
      [cells.map((c) => BigInt(`0x${c}`).toString())],
    );
    const expected = Object.fromEntries((rows as { area_id: string; total: number; covered: number }[]).map((r) => [r.area_id, { total: r.total, covered: r.covered }]));
    const got = Object.fromEntries(answer.data!.coverage.districts.map((d) => [d.areaId, d.coverage.incidents]));
    expect(got).toEqual(expected);
  });
});

describe('real police.uk months', () => {
  const LONDON: BBox = [-0.6, 51.2, 0.8, 52.2];
  let workDir: string;

  beforeAll(async () => {
    await truncateLayers(t.server);
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'exact-geometry-'));
    for (const month of ['2018-01', '2018-02', '2018-03']) {
      const file = path.join(POLICE_UK_DIR, `${month}-city-of-london-street.csv`);
      await importFile(t.server.db.knex, {
        layer: 'incidents',
        file,
        bounds: LONDON,
        timeZone: 'Europe/London',
        batchSize: 5000,
        fineResolution: 11,
        defaultSource: 'city_of_london_police',
        rejectsPath: path.join(workDir, `${month}.rejects.csv`),
      });
    }
  });

  afterAll(async () => {
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('counts hexagons at resolutions 7 to 11 as PostGIS counts the incidents inside each hexagon', async () => {
    await expectHexagonsEqualPointInPolygon({ bbox: [-0.115, 51.505, -0.07, 51.525] }, { from: '2018-01-01T00:00:00Z', to: '2018-04-01T00:00:00Z' });
  });
});
